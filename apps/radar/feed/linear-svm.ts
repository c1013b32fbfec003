/**
 * A linear support vector machine over sparse rows (the per-reader model of
 * arxiv-sanity-lite, which fits sklearn's LinearSVC with C = 0.01 and
 * class_weight = "balanced" over tf-idf vectors).
 *
 * Objective (L2-regularized hinge loss, liblinear's L2R_L1LOSS_SVC_DUAL):
 *
 *   min_w  ½‖w‖² + Σ_i C_i · max(0, 1 − y_i (w·x_i + b))
 *
 * with the bias as an extra feature of constant value 1 (regularized, as in
 * liblinear) and C_i = C · n / (2 · n_{y_i}) when balanced. Solved by dual
 * coordinate descent (Hsieh et al., ICML 2008): one dual variable at a time,
 * in a seeded random order, projected onto [0, C_i], w kept equal to
 * Σ α_i y_i x_i; stops when the projected-gradient gap falls below `tol`
 * or after `maxEpochs` passes.
 */
import { SeededRandom } from "../../../src/core/random.js";

/** Sparse rows in CSR form (the tf-idf model's arrays). */
export interface SparseRows {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

export interface LinearSvmOptions {
  /** Regularization trade-off (default 0.01, as arxiv-sanity-lite). */
  C?: number;
  /** Weight classes inversely to their size (default true). */
  balanced?: boolean;
  /** Most passes over the data (default 30). */
  maxEpochs?: number;
  /** Stop when the projected-gradient gap is below this (default 0.1, liblinear's default). */
  tol?: number;
  seed?: number;
}

export interface LinearSvm {
  /** Weights over the feature indices. */
  w: Float64Array;
  b: number;
  epochs: number;
}

/**
 * Fits the SVM on `rows` of `data` (row numbers into the CSR arrays) with
 * labels +1 / −1 (`labels[k]` belongs to `rows[k]`). `dims` is the number of
 * features.
 */
export function trainLinearSvm(data: SparseRows, rows: Int32Array, labels: Int8Array, dims: number, options: LinearSvmOptions = {}): LinearSvm {
  const C = options.C ?? 0.01;
  const maxEpochs = options.maxEpochs ?? 30;
  const tol = options.tol ?? 0.1;
  const n = rows.length;
  let positives = 0;
  for (let k = 0; k < n; k++) if (labels[k] > 0) positives++;
  const negatives = n - positives;
  const w = new Float64Array(dims);
  if (positives === 0 || negatives === 0) return { w, b: 0, epochs: 0 };
  const balanced = options.balanced ?? true;
  const upperPos = balanced ? (C * n) / (2 * positives) : C;
  const upperNeg = balanced ? (C * n) / (2 * negatives) : C;
  const { indptr, indices, values } = data;
  const alpha = new Float64Array(n);
  const qii = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    let s = 1; // the bias feature
    for (let p = indptr[r]; p < indptr[r + 1]; p++) s += values[p] * values[p];
    qii[k] = s;
  }
  let b = 0;
  const order = Int32Array.from({ length: n }, (_, k) => k);
  const rng = new SeededRandom(options.seed ?? 1);
  let epoch = 0;
  for (; epoch < maxEpochs; epoch++) {
    for (let k = n - 1; k > 0; k--) {
      const j = rng.int(k + 1);
      const t = order[k];
      order[k] = order[j];
      order[j] = t;
    }
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (let o = 0; o < n; o++) {
      const k = order[o];
      const r = rows[k];
      const y = labels[k] > 0 ? 1 : -1;
      const upper = y > 0 ? upperPos : upperNeg;
      let wx = b;
      for (let p = indptr[r]; p < indptr[r + 1]; p++) wx += w[indices[p]] * values[p];
      const g = y * wx - 1;
      const a = alpha[k];
      let pg = g;
      if (a === 0) pg = Math.min(g, 0);
      else if (a === upper) pg = Math.max(g, 0);
      if (pg > maxPg) maxPg = pg;
      if (pg < minPg) minPg = pg;
      if (pg === 0) continue;
      const next = Math.min(Math.max(a - g / qii[k], 0), upper);
      const delta = (next - a) * y;
      if (delta === 0) continue;
      alpha[k] = next;
      for (let p = indptr[r]; p < indptr[r + 1]; p++) w[indices[p]] += delta * values[p];
      b += delta;
    }
    if (maxPg - minPg < tol) {
      epoch++;
      break;
    }
  }
  return { w, b, epochs: epoch };
}

/** Decision values w·x + b of `rows`. */
export function svmScores(model: LinearSvm, data: SparseRows, rows: ArrayLike<number>, out = new Float32Array(rows.length)): Float32Array {
  const { indptr, indices, values } = data;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    let s = model.b;
    for (let p = indptr[r]; p < indptr[r + 1]; p++) s += model.w[indices[p]] * values[p];
    out[k] = s;
  }
  return out;
}

/** A reader's SVM: `positives` (saved, liked) +1, every other row of `train` −1. */
export function fitReaderSvm(data: SparseRows, train: Int32Array, positives: readonly number[], dims: number, options?: LinearSvmOptions): LinearSvm {
  const positive = new Set(positives);
  const labels = Int8Array.from(train, (r) => (positive.has(r) ? 1 : -1));
  return trainLinearSvm(data, train, labels, dims, options);
}
