/**
 * Item-based k-nearest neighbours (Sarwar et al. 2001; Deshpande & Karypis
 * 2004). Similarity is cosine over item columns of the user-item matrix with
 * a shrinkage term that discounts pairs seen together by few users:
 *
 *   sim(i, j) = (x_i · x_j) / (‖x_i‖ ‖x_j‖ + shrinkage)
 *
 * Each item keeps its `neighbours` most similar items (a sparse row). A user
 * with history H gets score(j) = Σ_{h∈H} w_h · sim(h, j) over the kept
 * neighbours of h, with w_h = 1 (binary) or the interaction weight.
 * Co-occurrences are accumulated item by item through the item -> users ->
 * items lists into one dense buffer, so memory is O(items × neighbours).
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { InteractionData } from "./interactions.js";
import type { ModelArray } from "./model-io.js";
import { BaseRecommender, type FitProgress, type ResolvedQuery } from "./recommender.js";
import { TopKSelector, type ScoredItems } from "./top-k.js";

export interface ItemKnnOptions {
  /** Neighbours kept per item (default 100). */
  neighbours: number;
  /** Shrinkage added to the cosine denominator (default 10). */
  shrinkage: number;
  /** Treat every interaction as 1 (default true); otherwise use summed weights. */
  binary: boolean;
}

export const ITEM_KNN_DEFAULTS: ItemKnnOptions = { neighbours: 100, shrinkage: 10, binary: true };

export class ItemKnn extends BaseRecommender<ItemKnnOptions> {
  readonly algorithm = "item-knn";
  private simPtr: Int32Array = new Int32Array(1);
  private simItems: Int32Array = new Int32Array(0);
  private simValues: Float32Array = new Float32Array(0);
  private seenMark: Uint8Array | undefined;

  constructor(options: Partial<ItemKnnOptions> = {}) {
    super(ITEM_KNN_DEFAULTS, options);
  }

  protected override validateOptions(): void {
    const { neighbours, shrinkage } = this.options;
    if (!(Number.isInteger(neighbours) && neighbours > 0)) throw new InvalidArgumentError(`neighbours must be a positive integer, got ${neighbours}`);
    if (!(shrinkage >= 0)) throw new InvalidArgumentError(`shrinkage must be >= 0, got ${shrinkage}`);
  }

  protected fitModel(data: InteractionData, progress: (p: FitProgress) => void): void {
    const { neighbours, shrinkage, binary } = this.options;
    const ui = data.userItems();
    const iu = data.itemUsers();
    const n = data.numItems;
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = iu.indptr[i]; p < iu.indptr[i + 1]; p++) {
        const v = binary ? 1 : iu.data[p];
        s += v * v;
      }
      norms[i] = Math.sqrt(s);
    }
    const acc = new Float32Array(n);
    const touched = new Int32Array(n);
    const candidateScores = new Float32Array(n);
    const selector = new TopKSelector(neighbours);
    const keep = Math.min(neighbours, Math.max(0, n - 1));
    const simPtr = new Int32Array(n + 1);
    let simItems = new Int32Array(n * Math.min(keep, 16) + 16);
    let simValues = new Float32Array(simItems.length);
    let nnz = 0;
    for (let i = 0; i < n; i++) {
      let count = 0;
      for (let p = iu.indptr[i]; p < iu.indptr[i + 1]; p++) {
        const u = iu.indices[p];
        const xu = binary ? 1 : iu.data[p];
        for (let q = ui.indptr[u]; q < ui.indptr[u + 1]; q++) {
          const j = ui.indices[q];
          if (j === i) continue;
          if (acc[j] === 0) touched[count++] = j;
          acc[j] += xu * (binary ? 1 : ui.data[q]);
        }
      }
      for (let c = 0; c < count; c++) {
        const j = touched[c];
        candidateScores[c] = acc[j] / (norms[i] * norms[j] + shrinkage);
        acc[j] = 0;
      }
      const top = selector.selectFrom(touched, count, acc, keep, candidateScores);
      if (nnz + top.items.length > simItems.length) {
        const grown = Math.max(simItems.length * 2, nnz + top.items.length);
        const a = new Int32Array(grown);
        a.set(simItems.subarray(0, nnz));
        simItems = a;
        const b = new Float32Array(grown);
        b.set(simValues.subarray(0, nnz));
        simValues = b;
      }
      simItems.set(top.items, nnz);
      simValues.set(top.scores, nnz);
      nnz += top.items.length;
      simPtr[i + 1] = nnz;
      if ((i & 1023) === 1023) progress({ phase: "similarities", done: i + 1, total: n });
    }
    this.simPtr = simPtr;
    this.simItems = simItems.slice(0, nnz);
    this.simValues = simValues.slice(0, nnz);
  }

  protected score(query: ResolvedQuery, out: Float32Array): void {
    out.fill(0);
    const { history } = query;
    const mark = this.binaryMark();
    for (let p = 0; p < history.length; p++) {
      const h = history[p];
      if (mark) {
        if (mark[h]) continue;
        mark[h] = 1;
      }
      for (let q = this.simPtr[h]; q < this.simPtr[h + 1]; q++) out[this.simItems[q]] += this.simValues[q];
    }
    if (mark) for (let p = 0; p < history.length; p++) mark[history[p]] = 0;
  }

  /** In binary mode, a scratch mask that makes repeated history items count once. */
  private binaryMark(): Uint8Array | undefined {
    if (!this.options.binary) return undefined;
    if (!this.seenMark || this.seenMark.length !== this.numItems) this.seenMark = new Uint8Array(this.numItems);
    return this.seenMark;
  }

  similarItems(item: number, k: number): ScoredItems {
    this.checkItem(item);
    const start = this.simPtr[item];
    const end = Math.min(this.simPtr[item + 1], start + Math.max(0, k));
    return { items: this.simItems.slice(start, end), scores: this.simValues.slice(start, end) };
  }

  protected exportState(): { arrays: Record<string, ModelArray> } {
    return { arrays: { simPtr: this.simPtr, simItems: this.simItems, simValues: this.simValues } };
  }

  protected importState(arrays: Record<string, ModelArray>): void {
    this.simPtr = arrays.simPtr as Int32Array;
    this.simItems = arrays.simItems as Int32Array;
    this.simValues = arrays.simValues as Float32Array;
  }
}
