/**
 * The trained encoder's network, over one WebAssembly memory: an embedding
 * table (one row per word or bigram) whose rows a text's features sum with
 * their weights (the "embedding bag"), followed by L2 normalization. The
 * sums, the row-wise Adagrad update and the batch products run in the
 * `encoder-train` kernel (src/kernels/assembly/encoder-train.ts).
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { KernelHeap, instantiateKernel } from "../../kernels/kernel-module.js";
import type { FeatureBuffer } from "./text-features.js";

export interface EncoderKernels {
  bagAdd(table: number, dim: number, ids: number, weights: number, from: number, to: number, out: number): void;
  bagAdagrad(
    table: number, accum: number, dim: number, ids: number, weights: number, from: number, to: number,
    grad: number, scale: number, gradMeanSq: number, lr: number, eps: number,
  ): void;
  gemmNT(a: number, b: number, c: number, m: number, n: number, k: number): void;
  gemmNN(g: number, b: number, c: number, m: number, n: number, k: number): void;
  gemmTN(g: number, a: number, c: number, m: number, n: number, k: number): void;
}

export class EmbeddingBag {
  readonly heap: KernelHeap;
  readonly kernels: EncoderKernels;
  /** Byte offset of the table (rows × dimensions float32). */
  readonly table: number;
  private featureIds = 0;
  private featureWeights = 0;
  private featureCapacity = 0;

  constructor(
    readonly rows: number,
    readonly dimensions: number,
    extraBytes = 0,
  ) {
    if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions % 8 !== 0) {
      throw new InvalidArgumentError(`encoder dimensions must be a positive multiple of 8, got ${dimensions}`);
    }
    if (!(rows > 0)) throw new InvalidArgumentError("the encoder's vocabulary is empty: no word occurs in enough documents");
    this.heap = new KernelHeap(rows * dimensions * 4 + extraBytes + (1 << 20));
    this.kernels = instantiateKernel<EncoderKernels>("encoder-train", this.heap.memory);
    this.table = this.heap.alloc(rows * dimensions * 4);
  }

  /** The table as a float32 view (re-read after any allocation). */
  tableView(): Float32Array {
    return this.heap.f32.subarray(this.table / 4, this.table / 4 + this.rows * this.dimensions);
  }

  /**
   * Copies features into the memory (reusing one region, grown when needed);
   * returns the byte offsets of ids and weights.
   */
  loadFeatures(features: FeatureBuffer): { ids: number; weights: number } {
    if (features.length > this.featureCapacity) {
      this.featureCapacity = Math.max(features.length, this.featureCapacity * 2, 4096);
      this.featureIds = this.heap.alloc(this.featureCapacity * 4);
      this.featureWeights = this.heap.alloc(this.featureCapacity * 4);
    }
    this.heap.i32.set(features.ids.subarray(0, features.length), this.featureIds / 4);
    this.heap.f32.set(features.weights.subarray(0, features.length), this.featureWeights / 4);
    return { ids: this.featureIds, weights: this.featureWeights };
  }

  /**
   * Sums the rows of features [from, to) (and [from2, to2)) into `out` (a
   * region of `dimensions` floats, zeroed first); returns the sum's L2 norm.
   */
  pool(ids: number, weights: number, from: number, to: number, out: number, from2 = 0, to2 = 0): number {
    const dim = this.dimensions;
    const f = this.heap.f32;
    f.fill(0, out / 4, out / 4 + dim);
    if (to > from) this.kernels.bagAdd(this.table, dim, ids, weights, from, to, out);
    if (to2 > from2) this.kernels.bagAdd(this.table, dim, ids, weights, from2, to2, out);
    let sq = 0;
    for (let j = out / 4, end = j + dim; j < end; j++) sq += f[j] * f[j];
    return Math.sqrt(sq);
  }

  /** Pools and normalizes in place (a text with no known feature stays the zero vector). */
  encodeInto(ids: number, weights: number, from: number, to: number, out: number, from2 = 0, to2 = 0): number {
    const norm = this.pool(ids, weights, from, to, out, from2, to2);
    if (norm > 0) {
      const f = this.heap.f32;
      const inv = 1 / norm;
      for (let j = out / 4, end = j + this.dimensions; j < end; j++) f[j] *= inv;
    }
    return norm;
  }
}
