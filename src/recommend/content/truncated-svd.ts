/**
 * Truncated SVD of a sparse matrix by randomized range finding (Halko,
 * Martinsson & Tropp 2011, Algorithm 4.4 with power iterations): Y = A·Ω for
 * a seeded Gaussian Ω with k + p columns, q rounds of Y ← A·(Aᵀ·Y) with
 * re-orthonormalization, Q = orth(Y), then the exact SVD of the small
 * B = Qᵀ·A through the eigendecomposition of B·Bᵀ (cyclic Jacobi). The
 * rank-k factors give every row's coordinates A·V_k·... and a projection
 * P = Bᵀ·U_B (columns × k) with row coordinates = row · P, so a new row
 * (a new item's tf-idf vector) is projected without refitting.
 *
 * Everything runs in Float64 with a fixed summation order: the same matrix
 * and seed give the same result.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { SeededRandom } from "../../core/random.js";

/** A sparse matrix in compressed rows. */
export interface SparseRows {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

export interface TruncatedSvd {
  k: number;
  /** Singular values, descending. */
  singularValues: Float64Array;
  /** cols × k projection: coordinates of a row x are x · projection (= U_k Σ_k for the fitted rows). */
  projection: Float32Array;
}

export function truncatedSvd(a: SparseRows, k: number, options: { oversample?: number; powerIterations?: number; seed?: number } = {}): TruncatedSvd {
  if (!(Number.isInteger(k) && k >= 1)) throw new InvalidArgumentError(`SVD rank must be a positive integer, got ${k}`);
  const rank = Math.min(k, a.rows, a.cols);
  const width = Math.min(rank + (options.oversample ?? 10), a.rows, a.cols);
  const q = options.powerIterations ?? 2;
  const rng = new SeededRandom(options.seed ?? 42);
  const omega = new Float64Array(a.cols * width);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal();
  let y = multiply(a, omega, width);
  orthonormalizeColumns(y, a.rows, width);
  for (let it = 0; it < q; it++) {
    const z = multiplyTransposed(a, y, width);
    orthonormalizeColumns(z, a.cols, width);
    y = multiply(a, z, width);
    orthonormalizeColumns(y, a.rows, width);
  }
  // Bᵀ = Aᵀ·Q (cols × width); B·Bᵀ = (Bᵀ)ᵀ·Bᵀ (width × width)
  const bt = multiplyTransposed(a, y, width);
  const gram = new Float64Array(width * width);
  for (let r = 0; r < a.cols; r++) {
    const o = r * width;
    for (let i = 0; i < width; i++) {
      const v = bt[o + i];
      if (v === 0) continue;
      for (let j = i; j < width; j++) gram[i * width + j] += v * bt[o + j];
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) gram[i * width + j] = gram[j * width + i];
  const { values, vectors } = symmetricEigen(gram, width);
  const singularValues = new Float64Array(rank);
  for (let c = 0; c < rank; c++) singularValues[c] = Math.sqrt(Math.max(0, values[c]));
  // P = Bᵀ·U_B (first rank eigenvectors)
  const projection = new Float32Array(a.cols * rank);
  for (let r = 0; r < a.cols; r++) {
    for (let c = 0; c < rank; c++) {
      let s = 0;
      for (let i = 0; i < width; i++) s += bt[r * width + i] * vectors[i * width + c];
      projection[r * rank + c] = s;
    }
  }
  return { k: rank, singularValues, projection };
}

/** Coordinates of each row of `a` (rows × k, float32): row · projection. */
export function projectRows(a: SparseRows, projection: Float32Array, k: number): Float32Array {
  const out = new Float32Array(a.rows * k);
  const acc = new Float64Array(k);
  for (let r = 0; r < a.rows; r++) {
    acc.fill(0);
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      const v = a.values[p];
      const o = a.indices[p] * k;
      for (let c = 0; c < k; c++) acc[c] += v * projection[o + c];
    }
    for (let c = 0; c < k; c++) out[r * k + c] = acc[c];
  }
  return out;
}

/** A (rows × cols, sparse) · X (cols × w, dense row-major) → rows × w. */
function multiply(a: SparseRows, x: Float64Array, w: number): Float64Array {
  const out = new Float64Array(a.rows * w);
  for (let r = 0; r < a.rows; r++) {
    const o = r * w;
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      const v = a.values[p];
      const xo = a.indices[p] * w;
      for (let c = 0; c < w; c++) out[o + c] += v * x[xo + c];
    }
  }
  return out;
}

/** Aᵀ (cols × rows) · Y (rows × w) → cols × w. */
function multiplyTransposed(a: SparseRows, y: Float64Array, w: number): Float64Array {
  const out = new Float64Array(a.cols * w);
  for (let r = 0; r < a.rows; r++) {
    const yo = r * w;
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      const v = a.values[p];
      const o = a.indices[p] * w;
      for (let c = 0; c < w; c++) out[o + c] += v * y[yo + c];
    }
  }
  return out;
}

/**
 * Orthonormalizes the columns of a (rows × w, row-major) in place by modified
 * Gram-Schmidt, twice ("twice is enough", Giraud et al.). A column that
 * vanishes (linearly dependent) is set to zero.
 */
export function orthonormalizeColumns(a: Float64Array, rows: number, w: number): void {
  // work on columns stored contiguously (column-major copy), then copy back
  const cols = new Float64Array(rows * w);
  for (let r = 0; r < rows; r++) for (let c = 0; c < w; c++) cols[c * rows + r] = a[r * w + c];
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < w; c++) {
      const co = c * rows;
      for (let prev = 0; prev < c; prev++) {
        const po = prev * rows;
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += cols[co + r] * cols[po + r];
        if (dot !== 0) for (let r = 0; r < rows; r++) cols[co + r] -= dot * cols[po + r];
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) norm += cols[co + r] * cols[co + r];
      norm = Math.sqrt(norm);
      const scale = norm > 1e-12 ? 1 / norm : 0;
      for (let r = 0; r < rows; r++) cols[co + r] *= scale;
    }
  }
  for (let r = 0; r < rows; r++) for (let c = 0; c < w; c++) a[r * w + c] = cols[c * rows + r];
}

/**
 * Eigenvalues (descending) and eigenvectors (columns of `vectors`, n × n
 * row-major) of a symmetric matrix, by cyclic Jacobi rotations until the
 * off-diagonal mass is negligible. Each eigenvector's largest component is
 * made positive, so the result does not depend on rotation signs.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix.subarray(0, n * n));
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x] || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src];
    let best = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v[k * n + src]) > Math.abs(best)) best = v[k * n + src];
    const sign = best < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = sign * v[k * n + src];
  });
  return { values, vectors };
}
