/**
 * Trove's own item embedding: tf-idf over the item's words and attribute
 * tokens, reduced to `dimensions` by a truncated SVD (LSA), rows scaled to
 * unit length.
 *
 * Terms: title and description words through an analyzer (English by
 * default: Lucene's tokenizer rules, stop words, Porter stems), plus whole
 * tokens `brand:<name>`, `category:<name>` (every element of every category
 * path), `attribute:<value>` and `price:<log2 bucket>`. Weights are
 * (1 + ln tf) · ln(N / df) over the fitted items, terms in fewer than
 * `minDf` items dropped, rows L2-normalized before the SVD. A new item is
 * embedded with the fitted vocabulary, idf and projection.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { getAnalyzer } from "../../text/registry.js";
import type { Analyzer } from "../../text/analyzer.js";
import type { ModelArray } from "../model-io.js";
import type { ItemContent } from "./item-content.js";
import { normalizeRows, type ItemEmbedder } from "./item-embedder.js";
import { projectRows, truncatedSvd, type SparseRows } from "./truncated-svd.js";

export type ContentField = "title" | "description" | "brand" | "categories" | "attributes" | "price";

export const ALL_CONTENT_FIELDS: readonly ContentField[] = ["title", "description", "brand", "categories", "attributes", "price"];

export interface TfidfSvdOptions {
  dimensions: number;
  fields: readonly ContentField[];
  /** Drop terms found in fewer items (default 2). */
  minDf: number;
  analyzer: string;
  seed: number;
}

export const TFIDF_SVD_DEFAULTS: TfidfSvdOptions = {
  dimensions: 128,
  fields: ALL_CONTENT_FIELDS,
  minDf: 2,
  analyzer: "english",
  seed: 42,
};

export class TfidfSvdEmbedder implements ItemEmbedder {
  readonly options: TfidfSvdOptions;
  private vocabulary = new Map<string, number>();
  private terms: string[] = [];
  private idf: Float32Array = new Float32Array(0);
  private projection: Float32Array = new Float32Array(0);
  private rank = 0;
  private readonly analyzer: Analyzer;

  constructor(options: Partial<TfidfSvdOptions> = {}) {
    this.options = { ...TFIDF_SVD_DEFAULTS, ...options };
    const o = this.options;
    if (!(Number.isInteger(o.dimensions) && o.dimensions >= 1)) throw new InvalidArgumentError(`embedding dimensions must be a positive integer, got ${o.dimensions}`);
    for (const f of o.fields) if (!ALL_CONTENT_FIELDS.includes(f)) throw new InvalidArgumentError(`unknown content field "${f}" (fields: ${ALL_CONTENT_FIELDS.join(", ")})`);
    this.analyzer = getAnalyzer(o.analyzer);
  }

  get id(): string {
    return `tfidf-svd(dims=${this.dimensions}; fields=${this.options.fields.join(",")}; minDf=${this.options.minDf}; analyzer=${this.options.analyzer}; vocabulary=${this.terms.length})`;
  }

  get dimensions(): number {
    return this.rank || this.options.dimensions;
  }

  /** The terms of one item with their counts. */
  termsOf(item: ItemContent | undefined): Map<string, number> {
    const counts = new Map<string, number>();
    if (!item) return counts;
    const fields = this.options.fields;
    const add = (t: string) => counts.set(t, (counts.get(t) ?? 0) + 1);
    const words = (text: string | undefined) => {
      if (text) this.analyzer.analyze(text, (term) => add(term));
    };
    if (fields.includes("title")) words(item.title);
    if (fields.includes("description")) words(item.description);
    if (fields.includes("brand") && item.brand) add(`brand:${item.brand.toLowerCase()}`);
    if (fields.includes("categories")) for (const c of item.categories ?? []) add(`category:${c.toLowerCase()}`);
    if (fields.includes("attributes")) for (const a of item.attributes ?? []) add(`attribute:${a.toLowerCase()}`);
    if (fields.includes("price") && item.price !== undefined) add(`price:${Math.floor(Math.log2(item.price + 1))}`);
    return counts;
  }

  async fit(items: readonly (ItemContent | undefined)[]): Promise<void> {
    const termCounts = items.map((item) => this.termsOf(item));
    const df = new Map<string, number>();
    for (const counts of termCounts) for (const t of counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    const documents = termCounts.filter((c) => c.size > 0).length;
    if (documents === 0) throw new InvalidArgumentError("tf-idf embedding: no item has any content in the chosen fields");
    this.terms = [...df.entries()].filter(([, n]) => n >= this.options.minDf).map(([t]) => t).sort();
    if (this.terms.length === 0) throw new InvalidArgumentError(`tf-idf embedding: no term occurs in ${this.options.minDf} or more items`);
    this.vocabulary = new Map(this.terms.map((t, i) => [t, i]));
    this.idf = Float32Array.from(this.terms, (t) => Math.log(documents / df.get(t)!));
    const svd = truncatedSvd(this.matrix(termCounts), this.options.dimensions, { seed: this.options.seed });
    this.rank = svd.k;
    this.projection = svd.projection;
  }

  async embed(items: readonly (ItemContent | undefined)[]): Promise<Float32Array> {
    if (this.rank === 0) throw new InvalidArgumentError("tf-idf embedding: fit it (or restore it) before embedding");
    const rows = projectRows(this.matrix(items.map((item) => this.termsOf(item))), this.projection, this.rank);
    return normalizeRows(rows, this.rank);
  }

  /** Sparse, L2-normalized tf-idf rows over the fitted vocabulary. */
  private matrix(termCounts: Map<string, number>[]): SparseRows {
    const indptr = new Int32Array(termCounts.length + 1);
    const indices: number[] = [];
    const values: number[] = [];
    termCounts.forEach((counts, r) => {
      const row: [number, number][] = [];
      for (const [t, n] of counts) {
        const j = this.vocabulary.get(t);
        if (j !== undefined) row.push([j, (1 + Math.log(n)) * this.idf[j]]);
      }
      row.sort((a, b) => a[0] - b[0]);
      let norm = 0;
      for (const [, v] of row) norm += v * v;
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (const [j, v] of row) {
        indices.push(j);
        values.push(v * inv);
      }
      indptr[r + 1] = indices.length;
    });
    return { rows: termCounts.length, cols: this.terms.length, indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) };
  }

  exportState(): { kind: string; state: Record<string, unknown>; arrays: Record<string, ModelArray> } {
    return {
      kind: "tfidf-svd",
      state: { options: this.options, terms: this.terms, rank: this.rank },
      arrays: { idf: this.idf, projection: this.projection },
    };
  }

  static restore(state: Record<string, unknown>, arrays: Record<string, ModelArray>): TfidfSvdEmbedder {
    const embedder = new TfidfSvdEmbedder(state.options as Partial<TfidfSvdOptions>);
    const terms = state.terms as string[];
    const rank = Number(state.rank);
    const { idf, projection } = arrays;
    if (!Array.isArray(terms) || !(idf instanceof Float32Array) || !(projection instanceof Float32Array) || idf.length !== terms.length || projection.length !== terms.length * rank) {
      throw new InvalidArgumentError("saved tf-idf embedder is incomplete (terms, idf and projection must agree)");
    }
    embedder.terms = terms;
    embedder.vocabulary = new Map(terms.map((t, i) => [t, i]));
    embedder.idf = idf;
    embedder.projection = projection;
    embedder.rank = rank;
    return embedder;
  }
}
