/**
 * Serving one vector index: its sections are read straight into the memory of
 * one WebAssembly kernel instance (graph, codes, corrections; the float vectors
 * too when the index is not quantized) and every search runs there.
 *
 * A search is a graph search (greedy descent, then a beam of efSearch on level
 * 0) or, when that would not pay, an exact scan of the eligible ordinals: for a
 * flat index, when asked, when the filter leaves at most the candidate pool,
 * when the graph search is predicted to evaluate more nodes than a scan of the
 * eligible ordinals would cost, or when it actually does (then it gives up,
 * as Lucene does). Quantized
 * indexes then rescore the best rescore x k candidates with float vectors read
 * from the FloatVectorSource.
 */
import { CorruptIndexError, InvalidArgumentError } from "../core/errors.js";
import { AnnKernel, type GraphRegions } from "./ann-kernel.js";
import { SpaceKind, floatSpace, scoreOfDistance } from "./metric.js";
import { checkSearchArguments } from "./params.js";
import { readAllFloats } from "./float-vector-source.js";
import { binaryWords } from "./quantizers.js";
import { SECTION } from "./sections.js";
import type { AnnIndexMeta, AnnSearchOptions, AnnSearchResult, FloatVectorSource, SectionSource } from "./types.js";

export const DEFAULT_EF_SEARCH = 100;
export const DEFAULT_RESCORE = { none: 0, int8: 3, binary: 10 } as const;
/**
 * A graph search costs about as much per distance evaluation as the exact scan
 * costs per 0.8 eligible ordinals (measured: 0.56-0.91 across selectivities,
 * docs/vector-search.md, "Filtered search"). A filtered search whose predicted
 * evaluations exceed this many per eligible ordinal scans instead, and a graph
 * search that exceeds it anyway gives up for the scan (Lucene's rule, with 1).
 */
export const FILTER_VISIT_RATIO = 0.8;
/**
 * An unfiltered beam of width ef evaluates about ef x m0 / 2 nodes (measured:
 * 1,600 at ef 100, m0 32); a filter passing a fraction s of the nodes needs
 * about 1 / s times as many to fill its beam with eligible ones.
 */
export function predictedFilteredVisits(ef: number, m0: number, selectivity: number): number {
  return (ef * m0) / 2 / selectivity;
}

/** The graph arrays of an open reader (views into its kernel memory; valid until close). */
export interface GraphArrays {
  levels: Uint8Array;
  level0: Int32Array;
  upperOffsets: Int32Array;
  upper: Int32Array;
  m: number;
  m0: number;
  entryPoint: number;
  topLevel: number;
}

const EMPTY: AnnSearchResult = { ords: new Int32Array(0), scores: new Float32Array(0), visited: 0, exact: true };

export class AnnIndexReader {
  readonly meta: AnnIndexMeta;
  readonly count: number;
  /** Distance evaluations per eligible ordinal after which a filtered graph search gives up for a scan. */
  filterVisitRatio = FILTER_VISIT_RATIO;
  readonly dimensions: number;
  private readonly floats: FloatVectorSource;
  private kernel: AnnKernel | null;
  private readonly kind: SpaceKind;
  private readonly graph: GraphRegions | null;
  private readonly queryFloat: number;
  private readonly queryCode: number;
  private readonly queryCorrection: number;
  private readonly acceptAt: number;
  private readonly centroidAt: number;
  private readonly centroid: Float32Array | null;
  private rescoreAt = 0;
  private rescoreCap = 0;

  private constructor(meta: AnnIndexMeta, sections: SectionSource, floats: FloatVectorSource) {
    checkMeta(meta, floats);
    this.meta = meta;
    this.count = meta.count;
    this.dimensions = meta.params.dimensions;
    this.floats = floats;
    const { count, dimensions: dim } = this;
    const { quantization, metric } = meta.params;
    const words = binaryWords(dim);
    const vectorBytes = quantization === "none" ? dim * 4 : quantization === "int8" ? dim + 4 : words * 8 + 8;
    const graphBytes = meta.graph === "hnsw" ? sectionBytes(sections, [SECTION.levels, SECTION.level0, SECTION.upperOffsets, SECTION.upper]) : 0;
    const kernel = new AnnKernel(count * (vectorBytes + 11) + graphBytes + dim * 12 + 256 * 1024);
    this.kernel = kernel;
    const read = (name: string, expected: number | null): number => {
      if (!sections.has(name)) throw new CorruptIndexError(`vector index section "${name}" is missing`);
      const bytes = sections.byteLength(name);
      if (expected !== null && bytes !== expected) {
        throw new CorruptIndexError(`vector index section "${name}" holds ${bytes} bytes, ${expected} were expected for ${count} vectors`);
      }
      const at = kernel.heap.alloc(bytes);
      sections.readInto(name, kernel.heap.u8.subarray(at, at + bytes));
      return at;
    };

    if (quantization === "none") {
      const at = kernel.heap.alloc(count * dim * 4);
      readAllFloats(floats, count, kernel.heap.f32, at / 4);
      if (metric === "cosine") kernel.k.normalize(at, count, dim);
      this.kind = floatSpace(metric);
      kernel.space(this.kind, dim, at, dim * 4);
    } else if (quantization === "int8") {
      const codes = read(SECTION.int8Codes, count * dim);
      const corrections = read(SECTION.int8Corrections, count * 4);
      const alpha = meta.int8!.alpha;
      this.kind = metric === "l2" ? SpaceKind.I8_L2 : SpaceKind.I8_DOT;
      kernel.space(this.kind, dim, codes, dim, corrections, Math.fround(alpha * alpha));
    } else {
      const codes = read(SECTION.binaryCodes, count * words * 8);
      const corrections = read(SECTION.binaryCorrections, count * 8);
      this.kind = metric === "l2" ? SpaceKind.BITS_L2 : SpaceKind.BITS_DOT;
      kernel.space(this.kind, dim, codes, words * 8, corrections);
    }
    this.centroidAt = quantization === "binary" ? read(SECTION.binaryCentroid, dim * 4) : 0;
    this.centroid = quantization === "binary" ? kernel.heap.f32.slice(this.centroidAt / 4, this.centroidAt / 4 + dim) : null;

    if (meta.graph === "hnsw") {
      const m = meta.params.m;
      const m0 = meta.m0;
      const levels = read(SECTION.levels, count);
      const level0 = read(SECTION.level0, count * (m0 + 1) * 4);
      const upperOffsets = read(SECTION.upperOffsets, count * 4);
      const upperBytes = sections.byteLength(SECTION.upper);
      const upper = read(SECTION.upper, null);
      this.graph = { count, m, m0, levels, level0, upperOffsets, upper, upperInts: upperBytes / 4 };
      kernel.k.setGraph(count, level0, m0, upperOffsets, upper, m, meta.entryPoint, meta.topLevel);
    } else {
      this.graph = null;
      kernel.k.setGraph(count, 0, 0, 0, 0, 0, -1, -1);
    }
    this.queryFloat = kernel.heap.alloc(dim * 4);
    this.queryCode = kernel.heap.alloc(Math.max(dim, words * 32));
    this.queryCorrection = kernel.heap.alloc(4);
    this.acceptAt = kernel.heap.alloc(count);
    kernel.scratch(count, DEFAULT_EF_SEARCH, 1, this.graph?.m0 ?? 0);
  }

  /**
   * Opens an index from its meta, its sections and its float vectors. For
   * quantization "none" the floats are copied into the reader's memory once
   * (the source's resident array may be dropped afterwards); quantized indexes
   * read floats only to rescore.
   */
  static open(meta: AnnIndexMeta, sections: SectionSource, floats: FloatVectorSource): AnnIndexReader {
    return new AnnIndexReader(meta, sections, floats);
  }

  /** Bytes of WebAssembly memory this reader holds (vectors or codes, graph, search scratch). */
  get memoryBytes(): number {
    return this.kernel ? this.kernel.memoryBytes : 0;
  }

  /** The graph, for seeding a merged index's build (null when flat). */
  graphArrays(): GraphArrays | null {
    const kernel = this.live();
    const g = this.graph;
    if (!g) return null;
    const b = kernel.heap.memory.buffer;
    return {
      levels: new Uint8Array(b, g.levels, g.count),
      level0: new Int32Array(b, g.level0, g.count * (g.m0 + 1)),
      upperOffsets: new Int32Array(b, g.upperOffsets, g.count),
      upper: new Int32Array(b, g.upper, g.upperInts),
      m: g.m,
      m0: g.m0,
      entryPoint: this.meta.entryPoint,
      topLevel: this.meta.topLevel,
    };
  }

  /** The k nearest eligible vectors to `query`, best first. */
  search(query: Float32Array, k: number, options: AnnSearchOptions = {}): AnnSearchResult {
    const kernel = this.live();
    checkSearchArguments(k, options.efSearch, options.rescore);
    const { count, dimensions: dim } = this;
    const { metric, quantization } = this.meta.params;
    if (!(query instanceof Float32Array) || query.length !== dim) {
      throw new InvalidArgumentError(`vector query must be a Float32Array of ${dim} values, got ${query instanceof Float32Array ? `${query.length} values` : typeof query}`);
    }
    if (count === 0) return EMPTY;

    // accept bitmap
    const accept = options.accept ?? null;
    let acceptAt = 0;
    let eligible = count;
    if (accept) {
      if (!(accept instanceof Uint8Array) || accept.length < count) {
        throw new InvalidArgumentError(`search option accept must be a Uint8Array of at least ${count} bytes (one per ordinal)`);
      }
      kernel.heap.u8.set(accept.subarray(0, count), this.acceptAt);
      acceptAt = this.acceptAt;
      eligible = options.acceptCount ?? kernel.k.countAccepted(acceptAt, count);
      if (eligible === 0) return EMPTY;
    }

    // the query in the index's representation
    const heap = kernel.heap;
    heap.f32.set(query, this.queryFloat / 4);
    if (metric === "cosine") kernel.k.normalize(this.queryFloat, 1, dim);
    let q = this.queryFloat;
    let qc = 0;
    let binaryShift = 0; // binary: what turns the kernel's distance into the metric's
    if (quantization === "int8") {
      const { lower, alpha } = this.meta.int8!;
      kernel.k.quantizeI8(this.queryFloat, 1, dim, lower, alpha, metric === "l2" ? 1 : 0, this.queryCode, this.queryCorrection);
      q = this.queryCode;
      qc = heap.f32[this.queryCorrection / 4];
    } else if (quantization === "binary") {
      const qDotC = kernel.k.binarizeQuery(this.queryFloat, dim, this.centroidAt, this.queryCode);
      q = this.queryCode;
      if (metric === "l2") {
        const qf = kernel.heap.f32.subarray(this.queryFloat / 4, this.queryFloat / 4 + dim);
        let d2 = 0;
        for (let i = 0; i < dim; i++) d2 += (qf[i] - this.centroid![i]) ** 2;
        binaryShift = d2;
      } else {
        binaryShift = -qDotC;
      }
    }

    const rescore = quantization === "none" ? 0 : (options.rescore ?? DEFAULT_RESCORE[quantization]);
    const pool = Math.min(eligible, Math.max(k, Math.ceil(rescore * k)));
    const ef = Math.max(options.efSearch ?? Math.max(k, DEFAULT_EF_SEARCH), pool);
    let exact = this.graph === null || options.exact === true || eligible <= pool;
    if (!exact && acceptAt && eligible < count) {
      exact = predictedFilteredVisits(ef, this.graph!.m0, eligible / count) > eligible * this.filterVisitRatio;
    }
    let n = -1;
    let visited = 0;
    if (!exact) {
      kernel.ensureResults(ef);
      const limit = acceptAt && eligible < count ? Math.min(0x7fffffff, Math.max(pool, Math.floor(eligible * this.filterVisitRatio))) : 0x7fffffff;
      n = kernel.k.search(q, qc, ef, acceptAt, limit, kernel.outIds, kernel.outDists);
      visited = kernel.k.visitedNodes();
      if (n < 0) exact = true;
    }
    if (exact) {
      kernel.ensureResults(pool);
      n = kernel.k.scan(q, qc, pool, acceptAt, 0, count, kernel.outIds, kernel.outDists);
      visited += kernel.k.visitedNodes();
    }
    n = Math.min(n, pool);
    const ids = kernel.heap.i32.subarray(kernel.outIds / 4, kernel.outIds / 4 + n);
    const dists = kernel.heap.f32.subarray(kernel.outDists / 4, kernel.outDists / 4 + n);

    if (rescore > 0) return { ...this.rescored(ids, k), visited, exact };
    const take = Math.min(k, n);
    const ords = ids.slice(0, take);
    const scores = new Float32Array(take);
    for (let i = 0; i < take; i++) {
      scores[i] = scoreOfDistance(metric, dists[i] + binaryShift);
    }
    return { ords, scores, visited, exact };
  }

  /** Rescores candidates `ids` with their float vectors; returns the best k. */
  private rescored(ids: Int32Array, k: number): { ords: Int32Array; scores: Float32Array } {
    const kernel = this.live();
    const { dimensions: dim } = this;
    const { metric } = this.meta.params;
    const n = ids.length;
    const candidates = Int32Array.from(ids);
    if (n > this.rescoreCap) {
      this.rescoreCap = Math.max(n, this.rescoreCap * 2);
      this.rescoreAt = kernel.heap.alloc(this.rescoreCap * (dim + 1) * 4);
    }
    const vecs = this.rescoreAt;
    const out = this.rescoreAt + this.rescoreCap * dim * 4;
    for (let i = 0; i < n; i++) this.floats.read(candidates[i], kernel.heap.f32, vecs / 4 + i * dim);
    if (metric === "cosine") kernel.k.normalize(vecs, n, dim);
    kernel.k.floatDistances(floatSpace(metric), this.queryFloat, vecs, n, dim, out);
    const dists = kernel.heap.f32.subarray(out / 4, out / 4 + n);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => dists[a] - dists[b] || candidates[a] - candidates[b]);
    const take = Math.min(k, n);
    const ords = new Int32Array(take);
    const scores = new Float32Array(take);
    for (let i = 0; i < take; i++) {
      ords[i] = candidates[order[i]];
      scores[i] = scoreOfDistance(metric, dists[order[i]]);
    }
    return { ords, scores };
  }

  /** Releases the kernel memory; the reader cannot search afterwards. */
  close(): void {
    this.kernel = null;
  }

  private live(): AnnKernel {
    if (!this.kernel) throw new InvalidArgumentError("vector index reader is closed");
    return this.kernel;
  }
}

function checkMeta(meta: AnnIndexMeta, floats: FloatVectorSource): void {
  if (!meta || meta.format !== 1 || (meta.graph !== "hnsw" && meta.graph !== "flat")) {
    throw new CorruptIndexError(`vector index meta has an unknown format (format ${JSON.stringify(meta?.format)}, graph ${JSON.stringify(meta?.graph)})`);
  }
  if (floats.count !== meta.count || floats.dimensions !== meta.params.dimensions) {
    throw new CorruptIndexError(
      `vector index holds ${meta.count} vectors of ${meta.params.dimensions} dimensions but its float vectors are ${floats.count} of ${floats.dimensions}`,
    );
  }
  if (meta.params.quantization === "int8" && !meta.int8) throw new CorruptIndexError("int8 vector index meta lacks its quantization range");
}

function sectionBytes(sections: SectionSource, names: string[]): number {
  let total = 0;
  for (const name of names) if (sections.has(name)) total += sections.byteLength(name) + 16;
  return total;
}
