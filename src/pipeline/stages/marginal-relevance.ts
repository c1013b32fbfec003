/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998), the selection
 * itself, apart from where similarities come from: from a pool of candidates
 * in score order, repeatedly take
 *
 *   argmax_c  lambda * relevance(c) - (1 - lambda) * max over chosen s of similarity(c, s)
 *
 * with relevance min-max normalized over the pool. The `mmr` stage measures
 * similarity with a vector field's cosine; applications bring their own (Paper
 * Radar's feed uses its tf-idf vectors).
 */

export interface MarginalRelevanceOptions {
  /** Weight of relevance against novelty, 0 to 1 (1: the score order). */
  lambda: number;
  /** Positions chosen by MMR (the rest of the pool follows in score order). */
  pick: number;
}

/**
 * The pool's positions (0..scores.length-1, given best first) in MMR order:
 * the first `pick` chosen greedily, then the others in their given order.
 * `similarity(a, b)` compares two positions; values at or below 0 count as
 * unlike (the first choice is always the best score).
 */
export function marginalRelevanceOrder(scores: ArrayLike<number>, similarity: (a: number, b: number) => number, options: MarginalRelevanceOptions): number[] {
  const n = scores.length;
  const identity = Array.from({ length: n }, (_, i) => i);
  const want = Math.min(options.pick, n);
  if (options.lambda >= 1 || want <= 1) return identity;
  let hi = -Infinity;
  let lo = Infinity;
  for (let i = 0; i < n; i++) {
    hi = Math.max(hi, scores[i]);
    lo = Math.min(lo, scores[i]);
  }
  const span = hi - lo > 1e-12 ? hi - lo : 1;
  const maxSimilarity = new Float64Array(n);
  const taken = new Uint8Array(n);
  const chosen: number[] = [];
  while (chosen.length < want) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const value = options.lambda * ((scores[i] - lo) / span) - (1 - options.lambda) * maxSimilarity[i];
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    taken[best] = 1;
    chosen.push(best);
    if (chosen.length === want) break;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const s = similarity(i, best);
      if (s > maxSimilarity[i]) maxSimilarity[i] = s;
    }
  }
  for (let i = 0; i < n; i++) if (!taken[i]) chosen.push(i);
  return chosen;
}
