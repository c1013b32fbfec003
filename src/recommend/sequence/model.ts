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
import {
  activationBackward, activationForward, addBias, biasGrad, dropoutForward, gemm,
  layerNormBackward, layerNormForward, mulInPlace, transpose,
} from "./kernels.js";
import { Rng } from "./rng.js";
import type { Batch } from "./batch.js";
import { lossAndGrad } from "./losses.js";

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

interface BlockOffsets {
  ln1g: number; ln1b: number; wqkv: number; bqkv: number; wo: number; bo: number;
  ln2g: number; ln2b: number; w1: number; b1: number; w2: number; b2: number;
}

/** Parameter layout: every tensor at a fixed offset inside one contiguous block. */
export class ParamLayout {
  readonly tensors: TensorSpec[] = [];
  readonly itemEmb: number;
  readonly posEmb: number;
  readonly blocks: BlockOffsets[] = [];
  readonly lnfg: number;
  readonly lnfb: number;
  readonly size: number;

  constructor(nItems: number, c: SasRecConfig) {
    let off = 0;
    const add = (name: string, shape: number[]): number => {
      const size = shape.reduce((a, b) => a * b, 1);
      const o = off;
      this.tensors.push({ name, shape, offset: o, size });
      off += (size + 3) & ~3;
      return o;
    };
    const d = c.hidden;
    const F = c.ffnHidden;
    this.itemEmb = add("item_embedding", [nItems, d]);
    this.posEmb = add("position_embedding", [c.maxLen, d]);
    for (let b = 0; b < c.blocks; b++) {
      const p = `block${b}.`;
      this.blocks.push({
        ln1g: add(p + "attn_norm.weight", [d]),
        ln1b: add(p + "attn_norm.bias", [d]),
        wqkv: add(p + "attn.in_proj.weight", [d, 3 * d]),
        bqkv: add(p + "attn.in_proj.bias", [3 * d]),
        wo: add(p + "attn.out_proj.weight", [d, d]),
        bo: add(p + "attn.out_proj.bias", [d]),
        ln2g: add(p + "ffn_norm.weight", [d]),
        ln2b: add(p + "ffn_norm.bias", [d]),
        w1: add(p + "ffn.linear1.weight", [d, F]),
        b1: add(p + "ffn.linear1.bias", [F]),
        w2: add(p + "ffn.linear2.weight", [F, d]),
        b2: add(p + "ffn.linear2.bias", [d]),
      });
    }
    this.lnfg = add("final_norm.weight", [d]);
    this.lnfb = add("final_norm.bias", [d]);
    this.size = off;
  }
}

export type LossKind = "ce" | "sampled-ce" | "bce";

interface BlockActs {
  xin: number; ln1: number; mu1: number; rs1: number; qkv: number; att: number; attMask: number;
  ctx: number; oMask: number; xmid: number; ln2: number; mu2: number; rs2: number;
  pre: number; act: number; actMask: number; f2Mask: number;
}

interface Acts {
  T: number;
  embMask: number;
  blocks: BlockActs[];
  xf: number; h: number; muf: number; rsf: number;
  attOff: Int32Array; // per example, offset of its attention matrices within each block's att buffer
}

const NEG_INF = -Infinity;

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

  private readonly actBuf: Scratch;
  private readonly tmpBuf: Scratch;
  /** Scratch for the losses and for scoring. */
  readonly lossBuf: Scratch;
  private readonly etBuf: Scratch;
  private readonly dhBuf: Scratch;
  private etValid = false;
  private acts: Acts | null = null;
  private attOffArr = new Int32Array(16);
  private dropoutOn = true;

  constructor(nItems: number, cfg: SasRecConfig, seed: number, kernel: KernelKind = "wasm-simd") {
    if (!Number.isInteger(nItems) || nItems < 2) throw new InvalidArgumentError(`SASRec: nItems must be an integer >= 2, got ${nItems}`);
    this.cfg = cfg;
    this.nItems = nItems;
    this.layout = new ParamLayout(nItems, cfg);
    this.heap = new Heap(this.layout.size * 2 + (1 << 20), kernel);
    this.P = this.heap.alloc(this.layout.size);
    this.G = this.heap.alloc(this.layout.size);
    this.actBuf = new Scratch(this.heap);
    this.tmpBuf = new Scratch(this.heap);
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
    this.etValid = false;
  }

  /** Call after the parameters change (optimizer step, load). */
  paramsChanged(): void {
    this.etValid = false;
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
    const F = c.ffnHidden;
    const H = c.heads;
    const T = batch.nTokens;
    const L = c.maxLen;
    this.dropoutOn = train;

    // attention buffer offsets per example
    if (this.attOffArr.length < batch.nExamples + 1) this.attOffArr = new Int32Array(2 * batch.nExamples + 2);
    const attOff = this.attOffArr;
    let A = 0;
    for (let e = 0; e < batch.nExamples; e++) {
      attOff[e] = A;
      const l = batch.exStart[e + 1] - batch.exStart[e];
      if (l > L) throw new InvalidArgumentError(`SASRec: example of ${l} tokens is longer than maxLen ${L}`);
      A += H * l * l;
    }
    attOff[batch.nExamples] = A;

    // activation layout
    const perBlock = 11 * T * d + 4 * T + 2 * A + 3 * T * F + 16 * 16;
    const total = 4 * T * d + 2 * T + c.blocks * perBlock + 64;
    let o = this.actBuf.need(total);
    const take = (n: number) => {
      const r = o;
      o += (n + 3) & ~3;
      return r;
    };
    const acts: Acts = {
      T,
      embMask: take(T * d),
      blocks: [],
      xf: 0, h: 0, muf: 0, rsf: 0,
      attOff,
    };
    for (let b = 0; b < c.blocks; b++) {
      acts.blocks.push({
        xin: take(T * d), ln1: take(T * d), mu1: take(T), rs1: take(T), qkv: take(3 * T * d),
        att: take(A), attMask: take(A), ctx: take(T * d), oMask: take(T * d), xmid: take(T * d),
        ln2: take(T * d), mu2: take(T), rs2: take(T), pre: take(T * F), act: take(T * F),
        actMask: take(T * F), f2Mask: take(T * d),
      });
    }
    acts.xf = take(T * d);
    acts.h = take(T * d);
    acts.muf = take(T);
    acts.rsf = take(T);
    const tmp = this.tmpBuf.need(T * d);
    this.acts = acts;

    const heap = this.heap;
    const f = heap.f32;
    const lay = this.layout;
    const P = this.P;
    const rng = this.rng;
    const pDrop = train ? c.dropout : 0;

    // embeddings
    const x0 = acts.blocks.length > 0 ? acts.blocks[0].xin : acts.xf;
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
    if (train) dropoutForward(f, x0, acts.embMask, T * d, pDrop, rng);

    for (let b = 0; b < c.blocks; b++) {
      const w = lay.blocks[b];
      const a = acts.blocks[b];
      const xout = b + 1 < c.blocks ? acts.blocks[b + 1].xin : acts.xf;
      layerNormForward(f, a.xin, a.ln1, T, d, P + w.ln1g, P + w.ln1b, a.mu1, a.rs1, c.normEps);
      gemm(heap, T, 3 * d, d, a.ln1, d, 1, P + w.wqkv, 3 * d, a.qkv, 3 * d, false);
      addBias(f, a.qkv, T, 3 * d, P + w.bqkv);
      this.attentionForward(batch, a, train);
      gemm(heap, T, d, d, a.ctx, d, 1, P + w.wo, d, tmp, d, false);
      addBias(f, tmp, T, d, P + w.bo);
      if (train) dropoutForward(f, tmp, a.oMask, T * d, pDrop, rng);
      for (let i = 0; i < T * d; i++) f[a.xmid + i] = f[a.xin + i] + f[tmp + i];
      layerNormForward(f, a.xmid, a.ln2, T, d, P + w.ln2g, P + w.ln2b, a.mu2, a.rs2, c.normEps);
      gemm(heap, T, F, d, a.ln2, d, 1, P + w.w1, F, a.pre, F, false);
      addBias(f, a.pre, T, F, P + w.b1);
      activationForward(f, a.pre, a.act, T * F, c.activation === "gelu");
      if (train) dropoutForward(f, a.act, a.actMask, T * F, pDrop, rng);
      gemm(heap, T, d, F, a.act, F, 1, P + w.w2, d, tmp, d, false);
      addBias(f, tmp, T, d, P + w.b2);
      if (train) dropoutForward(f, tmp, a.f2Mask, T * d, pDrop, rng);
      for (let i = 0; i < T * d; i++) f[xout + i] = f[a.xmid + i] + f[tmp + i];
    }
    layerNormForward(f, acts.xf, acts.h, T, d, P + lay.lnfg, P + lay.lnfb, acts.muf, acts.rsf, c.normEps);
    return acts.h;
  }

  private attentionForward(batch: Batch, a: BlockActs, train: boolean): void {
    const f = this.heap.f32;
    const c = this.cfg;
    const d = c.hidden;
    const H = c.heads;
    const dh = d / H;
    const d3 = 3 * d;
    const inv = 1 / Math.sqrt(dh);
    const p = train ? c.attnDropout : 0;
    const keep = 1 / (1 - p);
    const rng = this.rng;
    const attOff = this.acts!.attOff;
    for (let e = 0; e < batch.nExamples; e++) {
      const s = batch.exStart[e];
      const l = batch.exStart[e + 1] - s;
      for (let hh = 0; hh < H; hh++) {
        const P0 = a.att + attOff[e] + hh * l * l;
        const M0 = a.attMask + attOff[e] + hh * l * l;
        for (let i = 0; i < l; i++) {
          const q = a.qkv + (s + i) * d3 + hh * dh;
          const row = P0 + i * l;
          let mx = NEG_INF;
          for (let j = 0; j <= i; j++) {
            const k = a.qkv + (s + j) * d3 + d + hh * dh;
            let dot = 0;
            for (let u = 0; u < dh; u++) dot += f[q + u] * f[k + u];
            dot *= inv;
            f[row + j] = dot;
            if (dot > mx) mx = dot;
          }
          let sum = 0;
          for (let j = 0; j <= i; j++) {
            const ex = Math.exp(f[row + j] - mx);
            f[row + j] = ex;
            sum += ex;
          }
          const rs = 1 / sum;
          for (let j = 0; j <= i; j++) f[row + j] *= rs;
          for (let j = i + 1; j < l; j++) f[row + j] = 0;
          if (train) {
            const mrow = M0 + i * l;
            for (let j = 0; j <= i; j++) f[mrow + j] = p > 0 ? (rng.next() >= p ? keep : 0) : 1;
          }
          // context
          const ctx = a.ctx + (s + i) * d + hh * dh;
          for (let u = 0; u < dh; u++) f[ctx + u] = 0;
          for (let j = 0; j <= i; j++) {
            const pij = train ? f[row + j] * f[M0 + i * l + j] : f[row + j];
            if (pij === 0) continue;
            const v = a.qkv + (s + j) * d3 + 2 * d + hh * dh;
            for (let u = 0; u < dh; u++) f[ctx + u] += pij * f[v + u];
          }
        }
      }
    }
  }

  // ----------------------------------------------------------------- backward

  /**
   * Backpropagates dH (nTokens x hidden, gradient w.r.t. the final hidden
   * states) through the network of the last forward(train = true), adding
   * into the gradient block.
   */
  backward(batch: Batch, dH: number): void {
    const acts = this.acts;
    if (!acts || !this.dropoutOn) throw new InvalidArgumentError("SASRec: backward() needs a preceding forward(batch, true)");
    const c = this.cfg;
    const d = c.hidden;
    const F = c.ffnHidden;
    const T = acts.T;
    const lay = this.layout;
    const P = this.P;
    const G = this.G;
    const heap = this.heap;
    // scratch: dX, dLN, dC, tmp (T x d each), dA (T x F), dqkv (T x 3d), Wt, dp row
    const wtSize = Math.max(3 * d * d, F * d);
    let o = this.tmpBuf.need(4 * T * d + T * F + 3 * T * d + wtSize + c.maxLen + 64);
    const take = (n: number) => {
      const r = o;
      o += (n + 3) & ~3;
      return r;
    };
    const dX = take(T * d), dLN = take(T * d), dC = take(T * d), tmp = take(T * d);
    const dA = take(T * F), dqkv = take(3 * T * d), Wt = take(wtSize), dp = take(c.maxLen);
    const f = heap.f32;

    layerNormBackward(f, acts.xf, dH, dX, T, d, P + lay.lnfg, G + lay.lnfg, G + lay.lnfb, acts.muf, acts.rsf, false);
    for (let b = c.blocks - 1; b >= 0; b--) {
      const w = lay.blocks[b];
      const a = acts.blocks[b];
      // xout = xmid + drop(ffn(ln2(xmid)))
      for (let i = 0; i < T * d; i++) f[tmp + i] = f[dX + i] * f[a.f2Mask + i];
      gemm(heap, F, d, T, a.act, 1, F, tmp, d, G + w.w2, d, true);
      biasGrad(f, tmp, T, d, G + w.b2);
      transpose(f, P + w.w2, F, d, d, Wt, F);
      gemm(heap, T, F, d, tmp, d, 1, Wt, F, dA, F, false);
      mulInPlace(f, dA, a.actMask, T * F);
      activationBackward(f, a.pre, dA, T * F, c.activation === "gelu");
      gemm(heap, d, F, T, a.ln2, 1, d, dA, F, G + w.w1, F, true);
      biasGrad(f, dA, T, F, G + w.b1);
      transpose(f, P + w.w1, d, F, F, Wt, d);
      gemm(heap, T, d, F, dA, F, 1, Wt, d, dLN, d, false);
      layerNormBackward(f, a.xmid, dLN, dX, T, d, P + w.ln2g, G + w.ln2g, G + w.ln2b, a.mu2, a.rs2, true);
      // xmid = xin + drop(attn(ln1(xin)))
      for (let i = 0; i < T * d; i++) f[tmp + i] = f[dX + i] * f[a.oMask + i];
      gemm(heap, d, d, T, a.ctx, 1, d, tmp, d, G + w.wo, d, true);
      biasGrad(f, tmp, T, d, G + w.bo);
      transpose(f, P + w.wo, d, d, d, Wt, d);
      gemm(heap, T, d, d, tmp, d, 1, Wt, d, dC, d, false);
      this.attentionBackward(batch, a, dC, dqkv, dp);
      gemm(heap, d, 3 * d, T, a.ln1, 1, d, dqkv, 3 * d, G + w.wqkv, 3 * d, true);
      biasGrad(f, dqkv, T, 3 * d, G + w.bqkv);
      transpose(f, P + w.wqkv, d, 3 * d, 3 * d, Wt, d);
      gemm(heap, T, d, 3 * d, dqkv, 3 * d, 1, Wt, d, dLN, d, false);
      layerNormBackward(f, a.xin, dLN, dX, T, d, P + w.ln1g, G + w.ln1g, G + w.ln1b, a.mu1, a.rs1, true);
    }
    // embeddings
    const L = c.maxLen;
    const scale = c.scaleEmbedding ? Math.sqrt(d) : 1;
    mulInPlace(f, dX, acts.embMask, T * d);
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

  private attentionBackward(batch: Batch, a: BlockActs, dC: number, dqkv: number, dp: number): void {
    const f = this.heap.f32;
    const c = this.cfg;
    const d = c.hidden;
    const H = c.heads;
    const dh = d / H;
    const d3 = 3 * d;
    const inv = 1 / Math.sqrt(dh);
    const attOff = this.acts!.attOff;
    f.fill(0, dqkv, dqkv + batch.nTokens * d3);
    for (let e = 0; e < batch.nExamples; e++) {
      const s = batch.exStart[e];
      const l = batch.exStart[e + 1] - s;
      for (let hh = 0; hh < H; hh++) {
        const P0 = a.att + attOff[e] + hh * l * l;
        const M0 = a.attMask + attOff[e] + hh * l * l;
        for (let i = 0; i < l; i++) {
          const row = P0 + i * l;
          const mrow = M0 + i * l;
          const dctx = dC + (s + i) * d + hh * dh;
          // dP'_ij = dctx_i . v_j ; dv_j += P'_ij dctx_i
          let sum = 0;
          for (let j = 0; j <= i; j++) {
            const v = a.qkv + (s + j) * d3 + 2 * d + hh * dh;
            const dv = dqkv + (s + j) * d3 + 2 * d + hh * dh;
            const m = f[mrow + j];
            const pij = f[row + j];
            const pm = pij * m;
            let dot = 0;
            for (let u = 0; u < dh; u++) {
              dot += f[dctx + u] * f[v + u];
              f[dv + u] += pm * f[dctx + u];
            }
            const dpij = dot * m;
            f[dp + j] = dpij;
            sum += pij * dpij;
          }
          const q = a.qkv + (s + i) * d3 + hh * dh;
          const dq = dqkv + (s + i) * d3 + hh * dh;
          for (let j = 0; j <= i; j++) {
            const ds = f[row + j] * (f[dp + j] - sum) * inv;
            if (ds === 0) continue;
            const k = a.qkv + (s + j) * d3 + d + hh * dh;
            const dk = dqkv + (s + j) * d3 + d + hh * dh;
            for (let u = 0; u < dh; u++) {
              f[dq + u] += ds * f[k + u];
              f[dk + u] += ds * f[q + u];
            }
          }
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
