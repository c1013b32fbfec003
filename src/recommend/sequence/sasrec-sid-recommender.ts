/**
 * SASRec with semantic-ID prefix embeddings (`createRecommender("sasrec-sid")`),
 * after YouTube's "Better generalization with semantic IDs" (Singh et al.,
 * RecSys 2024): an item's embedding is the sum of embeddings of its semantic-ID
 * prefixes (c1), (c1, c2), ..., (c1 .. cL), optionally plus a hashed-id
 * embedding, instead of one free row per item. Items that share prefixes share
 * parameters, and an item without interactions (a cold item) gets its
 * embedding from the prefixes its content gives it, so SASRec can rank it.
 *
 * The semantic IDs are made as for the generative model (tokenizer.ts),
 * learned from the items with training interactions; everything else
 * (network, losses, training, early stopping) is SASRec's.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { InteractionData } from "../interactions.js";
import type { ModelArray } from "../model-io.js";
import type { FitContext, FitProgress } from "../recommender.js";
import {
  checkSemanticIdOptions, exportSemanticIds, fitSemanticIds, restoreSemanticIds, SEMANTIC_ID_DEFAULTS,
  type SemanticIdOptions, type SemanticIdTokenizer,
} from "../semantic-ids/tokenizer.js";
import type { SemanticIds } from "../semantic-ids/semantic-ids.js";
import type { ItemComposition } from "./item-composition.js";
import { SASREC_DEFAULTS, SasRecRecommender, type SasRecOptions } from "./sasrec-recommender.js";

export interface SasRecSidOptions extends SasRecOptions, SemanticIdOptions {
  /** Add a hashed-id embedding to the prefixes ("hashed") or not ("none"). */
  idEmbedding: "none" | "hashed";
  /** Buckets of the hashed id (0 = one per item). */
  idBuckets: number;
}

export const SASREC_SID_DEFAULTS: SasRecSidOptions = {
  ...SASREC_DEFAULTS,
  ...SEMANTIC_ID_DEFAULTS,
  idEmbedding: "none",
  idBuckets: 0,
};

export class SasRecSidRecommender extends SasRecRecommender<SasRecSidOptions> {
  override readonly algorithm = "sasrec-sid";
  override readonly usesItemContent = true;
  private tokenizer: SemanticIdTokenizer | undefined;

  constructor(options: Partial<SasRecSidOptions> = {}) {
    super(options, SASREC_SID_DEFAULTS);
  }

  get semanticIds(): SemanticIdTokenizer {
    if (!this.tokenizer) throw new InvalidArgumentError(`${this.algorithm}: the model has not been fitted or loaded`);
    return this.tokenizer;
  }

  protected override validateOptions(): void {
    super.validateOptions();
    const o = this.options;
    checkSemanticIdOptions(o);
    if (o.idEmbedding !== "none" && o.idEmbedding !== "hashed") throw new InvalidArgumentError(`idEmbedding must be "none" or "hashed", got "${String(o.idEmbedding)}"`);
    if (!(Number.isInteger(o.idBuckets) && o.idBuckets >= 0)) throw new InvalidArgumentError(`idBuckets must be a non-negative integer, got ${o.idBuckets}`);
  }

  protected override async itemComposition(data: InteractionData, progress: (p: FitProgress) => void, context: FitContext): Promise<ItemComposition> {
    if (!context.itemContent) {
      throw new InvalidArgumentError(`${this.algorithm}: the model needs item content: pass item content files (--items <file>) or fit options { itemContent }`);
    }
    const n = data.numItems;
    const popularity = data.itemPopularity();
    const known = new Uint8Array(n);
    for (let i = 0; i < n; i++) known[i] = popularity[i] > 0 ? 1 : 0;
    const tokenizer = await fitSemanticIds(context.itemContent.alignTo(data.itemDictionary), this.options, {
      fitOn: known,
      embedder: context.itemEmbedder,
      onProgress: (p) => progress({ phase: `semantic-ids ${p.phase}`, done: p.done, total: p.total }),
    });
    this.tokenizer = tokenizer;
    return prefixComposition(tokenizer.ids, data.itemDictionary.toArray(), this.options, known);
  }

  protected override async fitModel(data: InteractionData, progress: (p: FitProgress) => void, context: FitContext): Promise<void> {
    await super.fitModel(data, progress, context);
    this.fitReport = { ...(this.fitReport ?? {}), semanticIds: { description: this.tokenizer!.describe(), ...this.tokenizer!.stats() } };
  }

  protected override exportState(): { arrays: Record<string, ModelArray>; state?: Record<string, unknown> } {
    const base = super.exportState();
    const sid = exportSemanticIds(this.tokenizer!);
    return { arrays: { ...base.arrays, ...sid.arrays }, state: { ...(base.state ?? {}), semanticIds: sid.state } };
  }

  protected override importState(arrays: Record<string, ModelArray>, state: Record<string, unknown>): void {
    super.importState(arrays, state);
    this.tokenizer = restoreSemanticIds(state.semanticIds as Record<string, unknown>, arrays);
  }
}

/**
 * Parts per item: one per prefix length 1..L (rows = the distinct prefixes of
 * that length in the catalog) and, with idEmbedding "hashed", a hashed id.
 */
export function prefixComposition(
  ids: SemanticIds,
  itemIds: readonly string[],
  options: Pick<SasRecSidOptions, "idEmbedding" | "idBuckets">,
  trainable?: Uint8Array,
): ItemComposition {
  const n = ids.size;
  const L = ids.levels;
  const names: string[] = [];
  const sizes: number[] = [];
  const parts = L + (options.idEmbedding === "hashed" ? 1 : 0);
  const index = new Int32Array(n * parts);
  for (let p = 1; p <= L; p++) {
    const rows = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const key = Array.from(ids.of(i).subarray(0, p)).join("-");
      let r = rows.get(key);
      if (r === undefined) {
        r = rows.size;
        rows.set(key, r);
      }
      index[i * parts + p - 1] = r;
    }
    names.push(`prefix${p}`);
    sizes.push(rows.size);
  }
  if (options.idEmbedding === "hashed") {
    const buckets = options.idBuckets > 0 ? options.idBuckets : n;
    for (let i = 0; i < n; i++) index[i * parts + L] = fnv1a(itemIds[i]) % buckets;
    names.push("hashed_id");
    sizes.push(buckets);
  }
  return { names, sizes, index, trainable };
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
