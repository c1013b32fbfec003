/**
 * Generative recommendation over semantic IDs (TIGER, Rajput et al., NeurIPS
 * 2023), behind the common Recommender interface (`createRecommender("generative")`,
 * alias "tiger").
 *
 * fit: items get semantic IDs from their content (semantic-ids/tokenizer.ts:
 * tf-idf + SVD embedding, RQ-KMeans or RQ-VAE codes, a collision digit),
 * learned from the items that have training interactions, so items that
 * arrive later are coded like any new item; then a decoder-only transformer
 * (generative-net.ts) learns to continue each user's history of ID tokens,
 * stopping early on the validation targets' NDCG@10.
 *
 * Decoder-only rather than TIGER's encoder-decoder: one pass over a history
 * trains the prediction of every item in it (and of every code within an
 * item), where an encoder-decoder trains one target item per pass; on a CPU
 * that is the difference between a few and many hours on Amazon Beauty. At
 * inference the history is encoded once and cached, as an encoder would be.
 *
 * scoreAll/recommend: trie-constrained beam search (beam-search.ts) over the
 * IDs of all items (cold items included: their IDs come from their content)
 * minus the user's history; the `beamSize` generated items get their ID's
 * log-probability, every other item −Infinity (not recommended). An empty
 * history falls back to training popularity.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { ItemContent } from "../content/item-content.js";
import type { InteractionData } from "../interactions.js";
import type { ModelArray } from "../model-io.js";
import { BaseRecommender, cosineRow, rowNorms, type FitContext, type FitProgress, type ResolvedQuery } from "../recommender.js";
import { PrefixTrie } from "../semantic-ids/prefix-trie.js";
import {
  checkSemanticIdOptions, exportSemanticIds, fitSemanticIds, restoreSemanticIds, SEMANTIC_ID_DEFAULTS,
  type SemanticIdOptions, type SemanticIdTokenizer,
} from "../semantic-ids/tokenizer.js";
import { Adam } from "../sequence/adam.js";
import { runEpochLoop } from "../sequence/epoch-loop.js";
import { evaluateNextItem, type NextItemScorer } from "../sequence/evaluate.js";
import { buildExamples } from "../sequence/examples.js";
import type { KernelKind } from "../sequence/heap.js";
import { validationQueries } from "../sequence/sasrec-recommender.js";
import type { ScoredItems } from "../top-k.js";
import { beamSearch } from "./beam-search.js";
import { GenerativeNet, type GenerativeConfig } from "./generative-net.js";
import { TokenBatchBuilder } from "./token-batch.js";

export interface GenerativeOptions extends SemanticIdOptions {
  /** History items read (the window is maxLen + 1 items: the history and the generated item). */
  maxLen: number;
  hidden: number;
  blocks: number;
  heads: number;
  /** Feed-forward width (0 = 4 × hidden). */
  ffnHidden: number;
  activation: "relu" | "gelu";
  dropout: number;
  attnDropout: number;
  /** "multi": each user's newest maxLen + 1 items; "sliding": also older windows every `windowStride` items. */
  examples: "multi" | "sliding";
  windowStride: number;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  patience: number;
  evalEvery: number;
  /** Validate (early stopping) on at most this many users (0 = all). */
  validationUsers: number;
  /** Wall-clock budget of the whole fit in minutes (semantic IDs included; 0 = none): no epoch starts that would end past it. */
  maxMinutes: number;
  /** Items generated per query (beam width); items outside the beam are not recommended. */
  beamSize: number;
  /** Softmax over the allowed codes only (constrained decoding) rather than over all codes. */
  renormalize: boolean;
  /** Spare digits beyond the largest collision count, for items added after training. */
  spareDigits: number;
  /**
   * TIGER's ε for cold start: the largest share of each block of `coldBlock`
   * recommendations given to new items (items without training interactions)
   * found under the generated prefixes; 0 generates known items only.
   */
  coldShare: number;
  coldBlock: number;
  seed: number;
  kernel: KernelKind;
}

export const GENERATIVE_DEFAULTS: GenerativeOptions = {
  ...SEMANTIC_ID_DEFAULTS,
  maxLen: 20,
  hidden: 64,
  blocks: 2,
  heads: 2,
  ffnHidden: 0,
  activation: "relu",
  dropout: 0.2,
  attnDropout: 0.2,
  examples: "multi",
  windowStride: 0,
  epochs: 100,
  batchSize: 128,
  lr: 1e-3,
  weightDecay: 0,
  patience: 5,
  evalEvery: 1,
  validationUsers: 0,
  maxMinutes: 0,
  beamSize: 20,
  renormalize: true,
  spareDigits: 4,
  coldShare: 0,
  coldBlock: 10,
  seed: 42,
  kernel: "wasm-simd",
};

export class GenerativeRecommender extends BaseRecommender<GenerativeOptions> {
  readonly algorithm = "generative";
  override readonly usesItemContent = true;
  private net: GenerativeNet | undefined;
  private tokenizer: SemanticIdTokenizer | undefined;
  private trie: PrefixTrie | undefined;
  private builder: TokenBatchBuilder | undefined;
  private popularity: Float32Array = new Float32Array(0);
  private embeddingNorms: Float32Array | undefined;

  constructor(options: Partial<GenerativeOptions> = {}) {
    super(GENERATIVE_DEFAULTS, options);
  }

  /** The items' semantic IDs and how they were made. */
  get semanticIds(): SemanticIdTokenizer {
    this.requireFitted();
    return this.tokenizer!;
  }

  private config(digitVocab: number): GenerativeConfig {
    const o = this.options;
    return {
      hidden: o.hidden, blocks: o.blocks, heads: o.heads, ffnHidden: o.ffnHidden > 0 ? o.ffnHidden : 4 * o.hidden,
      activation: o.activation, dropout: o.dropout, attnDropout: o.attnDropout, normEps: 1e-8,
      maxItems: o.maxLen + 1, levels: o.levels, codebookSize: o.codebookSize, digitVocab, scaleEmbedding: true,
    };
  }

  protected override validateOptions(): void {
    const o = this.options;
    checkSemanticIdOptions(o);
    for (const name of ["maxLen", "hidden", "blocks", "heads", "epochs", "batchSize", "patience", "evalEvery", "beamSize"] as const) {
      if (!(Number.isInteger(o[name]) && o[name] >= 1)) throw new InvalidArgumentError(`${name} must be a positive integer, got ${o[name]}`);
    }
    if (!(o.coldShare >= 0 && o.coldShare <= 1)) throw new InvalidArgumentError(`coldShare must be in [0, 1], got ${o.coldShare}`);
    if (!(o.maxMinutes >= 0)) throw new InvalidArgumentError(`maxMinutes must be >= 0, got ${o.maxMinutes}`);
    for (const name of ["ffnHidden", "windowStride", "validationUsers", "spareDigits", "coldBlock"] as const) {
      if (!(Number.isInteger(o[name]) && o[name] >= 0)) throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${o[name]}`);
    }
    if (o.hidden % o.heads !== 0) throw new InvalidArgumentError(`hidden (${o.hidden}) must be divisible by heads (${o.heads})`);
    for (const name of ["dropout", "attnDropout"] as const) if (!(o[name] >= 0 && o[name] < 1)) throw new InvalidArgumentError(`${name} must be in [0, 1), got ${o[name]}`);
    if (!(o.lr > 0)) throw new InvalidArgumentError(`lr must be positive, got ${o.lr}`);
    if (!(o.weightDecay >= 0)) throw new InvalidArgumentError(`weightDecay must be >= 0, got ${o.weightDecay}`);
    if (o.examples !== "multi" && o.examples !== "sliding") throw new InvalidArgumentError(`examples must be "multi" or "sliding", got "${String(o.examples)}"`);
    if (o.activation !== "relu" && o.activation !== "gelu") throw new InvalidArgumentError(`activation must be "relu" or "gelu", got "${String(o.activation)}"`);
    if (o.kernel !== "wasm-simd" && o.kernel !== "js") throw new InvalidArgumentError(`kernel must be "wasm-simd" or "js", got "${String(o.kernel)}"`);
  }

  protected async fitModel(data: InteractionData, progress: (p: FitProgress) => void, context: FitContext): Promise<void> {
    const o = this.options;
    const fitStart = performance.now();
    if (!context.itemContent) {
      throw new InvalidArgumentError(`${this.algorithm}: the model needs item content (titles, brands, categories...): pass item content files (--items <file>) or fit options { itemContent }`);
    }
    const n = data.numItems;
    const contents = context.itemContent.alignTo(data.itemDictionary);
    const popularity = data.itemPopularity();
    const known = new Uint8Array(n);
    for (let i = 0; i < n; i++) known[i] = popularity[i] > 0 ? 1 : 0;
    progress({ phase: "semantic IDs", done: 0, total: 1 });
    const tokenizer = await fitSemanticIds(contents, o, {
      fitOn: known,
      embedder: context.itemEmbedder,
      onProgress: (p) => progress({ phase: `semantic IDs: ${p.phase}`, done: p.done, total: p.total }),
    });
    this.tokenizer = tokenizer;
    this.trie = new PrefixTrie(tokenizer.ids);
    const digitVocab = tokenizer.ids.digitsUsed + o.spareDigits;
    const net = new GenerativeNet(this.config(digitVocab), o.seed, o.kernel);
    this.net = net;
    this.builder = new TokenBatchBuilder(tokenizer.ids, net.cfg, net.cfg.maxItems);
    const seqs = data.userSequences();
    this.popularity = new Float32Array(n);
    for (let p = 0; p < seqs.items.length; p++) this.popularity[seqs.items[p]]++;
    this.embeddingNorms = undefined;
    const sequences: Int32Array[] = [];
    for (let u = 0; u < data.numUsers; u++) {
      if (seqs.indptr[u + 1] - seqs.indptr[u] >= 2) sequences.push(seqs.items.subarray(seqs.indptr[u], seqs.indptr[u + 1]));
    }
    const ex = buildExamples(sequences, o.examples === "sliding" ? "sliding" : "multi", o.maxLen, o.windowStride > 0 ? o.windowStride : o.maxLen);
    if (ex.count === 0) throw new InvalidArgumentError(`${this.algorithm}: no user has two or more training items, nothing to learn from`);
    const adam = new Adam(net.heap, net.P, net.G, net.layout.size, { lr: o.lr, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: o.weightDecay });
    const builder = new TokenBatchBuilder(tokenizer.ids, net.cfg, net.cfg.maxItems);
    const validation = context.validation ? validationQueries(data, context.validation) : undefined;
    const scorer = this.nextItemScorer();
    const maxUsers = o.validationUsers > 0 ? o.validationUsers : undefined;
    const result = await runEpochLoop({
      count: ex.count,
      batchSize: o.batchSize,
      epochs: o.epochs,
      shuffleSeed: (o.seed ^ 0x2545f491) >>> 0,
      patience: o.patience,
      evalEvery: o.evalEvery,
      timeBudgetSeconds: o.maxMinutes > 0 ? o.maxMinutes * 60 - (performance.now() - fitStart) / 1000 : undefined,
      progress: context.progress ?? Boolean(process.stderr.isTTY),
      handleSigint: context.interrupt === undefined,
      interrupt: context.interrupt,
      trainBatch: (order, start, end) => {
        builder.clear();
        for (let i = start; i < end; i++) {
          const e = order[i];
          builder.addTraining(sequences[ex.seq[e]], ex.start[e], ex.start[e] + ex.len[e] + 1);
        }
        net.zeroGrad();
        const loss = net.trainStep(builder.batch);
        adam.update();
        return { loss, targets: builder.batch.nTargets, examples: builder.batch.nExamples };
      },
      validate: validation && validation.targets.length > 0
        ? () => evaluateNextItem(scorer, validation.histories, validation.targets, { maxUsers, batchSize: 64 })
        : undefined,
      snapshot: () => net.getParameters(),
      restore: (weights) => net.setParameters(weights),
      onEpoch: (r) =>
        progress({ phase: `epoch ${r.epoch} loss ${r.loss.toFixed(4)}${r.valid ? ` val ndcg@10 ${r.valid.ndcg.toFixed(4)}` : ""} (${r.trainSeconds.toFixed(1)} s)`, done: r.epoch, total: o.epochs }),
    });
    const stats = tokenizer.stats();
    this.fitReport = {
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedBy: result.stoppedBy,
      validatedOn: validation ? `${Math.min(validation.targets.length, maxUsers ?? Infinity)} validation targets (NDCG@10 of beam search, train histories)` : "none (last epoch kept)",
      bestValidationNdcg10: result.bestValid?.ndcg ?? null,
      epochSeconds: result.history.map((r) => Number(r.trainSeconds.toFixed(2))),
      validationSeconds: result.history.map((r) => Number(r.validSeconds.toFixed(2))),
      lossPerEpoch: result.history.map((r) => Number(r.loss.toFixed(4))),
      targetsPerEpoch: result.history[0]?.targets ?? 0,
      parameters: net.layout.size,
      semanticIds: { description: tokenizer.describe(), itemsWithoutContent: tokenizer.itemsWithoutContent, fittedOn: known.reduce((a, b) => a + b, 0), ...stats },
    };
  }

  /** Full score rows for evaluateNextItem (beam items scored, others −Infinity). */
  private nextItemScorer(): NextItemScorer {
    let rows = new Float32Array(0);
    return {
      nItems: this.numItems,
      scoreBatch: (histories) => {
        const N = this.numItems;
        if (rows.length < histories.length * N) rows = new Float32Array(histories.length * N);
        histories.forEach((h, r) => this.generate(h, [], rows.subarray(r * N, (r + 1) * N)));
        return rows;
      },
    };
  }

  /** Beam search after `history` with `exclude` (and the history) left out; writes scores into `out`. */
  private generate(history: ArrayLike<number>, exclude: ArrayLike<number>, out: Float32Array): void {
    out.fill(-Infinity);
    if (history.length === 0) {
      out.set(this.popularity);
      return;
    }
    const trie = this.trie!;
    trie.exclude(history);
    trie.exclude(exclude);
    const o = this.options;
    try {
      const newItems = o.coldShare > 0 ? this.newItemMask() : undefined;
      const result = beamSearch(this.net!, this.builder!, trie, history, { beamSize: o.beamSize, renormalize: o.renormalize, newItems });
      if (!result.newItems) {
        for (let r = 0; r < result.items.length; r++) out[result.items[r]] = result.scores[r];
        return;
      }
      // TIGER's ε: in each block of coldBlock places, at most ⌊ε·coldBlock⌋ go to new items (best prefix first);
      // the ranking is written as descending scores
      const ranked = mergeWithShare(result, result.newItems, Math.floor(o.coldShare * o.coldBlock), o.coldBlock, o.beamSize);
      for (let r = 0; r < ranked.length; r++) out[ranked[r]] = -r;
    } finally {
      trie.restore();
    }
  }

  private newItems: Uint8Array | undefined;

  /** Items without training interactions (popularity 0): new items for the cold-start share. */
  private newItemMask(): Uint8Array {
    if (!this.newItems || this.newItems.length !== this.numItems) {
      this.newItems = Uint8Array.from(this.popularity, (p) => (p > 0 ? 0 : 1));
    }
    return this.newItems;
  }

  protected score(query: ResolvedQuery, out: Float32Array): void {
    this.requireFitted();
    this.generate(query.history, query.user >= 0 ? this.seenBy(query.user) : [], out);
  }

  similarItems(item: number, k: number): ScoredItems {
    this.requireFitted();
    this.checkItem(item);
    const t = this.tokenizer!;
    const d = t.dimensions;
    this.embeddingNorms ??= rowNorms(t.embeddings, this.numItems, d);
    const row = new Float32Array(this.numItems);
    cosineRow(t.embeddings, this.embeddingNorms, d, item, row);
    return this.topOfRow(row, k, item);
  }

  /**
   * Adds items that arrived after training: they get semantic IDs from their
   * content (no refitting) and can be generated at once. Returns their indices.
   */
  async addItems(items: readonly ItemContent[]): Promise<number[]> {
    this.requireFitted();
    const t = this.tokenizer!;
    const before = t.ids.size;
    const indices = await t.addItems(items);
    for (const i of indices) {
      const digit = t.ids.token(i, t.ids.levels);
      if (digit >= this.net!.cfg.digitVocab) {
        throw new InvalidArgumentError(`item "${items[i - before].id}" is number ${digit + 1} with the codes ${t.ids.format(i)}; the model has ${this.net!.cfg.digitVocab} digits: refit to add it`);
      }
    }
    this.appendItemIds(items.map((x) => x.id));
    const grown = new Float32Array(this.numItems);
    grown.set(this.popularity);
    this.popularity = grown;
    this.trie = new PrefixTrie(t.ids);
    this.embeddingNorms = undefined;
    this.newItems = undefined;
    return indices;
  }

  protected override requireFitted(): void {
    super.requireFitted();
    if (!this.net || !this.tokenizer) throw new InvalidArgumentError(`${this.algorithm}: the model has not been fitted or loaded`);
  }

  protected exportState(): { arrays: Record<string, ModelArray>; state?: Record<string, unknown> } {
    const sid = exportSemanticIds(this.tokenizer!);
    return {
      arrays: { parameters: this.net!.getParameters(), popularity: this.popularity, ...sid.arrays },
      state: { config: this.net!.cfg, semanticIds: sid.state, fitReport: this.fitReport ?? null },
    };
  }

  protected importState(arrays: Record<string, ModelArray>, state: Record<string, unknown>): void {
    const { parameters, popularity } = arrays;
    if (!(parameters instanceof Float32Array) || !(popularity instanceof Float32Array) || popularity.length !== this.numItems) {
      throw new InvalidArgumentError(`${this.algorithm}: saved model lacks float32 arrays parameters and popularity of the right size`);
    }
    const tokenizer = restoreSemanticIds(state.semanticIds as Record<string, unknown>, arrays);
    if (tokenizer.ids.size !== this.numItems) throw new InvalidArgumentError(`${this.algorithm}: saved model has ${tokenizer.ids.size} semantic IDs for ${this.numItems} items`);
    const cfg = state.config as GenerativeConfig;
    const net = new GenerativeNet(cfg, this.options.seed, this.options.kernel);
    net.setParameters(parameters);
    this.net = net;
    this.tokenizer = tokenizer;
    this.trie = new PrefixTrie(tokenizer.ids);
    this.builder = new TokenBatchBuilder(tokenizer.ids, cfg, cfg.maxItems);
    this.popularity = popularity;
    this.embeddingNorms = undefined;
    this.fitReport = (state.fitReport as Record<string, unknown> | null) ?? undefined;
  }
}

/**
 * Merges known items (by score) with new items (by their prefix's score): in
 * each block of `block` places at most `perBlock` new items, each place taken
 * by the better of the two lists' next candidates while the block's quota
 * allows. Returns at most `limit` items, best first.
 */
export function mergeWithShare(
  known: { items: Int32Array; scores: Float64Array },
  fresh: { items: Int32Array; scores: Float64Array },
  perBlock: number,
  block: number,
  limit: number,
): number[] {
  const out: number[] = [];
  let k = 0;
  let f = 0;
  let freshInBlock = 0;
  while (out.length < limit && (k < known.items.length || f < fresh.items.length)) {
    if (out.length % block === 0) freshInBlock = 0;
    const canFresh = f < fresh.items.length && freshInBlock < perBlock;
    const takeFresh = canFresh && (k >= known.items.length || fresh.scores[f] > known.scores[k]);
    if (takeFresh) {
      out.push(fresh.items[f++]);
      freshInBlock++;
    } else if (k < known.items.length) {
      out.push(known.items[k++]);
    } else {
      break;
    }
  }
  return out;
}
