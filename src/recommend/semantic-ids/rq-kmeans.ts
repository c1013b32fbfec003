/**
 * Residual k-means: level 0 clusters the embeddings into K groups, level l
 * clusters the residuals r_l = x − Σ_{m<l} c_m (what the coarser levels left),
 * so the codes go from coarse to fine and Σ_l c_l approximates x.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { ModelArray } from "../model-io.js";
import { kmeans, NearestCentroids } from "./kmeans.js";
import type { Quantizer, QuantizerProgress } from "./quantizer.js";

export interface RqKMeansOptions {
  levels: number;
  codebookSize: number;
  iterations: number;
  seed: number;
}

export class RqKMeans implements Quantizer {
  readonly kind = "rq-kmeans" as const;
  readonly options: RqKMeansOptions;
  private d = 0;
  /** levels × K × d. */
  private codebooks: Float32Array = new Float32Array(0);

  constructor(options: Partial<RqKMeansOptions> = {}) {
    this.options = { levels: 3, codebookSize: 256, iterations: 50, seed: 42, ...options };
    const { levels, codebookSize } = this.options;
    if (!(Number.isInteger(levels) && levels >= 1)) throw new InvalidArgumentError(`levels must be a positive integer, got ${levels}`);
    if (!(Number.isInteger(codebookSize) && codebookSize >= 2)) throw new InvalidArgumentError(`codebook size must be an integer >= 2, got ${codebookSize}`);
  }

  get levels(): number {
    return this.options.levels;
  }

  get codebookSize(): number {
    return this.options.codebookSize;
  }

  async fit(x: Float32Array, n: number, d: number, onProgress?: (p: QuantizerProgress) => void): Promise<void> {
    const { levels, codebookSize: K, iterations, seed } = this.options;
    this.d = d;
    this.codebooks = new Float32Array(levels * K * d);
    const residual = Float32Array.from(x.subarray(0, n * d));
    for (let l = 0; l < levels; l++) {
      onProgress?.({ phase: `rq-kmeans level ${l + 1}`, done: l, total: levels });
      const result = kmeans(residual, n, d, Math.min(K, n), { iterations, seed: seed + 7919 * l });
      this.codebooks.set(result.centroids, l * K * d);
      for (let i = 0; i < n; i++) {
        const c = result.assignments[i];
        for (let t = 0; t < d; t++) residual[i * d + t] -= result.centroids[c * d + t];
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    onProgress?.({ phase: "rq-kmeans", done: levels, total: levels });
  }

  encode(x: Float32Array, n: number): Int32Array {
    const { levels, codebookSize: K } = this.options;
    const d = this.d;
    if (d === 0) throw new InvalidArgumentError("rq-kmeans: fit it (or restore it) before encoding");
    if (x.length < n * d) throw new InvalidArgumentError(`rq-kmeans: expected ${n}×${d} embeddings, got ${x.length} values`);
    const codes = new Int32Array(n * levels);
    if (n === 0) return codes;
    const residual = Float32Array.from(x.subarray(0, n * d));
    const search = new NearestCentroids(residual, n, d);
    const assignments = new Int32Array(n);
    const distances = new Float64Array(n);
    for (let l = 0; l < levels; l++) {
      const book = this.codebooks.subarray(l * K * d, (l + 1) * K * d);
      search.assign(book, K, assignments, distances);
      for (let i = 0; i < n; i++) {
        const c = assignments[i];
        codes[i * levels + l] = c;
        for (let t = 0; t < d; t++) residual[i * d + t] -= book[c * d + t];
      }
      if (l + 1 < levels) search.setPoints(residual);
    }
    return codes;
  }

  reconstruct(codes: Int32Array, n: number): Float32Array {
    const { levels, codebookSize: K } = this.options;
    const d = this.d;
    const out = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < levels; l++) {
        const o = (l * K + codes[i * levels + l]) * d;
        for (let t = 0; t < d; t++) out[i * d + t] += this.codebooks[o + t];
      }
    }
    return out;
  }

  exportState(): { state: Record<string, unknown>; arrays: Record<string, ModelArray> } {
    return { state: { options: this.options, dimensions: this.d }, arrays: { codebooks: this.codebooks } };
  }

  static restore(state: Record<string, unknown>, arrays: Record<string, ModelArray>): RqKMeans {
    const q = new RqKMeans(state.options as Partial<RqKMeansOptions>);
    const d = Number(state.dimensions);
    const books = arrays.codebooks;
    if (!(books instanceof Float32Array) || books.length !== q.levels * q.codebookSize * d) throw new InvalidArgumentError("saved rq-kmeans code books have the wrong size");
    q.d = d;
    q.codebooks = books;
    return q;
  }
}
