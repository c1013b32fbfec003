/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998) over tf-idf
 * cosine: from a pool of the best-scored candidates, repeatedly take
 *
 *   argmax_c  λ · rel(c) − (1 − λ) · max_{s ∈ selected} cos(c, s)
 *
 * with rel min–max normalized to [0, 1] over the pool, so one topic does not
 * fill the page. λ = 1 is the plain score order.
 */
import type { TfidfModel } from "./tfidf.js";

export interface MmrOptions {
  /** Trade-off between relevance and novelty (default 0.7). */
  lambda?: number;
  /** Candidates considered (default max(4 · k, 100)). */
  pool?: number;
}

/**
 * Reorders `order` (candidate positions, best first by `scores`): its first
 * `k` entries become the MMR selection from the pool; the rest keep their
 * order. `rows[i]` is the model row of candidate position i.
 */
export function mmrOrder(model: TfidfModel, rows: Int32Array, scores: Float32Array, order: readonly number[], k: number, options: MmrOptions = {}): number[] {
  const lambda = options.lambda ?? 0.7;
  if (lambda >= 1 || k <= 1 || order.length <= 1) return [...order];
  const poolSize = Math.min(order.length, options.pool ?? Math.max(4 * k, 100));
  const pool = order.slice(0, poolSize);
  let hi = -Infinity;
  let lo = Infinity;
  for (const i of pool) {
    hi = Math.max(hi, scores[i]);
    lo = Math.min(lo, scores[i]);
  }
  const span = hi - lo > 1e-12 ? hi - lo : 1;
  const maxSim = new Float32Array(poolSize);
  const taken = new Uint8Array(poolSize);
  const selected: number[] = [];
  const want = Math.min(k, poolSize);
  while (selected.length < want) {
    let best = -1;
    let bestValue = -Infinity;
    for (let p = 0; p < poolSize; p++) {
      if (taken[p]) continue;
      const value = lambda * ((scores[pool[p]] - lo) / span) - (1 - lambda) * maxSim[p];
      if (value > bestValue) {
        bestValue = value;
        best = p;
      }
    }
    taken[best] = 1;
    selected.push(pool[best]);
    const chosenRow = rows[pool[best]];
    for (let p = 0; p < poolSize; p++) {
      if (taken[p]) continue;
      const sim = model.dot(rows[pool[p]], chosenRow);
      if (sim > maxSim[p]) maxSim[p] = sim;
    }
  }
  const rest = pool.filter((_, p) => !taken[p]);
  return [...selected, ...rest, ...order.slice(poolSize)];
}
