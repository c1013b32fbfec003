/**
 * The vector index's contract with whoever stores it (the segments): what a
 * build produces, what a reader needs, what a search takes and returns. The
 * index knows nothing about segments, manifests or stores: it works on typed
 * arrays, named sections and a source of float vectors.
 */

/** How two vectors are compared. Scores are higher-is-better. */
export type VectorMetric = "cosine" | "dot" | "l2";

/**
 * How the served vectors are held in memory: "none" keeps the float vectors
 * resident; "int8" keeps one byte per dimension plus one float per vector;
 * "binary" keeps one bit per dimension. Quantized indexes leave the floats on
 * disk and read a candidate pool of them per query to rescore.
 */
export type VectorQuantization = "none" | "int8" | "binary";

export const VECTOR_METRICS: readonly VectorMetric[] = ["cosine", "dot", "l2"];
export const VECTOR_QUANTIZATIONS: readonly VectorQuantization[] = ["none", "int8", "binary"];

/** Per-field index parameters. */
export interface AnnParams {
  metric: VectorMetric;
  dimensions: number;
  /** Links per node on the upper levels; level 0 keeps up to 2m (default 16). */
  m?: number;
  /** Beam width while inserting (default 100). */
  efConstruction?: number;
  quantization?: VectorQuantization;
  /** Seed of the level draws: same vectors + same params + same seed = same index (default 42). */
  seed?: number;
  /** Below this many vectors no graph is built ("flat": every search is an exact scan). Default 2048. */
  flatThreshold?: number;
}

/** AnnParams with every default filled in. */
export type ResolvedAnnParams = Required<AnnParams>;

/** int8 quantization parameters: code = round((x - lower) / alpha) - 128, clipped to [-128, 127]. */
export interface Int8QuantizationMeta {
  lower: number;
  upper: number;
  alpha: number;
  /** Fraction of the sampled components inside [lower, upper]. */
  confidence: number;
}

/** Binary quantization parameters (the centroid itself is the section "binary.centroid"). */
export interface BinaryQuantizationMeta {
  /** 64-bit words per vector. */
  words: number;
}

/**
 * JSON-serialisable description of a built index; with its sections and the
 * float vectors it is all a reader needs.
 */
export interface AnnIndexMeta {
  format: 1;
  graph: "hnsw" | "flat";
  params: ResolvedAnnParams;
  count: number;
  /** Links per node on level 0 (2m). */
  m0: number;
  /** Entry point of the graph (-1 when flat or empty). */
  entryPoint: number;
  /** Highest level of the graph (-1 when flat or empty). */
  topLevel: number;
  int8?: Int8QuantizationMeta;
  binary?: BinaryQuantizationMeta;
  /** How the graph was made: nodes taken from a seed graph (merges), nodes inserted, build seconds. */
  build: { seededNodes: number; insertedNodes: number; repairedLists: number; seconds: number };
}

/** A typed array a section may be stored as. */
export type SectionArray = Uint8Array | Int8Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** The named arrays a build produces (graph, codes, corrections); never the float vectors. */
export type AnnSections = Map<string, SectionArray>;

/**
 * Where a reader gets its sections: `readInto` copies a section's bytes into
 * `target` (exactly byteLength(name) bytes), which lets the reader place them
 * straight into WebAssembly memory without a second copy.
 */
export interface SectionSource {
  has(name: string): boolean;
  byteLength(name: string): number;
  readInto(name: string, target: Uint8Array): void;
}

/**
 * The float vectors of an index, stored by the caller. `resident` is the whole
 * count x dimensions array when it is in memory; `read` copies one vector into
 * `out` at `outOffset` (floats, not bytes), for quantized indexes whose floats
 * stay on disk. `readRange`, when present, copies `n` consecutive vectors at
 * once (a reader that keeps floats resident uses it to load them in one read).
 */
export interface FloatVectorSource {
  readonly count: number;
  readonly dimensions: number;
  readonly resident: Float32Array | null;
  read(ord: number, out: Float32Array, outOffset?: number): void;
  readRange?(firstOrd: number, n: number, out: Float32Array, outOffset?: number): void;
}

/** Options of one search. */
export interface AnnSearchOptions {
  /** Beam width on level 0 (default max(k, 100)); larger = better recall, slower. */
  efSearch?: number;
  /**
   * One byte per ordinal, 1 = eligible (live and passing the filter); null or
   * absent = every ordinal. Ineligible nodes are traversed but never returned.
   */
  accept?: Uint8Array | null;
  /** Number of eligible ordinals in `accept`, if the caller knows it (else it is counted). */
  acceptCount?: number;
  /** Score every eligible ordinal instead of searching the graph. */
  exact?: boolean;
  /**
   * Quantized indexes: rescore the best rescore x k candidates with the float
   * vectors (default 3 for int8, 10 for binary); 0 = return the quantized scores.
   * Ignored for quantization "none" (scores are already exact).
   */
  rescore?: number;
}

/** Result of one search, best first. */
export interface AnnSearchResult {
  ords: Int32Array;
  scores: Float32Array;
  /** Distance evaluations made (graph search and scan; rescoring not counted). */
  visited: number;
  /** True when every eligible ordinal was scored (flat index, `exact`, or the filtered fallback) rather than the graph searched. */
  exact: boolean;
}

/** Progress and cancellation of a build. */
export interface AnnBuildOptions {
  /** Called now and then with nodes placed so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting stops the build at the next batch with an InterruptedError. */
  signal?: AbortSignal;
  /**
   * Merge seeding: start from `reader`'s graph instead of from nothing.
   * `ordMap[oldOrd]` is the node's ordinal in the new index (-1 = dropped).
   */
  seed?: { reader: import("./ann-index-reader.js").AnnIndexReader; ordMap: Int32Array };
}

/** What a build returns. */
export interface BuiltAnnIndex {
  meta: AnnIndexMeta;
  sections: AnnSections;
}
