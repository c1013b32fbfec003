import assert from "node:assert/strict";
import { test } from "node:test";
import { alsKernelAvailable, AlsWorkspace } from "./als-kernels.js";
import { ImplicitAls } from "./als.js";
import { SeededRandom } from "../core/random.js";
import { plantedClusters } from "./testing.js";

const simd = alsKernelAvailable();

function randomRows(n: number, d: number, seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  const Y = new Float32Array(n * d);
  for (let p = 0; p < Y.length; p++) Y[p] = rng.next() - 0.5;
  return Y;
}

function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let p = 0; p < want.length; p++) {
    diff = Math.max(diff, Math.abs(got[p] - want[p]));
    norm = Math.max(norm, Math.abs(want[p]));
  }
  return diff / norm;
}

// d = 20 exercises the SIMD kernels' one-vector tail loops; 64 the four-vector main loops; 300 rows span several Gram chunks.
for (const [d, kernel] of [20, 64].flatMap((d) => [[d, "wasm-simd"], [d, "js"]] as const)) {
  const skip = kernel === "wasm-simd" && !simd;
  const workspace = (blocks: number[]): AlsWorkspace => {
    const ws = AlsWorkspace.create(blocks, d, kernel === "wasm-simd");
    assert.equal(ws.kernel, kernel);
    return ws;
  };
  test(`gram kernel (${kernel}): upper triangle of YᵀY (d ${d})`, { skip }, () => {
    const n = 300;
    const Y = randomRows(n, d, d);
    const ws = workspace([n * d, d * d]);
    const y = ws.alloc(n * d);
    ws.f32.set(Y, y);
    const G = ws.alloc(d * d);
    ws.gram(4 * y, n, 4 * d, 4 * G);
    const got: number[] = [];
    const want: number[] = [];
    for (let f = 0; f < d; f++) {
      for (let g = f; g < d; g++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += Y[i * d + f] * Y[i * d + g];
        want.push(s);
        got.push(ws.f32[G + f * d + g]);
      }
    }
    assert.ok(relativeError(got, want) < 1e-5, `gram error ${relativeError(got, want)}`);
  });

  test(`cgApply kernel (${kernel}): A·v and b - A·v for one row (d ${d})`, { skip }, () => {
    const items = 50;
    const Y = randomRows(items, d, 7 + d);
    const G = randomRows(d, d, 8 + d);
    for (let f = 0; f < d; f++) for (let g = 0; g < f; g++) G[f * d + g] = G[g * d + f];
    const v = randomRows(1, d, 9 + d);
    const idx = Int32Array.from([3, 17, 18, 40, 49]);
    const cm1 = Float32Array.from([1, 2, 0.5, 4, 3]);
    const ws = workspace([Y.length, G.length, d, d, idx.length, cm1.length]);
    const [yo, go, vo, out, io, co] = [Y.length, G.length, d, d, idx.length, cm1.length].map((n) => ws.alloc(n));
    ws.f32.set(Y, yo);
    ws.f32.set(G, go);
    ws.f32.set(v, vo);
    ws.i32.set(idx, io);
    ws.f32.set(cm1, co);
    for (const residual of [0, 1]) {
      // Entries 1..4 of the row: qs/qe select a sub-range.
      ws.cgApply(4 * go, 4 * yo, 4 * d, 4 * io, 4 * co, 4, 20, 4 * vo, 4 * out, residual);
      const want = new Float64Array(d);
      for (let f = 0; f < d; f++) for (let g = 0; g < d; g++) want[f] += G[f * d + g] * v[g];
      if (residual) want.forEach((x, f) => (want[f] = -x));
      for (let q = 1; q < 5; q++) {
        const yq = Y.subarray(idx[q] * d, (idx[q] + 1) * d);
        let t = 0;
        for (let f = 0; f < d; f++) t += yq[f] * v[f];
        const w = residual ? 1 + cm1[q] * (1 - t) : cm1[q] * t;
        for (let f = 0; f < d; f++) want[f] += w * yq[f];
      }
      const got = ws.f32.subarray(out, out + d);
      assert.ok(relativeError(got, want) < 1e-5, `residual ${residual}: error ${relativeError(got, want)}`);
    }
  });
}

const data = plantedClusters({ users: 120, clusters: 4, itemsPerCluster: 12, perUser: 6 });
const options = { factors: 8, iterations: 6, alpha: 5, regularization: 0.1 };

/** Mean predicted score of a training pair. */
function meanPositiveScore(model: ImplicitAls): number {
  const ui = data.userItems();
  const d = model.options.factors;
  let s = 0;
  for (let u = 0; u < ui.rows; u++) {
    for (let q = ui.indptr[u]; q < ui.indptr[u + 1]; q++) {
      for (let f = 0; f < d; f++) s += model.userFactors[u * d + f] * model.itemFactors[ui.indices[q] * d + f];
    }
  }
  return s / ui.indptr[ui.rows];
}

test("ALS: the SIMD kernel and the JavaScript path agree", { skip: !simd }, async () => {
  // One iteration: the same factors up to float32 rounding.
  const fast = new ImplicitAls({ ...options, iterations: 1, simd: true });
  const plain = new ImplicitAls({ ...options, iterations: 1, simd: false });
  await fast.fit(data);
  await plain.fit(data);
  assert.equal(fast.kernel, "wasm-simd");
  assert.equal(plain.kernel, "js");
  assert.ok(relativeError(fast.userFactors, plain.userFactors) < 1e-4, `users ${relativeError(fast.userFactors, plain.userFactors)}`);
  assert.ok(relativeError(fast.itemFactors, plain.itemFactors) < 1e-4, `items ${relativeError(fast.itemFactors, plain.itemFactors)}`);
  // Truncated CG from tiny random factors amplifies rounding differences from one
  // iteration to the next, so longer fits are compared by what they fit.
  const fastFull = new ImplicitAls({ ...options, simd: true });
  const plainFull = new ImplicitAls({ ...options, simd: false });
  await fastFull.fit(data);
  await plainFull.fit(data);
  const [a, b] = [meanPositiveScore(fastFull), meanPositiveScore(plainFull)];
  assert.ok(b > 0.5 && Math.abs(a - b) < 0.01 * b, `mean positive score ${a} vs ${b}`);
});

test("ALS: fits are deterministic for a seed, and factors not divisible by 4 use JavaScript", async () => {
  const a = new ImplicitAls(options);
  const b = new ImplicitAls(options);
  await a.fit(data);
  await b.fit(data);
  assert.deepEqual(a.userFactors, b.userFactors);
  assert.deepEqual(a.itemFactors, b.itemFactors);
  const odd = new ImplicitAls({ ...options, factors: 6 });
  await odd.fit(data);
  assert.equal(odd.kernel, "js");
  assert.equal(odd.itemFactors.length, data.numItems * 6);
});
