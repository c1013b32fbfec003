/**
 * Items → semantic IDs, end to end: an item embedder (content → vectors), a
 * quantizer (vectors → L codes) and the ID table (codes + collision digit).
 * Content models (the generative recommender, SASRec with semantic-ID prefix
 * embeddings) and `trove rec semantic-ids` build one with `fitSemanticIds`,
 * save it inside their model directory (`exportSemanticIds`: embeddings,
 * embedder, code books and table, so the saved model says which embedding made
 * its codes) and give new items codes with `addItems`, without refitting.
 *
 * Which items the embedder and quantizer learn from is a choice: by default
 * every item with content; a model fitted on interactions passes the items it
 * has training interactions for, so items that arrive later (cold items) are
 * tokenized exactly as a new item would be, and their digits come after the
 * known items'.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { ModelArray } from "../model-io.js";
import type { ItemContent } from "../content/item-content.js";
import type { ItemEmbedder } from "../content/item-embedder.js";
import { ALL_CONTENT_FIELDS } from "../content/tfidf-svd-embedder.js";
import { createItemEmbedder, parseContentFields, restoreItemEmbedder, type EmbeddingKind } from "../content/embedder-factory.js";
import type { Quantizer, QuantizerKind, QuantizerProgress } from "./quantizer.js";
import { QUANTIZER_KINDS } from "./quantizer.js";
import { RandomCodes } from "./random-codes.js";
import { RqKMeans } from "./rq-kmeans.js";
import { RqVae, RQ_VAE_DEFAULTS } from "./rq-vae.js";
import { SemanticIds, semanticIdStats, type SemanticIdStats } from "./semantic-ids.js";

/** Options shared by everything that builds semantic IDs (flat, so they can be model options). */
export interface SemanticIdOptions {
  /** "rq-kmeans", "rq-vae" or "random" (TIGER's random-ID ablation). */
  quantizer: QuantizerKind;
  levels: number;
  codebookSize: number;
  /** Where item vectors come from: "tfidf-svd" (Trove's tf-idf + truncated SVD) or "trove-encoder" (Trove's trained encoder, trained on the item texts). */
  embedding: EmbeddingKind;
  /** Dimensions of the tf-idf + SVD content embedding. */
  embeddingDims: number;
  /** Content fields the embedding reads, comma-separated. */
  embeddingFields: string;
  kmeansIterations: number;
  rqvaeEpochs: number;
  rqvaeLatent: number;
  /** Seed of the embedding's SVD and of the quantizer. */
  sidSeed: number;
}

export const SEMANTIC_ID_DEFAULTS: SemanticIdOptions = {
  quantizer: "rq-kmeans",
  embedding: "tfidf-svd",
  levels: 3,
  codebookSize: 256,
  embeddingDims: 128,
  embeddingFields: ALL_CONTENT_FIELDS.join(","),
  kmeansIterations: 50,
  rqvaeEpochs: RQ_VAE_DEFAULTS.epochs,
  rqvaeLatent: RQ_VAE_DEFAULTS.latent,
  sidSeed: 42,
};

export function checkSemanticIdOptions(o: SemanticIdOptions): void {
  if (!QUANTIZER_KINDS.includes(o.quantizer)) throw new InvalidArgumentError(`quantizer must be one of ${QUANTIZER_KINDS.join(", ")}, got "${String(o.quantizer)}"`);
  for (const name of ["levels", "codebookSize", "embeddingDims", "kmeansIterations", "rqvaeEpochs", "rqvaeLatent"] as const) {
    if (!(Number.isInteger(o[name]) && o[name] >= 1)) throw new InvalidArgumentError(`${name} must be a positive integer, got ${o[name]}`);
  }
  if (o.codebookSize < 2) throw new InvalidArgumentError(`codebookSize must be at least 2, got ${o.codebookSize}`);
  parseContentFields(o.embeddingFields);
  if (o.embedding !== "tfidf-svd" && o.embedding !== "trove-encoder") throw new InvalidArgumentError(`embedding must be "tfidf-svd" or "trove-encoder", got "${String(o.embedding)}"`);
}

function createQuantizer(o: SemanticIdOptions): Quantizer {
  const common = { levels: o.levels, codebookSize: o.codebookSize, seed: o.sidSeed };
  if (o.quantizer === "rq-vae") return new RqVae({ ...common, epochs: o.rqvaeEpochs, latent: o.rqvaeLatent });
  if (o.quantizer === "random") return new RandomCodes(common);
  return new RqKMeans({ ...common, iterations: o.kmeansIterations });
}

/** A fitted item tokenizer and the catalog's IDs. */
export class SemanticIdTokenizer {
  constructor(
    readonly options: SemanticIdOptions,
    readonly embedder: ItemEmbedder | undefined,
    readonly quantizer: Quantizer,
    /** n × dimensions content embeddings of the items, in item order. */
    public embeddings: Float32Array,
    readonly ids: SemanticIds,
    /** Items without any content (their embedding is zero). */
    public itemsWithoutContent: number,
  ) {}

  get dimensions(): number {
    return this.embedder?.dimensions ?? this.embeddings.length / Math.max(1, this.ids.size);
  }

  /** What made the IDs, for outputs and saved models. */
  describe(): string {
    const o = this.options;
    const q = o.quantizer === "rq-vae" ? `rq-vae (latent ${o.rqvaeLatent}, ${o.rqvaeEpochs} epochs)` : o.quantizer === "random" ? "random codes (no content meaning)" : `rq-kmeans (${o.kmeansIterations} iterations)`;
    return `${q}, ${o.levels} levels × ${o.codebookSize} codes + collision digit; embedding ${this.embedder?.id ?? "unknown"}`;
  }

  stats(): SemanticIdStats {
    return semanticIdStats(this.ids, this.quantizer, this.embeddings, this.dimensions);
  }

  /** Codes for new items, appended after the existing ones; returns their indices. */
  async addItems(items: readonly (ItemContent | undefined)[]): Promise<number[]> {
    if (!this.embedder) throw new InvalidArgumentError("this model's embedder cannot be restored (an external encoder made its embeddings); new items need it");
    const x = await this.embedder.embed(items);
    const codes = this.quantizer.encode(x, items.length);
    const first = this.ids.append(codes, items.length);
    const grown = new Float32Array(this.embeddings.length + x.length);
    grown.set(this.embeddings);
    grown.set(x, this.embeddings.length);
    this.embeddings = grown;
    this.itemsWithoutContent += items.filter((i) => !hasContent(i)).length;
    return Array.from({ length: items.length }, (_, k) => first + k);
  }
}

function hasContent(item: ItemContent | undefined): boolean {
  return Boolean(item && (item.title || item.description || item.brand || item.categories?.length || item.attributes?.length || item.price !== undefined));
}

/**
 * Embeds every item, fits the quantizer on the items `fitOn` selects (all with
 * content by default), and gives every item its ID; the digits of the selected
 * items are assigned first.
 */
export async function fitSemanticIds(
  items: readonly (ItemContent | undefined)[],
  options: Partial<SemanticIdOptions> = {},
  context: { fitOn?: Uint8Array; embedder?: ItemEmbedder; onProgress?: (p: QuantizerProgress) => void } = {},
): Promise<SemanticIdTokenizer> {
  const o: SemanticIdOptions = { ...SEMANTIC_ID_DEFAULTS, ...options };
  checkSemanticIdOptions(o);
  const n = items.length;
  if (n === 0) throw new InvalidArgumentError("no items to build semantic IDs for");
  const selected: number[] = [];
  for (let i = 0; i < n; i++) if ((context.fitOn === undefined || context.fitOn[i]) && hasContent(items[i])) selected.push(i);
  const withoutContent = items.filter((i) => !hasContent(i)).length;
  if (selected.length === 0) throw new InvalidArgumentError("no item has content to learn semantic IDs from (pass item content files with titles, brands, categories...)");
  const embedder = context.embedder ?? createItemEmbedder(o.embedding, o);
  context.onProgress?.({ phase: "embedding items", done: 0, total: n });
  await embedder.fit(selected.map((i) => items[i]));
  const embeddings = await embedder.embed(items);
  const d = embedder.dimensions;
  const quantizer = createQuantizer(o);
  const fitRows = new Float32Array(selected.length * d);
  selected.forEach((i, r) => fitRows.set(embeddings.subarray(i * d, i * d + d), r * d));
  await quantizer.fit(fitRows, selected.length, d, context.onProgress);
  const codes = quantizer.encode(embeddings, n);
  const selectedMask = new Uint8Array(n);
  for (const i of selected) selectedMask[i] = 1;
  const order = [...selected];
  for (let i = 0; i < n; i++) if (!selectedMask[i]) order.push(i);
  const ids = SemanticIds.fromCodes(codes, n, o.levels, o.codebookSize, order);
  return new SemanticIdTokenizer(o, embedder, quantizer, embeddings, ids, withoutContent);
}

/** Arrays and state of a tokenizer, names prefixed with `sid_` for a recommender's model directory. */
export function exportSemanticIds(t: SemanticIdTokenizer): { state: Record<string, unknown>; arrays: Record<string, ModelArray> } {
  const arrays: Record<string, ModelArray> = { sid_codes: t.ids.toArray(), sid_embeddings: t.embeddings };
  const q = t.quantizer.exportState();
  for (const [name, a] of Object.entries(q.arrays)) arrays[`sid_quantizer_${name}`] = a;
  const e = t.embedder?.exportState();
  for (const [name, a] of Object.entries(e?.arrays ?? {})) arrays[`sid_embedder_${name}`] = a;
  return {
    state: {
      options: t.options,
      description: t.describe(),
      embedding: t.embedder?.id ?? null,
      itemsWithoutContent: t.itemsWithoutContent,
      quantizer: q.state,
      embedder: e ? { kind: e.kind, state: e.state } : null,
    },
    arrays,
  };
}

export function restoreSemanticIds(state: Record<string, unknown>, arrays: Record<string, ModelArray>): SemanticIdTokenizer {
  const o = state.options as SemanticIdOptions;
  const pick = (prefix: string) => {
    const out: Record<string, ModelArray> = {};
    for (const [name, a] of Object.entries(arrays)) if (name.startsWith(prefix)) out[name.slice(prefix.length)] = a;
    return out;
  };
  const qState = state.quantizer as Record<string, unknown>;
  const quantizer: Quantizer =
    o.quantizer === "rq-vae" ? RqVae.restore(qState, pick("sid_quantizer_")) : o.quantizer === "random" ? RandomCodes.restore(qState) : RqKMeans.restore(qState, pick("sid_quantizer_"));
  const e = state.embedder as { kind: string; state: Record<string, unknown> } | null;
  const embedder = e ? restoreItemEmbedder(e.kind, e.state, pick("sid_embedder_")) : undefined;
  const codes = arrays.sid_codes;
  const embeddings = arrays.sid_embeddings;
  if (!(codes instanceof Int32Array) || !(embeddings instanceof Float32Array)) throw new InvalidArgumentError("saved model lacks its semantic IDs (sid_codes, sid_embeddings)");
  const ids = SemanticIds.fromArray(codes, o.levels, o.codebookSize);
  return new SemanticIdTokenizer(o, embedder, quantizer, embeddings, ids, Number(state.itemsWithoutContent ?? 0));
}
