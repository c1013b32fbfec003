/**
 * LambdaRank gradients (Burges, "From RankNet to LambdaRank to LambdaMART",
 * 2010): for every pair (i, j) of one query's candidates with label_i >
 * label_j,
 *   rho    = 1 / (1 + exp(sigma (s_i - s_j)))
 *   lambda = sigma rho |dNDCG_ij|              (pushes s_i up and s_j down)
 *   weight = sigma^2 rho (1 - rho) |dNDCG_ij|  (the second derivative, for Newton leaf values)
 * where |dNDCG_ij| is how much nDCG would change if i and j swapped places in
 * the ranking the current scores give, normalized by the ideal DCG of all
 * the query's judged documents. Gains are the labels and discounts
 * 1 / log2(rank + 1), as trec_eval's ndcg_cut; with a cutoff, ranks beyond
 * it discount to 0 (pairs entirely below it give nothing).
 */

export interface GradientInput {
  labels: Float32Array;
  groups: Int32Array;
  /** Ideal DCG of each query at the cutoff (0: the query has no relevant document and gives no gradient). */
  idealDcg: Float64Array;
}

/** Ideal DCG at `cutoff` of each query's judged relevance values (trec_eval: gains > 0 only). */
export function idealDcgs(judged: ReadonlyArray<ArrayLike<number>>, cutoff: number): Float64Array {
  return Float64Array.from(judged, (values) => {
    const sorted = Array.from(values)
      .filter((v) => v > 0)
      .sort((a, b) => b - a);
    let dcg = 0;
    for (let i = 0; i < Math.min(sorted.length, cutoff); i++) dcg += sorted[i] / Math.log2(i + 2);
    return dcg;
  });
}

/**
 * Fills `gradient` and `hessian` (one value per row; both are overwritten)
 * for the current `scores`. `cutoff` is Infinity for the whole list.
 */
export function lambdaGradients(scores: Float64Array, input: GradientInput, sigma: number, cutoff: number, gradient: Float64Array, hessian: Float64Array): void {
  gradient.fill(0);
  hessian.fill(0);
  const { labels, groups, idealDcg } = input;
  let order = new Int32Array(64);
  let rankOf = new Int32Array(64);
  for (let q = 0; q + 1 < groups.length; q++) {
    const from = groups[q];
    const n = groups[q + 1] - from;
    if (n < 2 || idealDcg[q] <= 0) continue;
    if (order.length < n) {
      order = new Int32Array(n * 2);
      rankOf = new Int32Array(n * 2);
    }
    const o = order.subarray(0, n);
    for (let i = 0; i < n; i++) o[i] = i;
    o.sort((a, b) => scores[from + b] - scores[from + a] || a - b);
    for (let r = 0; r < n; r++) rankOf[o[r]] = r;
    const inverseIdeal = 1 / idealDcg[q];
    for (let i = 0; i < n; i++) {
      const li = labels[from + i];
      if (li <= 0) continue;
      const di = discount(rankOf[i], cutoff);
      const si = scores[from + i];
      for (let j = 0; j < n; j++) {
        const lj = labels[from + j];
        if (lj >= li) continue;
        const delta = Math.abs((li - Math.max(lj, 0)) * (di - discount(rankOf[j], cutoff))) * inverseIdeal;
        if (delta === 0) continue;
        const rho = 1 / (1 + Math.exp(sigma * (si - scores[from + j])));
        const lambda = sigma * rho * delta;
        const weight = sigma * sigma * rho * (1 - rho) * delta;
        gradient[from + i] += lambda;
        gradient[from + j] -= lambda;
        hessian[from + i] += weight;
        hessian[from + j] += weight;
      }
    }
  }
}

function discount(rank: number, cutoff: number): number {
  return rank < cutoff ? 1 / Math.log2(rank + 2) : 0;
}
