/**
 * SASRec (Kang & McAuley, 2018): item + learned position embeddings, pre-norm
 * causal self-attention blocks with a position-wise feed-forward network, a
 * final layer norm, and item scores from the (shared) item embedding table.
 *
 * Forward and backward passes are written by hand over one Float32 heap.
 * Sequences are packed without padding: a batch is a list of examples, each a
 * run of tokens; token j of an example of length l sits at position
 * maxLen - l + j (as if left-padded to maxLen, so the newest item always has
 * position maxLen - 1). Attention never crosses examples, so the work is
 * proportional to the real number of tokens.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { Heap, Scratch, type KernelKind } from "./heap.js";
import { dropoutForward, gemm, mulInPlace, transpose } from "./kernels.js";
import { Rng } from "./rng.js";
import type { Batch } from "./batch.js";
import { lossAndGrad } from "./losses.js";
import { addTransformerTensors, TransformerStack, type BlockOffsets } from "./transformer.js";
import { checkComposition, composeItems, foldItemGradients, type ItemComposition } from "./item-composition.js";

export interface SasRecConfig {
  /** Longest history the model reads (older items are dropped). */
  maxLen: number;
  /** Embedding / hidden width; divisible by heads. */
  hidden: number;
  /** Number of self-attention blocks. */
  blocks: number;
  /** Attention heads per block. */
  heads: number;
  /** Inner width of the feed-forward network (SASRec uses hidden). */
  ffnHidden: number;
  /** Feed-forward activation. */
  activation: "relu" | "gelu";
  /** Dropout on embeddings, attention output and feed-forward layers. */
  dropout: number;
  /** Dropout on attention probabilities. */
  attnDropout: number;
  /** Multiply item embeddings by sqrt(hidden) on input (as SASRec does). */
  scaleEmbedding: boolean;
  /** Layer-norm epsilon. */
  normEps: number;
}

export const DEFAULT_CONFIG: SasRecConfig = {
  maxLen: 50,
  hidden: 64,
  blocks: 2,
  heads: 1,
  ffnHidden: 64,
  activation: "relu",
  dropout: 0.2,
  attnDropout: 0.2,
  scaleEmbedding: true,
  normEps: 1e-8,
};

export function resolveConfig(partial: Partial<SasRecConfig> = {}): SasRecConfig {
  const c: SasRecConfig = { ...DEFAULT_CONFIG, ...partial };
  if (partial.ffnHidden === undefined && partial.hidden !== undefined) c.ffnHidden = c.hidden;
  const posInt = (name: keyof SasRecConfig) => {
    const v = c[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      throw new InvalidArgumentError(`SASRec config ${name}: expected a positive integer, got ${String(v)}`);
    }
  };
  posInt("maxLen");
  posInt("hidden");
  posInt("blocks");
  posInt("heads");
  posInt("ffnHidden");
  if (c.hidden % c.heads !== 0) throw new InvalidArgumentError(`SASRec config: hidden (${c.hidden}) must be divisible by heads (${c.heads})`);
  for (const name of ["dropout", "attnDropout"] as const) {
    if (!(c[name] >= 0 && c[name] < 1)) throw new InvalidArgumentError(`SASRec config ${name}: expected a number in [0, 1), got ${c[name]}`);
  }
  if (c.activation !== "relu" && c.activation !== "gelu") {
    throw new InvalidArgumentError(`SASRec config activation: expected "relu" or "gelu", got "${String(c.activation)}"`);
  }
  if (!(c.normEps > 0)) throw new InvalidArgumentError(`SASRec config normEps: expected a positive number, got ${c.normEps}`);
  return c;
}

/** One named parameter tensor (offset relative to the parameter block). */
export interface TensorSpec {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** Parameter layout: every tensor at a fixed offset inside one contiguous block. */
export class ParamLayout {
  readonly tensors: TensorSpec[] = [];
  readonly itemEmb: number;
  readonly posEmb: number;
  readonly blocks: BlockOffsets[];
  readonly lnfg: number;
  readonly lnfb: number;
  /** Offsets of the composition's part tables (none without a composition). */
  readonly parts: number[] = [];
  readonly size: number;

  constructor(nItems: number, c: SasRecConfig, composition?: ItemComposition) {
    let off = 0;
    const add = (name: string, shape: number[]): number => {
      const size = shape.reduce((a, b) => a * b, 1);
      const o = off;
      this.tensors.push({ name, shape, offset: o, size });
      off += (size + 3) & ~3;
      return o;
    };
    const d = c.hidden;
    this.itemEmb = add("item_embedding", [nItems, d]);
    this.posEmb = add("position_embedding", [c.maxLen, d]);
    const stack = addTransformerTensors(add, c);
    this.blocks = stack.blocks;
    this.lnfg = stack.lnfg;
    this.lnfb = stack.lnfb;
    if (composition) composition.names.forEach((name, p) => this.parts.push(add(`item_part.${name}`, [composition.sizes[p], d])));
    this.size = off;
  }
}

export type LossKind = "ce" | "sampled-ce" | "bce";

/**
 * The network: parameters, gradients, forward and backward. Training and
 * persistence live in train.ts and format.ts.
 */
export class SasRecNet {
  readonly heap: Heap;
  readonly cfg: SasRecConfig;
  readonly nItems: number;
  readonly layout: ParamLayout;
  /** Heap offsets of the parameter block and of the gradient block (same layout). */
  readonly P: number;
  readonly G: number;
  /** Random stream for dropout and negative sampling. */
  rng: Rng;

  /** The attention blocks and final norm (shared with the generative model). */
  readonly stack: TransformerStack;
  /** Scratch for the losses and for scoring. */
  readonly lossBuf: Scratch;
  private readonly etBuf: Scratch;
  private readonly dhBuf: Scratch;
  private etValid = false;
  private embMask = 0;
  private trained = false;
  /** Item embeddings composed of shared parts (semantic-ID prefixes), or undefined for one free row per item. */
  readonly composition: ItemComposition | undefined;

  constructor(nItems: number, cfg: SasRecConfig, seed: number, kernel: KernelKind = "wasm-simd", composition?: ItemComposition) {
    if (!Number.isInteger(nItems) || nItems < 2) throw new InvalidArgumentError(`SASRec: nItems must be an integer >= 2, got ${nItems}`);
    if (composition) checkComposition(composition, nItems);
    this.cfg = cfg;
    this.nItems = nItems;
    this.composition = composition;
    this.layout = new ParamLayout(nItems, cfg, composition);
    this.heap = new Heap(this.layout.size * 2 + (1 << 20), kernel);
    this.P = this.heap.alloc(this.layout.size);
    this.G = this.heap.alloc(this.layout.size);
    this.stack = new TransformerStack(this.heap, cfg, this.layout, this.P, this.G, cfg.maxLen);
    this.lossBuf = new Scratch(this.heap);
    this.etBuf = new Scratch(this.heap);
    this.dhBuf = new Scratch(this.heap);
    this.rng = new Rng(seed);
    this.init(new Rng(seed ^ 0x5a5a5a5a));
  }

  get kernel(): KernelKind {
    return this.heap.kernel;
  }

  /** Xavier-normal matrices and embeddings, zero biases, unit norm gains. */
  private init(rng: Rng): void {
    const f = this.heap.f32;
    for (const t of this.layout.tensors) {
      const o = this.P + t.offset;
      if (t.name.endsWith("norm.weight")) f.fill(1, o, o + t.size);
      else if (t.shape.length === 1) f.fill(0, o, o + t.size);
      else {
        const std = Math.sqrt(2 / (t.shape[0] + t.shape[1]));
        for (let i = 0; i < t.size; i++) f[o + i] = rng.normal() * std;
      }
    }
    this.paramsChanged();
  }

  /** Call after the parameters change (optimizer step, load): recomposes composed item embeddings. */
  paramsChanged(): void {
    this.etValid = false;
    if (this.composition) {
      composeItems(this.heap.f32, this.composition, this.nItems, this.cfg.hidden, this.P + this.layout.itemEmb, this.layout.parts.map((o) => this.P + o));
    }
  }

  zeroGrad(): void {
    this.heap.f32.fill(0, this.G, this.G + this.layout.size);
  }

  /** Item-embedding transpose (hidden x nItems), rebuilt lazily after updates. */
  itemEmbT(): number {
    const d = this.cfg.hidden;
    const et = this.etBuf.need(d * this.nItems);
    if (!this.etValid) {
      transpose(this.heap.f32, this.P + this.layout.itemEmb, this.nItems, d, d, et, this.nItems);
      this.etValid = true;
    }
    return et;
  }

  // ------------------------------------------------------------------ forward

  /**
   * Runs the network over a batch. With train true, dropout is applied and
   * everything needed for backward() is kept. Returns the heap offset of the
   * final hidden states (nTokens x hidden).
   */
  forward(batch: Batch, train: boolean): number {
    const c = this.cfg;
    const d = c.hidden;
    const L = c.maxLen;
    for (let e = 0; e < batch.nExamples; e++) {
      const l = batch.exStart[e + 1] - batch.exStart[e];
      if (l > L) throw new InvalidArgumentError(`SASRec: example of ${l} tokens is longer than maxLen ${L}`);
    }
    const { input: x0, embMask } = this.stack.prepare(batch);
    this.embMask = embMask;
    this.trained = train;
    const f = this.heap.f32;
    const lay = this.layout;
    const P = this.P;
    const scale = c.scaleEmbedding ? Math.sqrt(d) : 1;
    for (let e = 0; e < batch.nExamples; e++) {
      const s = batch.exStart[e];
      const l = batch.exStart[e + 1] - s;
      for (let j = 0; j < l; j++) {
        const t = s + j;
        const item = batch.tokens[t];
        const eo = P + lay.itemEmb + item * d;
        const po = P + lay.posEmb + (L - l + j) * d;
        const xo = x0 + t * d;
        for (let k = 0; k < d; k++) f[xo + k] = f[eo + k] * scale + f[po + k];
      }
    }
    if (train) dropoutForward(this.heap, x0, embMask, batch.nTokens * d, c.dropout, this.rng);
    return this.stack.forward(batch, train, this.rng);
  }

  // ----------------------------------------------------------------- backward

  /**
   * Backpropagates dH (nTokens x hidden, gradient w.r.t. the final hidden
   * states) through the network of the last forward(train = true), adding
   * into the gradient block.
   */
  backward(batch: Batch, dH: number): void {
    if (!this.trained) throw new InvalidArgumentError("SASRec: backward() needs a preceding forward(batch, true)");
    const c = this.cfg;
    const d = c.hidden;
    const T = batch.nTokens;
    const lay = this.layout;
    const G = this.G;
    const dX = this.stack.backward(batch, dH);
    const f = this.heap.f32;
    const L = c.maxLen;
    const scale = c.scaleEmbedding ? Math.sqrt(d) : 1;
    mulInPlace(f, dX, this.embMask, T * d);
    for (let e = 0; e < batch.nExamples; e++) {
      const s = batch.exStart[e];
      const l = batch.exStart[e + 1] - s;
      for (let j = 0; j < l; j++) {
        const t = s + j;
        const ge = G + lay.itemEmb + batch.tokens[t] * d;
        const gp = G + lay.posEmb + (L - l + j) * d;
        const xo = dX + t * d;
        for (let k = 0; k < d; k++) {
          const g = f[xo + k];
          f[ge + k] += g * scale;
          f[gp + k] += g;
        }
      }
    }
  }

  // ------------------------------------------------------------------- losses

  /**
   * One training pass over a batch: forward with dropout, loss, backward.
   * Gradients are added to the gradient block (call zeroGrad() first).
   * Returns the mean loss over the batch's targets.
   */
  trainStep(batch: Batch, loss: LossKind, negatives: number): number {
    const h = this.forward(batch, true);
    const dH = this.dhBuf.need(batch.nTokens * this.cfg.hidden);
    const value = lossAndGrad(this, batch, h, dH, loss, negatives);
    this.backward(batch, dH);
    if (this.composition) {
      foldItemGradients(this.heap.f32, this.composition, this.nItems, this.cfg.hidden, this.G + this.layout.itemEmb, this.layout.parts.map((o) => this.G + o));
    }
    return value;
  }

  // ---------------------------------------------------------------- inference

  /**
   * Scores every item for the last position of each example of a batch
   * (dropout off). Writes nExamples x nItems scores at the returned heap
   * offset (valid until the next call).
   */
  scoreLast(batch: Batch): number {
    const d = this.cfg.hidden;
    const N = this.nItems;
    const nE = batch.nExamples;
    const h = this.forward(batch, false);
    const et = this.itemEmbT();
    const base = this.lossBuf.need(nE * d + nE * N + 8);
    const heap = this.heap;
    const f = heap.f32;
    for (let e = 0; e < nE; e++) {
      const src = h + (batch.exStart[e + 1] - 1) * d;
      f.copyWithin(base + e * d, src, src + d);
    }
    const out = base + ((nE * d + 3) & ~3);
    gemm(heap, nE, N, d, base, d, 1, et, N, out, N, false);
    return out;
  }
}
