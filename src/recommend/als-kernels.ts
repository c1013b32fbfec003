/**
 * The kernels of implicit ALS's conjugate-gradient solver (als.ts) and the
 * workspace that holds the factors and the sparse matrices for them. The
 * kernels come in two implementations with one contract: WebAssembly SIMD
 * (float32 f32x4, emitted here byte by byte), used when the runtime has it
 * and d is a multiple of 4, and plain JavaScript (float64 sums) otherwise.
 * `gram` forms YᵀY once per half-step; `cgApply` does the O(d² + |row|·d)
 * part of a CG step for one row; the O(d) vector updates and the CG scalars
 * stay in als.ts:
 *
 *   gram(Y, n, dB, G):  G += YᵀY over rows 0..n of Y, for the entries on
 *     and above the diagonal (some below it are filled too; the caller
 *     mirrors the upper triangle), in 2×16 register tiles over chunks of rows
 *
 *   cgApply(G, Y, dB, idx, cm1, qs, qe, v, out, residual)
 *     residual = 0:  out = G·v + Σ_q cm1[q]·(y_q·v)·y_q            (= A·v)
 *     residual = 1:  out = Σ_q (1 + cm1[q]·(1 - y_q·v))·y_q - G·v  (= b - A·v)
 *
 * where y_q is row idx[q] of Y (d floats), q runs over [qs, qe), G is the
 * d×d symmetric matrix YᵀY + λI and cm1[q] = c_q - 1. Every argument is a
 * byte address or byte count (dB = 4·d, qs/qe = 4·q) into the workspace;
 * the SIMD kernels need d to be a multiple of 4.
 */
import { assembleModule, Body, compileModule, F32, I32, V128, wasm, type ValType } from "./wasm-emit.js";

// Opcodes (https://webassembly.github.io/spec/core/binary/instructions.html).
const I32_LOAD = 0x28;
const F32_LOAD = 0x2a;
const I32_GE_S = 0x4e;
const I32_GT_S = 0x4a;
const I32_AND = 0x71;
const F32_ADD = 0x92;
const F32_SUB = 0x93;
const F32_MUL = 0x94;
const V128_LOAD = 0x00;
const V128_LOAD32_SPLAT = 0x09;
const V128_STORE = 0x0b;
const V128_CONST = 0x0c;
const F32X4_SPLAT = 0x13;
const F32X4_EXTRACT_LANE = 0x1f;
const F32X4_NEG = 0xe1;
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;

/**
 * Emits `for (; c < end64; c += 64) body(4); for (; c < end; c += 16) body(1);`:
 * a byte counter `c` over a row, four vectors at a time and then one.
 */
function byVectors(b: Body, c: number, end64: number, end: number, body: (vectors: number) => void): void {
  for (const [vectors, limit] of [[4, end64], [1, end]]) {
    b.loop(
      (x) => x.get(c).get(limit).op(I32_GE_S),
      (x) => {
        body(vectors);
        x.get(c).i32(16 * vectors).add().set(c);
      },
    );
  }
}

function cgApplyFunction(): { params: ValType[]; locals: ValType[]; body: Body } {
  const [G, Y, DB, IDX, CM1, QS, QE, V, OUT, RES] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  let next = 10;
  const f = next++, g = next++, gp = next++, q = next++, yo = next++, dB64 = next++;
  const t = next++, c = next++;
  const acc = [next++, next++, next++, next++];
  const s = next++;
  const locals: ValType[] = [I32, I32, I32, I32, I32, I32, F32, F32, V128, V128, V128, V128, V128];
  const b = new Body();
  const zero = (x: number): void => {
    b.simd(V128_CONST).op(...new Array<number>(16).fill(0)).set(x);
  };
  // dB64 = dB & ~63: the part of a row done 16 floats (four vectors) at a time.
  b.get(DB).i32(-64).op(I32_AND).set(dB64);

  // ---- out = ±G·v by column blocks: out[f..] = Σ_g v[g]·G[g][f..] (G is symmetric); `vectors` blocks of 4 floats from f.
  const symvColumns = (vectors: number): void => {
    for (let k = 0; k < vectors; k++) zero(acc[k]);
    b.get(G).get(f).add().set(gp);
    b.i32(0).set(g);
    b.loop(
      (x) => x.get(g).get(DB).op(I32_GE_S),
      (x) => {
        x.get(V).get(g).add().simd(V128_LOAD32_SPLAT).mem(2, 0).set(s);
        for (let k = 0; k < vectors; k++) {
          x.get(acc[k]).get(s).get(gp).simd(V128_LOAD).mem(4, 16 * k).simd(F32X4_MUL).simd(F32X4_ADD).set(acc[k]);
        }
        x.get(gp).get(DB).add().set(gp);
        x.get(g).i32(4).add().set(g);
      },
    );
    for (let k = 0; k < vectors; k++) {
      b.get(OUT).get(f).add();
      b.get(RES).op(0x04, V128).get(acc[k]).simd(F32X4_NEG).op(0x05).get(acc[k]).op(0x0b);
      b.simd(V128_STORE).mem(4, 16 * k);
    }
  };
  b.i32(0).set(f);
  byVectors(b, f, dB64, DB, symvColumns);

  // ---- the sparse part, one stored entry q at a time.
  b.get(QS).set(q);
  b.loop(
    (x) => x.get(q).get(QE).op(I32_GE_S),
    (x) => {
      x.get(Y).get(IDX).get(q).add().op(I32_LOAD).mem(2, 0).get(DB).mul().add().set(yo);
      x.get(CM1).get(q).add().op(F32_LOAD).mem(2, 0).set(c);
      // t = y·v with four independent accumulators.
      for (let k = 0; k < 4; k++) zero(acc[k]);
      x.i32(0).set(f);
      byVectors(x, f, dB64, DB, (vectors) => {
        for (let k = 0; k < vectors; k++) {
          x.get(acc[k]).get(yo).get(f).add().simd(V128_LOAD).mem(4, 16 * k).get(V).get(f).add().simd(V128_LOAD).mem(4, 16 * k);
          x.simd(F32X4_MUL).simd(F32X4_ADD).set(acc[k]);
        }
      });
      x.get(acc[0]).get(acc[1]).simd(F32X4_ADD).get(acc[2]).get(acc[3]).simd(F32X4_ADD).simd(F32X4_ADD).set(acc[0]);
      x.get(acc[0]).simd(F32X4_EXTRACT_LANE).op(0).get(acc[0]).simd(F32X4_EXTRACT_LANE).op(1).op(F32_ADD);
      x.get(acc[0]).simd(F32X4_EXTRACT_LANE).op(2).get(acc[0]).simd(F32X4_EXTRACT_LANE).op(3).op(F32_ADD);
      x.op(F32_ADD).set(t);
      // w = residual ? 1 + c·(1 - t) : c·t, splatted.
      x.get(RES).op(0x04, F32);
      x.f32(1).get(c).f32(1).get(t).op(F32_SUB).op(F32_MUL).op(F32_ADD);
      x.op(0x05);
      x.get(c).get(t).op(F32_MUL);
      x.op(0x0b);
      x.simd(F32X4_SPLAT).set(s);
      // out += w·y
      x.i32(0).set(f);
      byVectors(x, f, dB64, DB, (vectors) => {
        for (let k = 0; k < vectors; k++) {
          x.get(OUT).get(f).add();
          x.get(OUT).get(f).add().simd(V128_LOAD).mem(4, 16 * k);
          x.get(s).get(yo).get(f).add().simd(V128_LOAD).mem(4, 16 * k).simd(F32X4_MUL).simd(F32X4_ADD);
          x.simd(V128_STORE).mem(4, 16 * k);
        }
      });
      x.get(q).i32(4).add().set(q);
    },
  );
  return { params: new Array<ValType>(10).fill(I32), locals, body: b };
}

/** Rows of Y per pass of the Gram kernel (128·d floats stay in L1/L2 while all tiles of G pass over them). */
const GRAM_CHUNK = 128;

function gramFunction(): { params: ValType[]; locals: ValType[]; body: Body } {
  const [Y, N, DB, G] = [0, 1, 2, 3];
  let next = 4;
  const i0 = next++, iEnd = next++, total = next++, f = next++, g = next++, yp = next++, gp = next++, dB64 = next++;
  const acc: number[] = [];
  for (let k = 0; k < 8; k++) acc.push(next++);
  const s0 = next++, s1 = next++, v = next++;
  const locals: ValType[] = [...new Array<ValType>(8).fill(I32), ...new Array<ValType>(11).fill(V128)];
  const b = new Body();
  b.get(DB).i32(-64).op(I32_AND).set(dB64);
  b.get(N).get(DB).mul().set(total);
  // A tile: rows f, f+1 of G × `vectors` 4-float columns from g, over rows [i0, iEnd) of Y.
  const tile = (vectors: number): void => {
    for (const k of [0, 1, 2, 3, 4, 5, 6, 7]) b.simd(V128_CONST).op(...new Array<number>(16).fill(0)).set(acc[k]);
    b.get(Y).get(i0).add().set(yp);
    b.loop(
      (x) => x.get(yp).get(Y).get(iEnd).add().op(I32_GE_S),
      (x) => {
        x.get(yp).get(f).add().simd(V128_LOAD32_SPLAT).mem(2, 0).set(s0);
        x.get(yp).get(f).add().simd(V128_LOAD32_SPLAT).mem(2, 4).set(s1);
        for (let k = 0; k < vectors; k++) {
          x.get(yp).get(g).add().simd(V128_LOAD).mem(4, 16 * k).set(v);
          x.get(acc[k]).get(s0).get(v).simd(F32X4_MUL).simd(F32X4_ADD).set(acc[k]);
          x.get(acc[4 + k]).get(s1).get(v).simd(F32X4_MUL).simd(F32X4_ADD).set(acc[4 + k]);
        }
        x.get(yp).get(DB).add().set(yp);
      },
    );
    // gp = &G[f/4 row][g]; G rows f and f+1 += the accumulators.
    b.get(G).get(f).i32(2).op(0x76).get(DB).mul().add().get(g).add().set(gp); // i32.shr_u
    for (let r = 0; r < 2; r++) {
      for (let k = 0; k < vectors; k++) {
        b.get(gp).get(gp).simd(V128_LOAD).mem(4, 16 * k).get(acc[4 * r + k]).simd(F32X4_ADD).simd(V128_STORE).mem(4, 16 * k);
      }
      if (r === 0) b.get(gp).get(DB).add().set(gp);
    }
  };
  b.i32(0).set(i0);
  b.loop(
    (x) => x.get(i0).get(total).op(I32_GE_S),
    (x) => {
      // iEnd = min(i0 + GRAM_CHUNK·dB, total)
      x.get(i0).get(DB).i32(GRAM_CHUNK).mul().add().set(iEnd);
      x.get(total).get(iEnd).get(iEnd).get(total).op(I32_GT_S).op(0x1b).set(iEnd); // select(total, iEnd, iEnd > total)
      x.i32(0).set(f);
      x.loop(
        (y) => y.get(f).get(DB).op(I32_GE_S),
        (y) => {
          // Only column blocks that reach the diagonal or beyond: from g = f rounded down to 16 floats.
          y.get(f).i32(-64).op(I32_AND).set(g);
          byVectors(y, g, dB64, DB, tile);
          y.get(f).i32(8).add().set(f);
        },
      );
      x.get(iEnd).set(i0);
    },
  );
  return { params: new Array<ValType>(4).fill(I32), locals, body: b };
}

export type CgApply = (G: number, Y: number, dB: number, idx: number, cm1: number, qs: number, qe: number, v: number, out: number, residual: number) => void;

/** G += YᵀY over n rows of Y, upper triangle (and some of the lower) only; byte addresses, dB = 4·d. */
export type GramFn = (Y: number, n: number, dB: number, G: number) => void;

let compiled: object | null | undefined;

/** The module's bytes: exports `cgApply` and `gram`. */
export function alsModuleBytes(): Uint8Array {
  const apply = cgApplyFunction();
  const gram = gramFunction();
  return assembleModule([
    { name: "cgApply", params: apply.params, results: [], locals: apply.locals, body: apply.body },
    { name: "gram", params: gram.params, results: [], locals: gram.locals, body: gram.body },
  ]);
}

function compiledModule(): object | null {
  if (compiled === undefined) compiled = compileModule(alsModuleBytes);
  return compiled;
}

const PAGE = 65536;

/** The JavaScript kernels over a workspace's views: the same contract, float64 sums, any d. */
function jsKernels(h: Float32Array, idx32: Int32Array): { cgApply: CgApply; gram: GramFn } {
  const cgApply: CgApply = (G, Y, dB, idx, cm1, qs, qe, v, out, residual) => {
    const d = dB >> 2;
    [G, Y, idx, cm1, v, out] = [G >> 2, Y >> 2, idx >> 2, cm1 >> 2, v >> 2, out >> 2];
    for (let f = 0; f < d; f++) {
      let s = 0;
      const gf = G + f * d;
      for (let g = 0; g < d; g++) s += h[gf + g] * h[v + g];
      h[out + f] = residual ? -s : s;
    }
    for (let q = qs >> 2; q < qe >> 2; q++) {
      const yo = Y + idx32[idx + q] * d;
      const c = h[cm1 + q];
      let t = 0;
      for (let f = 0; f < d; f++) t += h[yo + f] * h[v + f];
      const w = residual ? 1 + c * (1 - t) : c * t;
      for (let f = 0; f < d; f++) h[out + f] += w * h[yo + f];
    }
  };
  const gram: GramFn = (Y, n, dB, G) => {
    const d = dB >> 2;
    const sums = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const o = (Y >> 2) + i * d;
      for (let f = 0; f < d; f++) {
        const yf = h[o + f];
        if (yf === 0) continue;
        for (let g = f; g < d; g++) sums[f * d + g] += yf * h[o + g];
      }
    }
    for (let p = 0; p < sums.length; p++) h[(G >> 2) + p] += sums[p];
  };
  return { cgApply, gram };
}

/**
 * The memory everything an ALS fit touches lives in (WebAssembly memory for
 * the SIMD kernels, an ArrayBuffer for the JavaScript ones), handed out by a
 * bump allocator in 16-byte-aligned blocks, with typed views over it and the
 * kernels bound to it.
 */
export class AlsWorkspace {
  readonly f32: Float32Array;
  readonly i32: Int32Array;
  readonly cgApply: CgApply;
  readonly gram: GramFn;
  private top = 0;

  private constructor(
    buffer: ArrayBuffer,
    kernels: Record<string, unknown> | null,
    readonly kernel: "wasm-simd" | "js",
  ) {
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
    const js = kernels ? null : jsKernels(this.f32, this.i32);
    this.cgApply = js ? js.cgApply : (kernels!.cgApply as CgApply);
    this.gram = js ? js.gram : (kernels!.gram as GramFn);
  }

  /**
   * A workspace for the given block sizes (in 4-byte words): with the SIMD
   * kernels when `simd` is asked for, d is a multiple of 4 and the runtime
   * has WebAssembly SIMD; with the JavaScript kernels otherwise.
   */
  static create(blockWords: number[], d: number, simd: boolean): AlsWorkspace {
    let words = 0;
    for (const n of blockWords) words += (n + 3) & ~3;
    const module = simd && d % 4 === 0 ? compiledModule() : null;
    const pages = Math.ceil((words * 4) / PAGE) + 1;
    if (module && wasm && pages <= 65536) {
      try {
        const memory = new wasm.Memory({ initial: pages, maximum: pages });
        const instance = new wasm.Instance(module, { env: { memory } });
        return new AlsWorkspace(memory.buffer, instance.exports, "wasm-simd");
      } catch {
        // Fall through to JavaScript (e.g. the memory could not be reserved).
      }
    }
    return new AlsWorkspace(new ArrayBuffer(words * 4), null, "js");
  }
  /** A zero-filled block of `n` words; returns its word offset (a multiple of 4, so 16-byte aligned). */
  alloc(n: number): number {
    const start = this.top;
    const end = start + ((n + 3) & ~3);
    if (end > this.f32.length) throw new RangeError(`ALS workspace exhausted: ${end} > ${this.f32.length} words`);
    this.top = end;
    this.f32.fill(0, start, end);
    return start;
  }
}

/** True when the WebAssembly SIMD kernel compiled on this runtime. */
export function alsKernelAvailable(): boolean {
  return compiledModule() !== null;
}
