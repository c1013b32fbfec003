/**
 * Trove's query language (docs/query-language.md), close to Lucene's classic
 * query parser, parsed by recursive descent into the AST of query-ast.ts; and
 * `queryToString`, which prints an AST back in the same language.
 *
 * Grammar (whitespace between tokens is free):
 *
 *   query       := <empty> | list
 *   list        := conjunction ( (OR | "||" | <juxtaposition, default "or">) conjunction )*
 *   conjunction := modClause ( (AND | "&&" | <juxtaposition, default "and">) modClause )*
 *   modClause   := ( "+" | "-" | "!" | NOT )? clause
 *   clause      := field ":" value | value
 *   value       := "(" list ")" boost? | '"' chars '"' ("~" slop)? boost? | range boost?
 *                | (">" | ">=" | "<" | "<=") word boost? | word boost?        (word may end in an unescaped "*")
 *   range       := ("[" | "{") bound TO bound ("]" | "}")
 *
 * AND binds tighter than OR, so `a AND b OR c` is `(a AND b) OR c`. Inside a
 * list, `+x`, `-x` and `NOT x` keep Lucene's meaning (required, excluded)
 * whatever the operator before them. Operators and `+ - !` are operators only
 * at the start of a clause: `state-of-the-art` and `C++` are single words.
 *
 * The parser does not analyze text or know field types: words stay raw.
 */
import { InvalidArgumentError, InvalidQueryError } from "../core/errors.js";
import { checkQueryLimits, type QueryLimits } from "./query-limits.js";
import {
  boolDepth,
  MAX_QUERY_DEPTH,
  MAX_QUERY_LENGTH,
  type BoolNode,
  type QueryNode,
  type RangeNode,
} from "./query-ast.js";

export interface ParseQueryOptions {
  /** How clauses written side by side combine: "or" (default, bag of words as in Anserini) or "and". */
  defaultOperator?: "or" | "and";
  /** Field given to words, phrases, prefixes and ranges written without one. Default: none (the engine's default fields). */
  defaultField?: string;
  /** Deepest parenthesis nesting accepted (default 64). */
  maxDepth?: number;
  /** Longest query accepted, in UTF-16 code units (default 10,000). */
  maxLength?: number;
  /** Most clauses and prefix clauses (query-limits.ts); none unless given (servers pass DEFAULT_QUERY_LIMITS or their own). */
  limits?: QueryLimits;
}

/**
 * Parses a query string into an AST. The empty query, `*` and `*:*` match all
 * documents. Throws InvalidQueryError with the character position for syntax
 * errors and InvalidArgumentError for bad options.
 */
export function parseQuery(input: string, options: ParseQueryOptions = {}): QueryNode {
  const defaultOperator = options.defaultOperator ?? "or";
  if (defaultOperator !== "or" && defaultOperator !== "and") {
    throw new InvalidArgumentError(`defaultOperator must be "or" or "and", got ${JSON.stringify(defaultOperator)}`);
  }
  if (options.defaultField !== undefined && (typeof options.defaultField !== "string" || options.defaultField === "")) {
    throw new InvalidArgumentError("defaultField must be a non-empty string");
  }
  const maxDepth = positiveInteger(options.maxDepth, MAX_QUERY_DEPTH, "maxDepth");
  const maxLength = positiveInteger(options.maxLength, MAX_QUERY_LENGTH, "maxLength");
  if (typeof input !== "string") throw new InvalidArgumentError(`the query must be a string, got ${typeof input}`);
  if (input.length > maxLength) {
    throw new InvalidQueryError(`the query is ${input.length} characters long; the limit is ${maxLength}`, maxLength);
  }
  const node = new QueryParser(input, defaultOperator, options.defaultField, maxDepth).parse();
  if (boolDepth(node) > maxDepth) throw new InvalidQueryError(`the query nests more than ${maxDepth} levels deep`);
  if (options.limits) checkQueryLimits(node, options.limits);
  return node;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`);
  return value;
}

type Modifier = "none" | "must" | "mustNot";

interface Clause {
  mod: Modifier;
  node: QueryNode;
}

/** A bare word as scanned: escapes resolved, unescaped `*` positions recorded. */
interface Word {
  text: string;
  start: number;
  /** Input positions of unescaped `*`. */
  stars: number[];
  /** The word's last character is an unescaped `*`. */
  trailingStar: boolean;
}

const SPACE = /\s/;
/** Characters that end a bare word (besides whitespace); a backslash escapes any of them. */
const WORD_STOP = new Set(["(", ")", "[", "]", "{", "}", "^", '"', "~", ":"]);
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

class QueryParser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly input: string,
    private readonly defaultOperator: "or" | "and",
    private readonly defaultField: string | undefined,
    private readonly maxDepth: number,
  ) {}

  parse(): QueryNode {
    this.skipSpace();
    if (this.atEnd()) return { kind: "matchAll" };
    const node = this.parseList(undefined);
    if (!this.atEnd()) throw new InvalidQueryError('unbalanced parentheses: this ")" has no matching "("', this.pos);
    return node;
  }

  // ---- lists, operators and modifiers

  /** Clauses up to the end of the input or an unconsumed ")". */
  private parseList(field: string | undefined): QueryNode {
    const alternatives: Clause[] = [];
    let conjunction: Clause[] = [this.parseModClause(field)];
    for (;;) {
      this.skipSpace();
      if (this.atEnd() || this.peek() === ")") break;
      const operator = this.peekBinaryOperator();
      let op = this.defaultOperator;
      if (operator) {
        op = operator.op;
        this.pos += operator.text.length;
        this.skipSpace();
        const next = this.peekBinaryOperator();
        if (next) throw new InvalidQueryError(`"${operator.text}" cannot be followed by "${next.text}"`, this.pos);
        if (this.atEnd() || this.peek() === ")") throw new InvalidQueryError(`"${operator.text}" must be followed by a clause`, operator.start);
      }
      const clause = this.parseModClause(field);
      if (op === "and") {
        conjunction.push(clause);
      } else {
        alternatives.push(conjoin(conjunction));
        conjunction = [clause];
      }
    }
    alternatives.push(conjoin(conjunction));
    if (alternatives.length === 1 && alternatives[0].mod === "none") return alternatives[0].node;
    return buildBool(alternatives, "should");
  }

  private parseModClause(field: string | undefined): Clause {
    const start = this.pos;
    const binary = this.peekBinaryOperator();
    if (binary) throw new InvalidQueryError(`"${binary.text}" must come between two clauses`, start);
    const modifier = this.peekModifier();
    if (!modifier) return { mod: "none", node: this.parseClause(field, false) };
    this.pos += modifier.text.length;
    this.skipSpace();
    if (this.atEnd() || this.peek() === ")" || this.peekBinaryOperator()) {
      throw new InvalidQueryError(`"${modifier.text}" must be followed by a clause`, start);
    }
    const second = this.peekModifier();
    if (second) throw new InvalidQueryError(`"${modifier.text}" cannot be followed by another operator ("${second.text}")`, this.pos);
    return { mod: modifier.mod, node: this.parseClause(field, false) };
  }

  private peekModifier(): { mod: Modifier; text: string } | undefined {
    const ch = this.peek();
    if (ch === "+") return { mod: "must", text: "+" };
    if (ch === "-") return { mod: "mustNot", text: "-" };
    if (ch === "!") return { mod: "mustNot", text: "!" };
    if (this.keywordAt("NOT")) return { mod: "mustNot", text: "NOT" };
    return undefined;
  }

  private peekBinaryOperator(): { op: "and" | "or"; text: string; start: number } | undefined {
    const start = this.pos;
    if (this.input.startsWith("&&", start)) return { op: "and", text: "&&", start };
    if (this.input.startsWith("||", start)) return { op: "or", text: "||", start };
    if (this.keywordAt("AND")) return { op: "and", text: "AND", start };
    if (this.keywordAt("OR")) return { op: "or", text: "OR", start };
    return undefined;
  }

  /** An upper-case keyword that forms a whole word here (and is not a field name). */
  private keywordAt(keyword: string): boolean {
    if (!this.input.startsWith(keyword, this.pos)) return false;
    const after = this.input[this.pos + keyword.length];
    return after === undefined || SPACE.test(after) || (WORD_STOP.has(after) && after !== ":");
  }

  // ---- clauses

  /** One clause; `afterColon` when it is the value of an explicit `field:`. */
  private parseClause(field: string | undefined, afterColon: boolean): QueryNode {
    const start = this.pos;
    const ch = this.peek();
    switch (ch) {
      case "(":
        return this.parseGroup(field);
      case '"':
        return this.parsePhrase(field);
      case "[":
      case "{":
        return this.boosted(this.parseRange(field));
      case ">":
      case "<":
        return this.boosted(this.parseComparison(field));
      case ")":
        throw new InvalidQueryError('unbalanced parentheses: this ")" has no matching "("', start);
      case "]":
      case "}":
        throw new InvalidQueryError(`unexpected "${ch}": a range is written field:[low TO high] or field:{low TO high}`, start);
      case "^":
        throw new InvalidQueryError('a boost "^" must follow a word, phrase or group, as in word^2', start);
      case "~":
        throw new InvalidQueryError('"~" must follow a phrase, as in "dense retrieval"~2', start);
      case ":":
        throw new InvalidQueryError('":" must follow a field name; write \\: to search for a colon', start);
    }
    const word = this.scanWord();
    if (this.peek() !== ":") return this.boosted(this.leaf(word, field));
    if (afterColon) throw new InvalidQueryError(`unexpected ":" in the value of field "${field}"; write \\: to search for a colon`, this.pos);
    const colon = this.pos;
    this.pos++;
    if (word.text === "*" && word.stars.length === 1) {
      const value = this.scanWord();
      if (value.text !== "*" || value.stars.length !== 1) throw new InvalidQueryError('"*:" must be followed by "*" ("*:*" matches all documents)', colon + 1);
      return this.boosted({ kind: "matchAll" });
    }
    if (word.stars.length > 0) throw new InvalidQueryError('a field name cannot contain "*"', word.stars[0]);
    return this.parseFieldValue(word.text, `"${this.input.slice(word.start, colon + 1)}"`);
  }

  /** The value after `field:`; `label` is the field as written, for messages. */
  private parseFieldValue(field: string, label: string): QueryNode {
    this.skipSpace();
    if (this.atEnd() || this.peek() === ")" || this.peekBinaryOperator() || this.keywordAt("NOT")) {
      throw new InvalidQueryError(`expected a value after ${label}`, this.pos);
    }
    const ch = this.peek();
    if (ch === "+" || ch === "-" || ch === "!") {
      throw new InvalidQueryError(
        `expected a value after ${label}, found "${ch}": put operators before the field (${ch}${field}:value), or write \\${ch} to search for a value starting with "${ch}"`,
        this.pos,
      );
    }
    return this.parseClause(field, true);
  }

  private parseGroup(field: string | undefined): QueryNode {
    const open = this.pos;
    if (this.depth >= this.maxDepth) throw new InvalidQueryError(`the query nests more than ${this.maxDepth} levels of parentheses`, open);
    this.depth++;
    this.pos++;
    this.skipSpace();
    if (this.peek() === ")") throw new InvalidQueryError("empty group: () contains no clause", open);
    if (this.atEnd()) throw new InvalidQueryError('unbalanced parentheses: this "(" is never closed', open);
    const node = this.parseList(field);
    if (this.peek() !== ")") throw new InvalidQueryError('unbalanced parentheses: this "(" is never closed', open);
    this.pos++;
    this.depth--;
    return this.boosted(node);
  }

  private parsePhrase(field: string | undefined): QueryNode {
    const text = this.scanQuoted("phrase");
    const f = field ?? this.defaultField;
    const node: QueryNode = f === undefined ? { kind: "phrase", text, slop: 0 } : { kind: "phrase", field: f, text, slop: 0 };
    if (this.peek() === "~") {
      const tilde = this.pos;
      this.pos++;
      const token = this.scanNumberToken();
      if (!/^\d+$/.test(token) || !Number.isSafeInteger(Number(token))) {
        throw new InvalidQueryError(`expected a whole number after "~" (the phrase slop, as in "a b"~2), found "${token}"`, tilde + 1);
      }
      node.slop = Number(token);
    }
    return this.boosted(node);
  }

  private parseRange(field: string | undefined): RangeNode {
    const open = this.pos;
    const f = field ?? this.defaultField;
    if (f === undefined) throw new InvalidQueryError("a range needs a field, as in year:[2020 TO 2023]", open);
    const includeLower = this.peek() === "[";
    this.pos++;
    this.skipSpace();
    const lower = this.scanBound("lower", open);
    this.skipSpace();
    if (this.atEnd()) throw new InvalidQueryError(`unterminated range: this "${this.input[open]}" is never closed`, open);
    const afterTo = this.input[this.pos + 2] ?? "";
    if (!this.input.startsWith("TO", this.pos) || !(afterTo === "" || afterTo === "]" || afterTo === "}" || SPACE.test(afterTo))) {
      throw new InvalidQueryError('expected "TO" between the bounds of the range, as in [2020 TO 2023]', this.pos);
    }
    this.pos += 2;
    this.skipSpace();
    const upper = this.scanBound("upper", open);
    this.skipSpace();
    const close = this.peek();
    if (this.atEnd()) throw new InvalidQueryError(`unterminated range: this "${this.input[open]}" is never closed`, open);
    if (close !== "]" && close !== "}") throw new InvalidQueryError(`expected "]" or "}" to close the range, found "${close}"`, this.pos);
    this.pos++;
    const node: RangeNode = { kind: "range", field: f, includeLower, includeUpper: close === "]" };
    if (lower !== undefined) node.lower = lower;
    if (upper !== undefined) node.upper = upper;
    return node;
  }

  /** `>=2020` means [2020 TO *], `>2020` {2020 TO *], `<=2021` [* TO 2021], `<2021` [* TO 2021}. */
  private parseComparison(field: string | undefined): RangeNode {
    const start = this.pos;
    const f = field ?? this.defaultField;
    if (f === undefined) throw new InvalidQueryError("a comparison needs a field, as in year:>=2020; write \\> or \\< to search for the character", start);
    const op = this.input.startsWith("=", start + 1) ? this.input.slice(start, start + 2) : this.input[start];
    this.pos += op.length;
    let value: string;
    if (this.peek() === '"') {
      value = this.scanQuoted("value");
    } else {
      const word = this.scanWord();
      if (word.text === "") throw new InvalidQueryError(`expected a value right after "${op}", as in year:${op}2020`, this.pos);
      if (word.stars.length > 0) throw new InvalidQueryError(`"*" is not allowed in a comparison; write \\* to search for it`, word.stars[0]);
      value = word.text;
    }
    if (op[0] === ">") return { kind: "range", field: f, lower: value, includeLower: op === ">=", includeUpper: true };
    return { kind: "range", field: f, upper: value, includeLower: true, includeUpper: op === "<=" };
  }

  /** A term, prefix or match-all from a bare word. */
  private leaf(word: Word, field: string | undefined): QueryNode {
    if (word.text === "") throw new InvalidQueryError(`unexpected "${this.peek()}"`, this.pos);
    const misplaced = word.stars.find((_, i) => i < word.stars.length - 1 || !word.trailingStar);
    if (misplaced !== undefined) {
      throw new InvalidQueryError('"*" is only supported at the end of a word (a prefix query such as retriev*); write \\* to search for it', misplaced);
    }
    const f = field ?? this.defaultField;
    if (word.trailingStar) {
      const prefix = word.text.slice(0, -1);
      if (prefix === "") return field === undefined ? { kind: "matchAll" } : { kind: "prefix", field, prefix };
      return f === undefined ? { kind: "prefix", prefix } : { kind: "prefix", field: f, prefix };
    }
    return f === undefined ? { kind: "term", text: word.text } : { kind: "term", field: f, text: word.text };
  }

  /** Reads an optional `^boost` after a value; rejects fuzzy `~`. */
  private boosted(node: QueryNode): QueryNode {
    if (this.peek() === "~") {
      throw new InvalidQueryError('fuzzy queries (word~) are not supported; "~" only sets the slop of a phrase, as in "a b"~2', this.pos);
    }
    if (this.peek() !== "^") return node;
    const caret = this.pos;
    this.pos++;
    const token = this.scanNumberToken();
    const boost = Number(token);
    if (!NUMBER.test(token) || !Number.isFinite(boost)) {
      throw new InvalidQueryError(`expected a non-negative number after "^" (a boost, as in word^2 or word^0.5), found "${token}"`, caret + 1);
    }
    if (this.peek() === "^" || this.peek() === "~") throw new InvalidQueryError(`unexpected "${this.peek()}" after the boost`, this.pos);
    return applyBoost(node, boost);
  }

  // ---- scanning

  private scanWord(): Word {
    const start = this.pos;
    let text = "";
    const stars: number[] = [];
    let trailingStar = false;
    while (!this.atEnd()) {
      const ch = this.input[this.pos];
      if (ch === "\\") {
        text += this.escapedChar();
        trailingStar = false;
        continue;
      }
      if (SPACE.test(ch) || WORD_STOP.has(ch)) break;
      trailingStar = ch === "*";
      if (trailingStar) stars.push(this.pos);
      text += ch;
      this.pos++;
    }
    return { text, start, stars, trailingStar };
  }

  /** The character after a backslash; advances past both. */
  private escapedChar(): string {
    if (this.pos + 1 >= this.input.length) throw new InvalidQueryError("a backslash at the end of the query escapes nothing; write \\\\ for a backslash", this.pos);
    this.pos += 2;
    return this.input[this.pos - 1];
  }

  /** A double-quoted string with backslash escapes; the opening quote is at `pos`. */
  private scanQuoted(what: string): string {
    const open = this.pos;
    this.pos++;
    let text = "";
    for (;;) {
      if (this.atEnd()) throw new InvalidQueryError(`unterminated ${what}: this quote is never closed`, open);
      const ch = this.input[this.pos];
      if (ch === '"') break;
      if (ch === "\\" && this.pos + 1 < this.input.length) {
        text += this.escapedChar();
        continue;
      }
      text += ch;
      this.pos++;
    }
    this.pos++;
    return text;
  }

  /** A range bound: a quoted string, `*` for an open end, or characters up to whitespace, "]" or "}". */
  private scanBound(which: "lower" | "upper", open: number): string | undefined {
    const start = this.pos;
    if (this.atEnd()) throw new InvalidQueryError(`unterminated range: this "${this.input[open]}" is never closed`, open);
    const ch = this.peek();
    if (ch === "]" || ch === "}") throw new InvalidQueryError(`the range is missing its ${which} bound (write * for an open end)`, start);
    if (ch === '"') {
      const value = this.scanQuoted("range bound");
      const after = this.peek();
      if (after !== "" && !SPACE.test(after) && after !== "]" && after !== "}") {
        throw new InvalidQueryError(`unexpected "${after}" after the quoted ${which} bound`, this.pos);
      }
      return value;
    }
    let text = "";
    let escaped = false;
    while (!this.atEnd()) {
      const c = this.input[this.pos];
      if (SPACE.test(c) || c === "]" || c === "}") break;
      if (c === "\\") {
        text += this.escapedChar();
        escaped = true;
        continue;
      }
      text += c;
      this.pos++;
    }
    if (!escaped && text === "*") return undefined;
    if (!escaped && text === "TO" && which === "lower") throw new InvalidQueryError("the range is missing its lower bound (write * for an open end)", start);
    return text;
  }

  /** The characters of a number after "^" or "~", up to the end of the word. */
  private scanNumberToken(): string {
    const start = this.pos;
    while (!this.atEnd()) {
      const ch = this.input[this.pos];
      if (SPACE.test(ch) || (WORD_STOP.has(ch) && ch !== ":") || ch === "\\") break;
      this.pos++;
    }
    return this.input.slice(start, this.pos);
  }

  private skipSpace(): void {
    while (this.pos < this.input.length && SPACE.test(this.input[this.pos])) this.pos++;
  }

  private atEnd(): boolean {
    return this.pos >= this.input.length;
  }

  /** The current character, or "" at the end. */
  private peek(): string {
    return this.input[this.pos] ?? "";
  }
}

/** Clauses joined by AND: one clause stays itself; several become a bool of required (or excluded) clauses. */
function conjoin(clauses: Clause[]): Clause {
  if (clauses.length === 1) return clauses[0];
  return { mod: "none", node: buildBool(clauses, "must") };
}

/** A bool from modified clauses; unmodified clauses go to `plain`. Only-excluding bools get a match-all to exclude from. */
function buildBool(clauses: Clause[], plain: "must" | "should"): BoolNode {
  const node: BoolNode = { kind: "bool", must: [], should: [], mustNot: [] };
  for (const { mod, node: child } of clauses) node[mod === "none" ? plain : mod].push(child);
  if (node.must.length === 0 && node.should.length === 0) node.must.push({ kind: "matchAll" });
  return node;
}

/** Sets the boost of an unboosted term, phrase, prefix or bool; anything else is wrapped in a boosted bool. */
function applyBoost(node: QueryNode, boost: number): QueryNode {
  if ((node.kind === "term" || node.kind === "phrase" || node.kind === "prefix" || node.kind === "bool") && node.boost === undefined) {
    return { ...node, boost };
  }
  return { kind: "bool", must: [], should: [node], mustNot: [], boost };
}

// ---- printing

/**
 * Prints an AST in the query language. Every AST that `parseQuery` produces
 * prints to a string that parses back (with the default options) to an equal
 * AST. Other valid ASTs print to an equivalent query, except that a bool whose
 * only clause is one `should` clause prints as that clause (a boost on it
 * moving to the clause when the clause has none).
 */
export function queryToString(node: QueryNode): string {
  return print(node, true);
}

function print(node: QueryNode, top: boolean): string {
  switch (node.kind) {
    case "matchAll":
      return "*:*";
    case "term":
      if (node.text === "") throw new InvalidQueryError("cannot print a term with empty text");
      return fieldPrefix(node.field) + escapeQueryWord(node.text) + boostSuffix(node.boost);
    case "prefix":
      if (node.prefix === "" && node.field === undefined) throw new InvalidQueryError("cannot print an empty prefix without a field");
      return fieldPrefix(node.field) + escapeQueryWord(node.prefix) + "*" + boostSuffix(node.boost);
    case "phrase":
      return fieldPrefix(node.field) + quote(node.text) + (node.slop !== 0 ? `~${node.slop}` : "") + boostSuffix(node.boost);
    case "range":
      return `${fieldPrefix(node.field)}${node.includeLower ? "[" : "{"}${printBound(node.lower)} TO ${printBound(node.upper)}${node.includeUpper ? "]" : "}"}`;
    case "bool": {
      if (node.must.length === 0 && node.should.length === 0) {
        throw new InvalidQueryError("cannot print a bool node without must or should clauses (it would match nothing)");
      }
      const parts = [
        ...node.must.map((n) => `+${print(n, false)}`),
        ...node.should.map((n) => print(n, false)),
        ...node.mustNot.map((n) => `-${print(n, false)}`),
      ];
      const body = parts.join(" ");
      const loneShould = parts.length === 1 && node.should.length === 1;
      return top && node.boost === undefined && !loneShould ? body : `(${body})${boostSuffix(node.boost)}`;
    }
  }
}

function fieldPrefix(field: string | undefined): string {
  return field === undefined ? "" : `${escapeQueryWord(field)}:`;
}

function boostSuffix(boost: number | undefined): string {
  return boost === undefined ? "" : `^${String(boost)}`;
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, "\\$&")}"`;
}

function printBound(value: string | undefined): string {
  if (value === undefined) return "*";
  if (value === "" || value === "*" || value === "TO" || /[\s\]}"\\]/.test(value)) return quote(value);
  return value;
}

const ESCAPE_ANYWHERE = new Set([...WORD_STOP, "\\", "*"]);
const ESCAPE_AT_START = new Set(["+", "-", "!", "<", ">"]);

/** Escapes a word so that it scans back as exactly `text`, never as an operator. */
export function escapeQueryWord(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const special =
      ESCAPE_ANYWHERE.has(ch) ||
      SPACE.test(ch) ||
      (i === 0 && (ESCAPE_AT_START.has(ch) || text.startsWith("&&") || text.startsWith("||") || text === "AND" || text === "OR" || text === "NOT"));
    out += special ? `\\${ch}` : ch;
  }
  return out;
}
