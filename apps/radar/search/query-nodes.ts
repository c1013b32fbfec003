/**
 * Small builders of query trees for filters (trees, never strings, so values
 * need no escaping).
 *
 * `allOf` writes "A and B and C" as A with the others excluded from its
 * complement, `{ must: [A], mustNot: [NOT B, NOT C] }`, rather than as
 * `{ must: [A, B, C] }`: the engine's conjunction of several required
 * clauses (BooleanScorer.align in src/lexical/scorer.ts) can skip matches,
 * because it calls `advance(doc)` on a clause already positioned on `doc`,
 * and BitsetScorer/TermScorer then move past it. With a single required
 * clause that path is never taken. Both forms mean the same, so this can go
 * back to a plain `must` list once the engine is fixed.
 */
import type { QueryNode } from "../../../src/lexical/query-ast.js";

export const MATCH_ALL: QueryNode = { kind: "matchAll" };

/** Documents that do not match `node`. */
export function not(node: QueryNode): QueryNode {
  return { kind: "bool", must: [MATCH_ALL], should: [], mustNot: [node] };
}

/** Documents that match every node (undefined when there are none). */
export function allOf(nodes: readonly QueryNode[]): QueryNode | undefined {
  if (nodes.length === 0) return undefined;
  if (nodes.length === 1) return nodes[0];
  return { kind: "bool", must: [nodes[0]], should: [], mustNot: nodes.slice(1).map(not) };
}

/** Documents whose `field` holds any of `values`. */
export function anyOf(field: string, values: readonly string[]): QueryNode {
  const terms: QueryNode[] = values.map((text) => ({ kind: "term", field, text }));
  return terms.length === 1 ? terms[0] : { kind: "bool", must: [], should: terms, mustNot: [] };
}
