/**
 * Highlighted matches for search results. A word of a title or abstract is
 * marked when the field's analyzer (the same one the index used) turns it
 * into a term that the query searched for in that field: "Retrieving" is
 * marked for the query `retrieval` because both become "retriev". Words are
 * the tokens of Lucene's StandardTokenizer, as in the index, each analyzed on
 * its own (every filter after the tokenizer works per token, so this gives
 * the indexed terms). Everything else is HTML-escaped, so the result can be
 * inserted into a page as it is.
 */
import type { QueryNode } from "./query-ast.js";
import type { Analyzer } from "../text/analyzer.js";
import { StandardTokenizer } from "../text/standard-tokenizer.js";
import { TokenBuffer } from "../text/token-buffer.js";
import { termsOfWord } from "../text/word-terms.js";

/** What to mark in one field: exact terms and term prefixes (from `retriev*`). */
export interface MarkedTerms {
  terms: Set<string>;
  prefixes: string[];
}

/**
 * The analyzed terms that `query` searches for in `field`: words and phrases
 * without a field (they search every default text field) or with this field;
 * excluded clauses (`-word`, NOT) are left out.
 */
export function queryTermsFor(query: QueryNode, field: string, analyzer: Analyzer): MarkedTerms {
  const out: MarkedTerms = { terms: new Set(), prefixes: [] };
  const visit = (node: QueryNode): void => {
    switch (node.kind) {
      case "term":
      case "phrase":
        if (node.field === undefined || node.field === field) analyzer.analyze(node.text, (term) => void out.terms.add(term));
        break;
      case "prefix":
        if ((node.field === undefined || node.field === field) && node.prefix.length > 0) out.prefixes.push(node.prefix.toLowerCase());
        break;
      case "bool":
        node.must.forEach(visit);
        node.should.forEach(visit);
        break;
      default:
        break;
    }
  };
  visit(query);
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

interface Token {
  start: number;
  end: number;
  marked: boolean;
}

const tokenizer = new StandardTokenizer();
const buffer = new TokenBuffer(256);

function tokens(text: string, analyzer: Analyzer, marked: MarkedTerms): Token[] {
  const n = tokenizer.tokenize(text, buffer);
  const out: Token[] = new Array(n);
  const hasTerms = marked.terms.size > 0 || marked.prefixes.length > 0;
  for (let t = 0; t < n; t++) {
    const start = buffer.starts[t];
    const end = buffer.ends[t];
    let hit = false;
    if (hasTerms) {
      for (const term of termsOfWord(analyzer, text.slice(start, end))) {
        if (marked.terms.has(term) || marked.prefixes.some((p) => term.startsWith(p))) {
          hit = true;
          break;
        }
      }
    }
    out[t] = { start, end, marked: hit };
  }
  return out;
}

function render(text: string, list: readonly Token[], from: number, to: number, startChar: number, endChar: number): string {
  let html = "";
  let at = startChar;
  for (let t = from; t < to; t++) {
    const token = list[t];
    if (!token.marked) continue;
    html += escapeHtml(text.slice(at, token.start));
    html += `<mark>${escapeHtml(text.slice(token.start, token.end))}</mark>`;
    at = token.end;
  }
  return html + escapeHtml(text.slice(at, endChar));
}

export interface Highlighted {
  /** HTML: escaped text with the matched words in `<mark>`. */
  html: string;
  /** Number of marked words. */
  matches: number;
}

/** The whole text, escaped, with matched words marked. */
export function highlight(text: string, analyzer: Analyzer, marked: MarkedTerms): Highlighted {
  const list = tokens(text, analyzer, marked);
  return { html: render(text, list, 0, list.length, 0, text.length), matches: list.filter((t) => t.marked).length };
}

/**
 * A passage of at most about `maxChars` characters around the densest matches
 * (the start of the text when nothing matches), cut at word boundaries, with
 * "…" where text was left out.
 */
export function snippet(text: string, analyzer: Analyzer, marked: MarkedTerms, maxChars = 300): Highlighted {
  if (text.length <= maxChars) return highlight(text, analyzer, marked);
  const list = tokens(text, analyzer, marked);
  if (list.length === 0) return { html: escapeHtml(text.slice(0, maxChars)) + "…", matches: 0 };
  // the window [first, last] of tokens that fits in maxChars with the most marked tokens
  let bestFirst = 0;
  let bestCount = -1;
  let last = 0;
  let count = 0;
  for (let first = 0; first < list.length; first++) {
    if (last < first) {
      last = first;
      count = 0;
    }
    while (last < list.length && list[last].end - list[first].start <= maxChars) {
      if (list[last].marked) count++;
      last++;
    }
    if (count > bestCount) {
      bestCount = count;
      bestFirst = first;
    }
    if (list[first].marked) count--;
  }
  // start a little before the first match so the passage reads as a sentence
  let first = bestFirst;
  const firstMark = list.findIndex((t, i) => i >= bestFirst && t.marked);
  if (firstMark > 0) {
    first = firstMark;
    while (first > 0 && list[firstMark].start - list[first - 1].start <= maxChars / 4) first--;
  }
  let end = first;
  while (end < list.length && list[end].end - list[first].start <= maxChars) end++;
  if (end === first) end = first + 1;
  const startChar = first === 0 ? 0 : list[first].start;
  const endChar = end === list.length ? text.length : list[end - 1].end;
  let html = render(text, list, first, end, startChar, endChar);
  if (startChar > 0) html = `…${html}`;
  if (endChar < text.length) html = `${html}…`;
  let matches = 0;
  for (let t = first; t < end; t++) if (list[t].marked) matches++;
  return { html, matches };
}
