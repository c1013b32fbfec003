/**
 * A query of index terms that are already analyzed: what query expansion
 * (RM3, Rocchio) and proximity models (the sequential dependence model)
 * produce. Each clause names its field, one term (a term query) or several
 * (a phrase: the terms in this order, `slop` position moves allowed), and a
 * weight, which scores as a boost does (weight x idf x tf). The terms are not
 * analyzed again: a stemmed term such as "hous" would stem once more to
 * "hou", so the query language cannot carry them.
 */
import { InvalidQueryError } from "../core/errors.js";

export interface AnalyzedClause {
  /** A text field of the index. */
  field: string;
  /** Index terms; several make a phrase (in order). */
  terms: readonly string[];
  /** Multiplies the clause's BM25 score (>= 0; 0 drops the clause). */
  weight: number;
  /** For phrases: position moves allowed (0 = adjacent, in order; the default). */
  slop?: number;
}

export interface AnalyzedQuery {
  kind: "analyzed";
  clauses: readonly AnalyzedClause[];
}

export function isAnalyzedQuery(query: unknown): query is AnalyzedQuery {
  return typeof query === "object" && query !== null && (query as { kind?: unknown }).kind === "analyzed";
}

/** Throws InvalidQueryError naming the clause at fault. */
export function checkAnalyzedQuery(query: AnalyzedQuery): void {
  if (!Array.isArray(query.clauses)) throw new InvalidQueryError("analyzed query: clauses must be an array");
  query.clauses.forEach((c, i) => {
    const at = `analyzed query: clauses[${i}]`;
    if (typeof c.field !== "string" || c.field === "") throw new InvalidQueryError(`${at}.field: expected a field name`);
    if (!Array.isArray(c.terms) || c.terms.length === 0 || c.terms.some((t: unknown) => typeof t !== "string" || t === "")) {
      throw new InvalidQueryError(`${at}.terms: expected one or more non-empty terms`);
    }
    if (!(typeof c.weight === "number" && Number.isFinite(c.weight) && c.weight >= 0)) throw new InvalidQueryError(`${at}.weight: expected a finite number >= 0, got ${c.weight}`);
    if (c.slop !== undefined && !(Number.isSafeInteger(c.slop) && c.slop >= 0)) throw new InvalidQueryError(`${at}.slop: expected a non-negative whole number, got ${c.slop}`);
  });
}

/** "field:term^weight" and "field:\"a b\"~slop^weight", for explanations. */
export function describeAnalyzedQuery(query: AnalyzedQuery, digits = 4): string {
  return query.clauses
    .map((c) => {
      const body = c.terms.length === 1 ? c.terms[0] : `"${c.terms.join(" ")}"${c.slop ? `~${c.slop}` : ""}`;
      return `${c.field}:${body}^${Number(c.weight.toFixed(digits))}`;
    })
    .join(" ");
}
