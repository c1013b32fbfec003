/**
 * One instance of the HNSW WebAssembly kernel (src/kernels/assembly/hnsw.ts)
 * over its own memory, with the regions every index needs: the vectors or codes
 * being compared, the graph, and the search scratch (visited stamps, the two
 * heaps, result buffers). Builders and readers lay out their arrays here and
 * hand the kernel byte offsets.
 */
import { KernelHeap, instantiateKernel } from "../kernels/kernel-module.js";
import type { SpaceKind } from "./metric.js";

/** The kernel's exports (pointers are byte offsets into the kernel memory). */
export interface HnswKernelExports {
  setSpace(kind: number, dim: number, vectors: number, bytesPerVector: number, corrections: number, scale: number): void;
  setGraph(count: number, level0: number, m0: number, upperOffsets: number, upper: number, m: number, entry: number, topLevel: number): void;
  setScratch(visited: number, candidates: number, results: number, work: number, workCap: number, prune: number): void;
  setEntry(entry: number, topLevel: number): void;
  entryPoint(): number;
  topLevelOfGraph(): number;
  visitedNodes(): number;
  search(q: number, qc: number, ef: number, accept: number, visitLimit: number, outIds: number, outDists: number): number;
  scan(q: number, qc: number, k: number, accept: number, first: number, end: number, outIds: number, outDists: number): number;
  countAccepted(accept: number, n: number): number;
  floatDistances(kind: number, q: number, vecs: number, n: number, dim: number, outDists: number): void;
  distance(q: number, qc: number, node: number): number;
  insert(node: number, level: number, efc: number): void;
  relink(node: number, level: number, ids: number, n: number): void;
  normalize(vecs: number, n: number, dim: number): void;
  quantizeI8(src: number, n: number, dim: number, lower: number, alpha: number, l2: number, codes: number, corr: number): void;
  binarize(src: number, n: number, dim: number, centroid: number, l2: number, codes: number, corr: number): void;
  binarizeQuery(q: number, dim: number, centroid: number, planes: number): number;
}

/** Byte offsets of the graph arrays in kernel memory. */
export interface GraphRegions {
  count: number;
  m: number;
  m0: number;
  levels: number;
  level0: number;
  upperOffsets: number;
  upper: number;
  upperInts: number;
}

export class AnnKernel {
  readonly heap: KernelHeap;
  readonly k: HnswKernelExports;
  private resultCap = 0;
  private candidatesAt = 0;
  private resultsAt = 0;
  /** Output ids (int32) and distances (f32) of the last search, `resultCap` of each. */
  outIds = 0;
  outDists = 0;

  constructor(initialBytes: number) {
    this.heap = new KernelHeap(initialBytes);
    this.k = instantiateKernel<HnswKernelExports>("hnsw", this.heap.memory);
  }

  /** Copies `src` into a new region; returns its byte offset. */
  place(src: ArrayBufferView): number {
    const at = this.heap.alloc(src.byteLength);
    this.heap.u8.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), at);
    return at;
  }

  space(kind: SpaceKind, dim: number, vectors: number, bytesPerVector: number, corrections = 0, scale = 1): void {
    this.k.setSpace(kind, dim, vectors, bytesPerVector, corrections, scale);
  }

  /**
   * Allocates the search scratch for `count` nodes: visited stamps, a
   * candidate heap that can hold every node, a result heap and outputs for
   * `resultCap` entries, and (for construction) a work area of `workCap`
   * pairs plus room to prune lists of `m0` links.
   */
  scratch(count: number, resultCap: number, workCap: number, m0: number): void {
    const visited = this.heap.alloc(count * 2);
    this.candidatesAt = this.heap.alloc((count + 1) * 8);
    const work = this.heap.alloc(workCap * 8);
    const prune = this.heap.alloc((m0 + 2) * 8);
    this.resultCap = 0;
    this.ensureResults(resultCap);
    this.k.setScratch(visited, this.candidatesAt, this.resultsAt, work, workCap, prune);
    this.scratchArgs = [visited, work, workCap, prune];
  }

  private scratchArgs: [number, number, number, number] = [0, 0, 0, 0];

  /** Makes room for `n` results (the result heap holds n + 1 while it evicts). */
  ensureResults(n: number): void {
    if (n <= this.resultCap) return;
    const cap = Math.max(n, this.resultCap * 2, 64);
    this.resultsAt = this.heap.alloc((cap + 1) * 8);
    this.outIds = this.heap.alloc(cap * 4);
    this.outDists = this.heap.alloc(cap * 4);
    this.resultCap = cap;
    const [visited, work, workCap, prune] = this.scratchArgs;
    if (visited !== 0) this.k.setScratch(visited, this.candidatesAt, this.resultsAt, work, workCap, prune);
  }

  /** Bytes of kernel memory reserved (what this index holds in WebAssembly memory). */
  get memoryBytes(): number {
    return this.heap.memory.buffer.byteLength;
  }
}

/** Allocates graph arrays for nodes of the given levels (level-0 lists of m0 links, upper lists of m). */
export function allocateGraph(kernel: AnnKernel, levels: Uint8Array, m: number, m0: number): GraphRegions {
  const count = levels.length;
  const offsets = new Int32Array(count);
  let upperInts = 0;
  for (let i = 0; i < count; i++) {
    if (levels[i] === 0) {
      offsets[i] = -1;
    } else {
      offsets[i] = upperInts;
      upperInts += levels[i] * (m + 1);
    }
  }
  const levelsAt = kernel.place(levels);
  const level0 = kernel.heap.alloc(count * (m0 + 1) * 4);
  const upperOffsets = kernel.place(offsets);
  const upper = kernel.heap.alloc(Math.max(1, upperInts) * 4);
  return { count, m, m0, levels: levelsAt, level0, upperOffsets, upper, upperInts };
}

/** Bytes allocateGraph will need. */
export function graphBytes(levels: Uint8Array, m: number, m0: number): number {
  let upperInts = 0;
  for (let i = 0; i < levels.length; i++) upperInts += levels[i] * (m + 1);
  return levels.length * (1 + 4 + (m0 + 1) * 4) + upperInts * 4 + 64;
}
