/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998) over tf-idf
 * cosine, the feed pipeline's `feed-mmr` stage: from a pool of the best-scored candidates,
 * the first `k` positions are chosen by
 *
 *   argmax_c  λ · rel(c) − (1 − λ) · max_{s ∈ selected} cos(c, s)
 *
 * with rel min–max normalized to [0, 1] over the pool, so one topic does not
 * fill the page. λ = 1 is the plain score order. The selection is the
 * engine's (src/pipeline/stages/marginal-relevance.ts).
 */
import { marginalRelevanceOrder } from "../../../src/pipeline/stages/marginal-relevance.js";
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
  const pool = order.slice(0, Math.min(order.length, options.pool ?? Math.max(4 * k, 100)));
  // the selection compares every pool row with the row just chosen: that row is spread into a dense
  // vector once, so each comparison reads one sparse row instead of merging two
  const dense = denseScratch(model);
  let spread = -1;
  try {
    const chosen = marginalRelevanceOrder(
      pool.map((i) => scores[i]),
      (a, b) => {
        const row = rows[pool[b]];
        if (row !== spread) {
          if (spread >= 0) clearRow(model, spread, dense);
          model.addTo(row, dense);
          spread = row;
        }
        return model.dotDense(rows[pool[a]], dense);
      },
      { lambda: options.lambda ?? 0.7, pick: k },
    );
    return [...chosen.map((p) => pool[p]), ...order.slice(pool.length)];
  } finally {
    if (spread >= 0) clearRow(model, spread, dense);
  }
}

/** One zeroed vocabulary-sized vector per model, reused by every request (requests run one at a time between awaits). */
const scratch = new WeakMap<TfidfModel, Float64Array>();
function denseScratch(model: TfidfModel): Float64Array {
  let dense = scratch.get(model);
  if (!dense) scratch.set(model, (dense = new Float64Array(model.vocabularySize)));
  return dense;
}

/** Sets the row's entries back to exactly 0 (subtracting could leave rounding residue). */
function clearRow(model: TfidfModel, row: number, dense: Float64Array): void {
  for (let p = model.indptr[row]; p < model.indptr[row + 1]; p++) dense[model.indices[p]] = 0;
}
