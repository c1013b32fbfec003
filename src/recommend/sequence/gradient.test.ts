import assert from "node:assert/strict";
import { test } from "node:test";
import { Heap } from "./heap.js";
import { expRow, gemm } from "./kernels.js";
import { BatchBuilder } from "./batch.js";
import { resolveConfig, SasRecNet, type LossKind } from "./model.js";
import { Rng } from "./rng.js";

test("gemm: SIMD and JavaScript kernels match a naive product (plain and transposed A, edges)", () => {
  for (const kind of ["wasm-simd", "js"] as const) {
    const heap = new Heap(1 << 16, kind);
    for (const [M, N, K, tA] of [[7, 13, 5, false], [9, 17, 300, true], [4, 8, 1, false], [1, 600, 3, false], [13, 70, 33, true]] as const) {
      const a = heap.alloc(M * K);
      const b = heap.alloc(K * N);
      const c = heap.alloc(M * N);
      const f = heap.f32;
      for (let i = 0; i < M * K; i++) f[a + i] = Math.sin(i * 1.3);
      for (let i = 0; i < K * N; i++) f[b + i] = Math.cos(i * 0.7);
      f.fill(0.5, c, c + M * N);
      const [sam, sak] = tA ? [1, M] : [K, 1];
      gemm(heap, M, N, K, a, sam, sak, b, N, c, N, true);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0.5;
          for (let k = 0; k < K; k++) s += f[a + i * sam + k * sak] * f[b + k * N + j];
          assert.ok(Math.abs(s - f[c + i * N + j]) < 1e-4 * Math.max(1, Math.abs(s)), `${kind} ${M}x${N}x${K} (${i},${j})`);
        }
      }
    }
  }
});

test("expRow: SIMD exp matches Math.exp", () => {
  const heap = new Heap(1 << 16);
  const n = 1001;
  const x = heap.alloc(n) + 1; // deliberately unaligned
  const f = heap.f32;
  const ref: number[] = [];
  for (let i = 0; i < n; i++) ref.push((f[x + i] = Math.fround(Math.sin(i) * 30)));
  const mx = Math.max(...ref);
  const sum = expRow(heap, x, n);
  let refSum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(ref[i] - mx);
    refSum += e;
    assert.ok(Math.abs(f[x + i] - e) <= 1e-5 * e + 1e-37, `element ${i}: ${f[x + i]} vs ${e}`);
  }
  assert.ok(Math.abs(sum - refSum) < 1e-5 * refSum);
});

function tinyBatch(): BatchBuilder {
  const bb = new BatchBuilder();
  bb.clear();
  bb.add(Int32Array.from([1, 3, 2, 6, 4, 5]), 0, 5, 0); // 5 tokens, all targets
  bb.add(Int32Array.from([0, 2, 4]), 0, 2, 0);
  bb.add(Int32Array.from([5, 1, 3, 0]), 0, 3, 2); // only the last token has a target
  return bb;
}

/**
 * Finite differences in float32 over every parameter of a tiny model; the
 * comparison allows an absolute float32 noise floor.
 */
function checkGradients(loss: LossKind, activation: "relu" | "gelu", heads: number, eps: number): void {
  const cfg = resolveConfig({ maxLen: 5, hidden: 8, heads, blocks: 2, ffnHidden: 12, activation, dropout: 0, attnDropout: 0, normEps: 1e-5 });
  const net = new SasRecNet(7, cfg, 3);
  // Perturb norm gains and biases so that their gradients are not trivially symmetric.
  const init = new Rng(9);
  const f0 = net.heap.f32;
  for (const t of net.layout.tensors) {
    if (t.shape.length === 1) for (let i = 0; i < t.size; i++) f0[net.P + t.offset + i] += 0.1 * init.normal();
  }
  net.paramsChanged();
  const batch = tinyBatch().batch;
  const lossAt = (): number => {
    net.rng = new Rng(77); // same negatives every evaluation
    net.paramsChanged();
    net.zeroGrad();
    return net.trainStep(batch, loss, 4);
  };
  const center = lossAt();
  const grad = net.heap.copyOut(net.G, net.layout.size);
  let worst = 0;
  let worstName = "";
  for (const t of net.layout.tensors) {
    for (let i = 0; i < t.size; i++) {
      const p = net.P + t.offset + i;
      const f = net.heap.f32;
      const orig = f[p];
      f[p] = orig + eps;
      const up = lossAt();
      f[p] = orig - eps;
      const down = lossAt();
      f[p] = orig;
      const ana = grad[t.offset + i];
      // Near a ReLU kink one side of the difference is off; either one-sided
      // difference agreeing with the analytic gradient is accepted.
      const candidates = [(up - down) / (2 * eps), (up - center) / eps, (center - down) / eps];
      const num = candidates[0];
      const err = Math.min(...candidates.map((c) => Math.abs(c - ana))) / (5e-4 + 3e-2 * Math.abs(ana));
      if (err > worst) {
        worst = err;
        worstName = `${t.name}[${i}] numeric ${num} analytic ${ana}`;
      }
    }
  }
  assert.ok(worst < 1, `${loss}/${activation}: worst error ${worst} (1 = tolerance) at ${worstName}`);
}

test("backward matches finite differences (full softmax CE, ReLU, 2 heads)", () => checkGradients("ce", "relu", 2, 1e-3));
test("backward matches finite differences (sampled CE, GELU, 1 head)", () => checkGradients("sampled-ce", "gelu", 1, 1e-2));
test("backward matches finite differences (BCE, GELU, 2 heads)", () => checkGradients("bce", "gelu", 2, 1e-2));
