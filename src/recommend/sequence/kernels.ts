/**
 * Numeric kernels over the model heap: a blocked matrix multiply (WebAssembly
 * SIMD for the 4x8 interior, JavaScript for the edges and as a fallback),
 * transpose, layer norm, activations and dropout. Offsets and strides are in
 * floats. None of these allocate.
 */
import type { Heap } from "./heap.js";
import type { Rng } from "./rng.js";
import { GEMM_MR } from "./wasm-gemm.js";

/** Columns of B kept hot in cache per pass, and rows of B (depth) per pass. */
const NB = 512;
const KB = 256;

/**
 * C (+)= A * B where A(i, k) = f32[a + i*sam + k*sak], B[k][j] = f32[b + k*ldb + j],
 * C[i][j] = f32[c + i*ldc + j]. With acc false, C is overwritten.
 */
export function gemm(
  heap: Heap,
  M: number, N: number, K: number,
  a: number, sam: number, sak: number,
  b: number, ldb: number,
  c: number, ldc: number,
  acc: boolean,
): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (!acc) for (let i = 0; i < M; i++) heap.f32.fill(0, c + i * ldc, c + i * ldc + N);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KB) {
    const kb = Math.min(KB, K - k0);
    const accK = acc || k0 > 0;
    for (let j0 = 0; j0 < N; j0 += NB) {
      const nb = Math.min(NB, N - j0);
      gemmBlock(heap, M, nb, kb, a + k0 * sak, sam, sak, b + k0 * ldb + j0, ldb, c + j0, ldc, accK);
    }
  }
}

function gemmBlock(
  heap: Heap,
  M: number, N: number, K: number,
  a: number, sam: number, sak: number,
  b: number, ldb: number,
  c: number, ldc: number,
  acc: boolean,
): void {
  const w = heap.wasm;
  if (!w) {
    gemmJs(heap.f32, 0, M, 0, N, K, a, sam, sak, b, ldb, c, ldc, acc);
    return;
  }
  const M4 = M - (M % GEMM_MR);
  const N8 = N & ~7;
  const flag = acc ? 1 : 0;
  if (N8 > 0) {
    if (M4 > 0) w.gemm4(M4, N8, K, a * 4, sam * 4, sak * 4, b * 4, ldb * 4, c * 4, ldc * 4, flag);
    if (M > M4) w.gemm1(M - M4, N8, K, (a + M4 * sam) * 4, sam * 4, sak * 4, b * 4, ldb * 4, (c + M4 * ldc) * 4, ldc * 4, flag);
  }
  if (N > N8) gemmJs(heap.f32, 0, M, N8, N, K, a, sam, sak, b, ldb, c, ldc, acc);
}

/** Plain i-k-j loops over rows [i0, i1) and columns [j0, j1). */
export function gemmJs(
  f: Float32Array,
  i0: number, i1: number, j0: number, j1: number, K: number,
  a: number, sam: number, sak: number,
  b: number, ldb: number,
  c: number, ldc: number,
  acc: boolean,
): void {
  for (let i = i0; i < i1; i++) {
    const cr = c + i * ldc;
    if (!acc) for (let j = j0; j < j1; j++) f[cr + j] = 0;
    const ar = a + i * sam;
    for (let k = 0; k < K; k++) {
      const aik = f[ar + k * sak];
      if (aik === 0) continue;
      const br = b + k * ldb;
      for (let j = j0; j < j1; j++) f[cr + j] += aik * f[br + j];
    }
  }
}

/** dst[j][i] = src[i][j] for an R x C matrix (row strides lds, ldd). */
export function transpose(f: Float32Array, src: number, R: number, C: number, lds: number, dst: number, ldd: number): void {
  const T = 32;
  for (let i0 = 0; i0 < R; i0 += T) {
    const i1 = Math.min(R, i0 + T);
    for (let j0 = 0; j0 < C; j0 += T) {
      const j1 = Math.min(C, j0 + T);
      for (let i = i0; i < i1; i++) {
        const s = src + i * lds;
        for (let j = j0; j < j1; j++) f[dst + j * ldd + i] = f[s + j];
      }
    }
  }
}

/**
 * Layer norm of T rows of width d: y = (x - mean) * rstd * g + b.
 * Stores mean and rstd per row (for the backward pass).
 */
export function layerNormForward(
  f: Float32Array, x: number, y: number, T: number, d: number,
  g: number, b: number, mean: number, rstd: number, eps: number,
): void {
  for (let t = 0; t < T; t++) {
    const xr = x + t * d;
    const yr = y + t * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += f[xr + j];
    const mu = s / d;
    let v = 0;
    for (let j = 0; j < d; j++) {
      const z = f[xr + j] - mu;
      v += z * z;
    }
    const r = 1 / Math.sqrt(v / d + eps);
    f[mean + t] = mu;
    f[rstd + t] = r;
    for (let j = 0; j < d; j++) f[yr + j] = (f[xr + j] - mu) * r * f[g + j] + f[b + j];
  }
}

/** Backward of layerNormForward: dx (+)= ..., dg += ..., db += ... */
export function layerNormBackward(
  f: Float32Array, x: number, dy: number, dx: number, T: number, d: number,
  g: number, dg: number, db: number, mean: number, rstd: number, accumulate: boolean,
): void {
  for (let t = 0; t < T; t++) {
    const xr = x + t * d;
    const dyr = dy + t * d;
    const dxr = dx + t * d;
    const mu = f[mean + t];
    const r = f[rstd + t];
    let s1 = 0;
    let s2 = 0;
    for (let j = 0; j < d; j++) {
      const xh = (f[xr + j] - mu) * r;
      const dyj = f[dyr + j];
      const dxh = dyj * f[g + j];
      f[dg + j] += dyj * xh;
      f[db + j] += dyj;
      s1 += dxh;
      s2 += dxh * xh;
    }
    s1 /= d;
    s2 /= d;
    for (let j = 0; j < d; j++) {
      const xh = (f[xr + j] - mu) * r;
      const v = r * (f[dyr + j] * f[g + j] - s1 - xh * s2);
      if (accumulate) f[dxr + j] += v;
      else f[dxr + j] = v;
    }
  }
}

/** Adds a bias row to every one of T rows of width n. */
export function addBias(f: Float32Array, y: number, T: number, n: number, bias: number): void {
  for (let t = 0; t < T; t++) {
    const r = y + t * n;
    for (let j = 0; j < n; j++) f[r + j] += f[bias + j];
  }
}

/** db += column sums of dy (T x n). */
export function biasGrad(f: Float32Array, dy: number, T: number, n: number, db: number): void {
  for (let t = 0; t < T; t++) {
    const r = dy + t * n;
    for (let j = 0; j < n; j++) f[db + j] += f[r + j];
  }
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** Activation in place over n values, keeping the input in `pre` (pre must already hold it). */
export function activationForward(f: Float32Array, pre: number, out: number, n: number, gelu: boolean): void {
  if (gelu) {
    for (let i = 0; i < n; i++) {
      const x = f[pre + i];
      f[out + i] = 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const x = f[pre + i];
      f[out + i] = x > 0 ? x : 0;
    }
  }
}

/** d pre = d out * act'(pre), written over `dout`. */
export function activationBackward(f: Float32Array, pre: number, dout: number, n: number, gelu: boolean): void {
  if (gelu) {
    for (let i = 0; i < n; i++) {
      const x = f[pre + i];
      const u = GELU_C * (x + 0.044715 * x * x * x);
      const th = Math.tanh(u);
      const du = GELU_C * (1 + 3 * 0.044715 * x * x);
      f[dout + i] *= 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * du;
    }
  } else {
    for (let i = 0; i < n; i++) if (!(f[pre + i] > 0)) f[dout + i] = 0;
  }
}

interface DropoutKernel {
  dropoutMask(x: number, mask: number, n: number, p: number, keep: number, state: number): void;
}

/**
 * Dropout: draws a mask (0 or 1/(1-p)) for n values into `mask` and multiplies
 * x by it in place. With p = 0 the mask is all ones. With the SIMD kernel the
 * draws run in WebAssembly (src/kernels/assembly/dropout.ts) on the same
 * stream, giving the same masks and products as the JavaScript loop.
 */
export function dropoutForward(heap: Heap, x: number, mask: number, n: number, p: number, rng: Rng): void {
  const f = heap.f32;
  if (p <= 0) {
    f.fill(1, mask, mask + n);
    return;
  }
  const scale = 1 / (1 - p);
  const kernel = heap.assembly<DropoutKernel>("dropout");
  if (kernel) {
    const state = heap.rngState();
    rng.writeState(heap.u32, state);
    kernel.dropoutMask(x * 4, mask * 4, n, p, scale, state * 4);
    rng.readState(heap.u32, state);
    return;
  }
  for (let i = 0; i < n; i++) {
    const m = rng.next() >= p ? scale : 0;
    f[mask + i] = m;
    f[x + i] *= m;
  }
}

/** dx = dy * mask, in place over dy. */
export function mulInPlace(f: Float32Array, y: number, mask: number, n: number): void {
  for (let i = 0; i < n; i++) f[y + i] *= f[mask + i];
}

/**
 * Softmax helper for one row of n logits at offset x: replaces them by
 * exp(x - max) and returns the sum (the caller scales). SIMD when available.
 */
export function expRow(heap: Heap, x: number, n: number): number {
  const w = heap.wasm;
  const f = heap.f32;
  const n4 = w ? n & ~3 : 0;
  let mx = n4 > 0 ? w!.vmax(x * 4, n4) : -Infinity;
  for (let j = n4; j < n; j++) if (f[x + j] > mx) mx = f[x + j];
  let sum = n4 > 0 ? w!.expsum(x * 4, n4, mx) : 0;
  for (let j = n4; j < n; j++) {
    const e = Math.exp(f[x + j] - mx);
    f[x + j] = e;
    sum += e;
  }
  return sum;
}

/** x *= a over n floats. */
export function scaleRow(heap: Heap, x: number, n: number, a: number): void {
  const w = heap.wasm;
  const f = heap.f32;
  const n4 = w ? n & ~3 : 0;
  if (n4 > 0) w!.vscale(x * 4, n4, a);
  for (let j = n4; j < n; j++) f[x + j] *= a;
}
