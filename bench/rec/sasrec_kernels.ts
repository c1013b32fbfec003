/**
 * Matrix-kernel measurements behind the SASRec kernel choice: the three
 * output-layer products of one 256-target chunk under full softmax on Beauty
 * (hidden 64, 12,101 items) and one feed-forward-sized product, for
 *   - plain JavaScript, i-j-k dot-product order (the naive loop),
 *   - plain JavaScript, i-k-j order over Float32Array (Trove's fallback),
 *   - the hand-assembled WebAssembly SIMD 4x8 kernel (Trove's default).
 * Prints a table of median milliseconds and GMAC/s (multiply-adds per ns).
 *
 *   node dist/bench/rec/sasrec_kernels.js [--reps 5]
 * PyTorch's (OpenBLAS) figures for the same shapes: python3 bench/rec/sasrec_torch.py --gemm
 */
import { Heap } from "../../src/recommend/sequence/heap.js";
import { gemm } from "../../src/recommend/sequence/kernels.js";

const repsArg = process.argv.indexOf("--reps");
const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 5;

interface Shape { name: string; M: number; N: number; K: number; transA: boolean }
const shapes: Shape[] = [
  { name: "logits = H(256x64) * E^T(64x12101)", M: 256, N: 12101, K: 64, transA: false },
  { name: "dH = G(256x12101) * E(12101x64)", M: 256, N: 64, K: 12101, transA: false },
  { name: "dE += G^T(12101x256) * H(256x64)", M: 12101, N: 64, K: 256, transA: true },
  { name: "FFN X(1024x64) * W(64x64)", M: 1024, N: 64, K: 64, transA: false },
];

function naive(f: Float32Array, s: Shape, a: number, b: number, c: number): void {
  const { M, N, K } = s;
  const [sam, sak] = s.transA ? [1, M] : [K, 1];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += f[a + i * sam + k * sak] * f[b + k * N + j];
      f[c + i * N + j] = acc;
    }
  }
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const rows: string[] = [];
for (const s of shapes) {
  const results: Record<string, number> = {};
  for (const kind of ["naive", "js", "wasm-simd"] as const) {
    const heap = new Heap(1 << 16, kind === "wasm-simd" ? "wasm-simd" : "js");
    const a = heap.alloc(s.M * s.K);
    const b = heap.alloc(s.K * s.N);
    const c = heap.alloc(s.M * s.N);
    const f = heap.f32;
    for (let i = 0; i < s.M * s.K; i++) f[a + i] = Math.sin(i);
    for (let i = 0; i < s.K * s.N; i++) f[b + i] = Math.cos(i);
    const [sam, sak] = s.transA ? [1, s.M] : [s.K, 1];
    const run = () => (kind === "naive" ? naive(heap.f32, s, a, b, c) : gemm(heap, s.M, s.N, s.K, a, sam, sak, b, s.N, c, s.N, false));
    run();
    const times: number[] = [];
    const n = kind === "wasm-simd" ? reps * 4 : reps;
    for (let r = 0; r < n; r++) {
      const t = performance.now();
      run();
      times.push(performance.now() - t);
    }
    results[kind] = median(times);
  }
  const macs = s.M * s.N * s.K;
  const g = (ms: number) => (macs / ms / 1e6).toFixed(2);
  rows.push(
    `| ${s.name} | ${results.naive.toFixed(1)} ms (${g(results.naive)}) | ${results.js.toFixed(1)} ms (${g(results.js)}) | ` +
      `${results["wasm-simd"].toFixed(2)} ms (${g(results["wasm-simd"])}) | ${(results.js / results["wasm-simd"]).toFixed(1)}x |`,
  );
}
console.log("| product | JS i-j-k (GMAC/s) | JS i-k-j (GMAC/s) | WASM SIMD 4x8 (GMAC/s) | SIMD vs i-k-j |");
console.log("|---|---:|---:|---:|---:|");
for (const r of rows) console.log(r);
