/**
 * The generative recommender's network: a decoder-only transformer over
 * semantic-ID tokens. A token's input is the embedding of its (level, code)
 * (level-specific vocabularies), plus a learned embedding of its item's
 * position in the window and one of its level. The blocks are SASRec's
 * (sequence/transformer.ts: pre-norm causal attention, hand-written backward,
 * SIMD matrix kernel); every output predicts the next token, scored against
 * the token embeddings of that token's level (tied input/output embeddings),
 * so one pass over a history trains every next-item (and next-code)
 * prediction in it.
 *
 * Generation: `startHistory` runs the history once and keeps its keys and
 * values; `nextLevelLogProbs` then scores the next code of many partial IDs
 * (beams) against that cache.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { Heap, Scratch, type KernelKind } from "../sequence/heap.js";
import { dropoutForward, expRow, gemm, mulInPlace, scaleRow, transpose } from "../sequence/kernels.js";
import { Rng } from "../sequence/rng.js";
import { addTransformerTensors, TransformerStack, type PrefixCache, type StackOffsets, type TransformerShape } from "../sequence/transformer.js";
import { totalVocabulary, vocabularyBase, vocabularySize, type TokenSequenceBatch, type TokenVocabulary } from "./token-batch.js";

export interface GenerativeConfig extends TransformerShape, TokenVocabulary {
  /** Items in a window: the history read plus the item generated. */
  maxItems: number;
  /** Multiply token embeddings by sqrt(hidden) on input (as SASRec). */
  scaleEmbedding: boolean;
}

export function checkGenerativeConfig(c: GenerativeConfig): void {
  for (const name of ["maxItems", "hidden", "blocks", "heads", "ffnHidden", "levels", "codebookSize", "digitVocab"] as const) {
    if (!(Number.isInteger(c[name]) && c[name] >= 1)) throw new InvalidArgumentError(`generative config ${name}: expected a positive integer, got ${c[name]}`);
  }
  if (c.maxItems < 2) throw new InvalidArgumentError(`generative config maxItems must be at least 2 (one history item and the generated one), got ${c.maxItems}`);
  if (c.hidden % c.heads !== 0) throw new InvalidArgumentError(`generative config: hidden (${c.hidden}) must be divisible by heads (${c.heads})`);
  for (const name of ["dropout", "attnDropout"] as const) {
    if (!(c[name] >= 0 && c[name] < 1)) throw new InvalidArgumentError(`generative config ${name}: expected a number in [0, 1), got ${c[name]}`);
  }
}

export interface TensorSpec {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export class GenerativeLayout {
  readonly tensors: TensorSpec[] = [];
  readonly tokenEmb: number;
  readonly posEmb: number;
  readonly levelEmb: number;
  readonly stack: StackOffsets;
  readonly size: number;

  constructor(c: GenerativeConfig) {
    let off = 0;
    const add = (name: string, shape: number[]): number => {
      const size = shape.reduce((a, b) => a * b, 1);
      const o = off;
      this.tensors.push({ name, shape, offset: o, size });
      off += (size + 3) & ~3;
      return o;
    };
    this.tokenEmb = add("token_embedding", [totalVocabulary(c), c.hidden]);
    this.posEmb = add("item_position_embedding", [c.maxItems, c.hidden]);
    this.levelEmb = add("level_embedding", [c.levels + 1, c.hidden]);
    this.stack = addTransformerTensors(add, c);
    this.size = off;
  }
}

export class GenerativeNet {
  readonly heap: Heap;
  readonly layout: GenerativeLayout;
  readonly P: number;
  readonly G: number;
  readonly stack: TransformerStack;
  rng: Rng;
  private readonly lossBuf: Scratch;
  private readonly dhBuf: Scratch;
  private readonly outBuf: Scratch;
  private embMask = 0;
  private trained = false;
  private prefix: PrefixCache | null = null;

  constructor(readonly cfg: GenerativeConfig, seed: number, kernel: KernelKind = "wasm-simd") {
    checkGenerativeConfig(cfg);
    this.layout = new GenerativeLayout(cfg);
    this.heap = new Heap(this.layout.size * 2 + (1 << 20), kernel);
    this.P = this.heap.alloc(this.layout.size);
    this.G = this.heap.alloc(this.layout.size);
    this.stack = new TransformerStack(this.heap, cfg, this.layout.stack, this.P, this.G, cfg.maxItems * (cfg.levels + 1), "simd");
    this.lossBuf = new Scratch(this.heap);
    this.dhBuf = new Scratch(this.heap);
    this.outBuf = new Scratch(this.heap);
    this.rng = new Rng(seed);
    const init = new Rng(seed ^ 0x5a5a5a5a);
    const f = this.heap.f32;
    for (const t of this.layout.tensors) {
      const o = this.P + t.offset;
      if (t.name.endsWith("norm.weight")) f.fill(1, o, o + t.size);
      else if (t.shape.length === 1) f.fill(0, o, o + t.size);
      else {
        const std = Math.sqrt(2 / (t.shape[0] + t.shape[1]));
        for (let i = 0; i < t.size; i++) f[o + i] = init.normal() * std;
      }
    }
  }

  get kernel(): KernelKind {
    return this.heap.kernel;
  }

  zeroGrad(): void {
    this.heap.f32.fill(0, this.G, this.G + this.layout.size);
  }

  getParameters(): Float32Array {
    return this.heap.copyOut(this.P, this.layout.size);
  }

  setParameters(params: Float32Array): void {
    if (params.length !== this.layout.size) throw new InvalidArgumentError(`generative model: expected ${this.layout.size} parameters, got ${params.length}`);
    this.heap.f32.set(params, this.P);
    this.prefix = null;
  }

  /** Writes the input embeddings of a batch and runs the blocks; returns the final hidden states' offset. */
  forward(batch: TokenSequenceBatch, train: boolean, prefix?: PrefixCache): number {
    const c = this.cfg;
    const d = c.hidden;
    const { input, embMask } = this.stack.prepare(batch);
    this.embMask = embMask;
    this.trained = train;
    const f = this.heap.f32;
    const lay = this.layout;
    const P = this.P;
    const scale = c.scaleEmbedding ? Math.sqrt(d) : 1;
    for (let t = 0; t < batch.nTokens; t++) {
      const eo = P + lay.tokenEmb + batch.tokens[t] * d;
      const po = P + lay.posEmb + batch.positions[t] * d;
      const lo = P + lay.levelEmb + batch.levels[t] * d;
      const xo = input + t * d;
      for (let k = 0; k < d; k++) f[xo + k] = f[eo + k] * scale + f[po + k] + f[lo + k];
    }
    if (train) dropoutForward(this.heap, input, embMask, batch.nTokens * d, c.dropout, this.rng);
    return this.stack.forward(batch, train, this.rng, prefix);
  }

  /** Backward of the last training forward, given dLoss/dh; adds into the gradient block. */
  backward(batch: TokenSequenceBatch, dH: number): void {
    if (!this.trained) throw new InvalidArgumentError("generative model: backward() needs a preceding forward(batch, true)");
    const d = this.cfg.hidden;
    const dX = this.stack.backward(batch, dH);
    const f = this.heap.f32;
    mulInPlace(f, dX, this.embMask, batch.nTokens * d);
    const lay = this.layout;
    const G = this.G;
    const scale = this.cfg.scaleEmbedding ? Math.sqrt(d) : 1;
    for (let t = 0; t < batch.nTokens; t++) {
      const ge = G + lay.tokenEmb + batch.tokens[t] * d;
      const gp = G + lay.posEmb + batch.positions[t] * d;
      const gl = G + lay.levelEmb + batch.levels[t] * d;
      const xo = dX + t * d;
      for (let k = 0; k < d; k++) {
        const g = f[xo + k];
        f[ge + k] += g * scale;
        f[gp + k] += g;
        f[gl + k] += g;
      }
    }
  }

  /**
   * Forward, softmax cross-entropy of every target over its level's
   * vocabulary, backward. Gradients are added (call zeroGrad first). Returns
   * the summed loss over the batch's targets.
   */
  trainStep(batch: TokenSequenceBatch): number {
    const c = this.cfg;
    const d = c.hidden;
    const h = this.forward(batch, true);
    const nT = batch.nTargets;
    const dH = this.dhBuf.need(batch.nTokens * d);
    this.heap.f32.fill(0, dH, dH + batch.nTokens * d);
    let total = 0;
    const invN = 1 / Math.max(1, nT);
    for (let level = 0; level <= c.levels; level++) {
      const rows: number[] = [];
      for (let r = 0; r < nT; r++) if (batch.targetLevel[r] === level) rows.push(r);
      if (rows.length === 0) continue;
      total += this.levelLoss(batch, h, dH, level, rows, invN);
    }
    this.backward(batch, dH);
    return total;
  }

  /** Cross-entropy of the target rows of one level; writes dH rows and embedding gradients. */
  private levelLoss(batch: TokenSequenceBatch, h: number, dH: number, level: number, rows: number[], invN: number): number {
    const d = this.cfg.hidden;
    const V = vocabularySize(this.cfg, level);
    const base = vocabularyBase(this.cfg, level);
    const n = rows.length;
    const sz = (x: number) => (x + 3) & ~3;
    const o = this.lossBuf.need(sz(d * V) + 2 * sz(n * d) + sz(n * V) + 8);
    const heap = this.heap;
    const f = heap.f32;
    const E = this.P + this.layout.tokenEmb + base * d;
    const dE = this.G + this.layout.tokenEmb + base * d;
    const et = o;
    const hT = et + sz(d * V);
    const dhT = hT + sz(n * d);
    const logits = dhT + sz(n * d);
    transpose(f, E, V, d, d, et, V);
    for (let r = 0; r < n; r++) {
      const src = h + batch.targetRow[rows[r]] * d;
      f.copyWithin(hT + r * d, src, src + d);
    }
    gemm(heap, n, V, d, hT, d, 1, et, V, logits, V, false);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const lo = logits + r * V;
      const sum = expRow(heap, lo, V);
      const tgt = batch.targetCode[rows[r]];
      const p = f[lo + tgt] / sum;
      total -= Math.log(p > 1e-30 ? p : 1e-30);
      scaleRow(heap, lo, V, invN / sum);
      f[lo + tgt] -= invN;
    }
    gemm(heap, n, d, V, logits, V, 1, E, d, dhT, d, false);
    gemm(heap, V, d, n, logits, 1, V, hT, d, dE, d, true);
    for (let r = 0; r < n; r++) {
      const dst = dH + batch.targetRow[rows[r]] * d;
      const src = dhT + r * d;
      for (let k = 0; k < d; k++) f[dst + k] += f[src + k];
    }
    return total;
  }

  /**
   * Log-probabilities (over level `level`'s vocabulary) of the next token
   * after given output rows `rows` of hidden states at `h`; rows × V at the returned offset.
   */
  private logProbs(h: number, rowOffsets: ArrayLike<number>, level: number): number {
    const d = this.cfg.hidden;
    const V = vocabularySize(this.cfg, level);
    const base = vocabularyBase(this.cfg, level);
    const n = rowOffsets.length;
    const sz = (x: number) => (x + 3) & ~3;
    const o = this.outBuf.need(sz(d * V) + sz(n * d) + sz(n * V) + 8);
    const heap = this.heap;
    const f = heap.f32;
    const et = o;
    const hT = et + sz(d * V);
    const out = hT + sz(n * d);
    transpose(f, this.P + this.layout.tokenEmb + base * d, V, d, d, et, V);
    for (let r = 0; r < n; r++) f.copyWithin(hT + r * d, h + rowOffsets[r] * d, h + rowOffsets[r] * d + d);
    gemm(heap, n, V, d, hT, d, 1, et, V, out, V, false);
    for (let r = 0; r < n; r++) {
      const lo = out + r * V;
      let mx = -Infinity;
      for (let j = 0; j < V; j++) if (f[lo + j] > mx) mx = f[lo + j];
      let sum = 0;
      for (let j = 0; j < V; j++) sum += Math.exp(f[lo + j] - mx);
      const lse = mx + Math.log(sum);
      for (let j = 0; j < V; j++) f[lo + j] -= lse;
    }
    return out;
  }

  /**
   * Runs a history (a batch holding one `addHistory` example) and keeps its
   * keys and values for `nextLevelLogProbs`. Returns the log-probabilities
   * of the first code of the next item (a view, valid until the next call).
   */
  startHistory(batch: TokenSequenceBatch): Float32Array {
    if (batch.nExamples !== 1 || batch.nTokens === 0) throw new InvalidArgumentError("generative model: startHistory needs one non-empty history");
    const h = this.forward(batch, false);
    this.prefix = this.stack.cachePrefix(batch);
    const out = this.logProbs(h, [batch.nTokens - 1], 0);
    return this.heap.f32.subarray(out, out + vocabularySize(this.cfg, 0));
  }

  /**
   * For a batch of partial IDs (`addPartial` examples, all of the same length
   * s) continuing the last `startHistory`, the log-probabilities of token s:
   * nExamples × V(s), row-major (a view, valid until the next call).
   */
  nextLevelLogProbs(batch: TokenSequenceBatch, level: number): Float32Array {
    if (!this.prefix) throw new InvalidArgumentError("generative model: startHistory before nextLevelLogProbs");
    const h = this.forward(batch, false, this.prefix);
    const last = new Int32Array(batch.nExamples);
    for (let e = 0; e < batch.nExamples; e++) last[e] = batch.exStart[e + 1] - 1;
    const out = this.logProbs(h, last, level);
    return this.heap.f32.subarray(out, out + batch.nExamples * vocabularySize(this.cfg, level));
  }
}
