/**
 * Loading of the WebAssembly kernels written in AssemblyScript
 * (src/kernels/assembly/<name>.ts, compiled by scripts/build-kernels.mjs into
 * dist/kernels/<name>.wasm at build time). Each module imports its memory as
 * `env.memory` and allocates nothing: JavaScript owns the memory, lays out its
 * arrays in it (see KernelHeap) and passes byte offsets. A module is compiled
 * once per process and instantiated once per memory.
 */
import { readFileSync } from "node:fs";
import { TroveError } from "../core/errors.js";

const PAGE = 65536;

/** The slice of the WebAssembly API used here (the project's lib settings do not declare it). */
export interface KernelMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => KernelMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const webAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

const compiled = new Map<string, object>();

function kernelModule(name: string): object {
  let mod = compiled.get(name);
  if (mod) return mod;
  if (!webAssembly) throw new TroveError("UNAVAILABLE", "this JavaScript runtime has no WebAssembly; Trove's numeric kernels need it (Node 20 or newer)");
  const url = new URL(`../../kernels/${name}.wasm`, import.meta.url);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(url);
  } catch (error) {
    throw new TroveError("UNAVAILABLE", `kernel ${name} is not built (${url.pathname}: ${(error as Error).message}); run npm run build`);
  }
  mod = new webAssembly.Module(bytes);
  compiled.set(name, mod);
  return mod;
}

/** Instantiates kernel `name` over `memory`; its exports are typed by the caller. */
export function instantiateKernel<T>(name: string, memory: KernelMemory): T {
  return new webAssembly!.Instance(kernelModule(name), { env: { memory } }).exports as T;
}

/** A new WebAssembly memory of at least `bytes` bytes. */
export function createKernelMemory(bytes: number): KernelMemory {
  if (!webAssembly) throw new TroveError("UNAVAILABLE", "this JavaScript runtime has no WebAssembly");
  return new webAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
}

/**
 * A bump allocator over one kernel memory: regions are byte offsets, 16-byte
 * aligned (SIMD loads), and live until `reset`. Typed views are re-created
 * when the memory grows, so read `heap.f32` (etc.) after the last `alloc`.
 */
export class KernelHeap {
  readonly memory: KernelMemory;
  u8!: Uint8Array;
  i8!: Int8Array;
  i32!: Int32Array;
  u32!: Uint32Array;
  f32!: Float32Array;
  private top = 16; // offset 0 never names a live region

  constructor(initialBytes = PAGE) {
    this.memory = createKernelMemory(initialBytes);
    this.refreshViews();
  }

  private refreshViews(): void {
    const b = this.memory.buffer;
    this.u8 = new Uint8Array(b);
    this.i8 = new Int8Array(b);
    this.i32 = new Int32Array(b);
    this.u32 = new Uint32Array(b);
    this.f32 = new Float32Array(b);
  }

  /** Reserves `bytes` bytes (zero-filled); returns the byte offset. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = (this.top + bytes + 15) & ~15;
    const have = this.memory.buffer.byteLength;
    if (this.top > have) {
      const need = Math.ceil((this.top - have) / PAGE);
      this.memory.grow(Math.max(need, Math.ceil(have / PAGE / 4)));
      this.refreshViews();
    }
    this.u8.fill(0, at, at + bytes);
    return at;
  }

  /** Frees every region (the memory itself never shrinks). */
  reset(): void {
    this.top = 16;
  }

  get bytesUsed(): number {
    return this.top;
  }
}
