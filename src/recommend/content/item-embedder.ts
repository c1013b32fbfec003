/**
 * Item embedders: item content in, one dense vector per item out. Content
 * models (semantic IDs, the generative recommender, content kNN) see only this
 * interface, so the embedding source is a choice, not a dependency:
 *
 * - `TfidfSvdEmbedder` (tfidf-svd-embedder.ts): Trove's own, fitted on the
 *   catalog: tf-idf of title/description words and of brand, category and
 *   attribute tokens, reduced by a truncated SVD;
 * - `EncoderItemEmbedder` (below): any text `Encoder` (src/encoders: ONNX
 *   models, HTTP endpoints, Trove's trained encoder) over the item's text.
 *
 * An embedder is fitted once on the items known at training time; `embed`
 * then embeds any item, including items added later (new items get vectors,
 * and so codes, without refitting). Its `id` names the source and its
 * settings and is stored beside the vectors, so a saved model says what made
 * them; `exportState`/`restoreItemEmbedder` save and restore what `embed` needs.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { Encoder } from "../../encoders/encoder.js";
import type { ModelArray } from "../model-io.js";
import type { ItemContent } from "./item-content.js";

export interface ItemEmbedder {
  /** Source and settings, e.g. "tfidf-svd(dims=128; fields=title,brand,categories,attributes)". */
  readonly id: string;
  readonly dimensions: number;
  /** Learns what the embedder needs from the catalog (vocabulary, projection); a no-op for pretrained encoders. */
  fit(items: readonly (ItemContent | undefined)[]): Promise<void>;
  /** Row-major items.length × dimensions, unit-length rows (zero rows for items without content). */
  embed(items: readonly (ItemContent | undefined)[]): Promise<Float32Array>;
  /** What `restoreItemEmbedder` needs to embed new items later. */
  exportState(): { kind: string; state: Record<string, unknown>; arrays: Record<string, ModelArray> };
}

/** One line of text per item for text encoders: title, brand, categories, attributes, description. */
export function itemText(item: ItemContent | undefined): string {
  if (!item) return "";
  const parts: string[] = [];
  if (item.title) parts.push(item.title);
  if (item.brand) parts.push(`Brand: ${item.brand}`);
  if (item.categories?.length) parts.push(`Categories: ${item.categories.join(", ")}`);
  if (item.attributes?.length) parts.push(`Attributes: ${item.attributes.join(", ")}`);
  if (item.price !== undefined) parts.push(`Price: ${item.price}`);
  if (item.description) parts.push(item.description);
  return parts.join(". ");
}

/** Scales each row of a row-major matrix to unit length (zero rows stay zero). */
export function normalizeRows(x: Float32Array, dims: number): Float32Array {
  for (let o = 0; o < x.length; o += dims) {
    let s = 0;
    for (let c = 0; c < dims; c++) s += x[o + c] * x[o + c];
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let c = 0; c < dims; c++) x[o + c] *= inv;
    }
  }
  return x;
}

/** A text encoder used as an item embedder (nothing to fit; the encoder's id is the source). */
export class EncoderItemEmbedder implements ItemEmbedder {
  constructor(private readonly encoder: Encoder) {}

  get id(): string {
    return `encoder(${this.encoder.id})`;
  }

  get dimensions(): number {
    return this.encoder.dimensions;
  }

  async fit(): Promise<void> {}

  async embed(items: readonly (ItemContent | undefined)[]): Promise<Float32Array> {
    const d = this.encoder.dimensions;
    const out = new Float32Array(items.length * d);
    const present = items.map((item, i) => ({ item, i })).filter((x) => itemText(x.item) !== "");
    const vectors = await this.encoder.encode(present.map((x) => itemText(x.item)), { kind: "document" });
    if (vectors.length !== present.length) throw new InvalidArgumentError(`encoder ${this.encoder.id} returned ${vectors.length} vectors for ${present.length} texts`);
    present.forEach((x, r) => {
      if (vectors[r].length !== d) throw new InvalidArgumentError(`encoder ${this.encoder.id} returned a vector of ${vectors[r].length} values, expected ${d}`);
      out.set(vectors[r], x.i * d);
    });
    return normalizeRows(out, d);
  }

  exportState(): { kind: string; state: Record<string, unknown>; arrays: Record<string, ModelArray> } {
    return { kind: "encoder", state: { encoder: this.encoder.id, dimensions: this.dimensions }, arrays: {} };
  }
}
