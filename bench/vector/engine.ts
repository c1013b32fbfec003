/**
 * The contract between the vector benchmark's harness and each engine under
 * test. Every engine runs in its own child process (child.ts for the Node
 * engines, hnswlib_bench.py for hnswlib), reads the same float32 files, and
 * writes a VectorRunReport as JSON.
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const PROJECT_ROOT = join(fileURLToPath(new URL(".", import.meta.url)), "../../..");

/** Engines in table order; "trove-*" are ours. */
export const ENGINE_NAMES = ["trove-float", "trove-int8", "trove-binary", "hnswlib", "usearch", "orama"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** What every child is told (written as JSON; hnswlib_bench.py reads the same keys). */
export interface VectorBenchSpec {
  engine: EngineName;
  /** "build": build and persist; "serve": open the persisted index and query; "all": both in one process (in-memory engines). */
  mode: "build" | "serve" | "all";
  dataPath: string;
  queriesPath: string;
  truthPath: string;
  filteredTruthPath: string;
  acceptPath: string;
  count: number;
  dimensions: number;
  queries: number;
  k: number;
  metric: "cosine";
  m: number;
  efConstruction: number;
  efSearch: number[];
  /** efSearch values also run with the filter. */
  filteredEfSearch: number[];
  seed: number;
  indexDir: string;
  outPath: string;
  passes: number;
  warmupQueries: number;
  /** A query pass stops after this many seconds (at least minQueries); later passes reuse that prefix. */
  passBudgetSeconds: number;
  minQueries: number;
  /** Engines whose build would exceed this are stopped (Orama at 1M). */
  buildBudgetSeconds: number;
}

/** One query sweep: one efSearch, filtered or not. */
export interface Sweep {
  ef: number;
  filtered: boolean;
  /** How the filter was applied ("in search", "post-filter top 100", ...). */
  filterHow?: string;
  recall: number;
  qps: number;
  /** Queries per second of process CPU time (less sensitive to a busy machine). */
  cpuQps: number;
  p50Ms: number;
  p99Ms: number;
  queries: number;
  /** Mean distance evaluations per query, when the engine reports them. */
  visited?: number;
  /** hnswlib: queries per second when all queries go to knn_query in one call (one thread), without Python's per-call cost. */
  batchQps?: number;
  /** Share of queries answered by an exact scan instead of the graph (Trove). */
  exactShare?: number;
}

export interface VectorRunReport {
  engine: EngineName;
  version: string;
  setup: string;
  count: number;
  stage: string;
  warnings: string[];
  error?: string;
  build?: { seconds: number; cpuSeconds: number; peakRssMB: number; peakHeapMB: number | null };
  size?: { bytes: number; how: string };
  serving?: { rssMB: number; heapMB: number; engineMB: number | null; openSeconds: number; measured: string };
  sweeps: Sweep[];
}

/** A Node engine adapter. Search returns ordinals (row numbers of the data file). */
export interface VectorEngine {
  readonly version: string;
  readonly setup: string;
  /** Builds from the data file (only this call is timed). */
  build(spec: VectorBenchSpec): Promise<void>;
  /** Writes the index to spec.indexDir; returns its size. Null when the engine has no persisted form. */
  persist(spec: VectorBenchSpec): Promise<{ bytes: number; how: string } | null>;
  /** Opens the persisted index (serve mode). */
  open?(spec: VectorBenchSpec): Promise<void>;
  /** Bytes the engine itself reports holding, if it can tell. */
  memoryBytes(): number | null;
  search(query: Float32Array, k: number, ef: number): ArrayLike<number> | Promise<ArrayLike<number>>;
  /** Filtered search; `how` says whether the filter is applied during the search or after it. */
  searchFiltered(query: Float32Array, k: number, ef: number, accept: Uint8Array, acceptCount: number): ArrayLike<number> | Promise<ArrayLike<number>>;
  readonly filterHow: string;
  /** Distance evaluations and exactness of the last search, when known. */
  lastStats?(): { visited: number; exact: boolean };
}

export type EngineFactory = () => Promise<VectorEngine>;

/** Peers without filtering inside the search get this many hits, then keep the eligible ones (10 / selectivity). */
export const POST_FILTER_K = 100;
