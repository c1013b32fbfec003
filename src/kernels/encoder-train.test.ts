import { test } from "node:test";
import assert from "node:assert/strict";
import { KernelHeap, instantiateKernel } from "./kernel-module.js";
import { SeededRandom } from "../core/random.js";
import type { EncoderKernels } from "../encoders/trained/embedding-bag.js";

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-4 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

test("encoder-train kernels agree with plain JavaScript", () => {
  const heap = new KernelHeap();
  const k = instantiateKernel<EncoderKernels>("encoder-train", heap.memory);
  const rng = new SeededRandom(3);
  const rows = 20;
  for (const dim of [8, 12, 24]) {
    heap.reset();
    const table = heap.alloc(rows * dim * 4);
    const accum = heap.alloc(rows * 4);
    const n = 9;
    const ids = heap.alloc(n * 4);
    const weights = heap.alloc(n * 4);
    const out = heap.alloc(dim * 4);
    const grad = heap.alloc(dim * 4);
    const f = heap.f32;
    for (let i = 0; i < rows * dim; i++) f[table / 4 + i] = rng.next() * 2 - 1;
    for (let i = 0; i < n; i++) {
      heap.i32[ids / 4 + i] = rng.int(rows);
      f[weights / 4 + i] = rng.next() * 3;
    }
    for (let j = 0; j < dim; j++) f[grad / 4 + j] = rng.next() - 0.5;
    const T = Float32Array.from(f.subarray(table / 4, table / 4 + rows * dim));
    const id = (i: number) => heap.i32[ids / 4 + i];
    const w = (i: number) => f[weights / 4 + i];

    // bagAdd over [2, 7): adds into out
    f[out / 4] = 1;
    k.bagAdd(table, dim, ids, weights, 2, 7, out);
    for (let j = 0; j < dim; j++) {
      let s = j === 0 ? 1 : 0;
      for (let i = 2; i < 7; i++) s += w(i) * T[id(i) * dim + j];
      close(f[out / 4 + j], s, `bagAdd dim ${dim} j ${j}`);
    }

    // bagAdagrad over [0, n): sequential row-wise updates
    let meanSq = 0;
    for (let j = 0; j < dim; j++) meanSq += f[grad / 4 + j] ** 2;
    meanSq /= dim;
    const acc = new Float64Array(rows);
    const expected = Float64Array.from(T);
    for (let i = 0; i < n; i++) {
      const ws = w(i) * 0.5;
      acc[id(i)] += ws * ws * meanSq;
      const step = (0.1 * ws) / (Math.sqrt(acc[id(i)]) + 1e-8);
      for (let j = 0; j < dim; j++) expected[id(i) * dim + j] -= step * f[grad / 4 + j];
    }
    k.bagAdagrad(table, accum, dim, ids, weights, 0, n, grad, 0.5, meanSq, 0.1, 1e-8);
    for (let r = 0; r < rows; r++) close(f[accum / 4 + r], acc[r], `accumulator ${r}`);
    for (let i = 0; i < rows * dim; i++) close(f[table / 4 + i], expected[i], `adagrad dim ${dim} at ${i}`);
  }

  // the three products, on shapes with odd row counts
  heap.reset();
  const m = 5;
  const nn = 3;
  const kk = 16;
  const a = heap.alloc(m * kk * 4);
  const b = heap.alloc(nn * kk * 4);
  const c = heap.alloc(m * nn * 4);
  const g = heap.alloc(m * nn * 4);
  const cNN = heap.alloc(m * kk * 4);
  const cTN = heap.alloc(nn * kk * 4);
  const f = heap.f32;
  for (let i = 0; i < m * kk; i++) f[a / 4 + i] = rng.next() - 0.5;
  for (let i = 0; i < nn * kk; i++) f[b / 4 + i] = rng.next() - 0.5;
  for (let i = 0; i < m * nn; i++) f[g / 4 + i] = i % 4 === 0 ? 0 : rng.next() - 0.5;
  k.gemmNT(a, b, c, m, nn, kk);
  k.gemmNN(g, b, cNN, m, nn, kk);
  k.gemmTN(g, a, cTN, m, nn, kk);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < nn; j++) {
      let s = 0;
      for (let x = 0; x < kk; x++) s += f[a / 4 + i * kk + x] * f[b / 4 + j * kk + x];
      close(f[c / 4 + i * nn + j], s, `gemmNT ${i},${j}`);
    }
    for (let x = 0; x < kk; x++) {
      let s = 0;
      for (let j = 0; j < nn; j++) s += f[g / 4 + i * nn + j] * f[b / 4 + j * kk + x];
      close(f[cNN / 4 + i * kk + x], s, `gemmNN ${i},${x}`);
    }
  }
  for (let j = 0; j < nn; j++) {
    for (let x = 0; x < kk; x++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += f[g / 4 + i * nn + j] * f[a / 4 + i * kk + x];
      close(f[cTN / 4 + j * kk + x], s, `gemmTN ${j},${x}`);
    }
  }
});
