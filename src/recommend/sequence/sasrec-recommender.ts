/**
 * SASRec behind the common Recommender interface, so that
 * `createRecommender("sasrec", options)`, `runRecEvaluation`, `loadRecommender`
 * and the CLI treat it like every other model.
 *
 * fit: each training user's positive events in time order are the sequences
 * (`trainSasRec`); when `fit` gets a validation part (a split's validation
 * targets, as `runRecEvaluation` passes), training stops early on their
 * NDCG@10 ranked from the training histories, exactly as bench/rec/sasrec.ts
 * does with `leaveOneOut`. recommend/scoreAll: the next-item scores after the
 * user's history (the newest `maxLen` items); a user or history with no items
 * falls back to training popularity. similarItems: cosine of the item
 * embeddings (shared by input and output layers). save/load: the versioned
 * recommender directory (model-io.ts) with the parameters as one float32 array.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { InteractionData } from "../interactions.js";
import type { ModelArray } from "../model-io.js";
import { BaseRecommender, cosineRow, rowNorms, type FitContext, type FitProgress, type ResolvedQuery } from "../recommender.js";
import type { ScoredItems } from "../top-k.js";
import type { KernelKind } from "./heap.js";
import type { ItemComposition } from "./item-composition.js";
import { resolveConfig, type SasRecConfig } from "./model.js";
import { SasRec, trainSasRec, type TrainOptions } from "./sasrec.js";

/** Flat options: the network's shape (SasRecConfig) and the training loop's (TrainOptions). */
export interface SasRecOptions
  extends Pick<SasRecConfig, "maxLen" | "hidden" | "blocks" | "heads" | "activation" | "dropout" | "attnDropout">,
    Pick<TrainOptions, "loss" | "negatives" | "examples" | "epochs" | "batchSize" | "lr" | "weightDecay" | "patience" | "evalEvery" | "seed"> {
  /** Feed-forward width (0 = hidden, as SASRec). */
  ffnHidden: number;
  /** Window stride for "sliding" (0 = maxLen). */
  windowStride: number;
  /** Validate on at most this many users (0 = all). */
  validationUsers: number;
  /** Wall-clock budget of the fit in minutes (0 = none): no epoch starts that would end past it. */
  maxMinutes: number;
  kernel: KernelKind;
}

/** The settings behind the Beauty figures in docs/sasrec.md (bench/rec/sasrec.ts defaults). */
export const SASREC_DEFAULTS: SasRecOptions = {
  maxLen: 50,
  hidden: 64,
  blocks: 2,
  heads: 1,
  ffnHidden: 0,
  activation: "relu",
  dropout: 0.5,
  attnDropout: 0.5,
  loss: "ce",
  negatives: 256,
  examples: "multi",
  windowStride: 0,
  epochs: 200,
  batchSize: 128,
  lr: 1e-3,
  weightDecay: 0,
  patience: 10,
  evalEvery: 1,
  validationUsers: 0,
  maxMinutes: 0,
  seed: 42,
  kernel: "wasm-simd",
};

export class SasRecRecommender<O extends SasRecOptions = SasRecOptions> extends BaseRecommender<O> {
  readonly algorithm: string = "sasrec";
  private model: SasRec | undefined;
  /** Training popularity (positive events per item), for empty histories. */
  private popularity: Float32Array = new Float32Array(0);
  private itemNorms: Float32Array | undefined;

  constructor(options: Partial<O> = {}, defaults: O = SASREC_DEFAULTS as O) {
    super(defaults, options);
  }

  /** The underlying network (for the sequence API: scoreBatch, getParameters, ...). */
  get network(): SasRec {
    this.requireFitted();
    return this.model!;
  }

  private config(): SasRecConfig {
    const o = this.options;
    return resolveConfig({
      maxLen: o.maxLen, hidden: o.hidden, blocks: o.blocks, heads: o.heads,
      ffnHidden: o.ffnHidden > 0 ? o.ffnHidden : o.hidden,
      activation: o.activation, dropout: o.dropout, attnDropout: o.attnDropout,
    });
  }

  protected override validateOptions(): void {
    const o = this.options;
    this.config(); // throws for bad shapes and dropout rates
    const nonNegInt = (name: "windowStride" | "validationUsers") => {
      if (!(Number.isInteger(o[name]) && o[name] >= 0)) throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${o[name]}`);
    };
    nonNegInt("windowStride");
    nonNegInt("validationUsers");
    if (!(o.maxMinutes >= 0)) throw new InvalidArgumentError(`maxMinutes must be >= 0, got ${o.maxMinutes}`);
    if (o.examples !== "multi" && o.examples !== "last" && o.examples !== "sliding") {
      throw new InvalidArgumentError(`examples must be "multi", "last" or "sliding", got "${String(o.examples)}"`);
    }
    if (o.kernel !== "wasm-simd" && o.kernel !== "js") throw new InvalidArgumentError(`kernel must be "wasm-simd" or "js", got "${String(o.kernel)}"`);
    if (!(o.weightDecay >= 0)) throw new InvalidArgumentError(`weightDecay must be >= 0, got ${o.weightDecay}`);
    // epochs, batchSize, negatives, patience, evalEvery, loss and lr are checked by trainSasRec.
  }

  /** Item embeddings composed of shared parts for this fit (SASRec with semantic-ID prefixes); none by default. */
  protected async itemComposition(_data: InteractionData, _progress: (p: FitProgress) => void, _context: FitContext): Promise<ItemComposition | undefined> {
    return undefined;
  }

  protected async fitModel(data: InteractionData, progress: (p: FitProgress) => void, context: FitContext): Promise<void> {
    const o = this.options;
    const fitStart = performance.now();
    const composition = await this.itemComposition(data, progress, context);
    const n = data.numItems;
    const seqs = data.userSequences();
    const sequences: Int32Array[] = [];
    for (let u = 0; u < data.numUsers; u++) {
      if (seqs.indptr[u + 1] > seqs.indptr[u]) sequences.push(seqs.items.subarray(seqs.indptr[u], seqs.indptr[u + 1]));
    }
    this.popularity = new Float32Array(n);
    for (let p = 0; p < seqs.items.length; p++) this.popularity[seqs.items[p]]++;
    const validation = context.validation ? validationQueries(data, context.validation) : undefined;
    const result = await trainSasRec(sequences, n, {
      config: this.config(),
      loss: o.loss,
      negatives: o.negatives,
      examples: o.examples,
      windowStride: o.windowStride > 0 ? o.windowStride : undefined,
      epochs: o.epochs,
      batchSize: o.batchSize,
      lr: o.lr,
      weightDecay: o.weightDecay,
      seed: o.seed,
      patience: o.patience,
      evalEvery: o.evalEvery,
      kernel: o.kernel,
      timeBudgetSeconds: o.maxMinutes > 0 ? o.maxMinutes * 60 - (performance.now() - fitStart) / 1000 : undefined,
      composition,
      validation: validation && validation.targets.length > 0
        ? { ...validation, maxUsers: o.validationUsers > 0 ? o.validationUsers : undefined }
        : undefined,
      interrupt: context.interrupt,
      handleSigint: context.interrupt === undefined,
      progress: context.progress,
      onEpoch: (r) => progress({ phase: `epoch ${r.epoch} loss ${r.loss.toFixed(4)}${r.valid ? ` val ndcg@10 ${r.valid.ndcg.toFixed(4)}` : ""}`, done: r.epoch, total: o.epochs }),
    });
    this.model = result.model;
    this.itemNorms = undefined;
    this.fitReport = {
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedBy: result.stoppedBy,
      validatedOn: validation ? `${Math.min(validation.targets.length, o.validationUsers || Infinity)} validation targets (NDCG@10, train histories)` : "none (last epoch kept)",
      bestValidationNdcg10: result.bestValid?.ndcg ?? null,
      epochSeconds: result.history.map((r) => Number(r.trainSeconds.toFixed(2))),
      targetsPerEpoch: result.history[0]?.targets ?? 0,
    };
  }

  protected score(query: ResolvedQuery, out: Float32Array): void {
    this.requireFitted();
    const h = query.history;
    if (h.length === 0) {
      out.set(this.popularity);
      return;
    }
    out.set(this.model!.scoreBatch([h instanceof Int32Array ? h : Int32Array.from(h)]).subarray(0, this.numItems));
  }

  similarItems(item: number, k: number): ScoredItems {
    this.requireFitted();
    this.checkItem(item);
    const d = this.options.hidden;
    const embeddings = this.itemEmbeddings();
    this.itemNorms ??= rowNorms(embeddings, this.numItems, d);
    const row = new Float32Array(this.numItems);
    cosineRow(embeddings, this.itemNorms, d, item, row);
    return this.topOfRow(row, k, item);
  }

  /** The item embedding table (numItems x hidden, row-major), a copy. */
  itemEmbeddings(): Float32Array {
    this.requireFitted();
    const net = this.model!.net;
    return net.heap.copyOut(net.P + net.layout.itemEmb, this.numItems * this.options.hidden);
  }

  protected override requireFitted(): void {
    super.requireFitted();
    if (!this.model) throw new InvalidArgumentError("sasrec: the model has not been fitted or loaded");
  }

  protected exportState(): { arrays: Record<string, ModelArray>; state?: Record<string, unknown> } {
    const composition = this.model!.net.composition;
    return {
      arrays: {
        parameters: this.model!.getParameters(),
        popularity: this.popularity,
        ...(composition ? { compositionIndex: composition.index, ...(composition.trainable ? { compositionTrainable: composition.trainable } : {}) } : {}),
      },
      state: {
        config: this.model!.config,
        fitReport: this.fitReport ?? null,
        ...(composition ? { composition: { names: composition.names, sizes: composition.sizes } } : {}),
      },
    };
  }

  protected importState(arrays: Record<string, ModelArray>, state: Record<string, unknown>): void {
    const { parameters, popularity } = arrays;
    if (!(parameters instanceof Float32Array) || !(popularity instanceof Float32Array) || popularity.length !== this.numItems) {
      throw new InvalidArgumentError(`${this.algorithm}: saved model lacks float32 arrays parameters and popularity of the right size`);
    }
    const saved = state.composition as { names: string[]; sizes: number[] } | undefined;
    const index = arrays.compositionIndex;
    const trainable = arrays.compositionTrainable;
    if (saved && !(index instanceof Int32Array)) throw new InvalidArgumentError(`${this.algorithm}: saved model lacks its item composition index`);
    const composition: ItemComposition | undefined = saved
      ? { names: saved.names, sizes: saved.sizes, index: index as Int32Array, trainable: trainable instanceof Uint8Array ? trainable : undefined }
      : undefined;
    const model = SasRec.create(this.numItems, this.config(), { kernel: this.options.kernel, composition });
    model.setParameters(parameters);
    this.model = model;
    this.popularity = popularity;
    this.itemNorms = undefined;
    this.fitReport = (state.fitReport as Record<string, unknown> | null) ?? undefined;
  }
}

/**
 * Validation queries for early stopping: for every user with validation
 * targets and a training history, the history and each positive target
 * (one query per target; leave-one-out has exactly one).
 */
export function validationQueries(train: InteractionData, validation: InteractionData): { histories: Int32Array[]; targets: Int32Array } {
  if (validation.numItems !== train.numItems) {
    throw new InvalidArgumentError(`validation data has ${validation.numItems} items, training data ${train.numItems}; pass the same split's parts`);
  }
  const seqs = train.userSequences();
  const targets = validation.userSequences();
  const histories: Int32Array[] = [];
  const items: number[] = [];
  for (let u = 0; u < Math.min(train.numUsers, validation.numUsers); u++) {
    if (seqs.indptr[u + 1] === seqs.indptr[u]) continue;
    const history = seqs.items.subarray(seqs.indptr[u], seqs.indptr[u + 1]);
    for (let p = targets.indptr[u]; p < targets.indptr[u + 1]; p++) {
      histories.push(history);
      items.push(targets.items[p]);
    }
  }
  return { histories, targets: Int32Array.from(items) };
}
