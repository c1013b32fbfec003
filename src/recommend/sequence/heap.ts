/**
 * One Float32 heap per model, backed by a WebAssembly.Memory so that the SIMD
 * kernels and the JavaScript loops work on the same numbers without copies.
 * Tensors are offsets (in floats) into `heap.f32`; the view is replaced when
 * the memory grows, so hot functions read `heap.f32` once at their start and
 * never allocate while they run.
 */
import { instantiateKernel, type KernelMemory } from "../../kernels/kernel-module.js";
import { instantiateGemm, wasmApi, type WasmGemm, type WasmMemory } from "./wasm-gemm.js";

const PAGE = 65536;

export type KernelKind = "wasm-simd" | "js";

export class Heap {
  readonly memory: WasmMemory;
  f32: Float32Array;
  i32: Int32Array;
  u32: Uint32Array;
  private top = 16; // offset 0..15 kept free so that 0 never names a live tensor
  readonly wasm: WasmGemm | null;

  constructor(initialFloats = 1 << 16, kernel: KernelKind = "wasm-simd") {
    const pages = Math.max(1, Math.ceil((initialFloats * 4) / PAGE));
    if (wasmApi) {
      this.memory = new wasmApi.Memory({ initial: pages });
    } else {
      // No WebAssembly at all: a plain growable buffer with the same interface.
      let buffer = new ArrayBuffer(pages * PAGE);
      this.memory = {
        get buffer() { return buffer; },
        grow(n: number) {
          const old = buffer;
          buffer = new ArrayBuffer(old.byteLength + n * PAGE);
          new Uint8Array(buffer).set(new Uint8Array(old));
          return old.byteLength / PAGE;
        },
      };
    }
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.u32 = new Uint32Array(this.memory.buffer);
    this.wasm = kernel === "wasm-simd" ? instantiateGemm(this.memory) : null;
  }

  get kernel(): KernelKind {
    return this.wasm ? "wasm-simd" : "js";
  }

  private readonly modules = new Map<string, unknown>();

  /**
   * The AssemblyScript kernel `name` (src/kernels/assembly) over this heap's
   * memory, instantiated once; null with the JavaScript kernel.
   */
  assembly<T>(name: string): T | null {
    if (!this.wasm) return null;
    let mod = this.modules.get(name);
    if (!mod) {
      mod = instantiateKernel<T>(name, this.memory as KernelMemory);
      this.modules.set(name, mod);
    }
    return mod as T;
  }

  /** Reserves `n` floats (16-byte aligned), zero-filled; returns the float offset. */
  alloc(n: number): number {
    const off = this.top;
    this.top += (n + 3) & ~3;
    const needBytes = this.top * 4;
    if (needBytes > this.memory.buffer.byteLength) {
      const grow = Math.ceil((needBytes - this.memory.buffer.byteLength) / PAGE);
      // grow by at least a quarter to keep the number of regrowths small
      const minGrow = Math.ceil(this.memory.buffer.byteLength / PAGE / 4);
      this.memory.grow(Math.max(grow, minGrow));
      this.f32 = new Float32Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    this.u32 = new Uint32Array(this.memory.buffer);
    }
    this.f32.fill(0, off, off + n);
    return off;
  }

  /** Four words of the heap where a kernel keeps a random generator's state (a word offset). */
  rngState(): number {
    return 12; // words 12..15 of the reserved first 16 (offset 0 never names a tensor)
  }

  /** A fresh copy of `n` floats at `off` (outside the heap). */
  copyOut(off: number, n: number): Float32Array {
    return this.f32.slice(off, off + n);
  }
}

/** A growable scratch buffer in the heap. */
export class Scratch {
  off = 0;
  cap = 0;
  constructor(private readonly heap: Heap) {}
  /** Ensures room for n floats; returns the offset (contents are unspecified). */
  need(n: number): number {
    if (n > this.cap) {
      this.cap = Math.max(n, Math.ceil(this.cap * 1.5));
      this.off = this.heap.alloc(this.cap);
    }
    return this.off;
  }
}
