/**
 * Query cost limits: how many clauses (words, phrases, prefixes, ranges) and
 * how many prefix clauses one query may hold. A query of 333 single-letter
 * prefixes (`a* b* c* ...`, 1,000 characters) made every search on the
 * server wait seconds; Lucene bounds the same with maxClauseCount (1,024) and
 * per-prefix expansions (segment-scorers.ts caps those at MAX_PREFIX_EXPANSION
 * terms). Over a limit, the query is refused with an error that names the
 * limit, so a caller can shorten the query or an operator raise the limit.
 */
import { InvalidArgumentError, InvalidQueryError } from "../core/errors.js";
import type { QueryNode } from "./query-ast.js";

export interface QueryLimits {
  /** Words, phrases, prefixes and ranges in one query (default 1024, Lucene's maxClauseCount). */
  maxClauses?: number;
  /** Prefix clauses (`retriev*`) in one query (default 32): each expands into many terms. */
  maxPrefixes?: number;
}

export const DEFAULT_QUERY_LIMITS: Required<QueryLimits> = { maxClauses: 1024, maxPrefixes: 32 };

/** A query over a cost limit (400, code INVALID_QUERY). */
export class QueryLimitError extends InvalidQueryError {
  constructor(
    message: string,
    readonly limit: keyof QueryLimits,
  ) {
    super(message);
    this.name = "QueryLimitError";
  }
}

function checkLimit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Throws QueryLimitError when `node` holds more clauses or prefixes than the limits allow. */
export function checkQueryLimits(node: QueryNode, limits: QueryLimits = {}): void {
  const maxClauses = checkLimit(limits.maxClauses, DEFAULT_QUERY_LIMITS.maxClauses, "maxClauses");
  const maxPrefixes = checkLimit(limits.maxPrefixes, DEFAULT_QUERY_LIMITS.maxPrefixes, "maxPrefixes");
  let clauses = 0;
  let prefixes = 0;
  const stack: QueryNode[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === "bool") stack.push(...n.must, ...n.should, ...n.mustNot);
    else if (n.kind !== "matchAll") {
      clauses++;
      if (n.kind === "prefix") prefixes++;
    }
  }
  if (prefixes > maxPrefixes) {
    throw new QueryLimitError(`the query has ${prefixes} prefix terms (such as retriev*); the limit is ${maxPrefixes} (maxPrefixes): use fewer, or longer words`, "maxPrefixes");
  }
  if (clauses > maxClauses) throw new QueryLimitError(`the query has ${clauses} terms and phrases; the limit is ${maxClauses} (maxClauses)`, "maxClauses");
}
