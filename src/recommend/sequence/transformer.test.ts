import assert from "node:assert/strict";
import { test } from "node:test";
import { Heap } from "./heap.js";
import { Rng } from "./rng.js";
import { addTransformerTensors, TransformerStack, type TransformerShape } from "./transformer.js";

const shape: TransformerShape = { hidden: 16, blocks: 2, heads: 2, ffnHidden: 24, activation: "relu", dropout: 0.2, attnDropout: 0.3, normEps: 1e-8 };
const batch = { nTokens: 13, nExamples: 3, exStart: Int32Array.from([0, 5, 6, 13]) };

/** Forward (with dropout) and backward of a random stack; returns outputs, gradients and the input gradient. */
function run(kernel: "js" | "simd"): { h: Float32Array; grads: Float32Array; dx: Float32Array } {
  const heap = new Heap(1 << 16);
  let size = 0;
  const offsets = addTransformerTensors((_name, dims) => {
    const o = size;
    size += (dims.reduce((a, b) => a * b, 1) + 3) & ~3;
    return o;
  }, shape);
  const P = heap.alloc(size);
  const G = heap.alloc(size);
  const init = new Rng(3);
  for (let i = 0; i < size; i++) heap.f32[P + i] = init.normal() * 0.3;
  const stack = new TransformerStack(heap, shape, offsets, P, G, 8, kernel);
  const { input } = stack.prepare(batch);
  const x = new Rng(5);
  for (let i = 0; i < batch.nTokens * shape.hidden; i++) heap.f32[input + i] = x.normal();
  const h = stack.forward(batch, true, new Rng(9));
  const hOut = heap.copyOut(h, batch.nTokens * shape.hidden);
  const dH = heap.alloc(batch.nTokens * shape.hidden);
  for (let i = 0; i < batch.nTokens * shape.hidden; i++) heap.f32[dH + i] = Math.sin(i);
  const dx = stack.backward(batch, dH);
  return { h: hOut, grads: heap.copyOut(G, size), dx: heap.copyOut(dx, batch.nTokens * shape.hidden) };
}

function close(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
  assert.ok(worst < 1e-4, `${what}: largest relative difference ${worst}`);
}

test("the SIMD attention kernel computes what the JavaScript loops do, forward and backward (dropout included)", () => {
  const js = run("js");
  const simd = run("simd");
  close(js.h, simd.h, "hidden states");
  close(js.grads, simd.grads, "parameter gradients");
  close(js.dx, simd.dx, "input gradients");
  assert.ok(js.grads.some((g) => g !== 0));
});
