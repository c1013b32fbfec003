/**
 * A stack of pre-norm causal self-attention blocks with a position-wise
 * feed-forward network and a final layer norm, forward and hand-written
 * backward, over one Float32 heap. Shared by SASRec (model.ts) and the
 * generative recommender over semantic IDs (../generative): they differ in
 * what the tokens are and how the outputs are scored, not in the blocks.
 *
 * Sequences are packed without padding: a batch is a list of examples (runs
 * of tokens, `exStart`); attention never crosses examples. The caller writes
 * the input embeddings at `prepare(batch)`'s offset, calls `forward`, and
 * after a loss writes dLoss/dh and calls `backward`, which returns the
 * gradient at the inputs.
 *
 * For generation, `forwardWithPrefix` runs new tokens of several examples
 * (beams) that all continue one cached prefix (the history): each new token
 * attends to the prefix's keys and values (kept by `cachePrefix` after a
 * forward of the history) and to its own example's earlier new tokens.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { Heap } from "./heap.js";
import { Scratch } from "./heap.js";
import {
  activationBackward, activationForward, addBias, biasGrad, dropoutForward, gemm,
  layerNormBackward, layerNormForward, mulInPlace, transpose,
} from "./kernels.js";
import type { Rng } from "./rng.js";
import { instantiateKernel, type KernelMemory } from "../../kernels/kernel-module.js";

/** The AssemblyScript attention kernels (src/kernels/assembly/attention.ts); pointers in bytes. */
interface AttentionKernels {
  causalProbabilities(qkv: number, rowStride: number, qOff: number, kOff: number, l: number, dh: number, scale: number, att: number): void;
  causalContext(qkv: number, rowStride: number, vOff: number, l: number, dh: number, att: number, mask: number, ctx: number, ctxStride: number, ctxOff: number): void;
  causalBackward(
    qkv: number, dqkv: number, rowStride: number, qOff: number, kOff: number, vOff: number, l: number, dh: number, scale: number,
    att: number, mask: number, dctx: number, ctxStride: number, ctxOff: number, dp: number,
  ): void;
  prefixAttention(
    qkv: number, rowStride: number, qOff: number, kOff: number, vOff: number, l: number, dh: number, scale: number,
    pk: number, pv: number, pStride: number, pOff: number, lp: number, ctx: number, ctxStride: number, ctxOff: number, scores: number,
  ): void;
}

/**
 * Where attention runs: "js" (scalar loops, float64 sums: SASRec's published
 * figures were made with it) or "simd" (the AssemblyScript kernel, float32
 * lanes; the same maths with different rounding).
 */
export type AttentionKernel = "js" | "simd";

export interface TransformerShape {
  hidden: number;
  blocks: number;
  heads: number;
  ffnHidden: number;
  activation: "relu" | "gelu";
  dropout: number;
  attnDropout: number;
  normEps: number;
}

/** Packed examples: token offsets per example (length nExamples + 1). */
export interface TokenBatch {
  nTokens: number;
  nExamples: number;
  exStart: Int32Array;
}

export interface BlockOffsets {
  ln1g: number; ln1b: number; wqkv: number; bqkv: number; wo: number; bo: number;
  ln2g: number; ln2b: number; w1: number; b1: number; w2: number; b2: number;
}

/** Offsets (relative to the parameter block) of the stack's tensors. */
export interface StackOffsets {
  blocks: BlockOffsets[];
  lnfg: number;
  lnfb: number;
}

/** Registers the stack's tensors with a layout builder, in SASRec's order and names. */
export function addTransformerTensors(add: (name: string, shape: number[]) => number, s: TransformerShape): StackOffsets {
  const d = s.hidden;
  const F = s.ffnHidden;
  const blocks: BlockOffsets[] = [];
  for (let b = 0; b < s.blocks; b++) {
    const p = `block${b}.`;
    blocks.push({
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
  return { blocks, lnfg: add("final_norm.weight", [d]), lnfb: add("final_norm.bias", [d]) };
}

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
  attOff: Int32Array;
}

/** Keys and values of a processed prefix, per block (length × hidden each). */
export interface PrefixCache {
  length: number;
  keys: number[];
  values: number[];
}

const NEG_INF = -Infinity;

export class TransformerStack {
  private readonly actBuf: Scratch;
  private readonly tmpBuf: Scratch;
  private readonly cacheBuf: Scratch;
  private readonly cacheScores: Scratch;
  private acts: Acts | null = null;
  private attOffArr = new Int32Array(16);
  private trained = false;
  private prefixScores = new Float32Array(64);
  private readonly kernels: AttentionKernels | null;

  constructor(
    private readonly heap: Heap,
    readonly shape: TransformerShape,
    readonly offsets: StackOffsets,
    /** Heap offsets of the parameter and gradient blocks the offsets are relative to. */
    private readonly P: number,
    private readonly G: number,
    /** Longest example (attention rows). */
    private readonly maxTokens: number,
    attention: AttentionKernel = "js",
  ) {
    this.kernels = attention === "simd" && heap.wasm ? instantiateKernel<AttentionKernels>("attention", heap.memory as KernelMemory) : null;
    this.actBuf = new Scratch(heap);
    this.tmpBuf = new Scratch(heap);
    this.cacheBuf = new Scratch(heap);
    this.cacheScores = new Scratch(heap);
  }

  /**
   * Lays out the activations of a batch; returns the offset where the caller
   * writes the input embeddings (nTokens × hidden) and the offset of the
   * embedding-dropout mask the caller may fill (`dropoutForward`).
   */
  prepare(batch: TokenBatch): { input: number; embMask: number } {
    const c = this.shape;
    const d = c.hidden;
    const F = c.ffnHidden;
    const H = c.heads;
    const T = batch.nTokens;
    if (this.attOffArr.length < batch.nExamples + 1) this.attOffArr = new Int32Array(2 * batch.nExamples + 2);
    const attOff = this.attOffArr;
    let A = 0;
    for (let e = 0; e < batch.nExamples; e++) {
      attOff[e] = A;
      const l = batch.exStart[e + 1] - batch.exStart[e];
      if (l > this.maxTokens) throw new InvalidArgumentError(`transformer: example of ${l} tokens is longer than the maximum ${this.maxTokens}`);
      A += H * l * l;
    }
    attOff[batch.nExamples] = A;
    const perBlock = 11 * T * d + 4 * T + 2 * A + 3 * T * F + 16 * 16;
    const total = 4 * T * d + 2 * T + c.blocks * perBlock + 64;
    let o = this.actBuf.need(total);
    const take = (n: number) => {
      const r = o;
      o += (n + 3) & ~3;
      return r;
    };
    const acts: Acts = { T, embMask: take(T * d), blocks: [], xf: 0, h: 0, muf: 0, rsf: 0, attOff };
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
    this.acts = acts;
    return { input: acts.blocks.length > 0 ? acts.blocks[0].xin : acts.xf, embMask: acts.embMask };
  }

  /**
   * Runs the blocks over the prepared batch (inputs already written). With
   * train true, dropout is applied and everything backward needs is kept.
   * Returns the offset of the final hidden states (nTokens × hidden).
   */
  forward(batch: TokenBatch, train: boolean, rng: Rng, prefix?: PrefixCache): number {
    const acts = this.acts;
    if (!acts) throw new InvalidArgumentError("transformer: prepare(batch) before forward");
    if (prefix && train) throw new InvalidArgumentError("transformer: a cached prefix is for inference only");
    const c = this.shape;
    const d = c.hidden;
    const F = c.ffnHidden;
    const T = batch.nTokens;
    this.trained = train;
    const tmp = this.tmpBuf.need(T * d);
    const heap = this.heap;
    const f = heap.f32;
    const P = this.P;
    const pDrop = train ? c.dropout : 0;
    for (let b = 0; b < c.blocks; b++) {
      const w = this.offsets.blocks[b];
      const a = acts.blocks[b];
      const xout = b + 1 < c.blocks ? acts.blocks[b + 1].xin : acts.xf;
      layerNormForward(f, a.xin, a.ln1, T, d, P + w.ln1g, P + w.ln1b, a.mu1, a.rs1, c.normEps);
      gemm(heap, T, 3 * d, d, a.ln1, d, 1, P + w.wqkv, 3 * d, a.qkv, 3 * d, false);
      addBias(f, a.qkv, T, 3 * d, P + w.bqkv);
      if (prefix) this.attentionWithPrefix(batch, a, prefix, b);
      else if (this.kernels) this.attentionForwardSimd(batch, a, train, rng);
      else this.attentionForward(batch, a, train, rng);
      gemm(heap, T, d, d, a.ctx, d, 1, P + w.wo, d, tmp, d, false);
      addBias(f, tmp, T, d, P + w.bo);
      if (train) dropoutForward(heap, tmp, a.oMask, T * d, pDrop, rng);
      for (let i = 0; i < T * d; i++) f[a.xmid + i] = f[a.xin + i] + f[tmp + i];
      layerNormForward(f, a.xmid, a.ln2, T, d, P + w.ln2g, P + w.ln2b, a.mu2, a.rs2, c.normEps);
      gemm(heap, T, F, d, a.ln2, d, 1, P + w.w1, F, a.pre, F, false);
      addBias(f, a.pre, T, F, P + w.b1);
      activationForward(f, a.pre, a.act, T * F, c.activation === "gelu");
      if (train) dropoutForward(heap, a.act, a.actMask, T * F, pDrop, rng);
      gemm(heap, T, d, F, a.act, F, 1, P + w.w2, d, tmp, d, false);
      addBias(f, tmp, T, d, P + w.b2);
      if (train) dropoutForward(heap, tmp, a.f2Mask, T * d, pDrop, rng);
      for (let i = 0; i < T * d; i++) f[xout + i] = f[a.xmid + i] + f[tmp + i];
    }
    layerNormForward(f, acts.xf, acts.h, T, d, P + this.offsets.lnfg, P + this.offsets.lnfb, acts.muf, acts.rsf, c.normEps);
    return acts.h;
  }

  /**
   * Copies the keys and values of the last forward's single example into a
   * cache (valid until the next `cachePrefix`), for `forward(..., prefix)`.
   */
  cachePrefix(batch: TokenBatch): PrefixCache {
    const acts = this.acts;
    if (!acts || batch.nExamples !== 1) throw new InvalidArgumentError("transformer: cachePrefix needs a forward over exactly one example");
    const c = this.shape;
    const d = c.hidden;
    const L = batch.nTokens;
    let o = this.cacheBuf.need(2 * c.blocks * ((L * d + 3) & ~3) + 4);
    this.cacheScores.need(L + this.maxTokens + 4); // attention scratch, reserved now: forward must not grow the heap
    const f = this.heap.f32;
    const keys: number[] = [];
    const values: number[] = [];
    for (let b = 0; b < c.blocks; b++) {
      const qkv = acts.blocks[b].qkv;
      const k = o;
      o += (L * d + 3) & ~3;
      const v = o;
      o += (L * d + 3) & ~3;
      for (let t = 0; t < L; t++) {
        f.copyWithin(k + t * d, qkv + t * 3 * d + d, qkv + t * 3 * d + 2 * d);
        f.copyWithin(v + t * d, qkv + t * 3 * d + 2 * d, qkv + t * 3 * d + 3 * d);
      }
      keys.push(k);
      values.push(v);
    }
    return { length: L, keys, values };
  }

  private attentionForward(batch: TokenBatch, a: BlockActs, train: boolean, rng: Rng): void {
    const f = this.heap.f32;
    const c = this.shape;
    const d = c.hidden;
    const H = c.heads;
    const dh = d / H;
    const d3 = 3 * d;
    const inv = 1 / Math.sqrt(dh);
    const p = train ? c.attnDropout : 0;
    const keep = 1 / (1 - p);
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

  /** attentionForward through the SIMD kernel; dropout masks are drawn in the same order. */
  private attentionForwardSimd(batch: TokenBatch, a: BlockActs, train: boolean, rng: Rng): void {
    const k = this.kernels!;
    const c = this.shape;
    const d = c.hidden;
    const H = c.heads;
    const dh = d / H;
    const d3 = 3 * d;
    const inv = 1 / Math.sqrt(dh);
    const p = train ? c.attnDropout : 0;
    const keep = 1 / (1 - p);
    const attOff = this.acts!.attOff;
    for (let e = 0; e < batch.nExamples; e++) {
      const s = batch.exStart[e];
      const l = batch.exStart[e + 1] - s;
      for (let hh = 0; hh < H; hh++) {
        const P0 = a.att + attOff[e] + hh * l * l;
        const M0 = a.attMask + attOff[e] + hh * l * l;
        k.causalProbabilities((a.qkv + s * d3) * 4, d3, hh * dh, d + hh * dh, l, dh, inv, P0 * 4);
        if (train) {
          const f = this.heap.f32;
          for (let i = 0; i < l; i++) {
            const mrow = M0 + i * l;
            for (let j = 0; j <= i; j++) f[mrow + j] = p > 0 ? (rng.next() >= p ? keep : 0) : 1;
          }
        }
        k.causalContext((a.qkv + s * d3) * 4, d3, 2 * d + hh * dh, l, dh, P0 * 4, train ? M0 * 4 : 0, (a.ctx + s * d) * 4, d, hh * dh);
      }
    }
  }

  private attentionBackwardSimd(batch: TokenBatch, a: BlockActs, dC: number, dqkv: number, dp: number): void {
    const k = this.kernels!;
    const c = this.shape;
    const d = c.hidden;
    const H = c.heads;
    const dh = d / H;
    const d3 = 3 * d;
    const inv = 1 / Math.sqrt(dh);
    const attOff = this.acts!.attOff;
    this.heap.f32.fill(0, dqkv, dqkv + batch.nTokens * d3);
    for (let e = 0; e < batch.nExamples; e++) {
      const s = batch.exStart[e];
      const l = batch.exStart[e + 1] - s;
      for (let hh = 0; hh < H; hh++) {
        const P0 = a.att + attOff[e] + hh * l * l;
        const M0 = a.attMask + attOff[e] + hh * l * l;
        k.causalBackward(
          (a.qkv + s * d3) * 4, (dqkv + s * d3) * 4, d3, hh * dh, d + hh * dh, 2 * d + hh * dh, l, dh, inv,
          P0 * 4, M0 * 4, (dC + s * d) * 4, d, hh * dh, dp * 4,
        );
      }
    }
  }

  /** Inference attention: each new token sees the cached prefix, then its own example's tokens up to itself. */
  private attentionWithPrefix(batch: TokenBatch, a: BlockActs, prefix: PrefixCache, block: number): void {
    const f = this.heap.f32;
    const c = this.shape;
    const d = c.hidden;
    const H = c.heads;
    const dh = d / H;
    const d3 = 3 * d;
    const inv = 1 / Math.sqrt(dh);
    const Lp = prefix.length;
    const pk = prefix.keys[block];
    const pv = prefix.values[block];
    if (this.kernels) {
      const scratch = this.cacheScores.need(Lp + this.maxTokens + 4);
      for (let e = 0; e < batch.nExamples; e++) {
        const s = batch.exStart[e];
        const l = batch.exStart[e + 1] - s;
        for (let hh = 0; hh < H; hh++) {
          this.kernels.prefixAttention(
            (a.qkv + s * d3) * 4, d3, hh * dh, d + hh * dh, 2 * d + hh * dh, l, dh, inv,
            pk * 4, pv * 4, d, hh * dh, Lp, (a.ctx + s * d) * 4, d, hh * dh, scratch * 4,
          );
        }
      }
      return;
    }
    if (this.prefixScores.length < Lp + this.maxTokens) this.prefixScores = new Float32Array(2 * (Lp + this.maxTokens));
    const sc = this.prefixScores;
    for (let e = 0; e < batch.nExamples; e++) {
      const s = batch.exStart[e];
      const l = batch.exStart[e + 1] - s;
      for (let hh = 0; hh < H; hh++) {
        for (let i = 0; i < l; i++) {
          const q = a.qkv + (s + i) * d3 + hh * dh;
          let mx = NEG_INF;
          for (let j = 0; j < Lp; j++) {
            const k = pk + j * d + hh * dh;
            let dot = 0;
            for (let u = 0; u < dh; u++) dot += f[q + u] * f[k + u];
            dot *= inv;
            sc[j] = dot;
            if (dot > mx) mx = dot;
          }
          for (let j = 0; j <= i; j++) {
            const k = a.qkv + (s + j) * d3 + d + hh * dh;
            let dot = 0;
            for (let u = 0; u < dh; u++) dot += f[q + u] * f[k + u];
            dot *= inv;
            sc[Lp + j] = dot;
            if (dot > mx) mx = dot;
          }
          let sum = 0;
          for (let j = 0; j < Lp + i + 1; j++) {
            const ex = Math.exp(sc[j] - mx);
            sc[j] = ex;
            sum += ex;
          }
          const rs = 1 / sum;
          const ctx = a.ctx + (s + i) * d + hh * dh;
          for (let u = 0; u < dh; u++) f[ctx + u] = 0;
          for (let j = 0; j < Lp; j++) {
            const pij = sc[j] * rs;
            const v = pv + j * d + hh * dh;
            for (let u = 0; u < dh; u++) f[ctx + u] += pij * f[v + u];
          }
          for (let j = 0; j <= i; j++) {
            const pij = sc[Lp + j] * rs;
            const v = a.qkv + (s + j) * d3 + 2 * d + hh * dh;
            for (let u = 0; u < dh; u++) f[ctx + u] += pij * f[v + u];
          }
        }
      }
    }
  }

  /**
   * Backpropagates dH (nTokens × hidden) through the last forward(train =
   * true), adding into the gradient block. Returns the offset of the gradient
   * at the inputs (before the embedding-dropout mask: the caller applies it).
   */
  backward(batch: TokenBatch, dH: number): number {
    const acts = this.acts;
    if (!acts || !this.trained) throw new InvalidArgumentError("transformer: backward() needs a preceding forward(batch, true)");
    const c = this.shape;
    const d = c.hidden;
    const F = c.ffnHidden;
    const T = acts.T;
    const P = this.P;
    const G = this.G;
    const heap = this.heap;
    const wtSize = Math.max(3 * d * d, F * d);
    let o = this.tmpBuf.need(4 * T * d + T * F + 3 * T * d + wtSize + this.maxTokens + 64);
    const take = (n: number) => {
      const r = o;
      o += (n + 3) & ~3;
      return r;
    };
    const dX = take(T * d), dLN = take(T * d), dC = take(T * d), tmp = take(T * d);
    const dA = take(T * F), dqkv = take(3 * T * d), Wt = take(wtSize), dp = take(this.maxTokens);
    const f = heap.f32;

    layerNormBackward(f, acts.xf, dH, dX, T, d, P + this.offsets.lnfg, G + this.offsets.lnfg, G + this.offsets.lnfb, acts.muf, acts.rsf, false);
    for (let b = c.blocks - 1; b >= 0; b--) {
      const w = this.offsets.blocks[b];
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
      if (this.kernels) this.attentionBackwardSimd(batch, a, dC, dqkv, dp);
      else this.attentionBackward(batch, a, dC, dqkv, dp);
      gemm(heap, d, 3 * d, T, a.ln1, 1, d, dqkv, 3 * d, G + w.wqkv, 3 * d, true);
      biasGrad(f, dqkv, T, 3 * d, G + w.bqkv);
      transpose(f, P + w.wqkv, d, 3 * d, 3 * d, Wt, d);
      gemm(heap, T, d, 3 * d, dqkv, 3 * d, 1, Wt, d, dLN, d, false);
      layerNormBackward(f, a.xin, dLN, dX, T, d, P + w.ln1g, G + w.ln1g, G + w.ln1b, a.mu1, a.rs1, true);
    }
    return dX;
  }

  private attentionBackward(batch: TokenBatch, a: BlockActs, dC: number, dqkv: number, dp: number): void {
    const f = this.heap.f32;
    const c = this.shape;
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
}
