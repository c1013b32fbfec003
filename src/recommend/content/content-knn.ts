/**
 * Content-only nearest neighbours: items are their content embeddings (the
 * same tf-idf + SVD embedding the semantic IDs are made from, or an encoder's),
 * and a user's score for item j is Σ_h w_h · cos(e_h, e_j) over the history,
 * with w_h = recencyDecay^(age of h) (1 = every history item counts the same).
 * No interaction is needed to rank an item, so it ranks cold items like any
 * other: the cold-start baseline (`createRecommender("content-knn")`).
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { InteractionData } from "../interactions.js";
import type { ModelArray } from "../model-io.js";
import { BaseRecommender, cosineRow, rowNorms, type FitContext, type FitProgress, type ResolvedQuery } from "../recommender.js";
import type { ScoredItems } from "../top-k.js";
import { ALL_CONTENT_FIELDS } from "./tfidf-svd-embedder.js";
import { createItemEmbedder, restoreItemEmbedder, type EmbeddingKind } from "./embedder-factory.js";
import type { ItemEmbedder } from "./item-embedder.js";

export interface ContentKnnOptions {
  /** Weight of the k-th newest history item: recencyDecay^k (1 = uniform). */
  recencyDecay: number;
  /** Newest history items read (0 = all). */
  maxHistory: number;
  /** "tfidf-svd" or "trove-encoder" (as the semantic IDs). */
  embedding: EmbeddingKind;
  embeddingDims: number;
  embeddingFields: string;
  sidSeed: number;
}

export const CONTENT_KNN_DEFAULTS: ContentKnnOptions = {
  recencyDecay: 1,
  maxHistory: 0,
  embedding: "tfidf-svd",
  embeddingDims: 128,
  embeddingFields: ALL_CONTENT_FIELDS.join(","),
  sidSeed: 42,
};

export class ContentKnn extends BaseRecommender<ContentKnnOptions> {
  readonly algorithm = "content-knn";
  override readonly usesItemContent = true;
  private embeddings: Float32Array = new Float32Array(0);
  private dims = 0;
  private embedder: ItemEmbedder | undefined;
  private norms: Float32Array | undefined;
  private profile = new Float64Array(0);

  constructor(options: Partial<ContentKnnOptions> = {}) {
    super(CONTENT_KNN_DEFAULTS, options);
  }

  protected override validateOptions(): void {
    const o = this.options;
    if (!(o.recencyDecay > 0 && o.recencyDecay <= 1)) throw new InvalidArgumentError(`recencyDecay must be in (0, 1], got ${o.recencyDecay}`);
    if (!(Number.isInteger(o.maxHistory) && o.maxHistory >= 0)) throw new InvalidArgumentError(`maxHistory must be a non-negative integer, got ${o.maxHistory}`);
    if (!(Number.isInteger(o.embeddingDims) && o.embeddingDims >= 1)) throw new InvalidArgumentError(`embeddingDims must be a positive integer, got ${o.embeddingDims}`);
  }

  protected async fitModel(data: InteractionData, progress: (p: FitProgress) => void, context: FitContext): Promise<void> {
    if (!context.itemContent) throw new InvalidArgumentError(`${this.algorithm}: the model needs item content: pass item content files (--items <file>) or fit options { itemContent }`);
    const o = this.options;
    const contents = context.itemContent.alignTo(data.itemDictionary);
    const popularity = data.itemPopularity();
    progress({ phase: "embedding items", done: 0, total: 1 });
    const embedder = context.itemEmbedder ?? createItemEmbedder(o.embedding, o);
    // learn the embedding from the items seen in training; the others are embedded like new items
    await embedder.fit(contents.filter((_, i) => popularity[i] > 0));
    this.embeddings = await embedder.embed(contents);
    this.dims = embedder.dimensions;
    this.embedder = embedder;
    this.norms = undefined;
    progress({ phase: "embedding items", done: 1, total: 1 });
    this.fitReport = { embedding: embedder.id, itemsWithoutContent: contents.filter((c) => !c).length };
  }

  protected score(query: ResolvedQuery, out: Float32Array): void {
    this.requireFitted();
    const d = this.dims;
    if (this.profile.length !== d) this.profile = new Float64Array(d);
    const profile = this.profile.fill(0);
    const h = query.history;
    const from = this.options.maxHistory > 0 ? Math.max(0, h.length - this.options.maxHistory) : 0;
    let w = 1;
    for (let p = h.length - 1; p >= from; p--) {
      const o = h[p] * d;
      for (let k = 0; k < d; k++) profile[k] += w * this.embeddings[o + k];
      w *= this.options.recencyDecay;
    }
    const e = this.embeddings;
    for (let i = 0, o = 0; i < out.length; i++, o += d) {
      let s = 0;
      for (let k = 0; k < d; k++) s += e[o + k] * profile[k];
      out[i] = s;
    }
  }

  similarItems(item: number, k: number): ScoredItems {
    this.requireFitted();
    this.checkItem(item);
    this.norms ??= rowNorms(this.embeddings, this.numItems, this.dims);
    const row = new Float32Array(this.numItems);
    cosineRow(this.embeddings, this.norms, this.dims, item, row);
    return this.topOfRow(row, k, item);
  }

  protected exportState(): { arrays: Record<string, ModelArray>; state?: Record<string, unknown> } {
    const e = this.embedder?.exportState();
    const arrays: Record<string, ModelArray> = { embeddings: this.embeddings };
    for (const [name, a] of Object.entries(e?.arrays ?? {})) arrays[`embedder_${name}`] = a;
    return { arrays, state: { dimensions: this.dims, embedder: e ? { kind: e.kind, state: e.state } : null, fitReport: this.fitReport ?? null } };
  }

  protected importState(arrays: Record<string, ModelArray>, state: Record<string, unknown>): void {
    const embeddings = arrays.embeddings;
    const d = Number(state.dimensions);
    if (!(embeddings instanceof Float32Array) || embeddings.length !== this.numItems * d) throw new InvalidArgumentError(`${this.algorithm}: saved embeddings have the wrong size`);
    this.embeddings = embeddings;
    this.dims = d;
    const e = state.embedder as { kind: string; state: Record<string, unknown> } | null;
    const embedderArrays: Record<string, ModelArray> = {};
    for (const [name, a] of Object.entries(arrays)) if (name.startsWith("embedder_")) embedderArrays[name.slice("embedder_".length)] = a;
    this.embedder = e ? restoreItemEmbedder(e.kind, e.state, embedderArrays) : undefined;
    this.norms = undefined;
    this.fitReport = (state.fitReport as Record<string, unknown> | null) ?? undefined;
  }
}
