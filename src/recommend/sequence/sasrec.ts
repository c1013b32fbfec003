/**
 * SASRec: the public model (scoring, recommendation, save/load) and its
 * training loop (Adam, early stopping on validation NDCG@10, progress,
 * Ctrl-C safe).
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { Adam } from "./adam.js";
import type { ItemComposition } from "./item-composition.js";
import { runEpochLoop, type EpochLoopResult, type EpochReport } from "./epoch-loop.js";
import { evaluateNextItem, type NextItemScorer } from "./evaluate.js";
import { buildExamples, type ExampleStrategy } from "./examples.js";
import { readModelFile, writeModelFile } from "./format.js";
import type { KernelKind } from "./heap.js";
import { BatchBuilder } from "./batch.js";
import { resolveConfig, SasRecNet, type LossKind, type SasRecConfig } from "./model.js";

export { formatEpoch } from "./epoch-loop.js";
export type { EpochReport } from "./epoch-loop.js";

export interface Recommendations {
  items: Int32Array;
  scores: Float32Array;
}

export class SasRec implements NextItemScorer {
  private readonly builder = new BatchBuilder();

  private constructor(readonly net: SasRecNet) {}

  /** A freshly initialised (untrained) model. */
  static create(nItems: number, config: Partial<SasRecConfig> = {}, options: { seed?: number; kernel?: KernelKind; composition?: ItemComposition } = {}): SasRec {
    return new SasRec(new SasRecNet(nItems, resolveConfig(config), options.seed ?? 42, options.kernel, options.composition));
  }

  get nItems(): number {
    return this.net.nItems;
  }

  get config(): SasRecConfig {
    return { ...this.net.cfg };
  }

  /** Which matrix kernel this model runs on. */
  get kernel(): KernelKind {
    return this.net.kernel;
  }

  /** A copy of all parameters (layout: net.layout.tensors). */
  getParameters(): Float32Array {
    return this.net.heap.copyOut(this.net.P, this.net.layout.size);
  }

  setParameters(params: Float32Array): void {
    if (params.length !== this.net.layout.size) {
      throw new InvalidArgumentError(`SASRec.setParameters: expected ${this.net.layout.size} values, got ${params.length}`);
    }
    this.net.heap.f32.set(params, this.net.P);
    this.net.paramsChanged();
  }

  private checkHistory(h: Int32Array, what: string): void {
    if (h.length === 0) throw new InvalidArgumentError(`SASRec.${what}: history is empty (the model needs at least one item)`);
    const N = this.net.nItems;
    for (let i = 0; i < h.length; i++) {
      const v = h[i];
      if (!(v >= 0 && v < N)) throw new InvalidArgumentError(`SASRec.${what}: history[${i}] = ${v} is not an item index in 0..${N - 1}`);
    }
  }

  /**
   * Scores of every item after each history (row-major, histories.length x
   * nItems). The returned view is reused by the next call: copy what you keep.
   */
  scoreBatch(histories: readonly Int32Array[]): Float32Array {
    const L = this.net.cfg.maxLen;
    const bb = this.builder;
    bb.clear();
    for (const h of histories) {
      this.checkHistory(h, "scoreBatch");
      const len = Math.min(L, h.length);
      bb.add(h, h.length - len, len, len);
    }
    const off = this.net.scoreLast(bb.batch);
    return this.net.heap.f32.subarray(off, off + histories.length * this.net.nItems);
  }

  /** Scores of every item as the next one after `history` (item indices in time order). */
  scoreAll(history: Int32Array): Float32Array {
    return this.scoreBatch([history]).slice();
  }

  /**
   * The k best next items after `history`, best first. Items in `exclude`
   * are skipped; by default that is the history itself (pass [] to allow
   * repeats).
   */
  recommend(history: Int32Array, k: number, exclude: ArrayLike<number> = history): Recommendations {
    if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`SASRec.recommend: k must be a positive integer, got ${k}`);
    const scores = this.scoreBatch([history]);
    const N = this.net.nItems;
    const skip = new Uint8Array(N);
    for (let i = 0; i < exclude.length; i++) {
      const v = exclude[i];
      if (v >= 0 && v < N) skip[v] = 1;
    }
    return topK(scores, N, k, skip);
  }

  /** Writes the model atomically in the versioned Trove SASRec format. */
  save(path: string, meta: Record<string, unknown> = {}): void {
    if (this.net.composition) throw new InvalidArgumentError("SASRec.save: a model with composed item embeddings is saved through its recommender (save(dir))");
    writeModelFile(path, this.net.nItems, this.net.cfg, this.getParameters(), meta);
  }

  /** Loads a model written by save(); it serves recommendations at once. */
  static load(path: string, options: { kernel?: KernelKind } = {}): SasRec {
    const m = readModelFile(path);
    const model = new SasRec(new SasRecNet(m.nItems, m.config, 0, options.kernel));
    model.setParameters(m.params);
    return model;
  }
}

/** Top-k by score with a size-k min-heap, ties broken by lower item index. */
function topK(scores: Float32Array, N: number, k: number, skip: Uint8Array): Recommendations {
  const hi = new Int32Array(k);
  const hs = new Float32Array(k);
  let n = 0;
  const worse = (a: number, b: number) => hs[a] < hs[b] || (hs[a] === hs[b] && hi[a] > hi[b]);
  const siftDown = (i: number) => {
    while (true) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && worse(l, m)) m = l;
      if (r < n && worse(r, m)) m = r;
      if (m === i) return;
      const ti = hi[i]; hi[i] = hi[m]; hi[m] = ti;
      const ts = hs[i]; hs[i] = hs[m]; hs[m] = ts;
      i = m;
    }
  };
  for (let j = 0; j < N; j++) {
    if (skip[j]) continue;
    const s = scores[j];
    if (n < k) {
      hi[n] = j;
      hs[n] = s;
      n++;
      // sift up
      let i = n - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(i, p)) break;
        const ti = hi[i]; hi[i] = hi[p]; hi[p] = ti;
        const ts = hs[i]; hs[i] = hs[p]; hs[p] = ts;
        i = p;
      }
    } else if (s > hs[0]) {
      hi[0] = j;
      hs[0] = s;
      siftDown(0);
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => hs[b] - hs[a] || hi[a] - hi[b]);
  return { items: Int32Array.from(order, (i) => hi[i]), scores: Float32Array.from(order, (i) => hs[i]) };
}

// ------------------------------------------------------------------ training

export interface TrainOptions {
  /** Model shape and dropout (see SasRecConfig). */
  config: Partial<SasRecConfig>;
  /** "ce": full softmax cross-entropy; "sampled-ce": softmax over the target and `negatives` uniformly sampled items shared by the batch; "bce": one negative per target. */
  loss: LossKind;
  negatives: number;
  /** How sequences become training examples. */
  examples: ExampleStrategy;
  /** Distance between window ends for "sliding" (default maxLen). */
  windowStride?: number;
  epochs: number;
  /** Examples per optimizer step. */
  batchSize: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  seed: number;
  /** Stop after this many validations without a new best NDCG@10. */
  patience: number;
  /** Validate every this many epochs. */
  evalEvery: number;
  /** Histories and next items used for early stopping (NDCG@10). */
  validation?: { histories: readonly Int32Array[]; targets: Int32Array; maxUsers?: number };
  /** Progress on stderr; defaults to whether stderr is a terminal. */
  progress?: boolean;
  /** Called after every epoch. */
  onEpoch?: (report: EpochReport) => void;
  /** Stop cleanly (keeping the best weights) on the first Ctrl-C. Default true. */
  handleSigint: boolean;
  /** An interrupt flag owned by the caller (e.g. the CLI's InterruptSignal), polled instead of installing a handler. */
  interrupt?: { readonly interrupted: boolean };
  /** Cap on optimizer steps per epoch (benchmarks). */
  maxBatchesPerEpoch?: number;
  /** Wall-clock budget of the epoch loop in seconds: no epoch starts that would end past it. */
  timeBudgetSeconds?: number;
  kernel?: KernelKind;
  /** Item embeddings composed of shared parts (semantic-ID prefixes) instead of one free row per item. */
  composition?: ItemComposition;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainOptions, "config"> = {
  loss: "ce",
  negatives: 256,
  examples: "multi",
  epochs: 200,
  batchSize: 128,
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.98,
  eps: 1e-8,
  weightDecay: 0,
  seed: 42,
  patience: 10,
  evalEvery: 1,
  handleSigint: true,
};

export interface TrainResult extends EpochLoopResult {
  model: SasRec;
}

/**
 * Trains SASRec on per-user item sequences (indices 0..nItems-1, oldest
 * first). Deterministic for a given seed and kernel. Returns the model with
 * the best validation weights (or the last weights without validation).
 */
export async function trainSasRec(
  sequences: readonly Int32Array[],
  nItems: number,
  options: Partial<TrainOptions> = {},
): Promise<TrainResult> {
  const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, config: {}, ...options };
  checkOptions(o);
  const cfg = resolveConfig(o.config);
  for (let u = 0; u < sequences.length; u++) {
    const s = sequences[u];
    for (let i = 0; i < s.length; i++) {
      if (!(s[i] >= 0 && s[i] < nItems)) throw new InvalidArgumentError(`trainSasRec: sequences[${u}][${i}] = ${s[i]} is not an item index in 0..${nItems - 1}`);
    }
  }
  const model = SasRec.create(nItems, cfg, { seed: o.seed, kernel: o.kernel, composition: o.composition });
  const net = model.net;
  const adam = new Adam(net.heap, net.P, net.G, net.layout.size, { lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay });
  const ex = buildExamples(sequences, o.examples, cfg.maxLen, o.windowStride ?? cfg.maxLen);
  if (ex.count === 0) throw new InvalidArgumentError("trainSasRec: no sequence has two or more items, nothing to learn from");
  const builder = new BatchBuilder();
  const validation = o.validation;
  const result = await runEpochLoop({
    count: ex.count,
    batchSize: o.batchSize,
    epochs: o.epochs,
    shuffleSeed: (o.seed ^ 0x2545f491) >>> 0,
    patience: o.patience,
    evalEvery: o.evalEvery,
    maxBatchesPerEpoch: o.maxBatchesPerEpoch,
    timeBudgetSeconds: o.timeBudgetSeconds,
    progress: o.progress ?? Boolean(process.stderr.isTTY),
    handleSigint: o.handleSigint,
    interrupt: o.interrupt,
    trainBatch: (order, start, end) => {
      builder.clear();
      for (let i = start; i < end; i++) {
        const e = order[i];
        builder.add(sequences[ex.seq[e]], ex.start[e], ex.len[e], ex.lossFrom[e]);
      }
      const batch = builder.batch;
      net.zeroGrad();
      const loss = net.trainStep(batch, o.loss, o.negatives);
      adam.update();
      net.paramsChanged();
      return { loss: loss * batch.nTargets, targets: batch.nTargets, examples: batch.nExamples };
    },
    validate: validation ? () => evaluateNextItem(model, validation.histories, validation.targets, { maxUsers: validation.maxUsers }) : undefined,
    snapshot: () => model.getParameters(),
    restore: (weights) => model.setParameters(weights),
    onEpoch: o.onEpoch,
  });
  return { model, ...result };
}

function checkOptions(o: TrainOptions): void {
  const posInt = (name: "epochs" | "batchSize" | "negatives" | "patience" | "evalEvery") => {
    if (!Number.isInteger(o[name]) || o[name] < 1) throw new InvalidArgumentError(`trainSasRec: ${name} must be a positive integer, got ${o[name]}`);
  };
  posInt("epochs");
  posInt("batchSize");
  posInt("negatives");
  posInt("patience");
  posInt("evalEvery");
  if (o.loss !== "ce" && o.loss !== "sampled-ce" && o.loss !== "bce") {
    throw new InvalidArgumentError(`trainSasRec: loss must be "ce", "sampled-ce" or "bce", got "${String(o.loss)}"`);
  }
  if (!(o.lr > 0)) throw new InvalidArgumentError(`trainSasRec: lr must be positive, got ${o.lr}`);
  if (!(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1)) throw new InvalidArgumentError("trainSasRec: beta1 and beta2 must be in [0, 1)");
}
