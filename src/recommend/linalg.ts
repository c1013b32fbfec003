/**
 * Dense symmetric positive-definite inverse in Float64Array, for EASE's
 * (XᵀX + λI)⁻¹ over all items. Three blocked steps, each spending almost all
 * of its time in one register-blocked kernel (C -= A·Bᵀ over rows that are
 * contiguous in memory):
 *
 *   1. Cholesky A = L·Lᵀ (right-looking, lower)         n³/6 multiply-adds
 *   2. Y = L⁻¹ in place (block columns right to left)    n³/6
 *   3. A⁻¹ = Yᵀ·Y, lower half (Z = Yᵀ copied above)       n³/6
 *
 * Matrices are n×n, row-major, A[i*n + j]. Only the lower triangle of the
 * input is read; on return the whole matrix holds the symmetric inverse.
 * Nothing is allocated inside the loops; scratch panels are allocated once.
 *
 * When the matrix lives in an `F64Workspace` (WebAssembly memory), the
 * kernel's interior runs in WebAssembly SIMD (wasm-dgemm.ts) and the scratch
 * panels come from the same workspace; otherwise everything is JavaScript.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { F64Workspace } from "./wasm-dgemm.js";

/** Block size of the outer loops (rows of a panel). */
const NB = 96;
/** Cholesky's panel width (the depth of its trailing-update products). */
const CHOLESKY_NB = 256;
/** Column block of the panel solve. */
const PB = 16;
/** Depth (k) chunk processed per kernel sweep, so operand rows stay in cache. */
const KC = 256;
/** Rows of B (columns of C) per sweep: NC·KC doubles stay in L2 while all of A's rows pass. */
const NC = 64;

/**
 * C[i][j] -= Σ_k A[i][k]·B[j][k] for i < M, j < N, k < K, where
 * A[i][k] = a[ao + i*lda + k], B[j][k] = b[bo + j*ldb + k], C[i][j] = c[co + i*ldc + j].
 */
export function gemmNT(
  M: number, N: number, K: number,
  a: Float64Array, ao: number, lda: number,
  b: Float64Array, bo: number, ldb: number,
  c: Float64Array, co: number, ldc: number,
): void {
  if (M <= 0 || N <= 0 || K <= 0) return;
  const ws = F64Workspace.of(a);
  if (ws && F64Workspace.of(b) === ws && F64Workspace.of(c) === ws) {
    gemmWasm(ws, M, N, K, a, ao, lda, b, bo, ldb, c, co, ldc);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    for (let j0 = 0; j0 < N; j0 += NC) {
      kernel(M, Math.min(NC, N - j0), kc, a, ao + k0, lda, b, bo + j0 * ldb + k0, ldb, c, co + j0, ldc);
    }
  }
}

/** The WebAssembly path: 4×2 SIMD tiles inside, the JavaScript kernel on the edges. */
function gemmWasm(
  ws: F64Workspace,
  M: number, N: number, K: number,
  a: Float64Array, ao: number, lda: number,
  b: Float64Array, bo: number, ldb: number,
  c: Float64Array, co: number, ldc: number,
): void {
  const M4 = M & ~3;
  const N2 = N & ~1;
  const k42 = ws.kernel;
  const aBase = a.byteOffset + ao * 8;
  const bBase = b.byteOffset + bo * 8;
  const cBase = c.byteOffset + co * 8;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    if (M4 > 0) {
      for (let j0 = 0; j0 < N2; j0 += NC) {
        const nc = Math.min(NC, N2 - j0);
        k42(M4, nc, kc, aBase + k0 * 8, lda * 8, bBase + (j0 * ldb + k0) * 8, ldb * 8, cBase + j0 * 8, ldc * 8);
      }
      if (N2 < N) kernel(M4, N - N2, kc, a, ao + k0, lda, b, bo + N2 * ldb + k0, ldb, c, co + N2, ldc);
    }
    if (M4 < M) kernel(M - M4, N, kc, a, ao + M4 * lda + k0, lda, b, bo + k0, ldb, c, co + M4 * ldc, ldc);
  }
}

function kernel(
  M: number, N: number, K: number,
  a: Float64Array, ao: number, lda: number,
  b: Float64Array, bo: number, ldb: number,
  c: Float64Array, co: number, ldc: number,
): void {
  const M4 = M & ~3;
  const N4 = N & ~3;
  for (let i = 0; i < M4; i += 4) {
    const a0 = ao + i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    for (let j = 0; j < N4; j += 4) {
      const b0 = bo + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = a[a0 + k], x1 = a[a1 + k], x2 = a[a2 + k], x3 = a[a3 + k];
        const y0 = b[b0 + k], y1 = b[b1 + k], y2 = b[b2 + k], y3 = b[b3 + k];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = co + i * ldc + j;
      c[o] -= c00; c[o + 1] -= c01; c[o + 2] -= c02; c[o + 3] -= c03; o += ldc;
      c[o] -= c10; c[o + 1] -= c11; c[o + 2] -= c12; c[o + 3] -= c13; o += ldc;
      c[o] -= c20; c[o + 1] -= c21; c[o + 2] -= c22; c[o + 3] -= c23; o += ldc;
      c[o] -= c30; c[o + 1] -= c31; c[o + 2] -= c32; c[o + 3] -= c33;
    }
    for (let j = N4; j < N; j++) {
      const bj = bo + j * ldb;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let k = 0; k < K; k++) {
        const y = b[bj + k];
        c0 += a[a0 + k] * y; c1 += a[a1 + k] * y; c2 += a[a2 + k] * y; c3 += a[a3 + k] * y;
      }
      const o = co + i * ldc + j;
      c[o] -= c0; c[o + ldc] -= c1; c[o + 2 * ldc] -= c2; c[o + 3 * ldc] -= c3;
    }
  }
  for (let i = M4; i < M; i++) {
    const ai = ao + i * lda;
    for (let j = 0; j < N; j++) {
      const bj = bo + j * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += a[ai + k] * b[bj + k];
      c[co + i * ldc + j] -= s;
    }
  }
}

export interface InverseProgress {
  phase: "cholesky" | "triangular-inverse" | "product";
  done: number;
  total: number;
}

/** Thrown inside `choleskyLower` when a pivot is not positive. */
export class NotPositiveDefiniteError extends InvalidArgumentError {
  constructor(readonly row: number, pivot: number) {
    super(`matrix is not positive definite (pivot ${pivot} at row ${row}); increase the regularization`);
    this.name = "NotPositiveDefiniteError";
  }
}

/**
 * In-place Cholesky factorization: on return the lower triangle (with the
 * diagonal) holds L with A = L·Lᵀ and the strict upper triangle is zero.
 */
export function choleskyLower(a: Float64Array, n: number, onProgress?: (p: InverseProgress) => void): void {
  checkSquare(a, n);
  const scratch = scratchFor(a);
  const panel = scratch.alloc(n * CHOLESKY_NB);
  for (let k0 = 0; k0 < n; k0 += CHOLESKY_NB) {
    const kb = Math.min(CHOLESKY_NB, n - k0);
    // 1. Diagonal block, unblocked (earlier blocks were already subtracted).
    for (let j = k0; j < k0 + kb; j++) {
      const rj = j * n;
      let d = a[rj + j];
      for (let l = k0; l < j; l++) d -= a[rj + l] * a[rj + l];
      if (!(d > 0)) throw new NotPositiveDefiniteError(j, d);
      const djj = Math.sqrt(d);
      a[rj + j] = djj;
      for (let i = j + 1; i < k0 + kb; i++) {
        const ri = i * n;
        let s = a[ri + j];
        for (let l = k0; l < j; l++) s -= a[ri + l] * a[rj + l];
        a[ri + j] = s / djj;
      }
    }
    const r0 = k0 + kb;
    const m = n - r0;
    if (m === 0) break;
    // 2. Panel below: solve X·L11ᵀ = A21 in column blocks of PB: first subtract the
    //    solved columns' part with the kernel, then a small triangular solve per row.
    for (let c0 = k0; c0 < k0 + kb; c0 += PB) {
      const cb = Math.min(PB, k0 + kb - c0);
      gemmNT(m, cb, c0 - k0, a, r0 * n + k0, n, a, c0 * n + k0, n, a, r0 * n + c0, n);
      for (let i = r0; i < n; i++) {
        const ri = i * n;
        for (let j = c0; j < c0 + cb; j++) {
          const rj = j * n;
          let s = a[ri + j];
          for (let l = c0; l < j; l++) s -= a[ri + l] * a[rj + l];
          a[ri + j] = s / a[rj + j];
        }
      }
    }
    for (let i = r0; i < n; i++) panel.set(a.subarray(i * n + k0, i * n + k0 + kb), (i - r0) * kb);
    // 3. Trailing update of the lower triangle: A22 -= X·Xᵀ, by row blocks.
    for (let i0 = 0; i0 < m; i0 += NB) {
      const ib = Math.min(NB, m - i0);
      // Columns 0 .. i0+ib of these rows (the block row up to and including the diagonal block).
      gemmNT(ib, i0 + ib, kb, panel, i0 * kb, kb, panel, 0, kb, a, (r0 + i0) * n + r0, n);
    }
    onProgress?.({ phase: "cholesky", done: r0, total: n });
  }
  // Clear the strict upper triangle (the diagonal-block updates wrote there).
  for (let i = 0; i < n; i++) a.fill(0, i * n + i + 1, (i + 1) * n);
  scratch.done();
}

/** In-place inverse of a lower-triangular matrix (strict upper must be zero). */
export function invertLower(a: Float64Array, n: number, onProgress?: (p: InverseProgress) => void): void {
  checkSquare(a, n);
  const lastStart = Math.floor((n - 1) / NB) * NB;
  const scratch = scratchFor(a);
  const diag = scratch.alloc(NB * NB);
  const t = scratch.alloc(Math.max(0, n - Math.min(n, NB)) * NB);
  const bt = scratch.alloc(n * NB);
  for (let j0 = lastStart; j0 >= 0; j0 -= NB) {
    const jb = Math.min(NB, n - j0);
    // Invert the diagonal block: Y11 = L11⁻¹ (column by column, from a copy).
    for (let i = 0; i < jb; i++) for (let j = 0; j < jb; j++) diag[i * jb + j] = j <= i ? a[(j0 + i) * n + j0 + j] : 0;
    for (let j = 0; j < jb; j++) {
      const yjj = 1 / diag[j * jb + j];
      a[(j0 + j) * n + j0 + j] = yjj;
      for (let i = j + 1; i < jb; i++) {
        let s = 0;
        for (let k = j; k < i; k++) s += diag[i * jb + k] * a[(j0 + k) * n + j0 + j];
        a[(j0 + i) * n + j0 + j] = -s / diag[i * jb + i];
      }
    }
    const r0 = j0 + jb;
    const m = n - r0;
    if (m > 0) {
      // bt = L21ᵀ (jb × m), so that T = Y22·L21 is a C -= A·Bᵀ product.
      for (let k = 0; k < m; k++) {
        const rk = (r0 + k) * n + j0;
        for (let cc = 0; cc < jb; cc++) bt[cc * m + k] = a[rk + cc];
      }
      // t = -(Y22 · L21), m × jb; Y22 is lower triangular, so row block i0 needs k < i0 + ib.
      t.fill(0, 0, m * jb);
      for (let i0 = 0; i0 < m; i0 += NB) {
        const ib = Math.min(NB, m - i0);
        gemmNT(ib, jb, i0 + ib, a, (r0 + i0) * n + r0, n, bt, 0, m, t, i0 * jb, jb);
      }
      // Y21 = -Y22·L21·Y11 = t·Y11: with Y11ᵀ packed, Y21 = 0 - (-t)·Y11.
      for (let p = 0; p < m * jb; p++) t[p] = -t[p];
      for (let cc = 0; cc < jb; cc++) for (let l = 0; l < jb; l++) diag[cc * jb + l] = l >= cc ? a[(j0 + l) * n + j0 + cc] : 0;
      for (let i = 0; i < m; i++) a.fill(0, (r0 + i) * n + j0, (r0 + i) * n + j0 + jb);
      gemmNT(m, jb, jb, t, 0, jb, diag, 0, jb, a, r0 * n + j0, n);
    }
    onProgress?.({ phase: "triangular-inverse", done: n - j0, total: n });
  }
  scratch.done();
}

/**
 * Given Y (lower triangular) in `a`, overwrites `a` with the symmetric
 * product Yᵀ·Y (both triangles).
 */
export function lowerGram(a: Float64Array, n: number, onProgress?: (p: InverseProgress) => void): void {
  checkSquare(a, n);
  // Z = Yᵀ into the strict upper triangle (Z[i][k] = Y[k][i], k > i); the diagonal is shared.
  for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) a[i * n + k] = a[k * n + i];
  const scratch = scratchFor(a);
  const zp = scratch.alloc(NB * n);
  const out = scratch.alloc(NB * n);
  for (let i0 = 0; i0 < n; i0 += NB) {
    const ib = Math.min(NB, n - i0);
    const len = n - i0; // k runs over [i0, n)
    // Pack rows i0..i0+ib of Z from column i0 on, with zeros left of the diagonal.
    for (let r = 0; r < ib; r++) {
      const i = i0 + r;
      const dst = r * len;
      zp.fill(0, dst, dst + r);
      for (let k = i; k < n; k++) zp[dst + k - i0] = a[i * n + k];
    }
    out.fill(0, 0, ib * (i0 + ib));
    // Columns j < i0: Z rows j are strictly upper over [i0, n).
    for (let j0 = 0; j0 < i0; j0 += NB) {
      const jb = Math.min(NB, i0 - j0);
      gemmNT(ib, jb, len, zp, 0, len, a, j0 * n + i0, n, out, j0, i0 + ib);
    }
    // Diagonal block: both operands are the packed rows.
    gemmNT(ib, ib, len, zp, 0, len, zp, 0, len, out, i0, i0 + ib);
    // Store P rows i0..i0+ib, columns 0..i (lower triangle), negating (gemmNT subtracts).
    for (let r = 0; r < ib; r++) {
      const i = i0 + r;
      const src = r * (i0 + ib);
      for (let j = 0; j <= i; j++) a[i * n + j] = -out[src + j];
    }
    onProgress?.({ phase: "product", done: i0 + ib, total: n });
  }
  // Mirror the lower triangle into the upper one.
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = a[j * n + i];
  scratch.done();
}

/** Floats of scratch the three steps need at most for an n×n matrix (for sizing a workspace). */
export function inverseScratchFloats(n: number): number {
  return Math.max(CHOLESKY_NB * n, 2 * NB * n + NB * NB) + 16;
}

/** Scratch panels from the matrix's workspace (so the SIMD kernel reaches them) or the JS heap. */
function scratchFor(a: Float64Array): { alloc(n: number): Float64Array; done(): void } {
  const ws = F64Workspace.of(a);
  if (!ws) return { alloc: (n) => new Float64Array(n), done: () => {} };
  const mark = ws.mark();
  return { alloc: (n) => ws.alloc(n), done: () => ws.release(mark) };
}

/**
 * In-place inverse of a symmetric positive-definite matrix (lower triangle
 * read; full symmetric inverse written).
 */
export function invertSpd(a: Float64Array, n: number, onProgress?: (p: InverseProgress) => void): void {
  choleskyLower(a, n, onProgress);
  invertLower(a, n, onProgress);
  lowerGram(a, n, onProgress);
}

function checkSquare(a: Float64Array, n: number): void {
  if (!(Number.isInteger(n) && n >= 0) || a.length < n * n) {
    throw new InvalidArgumentError(`expected an ${n}×${n} matrix (${n * n} values), got ${a.length}`);
  }
}

/**
 * Solves the small dense SPD system M·x = b in place (M d×d row-major,
 * overwritten by its Cholesky factor; b overwritten by x). For fold-in.
 */
export function solveSpdSmall(m: Float64Array, b: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) {
    let s = m[j * d + j];
    for (let l = 0; l < j; l++) s -= m[j * d + l] * m[j * d + l];
    if (!(s > 0)) throw new NotPositiveDefiniteError(j, s);
    const ljj = Math.sqrt(s);
    m[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = m[i * d + j];
      for (let l = 0; l < j; l++) t -= m[i * d + l] * m[j * d + l];
      m[i * d + j] = t / ljj;
    }
  }
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let l = 0; l < i; l++) s -= m[i * d + l] * b[l];
    b[i] = s / m[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i];
    for (let l = i + 1; l < d; l++) s -= m[l * d + i] * b[l];
    b[i] = s / m[i * d + i];
  }
}
