/**
 * Building one vector index from count x dim float vectors: below the flat
 * threshold no graph (every search is an exact scan); above it an HNSW graph
 * built in the WebAssembly kernel with float distances, node by node in
 * ordinal order, levels drawn from a seeded generator, so the same vectors,
 * parameters and seed always give the same index. Quantized indexes then get
 * their codes (int8 with per-vector corrections, or sign bits after
 * centring). A merge can seed the build with the largest input's graph
 * (graph-seed.ts) and insert only the rest.
 *
 * The result is a JSON meta plus named typed-array sections (sections.ts);
 * the float vectors are not among them (their owner stores them).
 */
import { InterruptedError, InvalidArgumentError } from "../core/errors.js";
import { SeededRandom } from "../core/random.js";
import { AnnKernel, allocateGraph, graphBytes, type GraphRegions } from "./ann-kernel.js";
import { seedGraph, seedUsable, type SeedOutcome } from "./graph-seed.js";
import { readAllFloats } from "./float-vector-source.js";
import { floatSpace } from "./metric.js";
import { resolveAnnParams } from "./params.js";
import { binaryWords, centroid, fitInt8Range } from "./quantizers.js";
import { SECTION } from "./sections.js";
import type { AnnBuildOptions, AnnIndexMeta, AnnParams, AnnSections, BuiltAnnIndex, FloatVectorSource, ResolvedAnnParams } from "./types.js";

/** Levels are capped (a level-16 node is a 1-in-16^16 draw for m = 16). */
const MAX_LEVEL = 15;

/**
 * Builds an index, yielding to the event loop every ~50 ms so that a server
 * stays responsive and `signal` can stop it.
 */
export async function buildAnnIndex(
  vectors: Float32Array | FloatVectorSource,
  count: number,
  params: AnnParams,
  options: AnnBuildOptions = {},
): Promise<BuiltAnnIndex> {
  const builder = new AnnIndexBuilder(vectors, count, params, options);
  while (!builder.step(50)) await new Promise((resolve) => setImmediate(resolve));
  return builder.finish();
}

/** Builds an index without yielding (worker threads, tests). */
export function buildAnnIndexSync(
  vectors: Float32Array | FloatVectorSource,
  count: number,
  params: AnnParams,
  options: AnnBuildOptions = {},
): BuiltAnnIndex {
  const builder = new AnnIndexBuilder(vectors, count, params, options);
  while (!builder.step(Infinity));
  return builder.finish();
}

/** HNSW level draws: floor(-ln(U) / ln(m)), capped. */
export function drawLevels(count: number, m: number, seed: number): Uint8Array {
  const rng = new SeededRandom(seed);
  const scale = 1 / Math.log(m);
  const levels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const u = 1 - rng.next(); // (0, 1]
    levels[i] = Math.min(MAX_LEVEL, Math.floor(-Math.log(u) * scale));
  }
  return levels;
}

class AnnIndexBuilder {
  private readonly params: ResolvedAnnParams;
  private readonly count: number;
  private readonly kernel: AnnKernel;
  private readonly floatsAt: number;
  private readonly graph: GraphRegions | null;
  private readonly levels: Uint8Array | null;
  private readonly pending: Int32Array;
  private next = 0;
  private readonly seeded: SeedOutcome;
  private readonly started = performance.now();
  private readonly options: AnnBuildOptions;

  constructor(vectors: Float32Array | FloatVectorSource, count: number, params: AnnParams, options: AnnBuildOptions) {
    const p = resolveAnnParams(params);
    this.params = p;
    this.options = options;
    const dim = p.dimensions;
    if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError(`vector count must be a non-negative integer, got ${count}`);
    if (vectors instanceof Float32Array) {
      if (vectors.length < count * dim) {
        throw new InvalidArgumentError(`vectors hold ${vectors.length} floats, ${count} x ${dim} = ${count * dim} were expected`);
      }
    } else if (vectors.dimensions !== dim || vectors.count < count) {
      throw new InvalidArgumentError(`vector source holds ${vectors.count} vectors of ${vectors.dimensions} dimensions, ${count} of ${dim} were expected`);
    }
    this.count = count;
    const hnsw = count > 0 && count >= p.flatThreshold;
    const m0 = 2 * p.m;
    const seed = hnsw && options.seed && seedUsable(options.seed.reader, p) ? options.seed : null;
    let levels: Uint8Array | null = null;
    if (hnsw) {
      levels = drawLevels(count, p.m, p.seed);
      if (seed) seedLevels(levels, seed.reader, seed.ordMap);
    }
    this.levels = levels;

    const workCap = Math.max(p.efConstruction, m0 * (m0 + 1));
    const codeBytes = p.quantization === "int8" ? count * (dim + 4) : p.quantization === "binary" ? count * (binaryWords(dim) * 8 + 8) + dim * 4 : 0;
    const scratchBytes = hnsw ? count * 10 + (workCap + p.efConstruction + 2) * 16 + (m0 + 2) * 16 : 0;
    const total = count * dim * 4 + (levels ? graphBytes(levels, p.m, m0) : 0) + scratchBytes + codeBytes + 64 * 1024;
    this.kernel = new AnnKernel(total);
    const kernel = this.kernel;
    this.floatsAt = kernel.heap.alloc(count * dim * 4);
    if (vectors instanceof Float32Array) {
      kernel.heap.f32.set(vectors.subarray(0, count * dim), this.floatsAt / 4);
    } else {
      readAllFloats(vectors, count, kernel.heap.f32, this.floatsAt / 4);
    }
    checkFinite(kernel.heap.f32, this.floatsAt / 4, count, dim);
    if (p.metric === "cosine") kernel.k.normalize(this.floatsAt, count, dim);

    if (levels) {
      this.graph = allocateGraph(kernel, levels, p.m, m0);
      kernel.space(floatSpace(p.metric), dim, this.floatsAt, dim * 4);
      kernel.k.setGraph(count, this.graph.level0, m0, this.graph.upperOffsets, this.graph.upper, p.m, -1, -1);
      kernel.scratch(count, p.efConstruction, workCap, m0);
      this.seeded = seed ? seedGraph(kernel, this.graph, seed.reader.graphArrays()!, seed.ordMap) : { placed: null, nodes: 0, repairedLists: 0 };
      const pending = new Int32Array(count - this.seeded.nodes);
      let n = 0;
      for (let i = 0; i < count; i++) if (!this.seeded.placed || !this.seeded.placed[i]) pending[n++] = i;
      this.pending = pending;
    } else {
      this.graph = null;
      this.seeded = { placed: null, nodes: 0, repairedLists: 0 };
      this.pending = new Int32Array(0);
    }
  }

  /** Inserts nodes for about `budgetMs`; returns true when every node is placed. */
  step(budgetMs: number): boolean {
    const { pending, levels, kernel } = this;
    const t0 = performance.now();
    const efc = this.params.efConstruction;
    if (this.options.signal?.aborted) throw new InterruptedError("vector index build interrupted; nothing was written");
    while (this.next < pending.length) {
      if (this.options.signal?.aborted) throw new InterruptedError("vector index build interrupted; nothing was written");
      const end = Math.min(pending.length, this.next + 256);
      for (let i = this.next; i < end; i++) kernel.k.insert(pending[i], levels![pending[i]], efc);
      this.next = end;
      this.options.onProgress?.(this.seeded.nodes + this.next, this.count);
      if (performance.now() - t0 >= budgetMs) return this.next >= pending.length;
    }
    return true;
  }

  finish(): BuiltAnnIndex {
    const { params: p, count, kernel, graph } = this;
    const dim = p.dimensions;
    const sections: AnnSections = new Map();
    const meta: AnnIndexMeta = {
      format: 1,
      graph: graph ? "hnsw" : "flat",
      params: p,
      count,
      m0: 2 * p.m,
      entryPoint: graph ? kernel.k.entryPoint() : -1,
      topLevel: graph ? kernel.k.topLevelOfGraph() : -1,
      build: { seededNodes: this.seeded.nodes, insertedNodes: this.pending.length, repairedLists: this.seeded.repairedLists, seconds: 0 },
    };
    if (graph) {
      const heap = kernel.heap;
      sections.set(SECTION.levels, this.levels!.slice());
      sections.set(SECTION.level0, heap.i32.slice(graph.level0 / 4, graph.level0 / 4 + count * (graph.m0 + 1)));
      sections.set(SECTION.upperOffsets, heap.i32.slice(graph.upperOffsets / 4, graph.upperOffsets / 4 + count));
      sections.set(SECTION.upper, heap.i32.slice(graph.upper / 4, graph.upper / 4 + graph.upperInts));
    }
    if (p.quantization === "int8") {
      const range = fitInt8Range(kernel.heap.f32, this.floatsAt / 4, count, dim, p.seed);
      meta.int8 = range;
      const codes = kernel.heap.alloc(count * dim);
      const corrections = kernel.heap.alloc(count * 4);
      kernel.k.quantizeI8(this.floatsAt, count, dim, range.lower, range.alpha, p.metric === "l2" ? 1 : 0, codes, corrections);
      sections.set(SECTION.int8Codes, kernel.heap.u8.slice(codes, codes + count * dim));
      sections.set(SECTION.int8Corrections, kernel.heap.f32.slice(corrections / 4, corrections / 4 + count));
    } else if (p.quantization === "binary") {
      const words = binaryWords(dim);
      meta.binary = { words };
      const center = centroid(kernel.heap.f32, this.floatsAt / 4, count, dim);
      const centerAt = kernel.place(center);
      const codes = kernel.heap.alloc(count * words * 8);
      const corrections = kernel.heap.alloc(count * 8);
      kernel.k.binarize(this.floatsAt, count, dim, centerAt, p.metric === "l2" ? 1 : 0, codes, corrections);
      sections.set(SECTION.binaryCodes, kernel.heap.u8.slice(codes, codes + count * words * 8));
      sections.set(SECTION.binaryCorrections, kernel.heap.f32.slice(corrections / 4, corrections / 4 + count * 2));
      sections.set(SECTION.binaryCentroid, center);
    }
    meta.build.seconds = (performance.now() - this.started) / 1000;
    return { meta, sections };
  }
}

/** Seeded nodes keep the level they had in the seed graph. */
function seedLevels(levels: Uint8Array, reader: import("./ann-index-reader.js").AnnIndexReader, ordMap: Int32Array): void {
  const old = reader.graphArrays()!;
  if (ordMap.length !== old.levels.length) {
    throw new InvalidArgumentError(`seed ordMap has ${ordMap.length} entries, the seed index has ${old.levels.length} vectors`);
  }
  const seen = new Uint8Array(levels.length);
  for (let o = 0; o < ordMap.length; o++) {
    const n = ordMap[o];
    if (n === -1) continue;
    if (!Number.isInteger(n) || n < -1 || n >= levels.length) {
      throw new InvalidArgumentError(`seed ordMap[${o}] = ${n} is outside [-1, ${levels.length})`);
    }
    if (seen[n]) throw new InvalidArgumentError(`seed ordMap maps two ordinals to ${n}`);
    seen[n] = 1;
    levels[n] = old.levels[o];
  }
}

function checkFinite(f32: Float32Array, offset: number, count: number, dim: number): void {
  for (let i = 0; i < count * dim; i++) {
    if (!Number.isFinite(f32[offset + i])) {
      throw new InvalidArgumentError(`vector ${Math.floor(i / dim)} has a non-finite value (${f32[offset + i]}) at dimension ${i % dim}`);
    }
  }
}
