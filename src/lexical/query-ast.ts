/**
 * The query AST: what `parseQuery` (query-parser.ts) produces from the query
 * language, what the HTTP API accepts directly as JSON, and what the planner
 * (query-plan.ts) executes.
 *
 * Text is kept raw: the engine analyzes it later with each field's analyzer,
 * and decides from the field's type whether `year:2020` is a text term, a
 * keyword match or a numeric filter. Nodes are plain JSON: no classes, no
 * `undefined` values, no cycles.
 *
 * A `bool` node follows Lucene's BooleanQuery: a document must match every
 * `must` clause and no `mustNot` clause; `should` clauses add to the score and,
 * when there are no `must` clauses, at least one of them must match. A bool
 * with only `mustNot` clauses would match nothing, so it is invalid here: the
 * parser writes `NOT x` as `{ must: [matchAll], mustNot: [x] }`.
 */
import { InvalidQueryError } from "../core/errors.js";

/** One word (or a keyword/number/date value) for `field`, or for the default fields when `field` is absent. */
export interface TermNode {
  kind: "term";
  field?: string;
  text: string;
  boost?: number;
}

/** Words in order; `slop` is how many position moves are allowed (0 = exact phrase). */
export interface PhraseNode {
  kind: "phrase";
  field?: string;
  text: string;
  slop: number;
  boost?: number;
}

/** Every term that starts with `prefix`. With a field, an empty prefix means "the field has a value". */
export interface PrefixNode {
  kind: "prefix";
  field?: string;
  prefix: string;
  boost?: number;
}

/** A filter on a keyword, number or date field; a missing bound is open. Ranges do not score. */
export interface RangeNode {
  kind: "range";
  field: string;
  lower?: string;
  upper?: string;
  includeLower: boolean;
  includeUpper: boolean;
}

export interface BoolNode {
  kind: "bool";
  must: QueryNode[];
  should: QueryNode[];
  mustNot: QueryNode[];
  boost?: number;
}

export interface MatchAllNode {
  kind: "matchAll";
}

export type QueryNode = TermNode | PhraseNode | PrefixNode | RangeNode | BoolNode | MatchAllNode;

/** Longest query string `parseQuery` accepts by default (UTF-16 code units). */
export const MAX_QUERY_LENGTH = 10_000;

/** Deepest nesting accepted by default: parentheses in a query string, bool nodes in an AST. */
export const MAX_QUERY_DEPTH = 64;

/** How many bool nodes lie on the deepest path from `node` down (0 for a leaf). */
export function boolDepth(node: QueryNode): number {
  if (node.kind !== "bool") return 0;
  let deepest = 0;
  for (const list of [node.must, node.should, node.mustNot]) {
    for (const child of list) deepest = Math.max(deepest, boolDepth(child));
  }
  return deepest + 1;
}

export interface ValidateQueryOptions {
  /** Most bool nodes allowed on one path (default MAX_QUERY_DEPTH). */
  maxDepth?: number;
}

const ALLOWED_KEYS: Record<QueryNode["kind"], readonly string[]> = {
  term: ["kind", "field", "text", "boost"],
  phrase: ["kind", "field", "text", "slop", "boost"],
  prefix: ["kind", "field", "prefix", "boost"],
  range: ["kind", "field", "lower", "upper", "includeLower", "includeUpper"],
  bool: ["kind", "must", "should", "mustNot", "boost"],
  matchAll: ["kind"],
};

/**
 * Checks a query AST received as JSON and returns a clean copy typed as a
 * QueryNode. Throws InvalidQueryError whose message starts with the path of
 * the bad value, e.g. `must[1].field: expected a non-empty string`.
 *
 * Lenient where JSON producers differ: `null` counts as absent for optional
 * properties, missing `must`/`should`/`mustNot` are empty lists, a missing
 * `slop` is 0 and missing `includeLower`/`includeUpper` are true. Unknown
 * properties are rejected so that typos do not pass silently.
 */
export function validateQueryNode(json: unknown, options: ValidateQueryOptions = {}): QueryNode {
  const maxDepth = options.maxDepth ?? MAX_QUERY_DEPTH;
  return validateNode(json, "", 0, maxDepth);
}

function fail(path: string, message: string): never {
  throw new InvalidQueryError(`${path === "" ? "query" : path}: ${message}`);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  if (typeof value === "object") return "an object";
  return String(value);
}

function validateNode(json: unknown, path: string, depth: number, maxDepth: number): QueryNode {
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail(path, `expected a query node object, got ${describe(json)}`);
  const obj = json as Record<string, unknown>;
  const kind = obj.kind;
  if (typeof kind !== "string" || !Object.hasOwn(ALLOWED_KEYS, kind)) {
    fail(join(path, "kind"), `expected one of ${Object.keys(ALLOWED_KEYS).map((k) => `"${k}"`).join(", ")}, got ${describe(kind)}`);
  }
  const allowed = ALLOWED_KEYS[kind as QueryNode["kind"]];
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(join(path, key), `unknown property for a "${kind}" node (allowed: ${allowed.join(", ")})`);
  }
  switch (kind as QueryNode["kind"]) {
    case "matchAll":
      return { kind: "matchAll" };
    case "term": {
      const text = requiredString(obj, "text", path, false);
      return withBoost(withField({ kind: "term", text } as TermNode, obj, path), obj, path);
    }
    case "phrase": {
      const text = requiredString(obj, "text", path, true);
      const slop = optionalValue(obj, "slop") ?? 0;
      if (typeof slop !== "number" || !Number.isSafeInteger(slop) || slop < 0) fail(join(path, "slop"), `expected a non-negative whole number, got ${describe(slop)}`);
      return withBoost(withField({ kind: "phrase", text, slop: slop === 0 ? 0 : slop } as PhraseNode, obj, path), obj, path);
    }
    case "prefix": {
      const node = withField({ kind: "prefix", prefix: requiredString(obj, "prefix", path, true) } as PrefixNode, obj, path);
      if (node.prefix === "" && node.field === undefined) {
        fail(join(path, "prefix"), "an empty prefix needs a field (it means the field has a value); use matchAll to match everything");
      }
      return withBoost(node, obj, path);
    }
    case "range": {
      const field = requiredString(obj, "field", path, false);
      const node: RangeNode = { kind: "range", field, includeLower: true, includeUpper: true };
      for (const key of ["lower", "upper"] as const) {
        const value = optionalValue(obj, key);
        if (value === undefined) continue;
        if (typeof value !== "string") fail(join(path, key), `expected a string (dates as "2024-05-01", numbers as "2020") or no value for an open end, got ${describe(value)}`);
        node[key] = value;
      }
      for (const key of ["includeLower", "includeUpper"] as const) {
        const value = optionalValue(obj, key);
        if (value === undefined) continue;
        if (typeof value !== "boolean") fail(join(path, key), `expected true or false, got ${describe(value)}`);
        node[key] = value;
      }
      return node;
    }
    case "bool": {
      if (depth + 1 > maxDepth) fail(path, `bool nodes nest more than ${maxDepth} levels deep`);
      const node: BoolNode = { kind: "bool", must: [], should: [], mustNot: [] };
      for (const key of ["must", "should", "mustNot"] as const) {
        const list = optionalValue(obj, key);
        if (list === undefined) continue;
        if (!Array.isArray(list)) fail(join(path, key), `expected an array of query nodes, got ${describe(list)}`);
        node[key] = list.map((child, i) => validateNode(child, `${join(path, key)}[${i}]`, depth + 1, maxDepth));
      }
      if (node.must.length + node.should.length + node.mustNot.length === 0) fail(path, "a bool node needs at least one clause in must, should or mustNot");
      if (node.must.length === 0 && node.should.length === 0) {
        fail(path, 'a bool node with only mustNot clauses matches nothing; add { "kind": "matchAll" } to must to exclude from all documents');
      }
      return withBoost(node, obj, path);
    }
  }
}

function optionalValue(obj: Record<string, unknown>, key: string): unknown {
  const value = obj[key];
  return value === null ? undefined : value;
}

function requiredString(obj: Record<string, unknown>, key: string, path: string, allowEmpty: boolean): string {
  const value = obj[key];
  if (typeof value !== "string" || (!allowEmpty && value === "")) {
    fail(join(path, key), `expected a ${allowEmpty ? "" : "non-empty "}string, got ${value === undefined ? "nothing" : describe(value)}`);
  }
  return value;
}

function withField<T extends TermNode | PhraseNode | PrefixNode>(node: T, obj: Record<string, unknown>, path: string): T {
  const field = optionalValue(obj, "field");
  if (field === undefined) return node;
  if (typeof field !== "string" || field === "") fail(join(path, "field"), `expected a non-empty string, got ${describe(field)}`);
  node.field = field;
  return node;
}

function withBoost<T extends TermNode | PhraseNode | PrefixNode | BoolNode>(node: T, obj: Record<string, unknown>, path: string): T {
  const boost = optionalValue(obj, "boost");
  if (boost === undefined) return node;
  if (typeof boost !== "number" || !Number.isFinite(boost) || boost < 0) fail(join(path, "boost"), `expected a finite number >= 0, got ${describe(boost)}`);
  node.boost = boost === 0 ? 0 : boost; // -0 becomes 0
  return node;
}
