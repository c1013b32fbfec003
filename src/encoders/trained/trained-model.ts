/**
 * A trained encoder in memory: its vocabulary (words and bigrams with idf
 * weights) and its embedding table in a kernel memory. `encode` turns texts
 * into unit vectors: analyze, look up features, sum their rows weighted,
 * normalize. Query and document texts go through the same tower.
 */
import { InterruptedError } from "../../core/errors.js";
import { EmbeddingBag } from "./embedding-bag.js";
import { FeatureBuffer, type FeatureVocabulary } from "./text-features.js";

/** Texts featurized and pooled per kernel call batch. */
const ENCODE_BATCH = 256;

export interface ModelEncodeOptions {
  signal?: { readonly aborted: boolean };
  onProgress?: (done: number) => void;
}

export class TrainedModel {
  private readonly buffer = new FeatureBuffer();
  private readonly offsets = new Int32Array(ENCODE_BATCH + 1);
  private output = 0;

  constructor(
    readonly vocabulary: FeatureVocabulary,
    readonly bag: EmbeddingBag,
  ) {}

  get dimensions(): number {
    return this.bag.dimensions;
  }

  /** One unit vector per text (the zero vector for a text with no known word). */
  encode(texts: readonly string[], options: ModelEncodeOptions = {}): Float32Array[] {
    const dim = this.bag.dimensions;
    const out: Float32Array[] = [];
    if (this.output === 0) this.output = this.bag.heap.alloc(ENCODE_BATCH * dim * 4);
    for (let start = 0; start < texts.length; start += ENCODE_BATCH) {
      if (options.signal?.aborted) throw new InterruptedError("encoding interrupted");
      const n = Math.min(ENCODE_BATCH, texts.length - start);
      this.buffer.clear();
      for (let i = 0; i < n; i++) {
        this.offsets[i] = this.buffer.length;
        this.vocabulary.featurize(this.vocabulary.analyze(texts[start + i] ?? ""), this.buffer);
      }
      this.offsets[n] = this.buffer.length;
      const { ids, weights } = this.bag.loadFeatures(this.buffer);
      for (let i = 0; i < n; i++) this.bag.encodeInto(ids, weights, this.offsets[i], this.offsets[i + 1], this.output + i * dim * 4);
      const f = this.bag.heap.f32;
      for (let i = 0; i < n; i++) out.push(f.slice(this.output / 4 + i * dim, this.output / 4 + (i + 1) * dim));
      options.onProgress?.(start + n);
    }
    return out;
  }
}
