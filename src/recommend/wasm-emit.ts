/**
 * A tiny WebAssembly binary writer for the hand-assembled SIMD kernels
 * (wasm-dgemm.ts, als-kernels.ts): LEB128 encoders, an instruction emitter for
 * one function body, and `assembleModule`, which wraps function bodies into a
 * module that imports one memory (`env.memory`) and exports every function by
 * name. Also the slice of the WebAssembly API the kernels use (Node 20 has it
 * as a global, the ES2023 lib typings do not declare it).
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

export function uleb(n: number, out: number[]): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

export function sleb(n: number, out: number[]): void {
  while (true) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** Instructions of one function body. */
export class Body {
  readonly code: number[] = [];
  get(l: number): this { this.code.push(0x20); uleb(l, this.code); return this; }
  set(l: number): this { this.code.push(0x21); uleb(l, this.code); return this; }
  tee(l: number): this { this.code.push(0x22); uleb(l, this.code); return this; }
  i32(v: number): this { this.code.push(0x41); sleb(v, this.code); return this; }
  f32(v: number): this {
    this.code.push(0x43);
    const bytes = new Uint8Array(new Float32Array([v]).buffer);
    this.code.push(...bytes);
    return this;
  }
  op(...bytes: number[]): this { this.code.push(...bytes); return this; }
  simd(op: number): this { this.code.push(0xfd); uleb(op, this.code); return this; }
  mem(align: number, offset: number): this { uleb(align, this.code); uleb(offset, this.code); return this; }
  add(): this { return this.op(0x6a); }
  mul(): this { return this.op(0x6c); }
  /** `block loop` with an exit test `cond` (leaves the loop when true) at the top. */
  loop(exitWhen: (b: this) => void, body: (b: this) => void): this {
    this.op(0x02, 0x40, 0x03, 0x40);
    exitWhen(this);
    this.op(0x0d, 1); // br_if to the outer block
    body(this);
    this.op(0x0c, 0, 0x0b, 0x0b); // br loop; end loop; end block
    return this;
  }
}

/** One exported function: its parameter and result types, further locals, and body (without the final `end`). */
export interface WasmFunction {
  name: string;
  params: ValType[];
  results: ValType[];
  locals: ValType[];
  body: Body;
}

function nameBytes(s: string, to: number[]): void {
  uleb(s.length, to);
  for (let p = 0; p < s.length; p++) to.push(s.charCodeAt(p));
}

/** A module importing `env.memory` (min 1 page) and exporting `functions` under their names. */
export function assembleModule(functions: WasmFunction[]): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, content: number[]): void => {
    out.push(id);
    uleb(content.length, out);
    out.push(...content);
  };
  const types: number[] = [];
  uleb(functions.length, types);
  for (const f of functions) {
    types.push(0x60);
    uleb(f.params.length, types);
    types.push(...f.params);
    uleb(f.results.length, types);
    types.push(...f.results);
  }
  section(1, types);
  const imports: number[] = [1];
  nameBytes("env", imports);
  nameBytes("memory", imports);
  imports.push(0x02, 0x00, 0x01);
  section(2, imports);
  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, i) => uleb(i, funcs));
  section(3, funcs);
  const exports: number[] = [];
  uleb(functions.length, exports);
  functions.forEach((f, i) => {
    nameBytes(f.name, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  section(7, exports);
  const code: number[] = [];
  uleb(functions.length, code);
  for (const f of functions) {
    const body: number[] = [];
    // Locals as runs of one type.
    const runs: [number, ValType][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(runs.length, body);
    for (const [n, t] of runs) {
      uleb(n, body);
      body.push(t);
    }
    body.push(...f.body.code, 0x0b);
    uleb(body.length, code);
    code.push(...body);
  }
  section(10, code);
  return Uint8Array.from(out);
}

/** The slice of the WebAssembly API used by the kernels. */
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
export const wasm: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Compiles `build()`'s module, or null when WebAssembly (SIMD) is unavailable or rejects it. */
export function compileModule(build: () => Uint8Array): object | null {
  try {
    const bytes = build();
    return wasm && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  } catch {
    return null;
  }
}
