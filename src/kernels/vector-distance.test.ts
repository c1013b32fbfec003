import { test } from "node:test";
import assert from "node:assert/strict";
import { KernelHeap, instantiateKernel } from "./kernel-module.js";
import { SeededRandom } from "../core/random.js";

interface DistanceKernels {
  dotF32(a: number, b: number, dim: number): number;
  l2sqF32(a: number, b: number, dim: number): number;
  dotI8(a: number, b: number, dim: number): number;
  hamming(a: number, b: number, words: number): number;
}

test("distance kernels agree with plain JavaScript, tails included", () => {
  const heap = new KernelHeap();
  const k = instantiateKernel<DistanceKernels>("vector-distance", heap.memory);
  const rng = new SeededRandom(7);
  for (const dim of [1, 7, 8, 13, 384]) {
    const a = heap.alloc(dim * 4);
    const b = heap.alloc(dim * 4);
    const x = Float32Array.from({ length: dim }, () => rng.next() * 2 - 1);
    const y = Float32Array.from({ length: dim }, () => rng.next() * 2 - 1);
    heap.f32.set(x, a / 4);
    heap.f32.set(y, b / 4);
    let dot = 0;
    let l2 = 0;
    for (let i = 0; i < dim; i++) {
      dot += x[i] * y[i];
      l2 += (x[i] - y[i]) ** 2;
    }
    assert.ok(Math.abs(k.dotF32(a, b, dim) - dot) < 1e-4 * Math.max(1, Math.abs(dot)), `dot dim ${dim}`);
    assert.ok(Math.abs(k.l2sqF32(a, b, dim) - l2) < 1e-4 * Math.max(1, l2), `l2 dim ${dim}`);
    const qa = heap.alloc(dim);
    const qb = heap.alloc(dim);
    let idot = 0;
    for (let i = 0; i < dim; i++) {
      heap.i8[qa + i] = Math.round(x[i] * 127);
      heap.i8[qb + i] = Math.round(y[i] * -128);
      idot += heap.i8[qa + i] * heap.i8[qb + i];
    }
    assert.equal(k.dotI8(qa, qb, dim), idot, `int8 dim ${dim}`);
  }
  const words = 6;
  const ha = heap.alloc(words * 8);
  const hb = heap.alloc(words * 8);
  let bits = 0;
  for (let i = 0; i < words * 8; i++) {
    heap.u8[ha + i] = Math.floor(rng.next() * 256);
    heap.u8[hb + i] = Math.floor(rng.next() * 256);
    let v = heap.u8[ha + i] ^ heap.u8[hb + i];
    while (v) {
      bits += v & 1;
      v >>= 1;
    }
  }
  assert.equal(k.hamming(ha, hb, words), bits);
});
