/**
 * A multi-layer perceptron over a sequence/heap.ts Heap: dense layers with
 * ReLU between them (none after the last), forward and hand-written backward
 * passes through the shared SIMD matrix kernel. Used by the RQ-VAE's encoder
 * and decoder. Parameters and gradients live in caller-owned blocks of the
 * heap (so one Adam updates everything); activations in the MLP's scratch.
 */
import type { Heap } from "../sequence/heap.js";
import { Scratch } from "../sequence/heap.js";
import { addBias, biasGrad, gemm, transpose } from "../sequence/kernels.js";

export class Mlp {
  /** Offsets of W_i (in × out) and b_i relative to the parameter block. */
  readonly weights: number[] = [];
  readonly biases: number[] = [];
  readonly size: number;
  private readonly acts: Scratch;
  private readonly tmp: Scratch;
  private rows = 0;
  /** Per layer, offset of its input activations in the last forward. */
  private inputs: number[] = [];
  private outputs: number[] = [];

  constructor(private readonly heap: Heap, readonly widths: readonly number[]) {
    let off = 0;
    for (let i = 0; i + 1 < widths.length; i++) {
      this.weights.push(off);
      off += (widths[i] * widths[i + 1] + 3) & ~3;
      this.biases.push(off);
      off += (widths[i + 1] + 3) & ~3;
    }
    this.size = off;
    this.acts = new Scratch(heap);
    this.tmp = new Scratch(heap);
  }

  /** Xavier-normal weights, zero biases, from `normal()` draws. */
  init(params: number, normal: () => number): void {
    const f = this.heap.f32;
    for (let i = 0; i + 1 < this.widths.length; i++) {
      const fanIn = this.widths[i];
      const fanOut = this.widths[i + 1];
      const std = Math.sqrt(2 / (fanIn + fanOut));
      const w = params + this.weights[i];
      for (let p = 0; p < fanIn * fanOut; p++) f[w + p] = normal() * std;
      f.fill(0, params + this.biases[i], params + this.biases[i] + fanOut);
    }
  }

  /** Runs `rows` inputs (rows × widths[0] at offset x) through; returns the offset of the output. */
  forward(params: number, x: number, rows: number): number {
    const widths = this.widths;
    let total = 0;
    for (let i = 1; i < widths.length; i++) total += (rows * widths[i] + 3) & ~3;
    let o = this.acts.need(total);
    const heap = this.heap;
    this.rows = rows;
    this.inputs = [];
    this.outputs = [];
    let input = x;
    for (let i = 0; i + 1 < widths.length; i++) {
      const out = o;
      o += (rows * widths[i + 1] + 3) & ~3;
      gemm(heap, rows, widths[i + 1], widths[i], input, widths[i], 1, params + this.weights[i], widths[i + 1], out, widths[i + 1], false);
      addBias(heap.f32, out, rows, widths[i + 1], params + this.biases[i]);
      if (i + 2 < widths.length) {
        const f = heap.f32;
        for (let p = 0; p < rows * widths[i + 1]; p++) if (f[out + p] < 0) f[out + p] = 0;
      }
      this.inputs.push(input);
      this.outputs.push(out);
      input = out;
    }
    return input;
  }

  /**
   * Backward of the last forward: dOut (rows × last width) in, gradients added
   * into the block at `grads`, the input gradient written at `dx` (unless -1).
   */
  backward(params: number, grads: number, dOut: number, dx: number): void {
    const widths = this.widths;
    const rows = this.rows;
    const heap = this.heap;
    const maxW = Math.max(...widths);
    let o = this.tmp.need(2 * ((rows * maxW + 3) & ~3) + maxW * maxW + 8);
    const bufA = o;
    o += (rows * maxW + 3) & ~3;
    const bufB = o;
    o += (rows * maxW + 3) & ~3;
    const wt = o;
    let dy = dOut;
    for (let i = widths.length - 2; i >= 0; i--) {
      const fanIn = widths[i];
      const fanOut = widths[i + 1];
      gemm(heap, fanIn, fanOut, rows, this.inputs[i], 1, fanIn, dy, fanOut, grads + this.weights[i], fanOut, true);
      biasGrad(heap.f32, dy, rows, fanOut, grads + this.biases[i]);
      if (i === 0 && dx < 0) break;
      const target = i === 0 ? dx : dy === bufA ? bufB : bufA;
      transpose(heap.f32, params + this.weights[i], fanIn, fanOut, fanOut, wt, fanIn);
      gemm(heap, rows, fanIn, fanOut, dy, fanOut, 1, wt, fanIn, target, fanIn, false);
      if (i > 0) {
        // ReLU between layers: the gradient passes where the activation was positive
        const f = heap.f32;
        const act = this.outputs[i - 1];
        for (let p = 0; p < rows * fanIn; p++) if (!(f[act + p] > 0)) f[target + p] = 0;
      }
      dy = target;
    }
  }
}
