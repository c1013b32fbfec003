import assert from "node:assert/strict";
import { test } from "node:test";
import { gemmNT, inverseScratchFloats, invertSpd, NotPositiveDefiniteError, solveSpdSmall } from "./linalg.js";
import { F64Workspace } from "./wasm-dgemm.js";
import { SeededRandom } from "../core/random.js";

function randomSpd(n: number, seed: number): Float64Array {
  const rng = new SeededRandom(seed);
  const r = new Float64Array(n * n);
  for (let p = 0; p < r.length; p++) r[p] = rng.next() - 0.5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += r[i * n + k] * r[j * n + k];
      a[i * n + j] = a[j * n + i] = s + (i === j ? 0.5 : 0);
    }
  }
  return a;
}

test("gemmNT matches the naive product on ragged sizes", () => {
  const rng = new SeededRandom(1);
  for (const [M, N, K] of [[1, 1, 1], [5, 7, 3], [9, 66, 300], [13, 4, 257]]) {
    const a = Float64Array.from({ length: M * K }, () => rng.next());
    const b = Float64Array.from({ length: N * K }, () => rng.next());
    const c = new Float64Array(M * N);
    gemmNT(M, N, K, a, 0, K, b, 0, K, c, 0, N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[i * K + k] * b[j * K + k];
        assert.ok(Math.abs(c[i * N + j] + s) < 1e-9);
      }
    }
  }
});

test("blocked SPD inverse gives A·A⁻¹ = I across block edges", () => {
  for (const n of [1, 2, 7, 97, 210]) {
    const a = randomSpd(n, n);
    const p = a.slice();
    invertSpd(p, n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * p[k * n + j];
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
        assert.equal(p[i * n + j], p[j * n + i]);
      }
    }
    assert.ok(worst < 1e-8, `n=${n}: max |A·P - I| = ${worst}`);
  }
});

test("a matrix that is not positive definite is rejected", () => {
  const a = Float64Array.from([1, 2, 2, 1]);
  assert.throws(() => invertSpd(a, 2), NotPositiveDefiniteError);
});

test("small dense solve", () => {
  const m = Float64Array.from([4, 2, 2, 3]);
  const b = Float64Array.from([2, 1]);
  solveSpdSmall(m, b, 2);
  assert.ok(Math.abs(b[0] - 0.5) < 1e-12 && Math.abs(b[1]) < 1e-12);
});

test("the WebAssembly SIMD path gives the same inverse as plain JavaScript", () => {
  const n = 211;
  const ws = F64Workspace.tryCreate(n * n + inverseScratchFloats(n));
  if (!ws) return; // no WebAssembly SIMD on this runtime: the JS path is what runs
  const a = randomSpd(n, 9);
  const inWasm = ws.alloc(n * n);
  inWasm.set(a);
  const inJs = a.slice();
  invertSpd(inWasm, n);
  invertSpd(inJs, n);
  let worst = 0;
  for (let p = 0; p < n * n; p++) worst = Math.max(worst, Math.abs(inWasm[p] - inJs[p]));
  assert.ok(worst < 1e-9, `max difference ${worst}`);
  // Ragged products inside the workspace.
  const rng = new SeededRandom(2);
  for (const [M, N, K] of [[4, 2, 1], [7, 5, 3], [9, 66, 300]]) {
    const mark = ws.mark();
    const x = ws.alloc(M * K).map(() => rng.next());
    const y = ws.alloc(N * K).map(() => rng.next());
    const c = ws.alloc(M * N);
    gemmNT(M, N, K, x, 0, K, y, 0, K, c, 0, N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += x[i * K + k] * y[j * K + k];
        assert.ok(Math.abs(c[i * N + j] + s) < 1e-9);
      }
    }
    ws.release(mark);
  }
});
