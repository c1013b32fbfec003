/**
 * Hand-assembled WebAssembly SIMD kernels: matrix multiply and softmax rows. The module is
 * emitted byte by byte here (no toolchain): it imports one memory and exports
 * `gemm4` and `gemm1`, which compute a register-blocked tile product
 *
 *   C[i][j] (+)= sum_k A(i, k) * B[k][j]
 *
 * for MR (4 or 1) rows at a time and 8 columns at a time (two f32x4
 * accumulators per row). A is addressed through two byte strides, so the same
 * kernel serves A and A-transposed; B and C are row-major with unit column
 * stride. All pointers and strides are in bytes. M must be a multiple of MR
 * and N a multiple of 8: the caller (kernels.ts) handles the edges.
 */

import { I32, V128, sleb, uleb } from "../wasm-emit.js";

// --- the WebAssembly binary writer (LEB128 and value types from ../wasm-emit.ts) ---

function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  out.push(...body);
}

function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/** Emits instructions for one function body. */
class Code {
  readonly bytes: number[] = [];
  get(l: number): this { this.bytes.push(0x20); uleb(l, this.bytes); return this; }
  set(l: number): this { this.bytes.push(0x21); uleb(l, this.bytes); return this; }
  tee(l: number): this { this.bytes.push(0x22); uleb(l, this.bytes); return this; }
  i32(n: number): this { this.bytes.push(0x41); sleb(n, this.bytes); return this; }
  add(): this { this.bytes.push(0x6a); return this; }
  sub(): this { this.bytes.push(0x6b); return this; }
  mul(): this { this.bytes.push(0x6c); return this; }
  ltS(): this { this.bytes.push(0x48); return this; }
  eqz(): this { this.bytes.push(0x45); return this; }
  block(): this { this.bytes.push(0x02, 0x40); return this; }
  loop(): this { this.bytes.push(0x03, 0x40); return this; }
  if(): this { this.bytes.push(0x04, 0x40); return this; }
  else(): this { this.bytes.push(0x05); return this; }
  end(): this { this.bytes.push(0x0b); return this; }
  brIf(depth: number): this { this.bytes.push(0x0d); uleb(depth, this.bytes); return this; }
  private simd(op: number): this { this.bytes.push(0xfd); uleb(op, this.bytes); return this; }
  private memarg(offset: number): void { this.bytes.push(2); uleb(offset, this.bytes); }
  vload(offset = 0): this { this.simd(0x00); this.memarg(offset); return this; }
  vstore(offset = 0): this { this.simd(0x0b); this.memarg(offset); return this; }
  vsplat32(offset = 0): this { this.simd(0x09); this.memarg(offset); return this; }
  vzero(): this { this.simd(0x0c); for (let i = 0; i < 16; i++) this.bytes.push(0); return this; }
  fadd(): this { return this.simd(0xe4); }
  fsub(): this { return this.simd(0xe5); }
  fmul(): this { return this.simd(0xe6); }
  fmax(): this { return this.simd(0xe9); }
  fnearest(): this { return this.simd(0x6a); }
  fsplat(): this { return this.simd(0x13); }
  lane(i: number): this { this.simd(0x1f); this.bytes.push(i); return this; }
  itrunc(): this { return this.simd(0xf8); }
  iadd(): this { return this.simd(0xae); }
  ishl(): this { return this.simd(0xab); }
  vconstF(x: number): this {
    this.simd(0x0c);
    const b = new Uint8Array(new Float32Array([x, x, x, x]).buffer);
    for (let i = 0; i < 16; i++) this.bytes.push(b[i]);
    return this;
  }
  vconstI(x: number): this {
    this.simd(0x0c);
    const b = new Uint8Array(new Int32Array([x, x, x, x]).buffer);
    for (let i = 0; i < 16; i++) this.bytes.push(b[i]);
    return this;
  }
  f32max(): this { this.bytes.push(0x97); return this; }
  f32add(): this { this.bytes.push(0x92); return this; }
  br(depth: number): this { this.bytes.push(0x0c); uleb(depth, this.bytes); return this; }
}

/** Wraps instructions into a function body with local groups. */
function funcBody(groups: [number, number][], c: Code): number[] {
  const body: number[] = [];
  uleb(groups.length, body);
  for (const [count, type] of groups) {
    uleb(count, body);
    body.push(type);
  }
  body.push(...c.bytes);
  const out: number[] = [];
  uleb(body.length, out);
  out.push(...body);
  return out;
}

// Row helpers for softmax: vmax(ptr, n) -> f32, expsum(ptr, n, shift) -> f32 (x = exp(x - shift) in place),
// vscale(ptr, n, a) (x *= a). ptr in bytes, n floats (a multiple of 4).

function vmaxBody(): number[] {
  const P_PTR = 0, P_N = 1, L_END = 2, L_ACC = 3;
  const c = new Code();
  c.get(P_PTR).get(P_N).i32(4).mul().add().set(L_END);
  c.vconstF(-Infinity).set(L_ACC);
  c.block().loop();
  c.get(P_PTR).get(L_END).ltS().eqz().brIf(1);
  c.get(L_ACC).get(P_PTR).vload(0).fmax().set(L_ACC);
  c.get(P_PTR).i32(16).add().set(P_PTR);
  c.br(0);
  c.end().end();
  c.get(L_ACC).lane(0).get(L_ACC).lane(1).f32max().get(L_ACC).lane(2).f32max().get(L_ACC).lane(3).f32max();
  c.end();
  return funcBody([[1, I32], [1, V128]], c);
}

function expsumBody(): number[] {
  const P_PTR = 0, P_N = 1, P_SHIFT = 2, L_END = 3, L_S = 4, L_ACC = 5, L_X = 6, L_FX = 7, L_Y = 8;
  const c = new Code();
  c.get(P_PTR).get(P_N).i32(4).mul().add().set(L_END);
  c.get(P_SHIFT).fsplat().set(L_S);
  c.vzero().set(L_ACC);
  c.block().loop();
  c.get(P_PTR).get(L_END).ltS().eqz().brIf(1);
  // x = max(load - shift, -87.3)
  c.get(P_PTR).vload(0).get(L_S).fsub().vconstF(-87.3).fmax().set(L_X);
  // fx = nearest(x * log2e)
  c.get(L_X).vconstF(Math.LOG2E).fmul().fnearest().set(L_FX);
  // x = x - fx*C1 - fx*C2
  c.get(L_X).get(L_FX).vconstF(0.693359375).fmul().fsub().get(L_FX).vconstF(-2.12194440e-4).fmul().fsub().set(L_X);
  // y = poly(x)
  c.vconstF(1.9875691500e-4).get(L_X).fmul().vconstF(1.3981999507e-3).fadd();
  c.get(L_X).fmul().vconstF(8.3334519073e-3).fadd();
  c.get(L_X).fmul().vconstF(4.1665795894e-2).fadd();
  c.get(L_X).fmul().vconstF(1.6666665459e-1).fadd();
  c.get(L_X).fmul().vconstF(5.0000001201e-1).fadd();
  c.get(L_X).get(L_X).fmul().fmul().get(L_X).fadd().vconstF(1).fadd().set(L_Y);
  // y *= 2^fx  (bits (int(fx) + 127) << 23)
  c.get(L_Y).get(L_FX).itrunc().vconstI(127).iadd().i32(23).ishl().fmul().set(L_Y);
  c.get(P_PTR).get(L_Y).vstore(0);
  c.get(L_ACC).get(L_Y).fadd().set(L_ACC);
  c.get(P_PTR).i32(16).add().set(P_PTR);
  c.br(0);
  c.end().end();
  c.get(L_ACC).lane(0).get(L_ACC).lane(1).f32add().get(L_ACC).lane(2).f32add().get(L_ACC).lane(3).f32add();
  c.end();
  return funcBody([[1, I32], [5, V128]], c);
}

function vscaleBody(): number[] {
  const P_PTR = 0, P_N = 1, P_A = 2, L_END = 3, L_A = 4;
  const c = new Code();
  c.get(P_PTR).get(P_N).i32(4).mul().add().set(L_END);
  c.get(P_A).fsplat().set(L_A);
  c.block().loop();
  c.get(P_PTR).get(L_END).ltS().eqz().brIf(1);
  c.get(P_PTR).get(P_PTR).vload(0).get(L_A).fmul().vstore(0);
  c.get(P_PTR).i32(16).add().set(P_PTR);
  c.br(0);
  c.end().end();
  c.end();
  return funcBody([[1, I32], [1, V128]], c);
}

// Parameters (all i32): M, N, K, a, sam, sak, b, ldb, c, ldc, acc
const P_M = 0, P_N = 1, P_K = 2, P_A = 3, P_SAM = 4, P_SAK = 5, P_B = 6, P_LDB = 7, P_C = 8, P_LDC = 9, P_ACC = 10;
const N_PARAMS = 11;

/** Body of an MR x 8 register-blocked kernel. */
function kernelBody(mr: number): number[] {
  // i32 locals
  let next = N_PARAMS;
  const L_I = next++, L_J = next++, L_K = next++, L_PB = next++, L_PC = next++;
  const L_PA: number[] = [];
  for (let r = 0; r < mr; r++) L_PA.push(next++);
  const nI32 = next - N_PARAMS;
  // v128 locals
  const L_ACC: number[] = [];
  for (let r = 0; r < 2 * mr; r++) L_ACC.push(next++);
  const L_B0 = next++, L_B1 = next++, L_AV = next++;
  const nV = next - N_PARAMS - nI32;

  const c = new Code();
  // i = 0
  c.i32(0).set(L_I);
  c.block().loop(); // loop over row tiles
  {
    c.get(L_I).get(P_M).ltS().eqz().brIf(1);
    c.i32(0).set(L_J);
    c.block().loop(); // loop over column tiles
    {
      c.get(L_J).get(P_N).ltS().eqz().brIf(1);
      // pc = c + i*ldc + j*4
      c.get(P_C).get(L_I).get(P_LDC).mul().add().get(L_J).i32(4).mul().add().set(L_PC);
      // accumulators: load C or zero
      c.get(P_ACC).if();
      for (let r = 0; r < mr; r++) {
        c.get(L_PC); if (r > 0) c.get(P_LDC).i32(r).mul().add();
        c.vload(0).set(L_ACC[2 * r]);
        c.get(L_PC); if (r > 0) c.get(P_LDC).i32(r).mul().add();
        c.vload(16).set(L_ACC[2 * r + 1]);
      }
      c.else();
      for (let r = 0; r < 2 * mr; r++) c.vzero().set(L_ACC[r]);
      c.end();
      // row pointers into A: pa_r = a + (i + r) * sam
      for (let r = 0; r < mr; r++) {
        c.get(P_A).get(L_I).i32(r).add().get(P_SAM).mul().add().set(L_PA[r]);
      }
      // pb = b + j*4
      c.get(P_B).get(L_J).i32(4).mul().add().set(L_PB);
      c.get(P_K).set(L_K);
      c.block().loop(); // k loop
      {
        c.get(L_K).eqz().brIf(1);
        c.get(L_PB).vload(0).set(L_B0);
        c.get(L_PB).vload(16).set(L_B1);
        for (let r = 0; r < mr; r++) {
          c.get(L_PA[r]).vsplat32(0).set(L_AV);
          c.get(L_ACC[2 * r]).get(L_AV).get(L_B0).fmul().fadd().set(L_ACC[2 * r]);
          c.get(L_ACC[2 * r + 1]).get(L_AV).get(L_B1).fmul().fadd().set(L_ACC[2 * r + 1]);
          c.get(L_PA[r]).get(P_SAK).add().set(L_PA[r]);
        }
        c.get(L_PB).get(P_LDB).add().set(L_PB);
        c.get(L_K).i32(1).sub().set(L_K);
        c.bytes.push(0x0c, 0); // br 0 (continue k loop)
      }
      c.end().end();
      // store accumulators
      for (let r = 0; r < mr; r++) {
        c.get(L_PC); if (r > 0) c.get(P_LDC).i32(r).mul().add();
        c.get(L_ACC[2 * r]).vstore(0);
        c.get(L_PC); if (r > 0) c.get(P_LDC).i32(r).mul().add();
        c.get(L_ACC[2 * r + 1]).vstore(16);
      }
      c.get(L_J).i32(8).add().set(L_J);
      c.bytes.push(0x0c, 0);
    }
    c.end().end();
    c.get(L_I).i32(mr).add().set(L_I);
    c.bytes.push(0x0c, 0);
  }
  c.end().end();
  c.end(); // function end

  const body: number[] = [];
  uleb(2, body); // two local groups
  uleb(nI32, body); body.push(I32);
  uleb(nV, body); body.push(V128);
  body.push(...c.bytes);
  const out: number[] = [];
  uleb(body.length, out);
  out.push(...body);
  return out;
}

/** The complete module bytes. */
export function gemmModuleBytes(): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // type section: 0: (11 x i32) -> (); 1: (i32, i32) -> f32; 2: (i32, i32, f32) -> f32; 3: (i32, i32, f32) -> ()
  const F32 = 0x7d;
  const types: number[] = [];
  uleb(4, types);
  types.push(0x60);
  uleb(N_PARAMS, types);
  for (let i = 0; i < N_PARAMS; i++) types.push(I32);
  uleb(0, types);
  types.push(0x60, 2, I32, I32, 1, F32);
  types.push(0x60, 3, I32, I32, F32, 1, F32);
  types.push(0x60, 3, I32, I32, F32, 0);
  section(1, types, out);
  // import section: env.memory, min 1 page
  const imports: number[] = [];
  uleb(1, imports);
  name("env", imports);
  name("memory", imports);
  imports.push(0x02, 0x00);
  uleb(1, imports);
  section(2, imports, out);
  // function section
  section(3, [5, 0, 0, 1, 2, 3], out);
  // export section
  const exps: number[] = [];
  const names = ["gemm4", "gemm1", "vmax", "expsum", "vscale"];
  uleb(names.length, exps);
  names.forEach((n, i) => {
    name(n, exps);
    exps.push(0x00);
    uleb(i, exps);
  });
  section(7, exps, out);
  // code section
  const code: number[] = [];
  uleb(5, code);
  code.push(...kernelBody(GEMM_MR));
  code.push(...kernelBody(1));
  code.push(...vmaxBody());
  code.push(...expsumBody());
  code.push(...vscaleBody());
  section(10, code, out);
  return new Uint8Array(out);
}

/** Rows per register tile of the main kernel (4 x 8: 8 accumulators; 6 or 8 rows spill registers and ran 1.5-2x slower). */
export const GEMM_MR = 4;

export type GemmFn = (
  M: number, N: number, K: number,
  a: number, sam: number, sak: number,
  b: number, ldb: number,
  c: number, ldc: number, acc: number,
) => void;

export interface WasmGemm {
  gemm4: GemmFn;
  gemm1: GemmFn;
  /** Max of n floats at byte pointer ptr (n a multiple of 4). */
  vmax: (ptr: number, n: number) => number;
  /** x = exp(x - shift) in place over n floats; returns their sum. */
  expsum: (ptr: number, n: number, shift: number) => number;
  /** x *= a over n floats. */
  vscale: (ptr: number, n: number, a: number) => void;
}

/** The slice of the WebAssembly API used here (the project's lib settings do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
export const wasmApi: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** Compiles the module once per process; null when WebAssembly SIMD is unavailable. */
export function gemmModule(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = gemmModuleBytes();
    compiled = wasmApi && wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Instantiates the kernel over `memory`; null when SIMD is unavailable. */
export function instantiateGemm(memory: WasmMemory): WasmGemm | null {
  const mod = gemmModule();
  if (!mod || !wasmApi) return null;
  const inst = new wasmApi.Instance(mod, { env: { memory } });
  const x = inst.exports;
  return {
    gemm4: x.gemm4 as GemmFn,
    gemm1: x.gemm1 as GemmFn,
    vmax: x.vmax as WasmGemm["vmax"],
    expsum: x.expsum as WasmGemm["expsum"],
    vscale: x.vscale as WasmGemm["vscale"],
  };
}
