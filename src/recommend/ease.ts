/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW
 * 2019): an item-item weight matrix B with zero diagonal, in closed form
 *
 *   P = (XᵀX + λI)⁻¹,   B_ij = -P_ij / P_jj (i ≠ j),   B_jj = 0,
 *
 * and scores x_u·B. X is the binary user-item matrix (or summed weights
 * when `binary` is false). The inverse is dense, items × items in
 * Float64 (`linalg.ts`: blocked Cholesky, triangular inverse, product;
 * about n³/2 multiply-adds, in WebAssembly SIMD when available); B is kept
 * dense in Float32Array, so memory is 8n² bytes while fitting plus 4n² after
 * (12k items: 1.2 GB + 0.6 GB).
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { InteractionData } from "./interactions.js";
import { inverseScratchFloats, invertSpd } from "./linalg.js";
import type { ModelArray } from "./model-io.js";
import { BaseRecommender, type FitProgress, type ResolvedQuery } from "./recommender.js";
import type { ScoredItems } from "./top-k.js";
import { F64Workspace } from "./wasm-dgemm.js";

export interface EaseOptions {
  /** L2 regularization λ added to the Gram matrix diagonal (default 500). */
  lambda: number;
  /** Use 0/1 interactions (default true); otherwise summed interaction weights. */
  binary: boolean;
  /** Refuse to fit above this many items (the dense inverse grows as n² memory, n³ time). */
  maxItems: number;
  /** Use the WebAssembly SIMD kernel when available (default true); false forces plain JavaScript. */
  simd: boolean;
}

export const EASE_DEFAULTS: EaseOptions = { lambda: 500, binary: true, maxItems: 30000, simd: true };

export class Ease extends BaseRecommender<EaseOptions> {
  readonly algorithm = "ease";
  /** B, numItems × numItems, row h = contribution of history item h. */
  private weights: Float32Array = new Float32Array(0);
  private mark: Uint8Array | undefined;
  /** Which kernel the last fit used ("wasm-simd" or "js"). */
  kernel: "wasm-simd" | "js" | "none" = "none";

  constructor(options: Partial<EaseOptions> = {}) {
    super(EASE_DEFAULTS, options);
  }

  protected override validateOptions(): void {
    if (!(this.options.lambda > 0)) throw new InvalidArgumentError(`lambda must be > 0, got ${this.options.lambda}`);
  }

  protected fitModel(data: InteractionData, progress: (p: FitProgress) => void): void {
    const n = data.numItems;
    if (n > this.options.maxItems) {
      throw new InvalidArgumentError(
        `EASE needs a dense ${n}×${n} inverse (${((8 * n * n) / 2 ** 30).toFixed(1)} GiB); that is above maxItems=${this.options.maxItems}. Raise maxItems or prune rare items.`,
      );
    }
    // In WebAssembly memory when possible, so the SIMD kernel can work on it in place.
    const workspace = this.options.simd ? F64Workspace.tryCreate(n * n + inverseScratchFloats(n)) : null;
    this.kernel = workspace ? "wasm-simd" : "js";
    const g = gramMatrix(data, this.options.binary, workspace ? workspace.alloc(n * n) : new Float64Array(n * n));
    for (let i = 0; i < n; i++) g[i * n + i] += this.options.lambda;
    invertSpd(g, n, (p) => progress({ phase: p.phase, done: p.done, total: p.total }));
    this.weights = weightsFromInverse(g, n);
  }

  protected score(query: ResolvedQuery, out: Float32Array): void {
    const n = this.numItems;
    const B = this.weights;
    out.fill(0);
    const { history } = query;
    if (!this.mark || this.mark.length !== n) this.mark = new Uint8Array(n);
    const mark = this.mark;
    const binary = this.options.binary;
    for (let p = 0; p < history.length; p++) {
      const h = history[p];
      if (binary) {
        if (mark[h]) continue;
        mark[h] = 1;
      }
      const row = h * n;
      for (let j = 0; j < n; j++) out[j] += B[row + j];
    }
    if (binary) for (let p = 0; p < history.length; p++) mark[history[p]] = 0;
  }

  /** Items with the largest weights B[item][j]: what `item` predicts most. */
  similarItems(item: number, k: number): ScoredItems {
    this.checkItem(item);
    const n = this.numItems;
    return this.topOfRow(this.weights.subarray(item * n, (item + 1) * n), k, item);
  }

  /** The weight matrix B (row-major, numItems²). */
  get weightMatrix(): Float32Array {
    return this.weights;
  }

  protected exportState(): { arrays: Record<string, ModelArray> } {
    return { arrays: { weights: this.weights } };
  }

  protected importState(arrays: Record<string, ModelArray>): void {
    this.weights = arrays.weights as Float32Array;
  }
}

/** XᵀX as a dense n×n matrix (into `g`, zero-filled, when given). */
export function gramMatrix(data: InteractionData, binary: boolean, g: Float64Array = new Float64Array(data.numItems * data.numItems)): Float64Array {
  const n = data.numItems;
  const ui = data.userItems();
  for (let u = 0; u < ui.rows; u++) {
    const start = ui.indptr[u];
    const end = ui.indptr[u + 1];
    for (let p = start; p < end; p++) {
      const i = ui.indices[p];
      const xi = binary ? 1 : ui.data[p];
      const row = i * n;
      // Indices are sorted, so q <= p gives j <= i: the lower triangle.
      for (let q = start; q <= p; q++) g[row + ui.indices[q]] += xi * (binary ? 1 : ui.data[q]);
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[j * n + i] = g[i * n + j];
  return g;
}

/** B_ij = -P_ij / P_jj, zero diagonal, as Float32. */
export function weightsFromInverse(p: Float64Array, n: number): Float32Array {
  const b = new Float32Array(n * n);
  const inv = new Float64Array(n);
  for (let j = 0; j < n; j++) inv[j] = -1 / p[j * n + j];
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) b[row + j] = i === j ? 0 : p[row + j] * inv[j];
  }
  return b;
}
