/**
 * How a reader's search text becomes a query, forgivingly: pasted titles,
 * formulas and half-typed syntax must find papers, never answer an error.
 *
 * - The text is read in Trove's query language (docs/query-language.md).
 * - A `name:` before a value whose name is not a field of the papers is part
 *   of the text, not a field: "Scholar Inbox: Personalized Paper
 *   Recommendations" searches the words Scholar, Inbox, Personalized, ...
 * - Text that is not valid query syntax ("R^2R", an unclosed quote, a
 *   dangling AND) is searched as its plain words, and the answer says so.
 *
 * `readQuery` throws only for a query over the cost limits (query-limits.ts,
 * as its plain words too); the engine can still refuse a
 * query later (a malformed date in a range), and `wordsQuery` is the
 * fallback for that too.
 */
import type { BoolNode, QueryNode } from "../../../src/lexical/query-ast.js";
import { QueryLimitError, checkQueryLimits, type QueryLimits } from "../../../src/lexical/query-limits.js";
import { parseQuery } from "../../../src/lexical/query-parser.js";
import { StandardTokenizer } from "../../../src/text/standard-tokenizer.js";

export interface ReadQuery {
  query: QueryNode;
  /** "query": read in the query language; "words": searched as plain words. */
  readAs: "query" | "words";
  /** For the reader, when the text was not read as written: what was searched instead and why. */
  notice?: string;
}

const tokenizer = new StandardTokenizer();

/** The plain words of `text` as a bag-of-words query (no operators, no fields). */
export function wordsOf(text: string): QueryNode {
  const should: QueryNode[] = tokenizer.tokens(text).map((word) => ({ kind: "term", text: word }));
  return { kind: "bool", must: [], should, mustNot: [] };
}

/** `text` searched as plain words, with a notice naming `reason`. */
export function wordsQuery(text: string, reason: string): ReadQuery {
  return { query: wordsOf(text), readAs: "words", notice: `Searched for the words of your text: ${reason}.` };
}

/**
 * Reads `text` in the query language, with fields that are not in `fields`
 * taken as words; text that does not parse becomes its plain words. A query
 * over `limits` (also as words) throws QueryLimitError.
 */
export function readQuery(text: string, fields: ReadonlySet<string>, limits?: QueryLimits): ReadQuery {
  let parsed: QueryNode;
  try {
    parsed = parseQuery(text, { limits });
  } catch (error) {
    if (error instanceof QueryLimitError) throw error;
    const words = wordsQuery(text, `it is not valid query syntax (${(error as Error).message})`);
    if (limits) checkQueryLimits(words.query, limits);
    return words;
  }
  const notFields = new Set<string>();
  const query = unknownFieldsAsWords(parsed, fields, notFields);
  if (notFields.size === 0) return { query, readAs: "query" };
  const names = [...notFields].map((f) => `“${f}”`).join(", ");
  return { query, readAs: "query", notice: `${names} ${notFields.size === 1 ? "is not a field" : "are not fields"} of the papers, so ${notFields.size === 1 ? "it was" : "they were"} searched as ${notFields.size === 1 ? "a word" : "words"}.` };
}

/** The tree with every clause on a field not in `fields` replaced by its words (the field name among them). */
function unknownFieldsAsWords(node: QueryNode, fields: ReadonlySet<string>, notFields: Set<string>): QueryNode {
  if (node.kind === "bool") {
    const map = (list: readonly QueryNode[]) => list.map((n) => unknownFieldsAsWords(n, fields, notFields));
    const out: BoolNode = { ...node, must: map(node.must), should: map(node.should), mustNot: map(node.mustNot) };
    return out;
  }
  if (node.kind === "matchAll" || node.field === undefined || fields.has(node.field)) return node;
  notFields.add(node.field);
  const name: QueryNode = { kind: "term", text: node.field };
  let value: QueryNode;
  switch (node.kind) {
    case "term":
      value = { kind: "term", text: node.text };
      break;
    case "phrase":
      value = { kind: "phrase", text: node.text, slop: node.slop };
      break;
    case "prefix":
      value = { kind: "prefix", prefix: node.prefix };
      break;
    case "range":
      value = wordsOf([node.lower, node.upper].filter((x) => x !== undefined).join(" "));
      break;
  }
  if (node.kind !== "range" && node.boost !== undefined && (value.kind === "term" || value.kind === "phrase" || value.kind === "prefix")) value = { ...value, boost: node.boost };
  return { kind: "bool", must: [], should: [name, value], mustNot: [] };
}
