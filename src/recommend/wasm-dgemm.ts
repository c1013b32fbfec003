/**
 * A WebAssembly SIMD kernel for the one product the dense inverse spends its
 * time in, C -= A·Bᵀ over Float64 rows (see linalg.ts), plus the workspace
 * that puts matrices into WebAssembly memory so the kernel can reach them.
 *
 * The module is emitted here byte by byte (no toolchain). Its one function,
 * `k42`, takes byte addresses and byte strides:
 *
 *   k42(M, N, K, a, lda, b, ldb, c, ldc):  for i < M (step 4), j < N (step 2):
 *     C[i..i+4][j..j+2] -= A[i..i+4][0..K] · B[j..j+2][0..K]ᵀ
 *
 * M must be a multiple of 4 and N of 2 (linalg.ts does the edges in
 * JavaScript). The eight accumulators are f64x2 vectors running along k (two
 * k at a time, the odd last k through a zero-extended load), summed across
 * lanes at the end; 4 + 2 operand registers and 8 accumulators fit in the 16
 * SIMD registers of x86-64, so nothing spills.
 */

import { assembleModule, Body, compileModule, I32, V128, wasm, type ValType } from "./wasm-emit.js";

// Opcodes.
const I32_GE_S = 0x4e;
const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const F64_ADD = 0xa0;
const F64_SUB = 0xa1;
const V128_LOAD = 0x00;
const V128_LOAD64_ZERO = 0x5d;
const V128_CONST = 0x0c;
const F64X2_EXTRACT_LANE = 0x21;
const F64X2_ADD = 0xf0;
const F64X2_MUL = 0xf2;

function buildModule(): Uint8Array {
  // Parameters 0..8: M N K a lda b ldb c ldc. Then locals.
  const [M, N, K, A, LDA, B, LDB, C, LDC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  let next = 9;
  const i = next++, j = next++, k = next++, kEnd = next++, kPairs = next++;
  const a0 = next++, a1 = next++, a2 = next++, a3 = next++, b0 = next++, b1 = next++, cp = next++;
  const i32Locals = next - 9;
  const acc: number[] = [];
  for (let t = 0; t < 8; t++) acc.push(next++);
  const va = [next++, next++, next++, next++];
  const vb = [next++, next++];
  const v128Locals = next - 9 - i32Locals;

  const f = new Body();
  // kEnd = K*8 (bytes); kPairs = (K & ~1) * 8
  f.get(K).i32(3).op(0x74).set(kEnd); // i32.shl
  f.get(K).i32(-2).op(0x71).i32(3).op(0x74).set(kPairs); // (K & -2) << 3
  f.i32(0).set(i);
  f.loop(
    (b) => b.get(i).get(M).op(I32_GE_S),
    (b) => {
      b.get(A).get(i).get(LDA).mul().add().set(a0);
      b.get(a0).get(LDA).add().set(a1);
      b.get(a1).get(LDA).add().set(a2);
      b.get(a2).get(LDA).add().set(a3);
      b.i32(0).set(j);
      b.loop(
        (c) => c.get(j).get(N).op(I32_GE_S),
        (c) => {
          c.get(B).get(j).get(LDB).mul().add().set(b0);
          c.get(b0).get(LDB).add().set(b1);
          for (const x of acc) {
            c.simd(V128_CONST).op(...new Array<number>(16).fill(0)).set(x);
          }
          const step = (load: number) => {
            for (let r = 0; r < 4; r++) c.get([a0, a1, a2, a3][r]).get(k).add().simd(load).mem(3, 0).set(va[r]);
            c.get(b0).get(k).add().simd(load).mem(3, 0).set(vb[0]);
            c.get(b1).get(k).add().simd(load).mem(3, 0).set(vb[1]);
            for (let r = 0; r < 4; r++) {
              for (let s = 0; s < 2; s++) {
                const x = acc[r * 2 + s];
                c.get(x).get(va[r]).get(vb[s]).simd(F64X2_MUL).simd(F64X2_ADD).set(x);
              }
            }
          };
          c.i32(0).set(k);
          c.loop(
            (d) => d.get(k).get(kPairs).op(I32_GE_S),
            () => {
              step(V128_LOAD);
              c.get(k).i32(16).add().set(k);
            },
          );
          // Odd K: one more k with the upper lane zeroed.
          c.get(k).get(kEnd).op(0x48); // i32.lt_s
          c.op(0x04, 0x40); // if
          step(V128_LOAD64_ZERO);
          c.op(0x0b); // end if
          // C[i+r][j+s] -= lane0 + lane1
          c.get(C).get(i).get(LDC).mul().add().get(j).i32(3).op(0x74).add().set(cp);
          for (let r = 0; r < 4; r++) {
            for (let s = 0; s < 2; s++) {
              const x = acc[r * 2 + s];
              c.get(cp); // address for the store
              c.get(cp).op(F64_LOAD).mem(3, s * 8);
              c.get(x).simd(F64X2_EXTRACT_LANE).op(0).get(x).simd(F64X2_EXTRACT_LANE).op(1).op(F64_ADD);
              c.op(F64_SUB).op(F64_STORE).mem(3, s * 8);
            }
            if (r < 3) c.get(cp).get(LDC).add().set(cp);
          }
          c.get(j).i32(2).add().set(j);
        },
      );
      b.get(i).i32(4).add().set(i);
    },
  );
  const locals: ValType[] = [...new Array<ValType>(i32Locals).fill(I32), ...new Array<ValType>(v128Locals).fill(V128)];
  return assembleModule([{ name: "k42", params: new Array<ValType>(9).fill(I32), results: [], locals, body: f }]);
}

export type Kernel42 = (M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;

let compiled: object | null | undefined;

function compiledModule(): object | null {
  if (compiled === undefined) compiled = compileModule(buildModule);
  return compiled;
}

const PAGE = 65536;
/** WebAssembly memory is addressed with 32 bits: at most 4 GiB (65536 pages). */
const MAX_PAGES = 65536;

/** Workspaces by buffer, so linalg.ts can tell whether operands live in one. */
const byBuffer = new WeakMap<ArrayBuffer, F64Workspace>();

/**
 * Float64 storage inside one WebAssembly memory, handed out by a bump
 * allocator with stack-like release (`mark` / `release`), and the kernel
 * bound to that memory.
 */
export class F64Workspace {
  readonly kernel: Kernel42;
  readonly buffer: ArrayBuffer;
  private top = 0;
  private readonly capacity: number;

  private constructor(memory: { buffer: ArrayBuffer }, kernel: Kernel42, floats: number) {
    this.buffer = memory.buffer;
    this.kernel = kernel;
    this.capacity = floats;
    byBuffer.set(this.buffer, this);
  }

  /** A workspace for `floats` Float64 values, or null when WebAssembly SIMD is unavailable or it would not fit. */
  static tryCreate(floats: number): F64Workspace | null {
    const module = compiledModule();
    if (!module || !wasm) return null;
    const pages = Math.ceil((floats * 8) / PAGE) + 1;
    if (pages > MAX_PAGES) return null;
    try {
      const memory = new wasm.Memory({ initial: pages, maximum: pages });
      const instance = new wasm.Instance(module, { env: { memory } });
      return new F64Workspace(memory, instance.exports.k42 as Kernel42, Math.floor(memory.buffer.byteLength / 8));
    } catch {
      return null;
    }
  }

  /** The workspace whose memory holds `array`, if any. */
  static of(array: Float64Array): F64Workspace | undefined {
    return byBuffer.get(array.buffer as ArrayBuffer);
  }

  /** A zero-filled Float64Array of `n` values (8-byte aligned, 16-byte when possible). */
  alloc(n: number): Float64Array {
    const start = (this.top + 1) & ~1;
    if (start + n > this.capacity) throw new RangeError(`workspace exhausted: ${start + n} > ${this.capacity} floats`);
    this.top = start + n;
    const view = new Float64Array(this.buffer, start * 8, n);
    view.fill(0);
    return view;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }
}

/** True when the WebAssembly SIMD kernel compiled on this runtime. */
export function wasmKernelAvailable(): boolean {
  return compiledModule() !== null;
}
