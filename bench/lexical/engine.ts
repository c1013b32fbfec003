/**
 * The contract between the benchmark harness and each engine under test.
 *
 * Every engine runs in its own child process (see child.ts for the Node
 * engines and xapian_bench.py for Xapian); the child streams the corpus into
 * the engine in batches, and the harness times only the engine's own calls.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One document as every engine receives it. */
export interface BenchDoc {
  id: string;
  title: string;
  text: string;
}

export interface BenchQuery {
  id: string;
  text: string;
}

export interface Hit {
  id: string;
  score: number;
}

export interface Bm25Settings {
  k1: number;
  b: number;
}

export interface EngineSettings {
  /** An empty directory the engine may use for its on-disk index or persisted file. */
  indexDir: string;
  bm25: Bm25Settings;
}

/** What an engine writes to disk, and how that was measured. */
export interface PersistedSize {
  bytes: number;
  how: string;
}

/**
 * One engine adapter. Build = add(batch) for every batch, then commit().
 * Methods may be synchronous; the harness awaits only real promises so that a
 * synchronous search is timed without an extra microtask.
 */
export interface LexicalEngine {
  readonly name: string;
  /** Package and version, e.g. "minisearch 7.2.0". */
  readonly version: string;
  /** How the engine analyzes text and scores (tokenizer, stemmer, stop words, BM25 parameters). */
  readonly setup: string;
  add(batch: BenchDoc[]): void | Promise<void>;
  /** Makes everything added searchable (and durable, for engines with an on-disk index). */
  commit(): Promise<void>;
  /** Writes the engine's own persisted form (if it has none, returns null) and reports its size. */
  persist(): Promise<PersistedSize | null>;
  search(query: string, k: number): Hit[] | Promise<Hit[]>;
  close(): Promise<void>;
}

/**
 * An engine module exports `createEngine` (a new, empty index) and, for
 * engines with an on-disk index, `openEngine` (open the index a build left in
 * indexDir): those are queried in a fresh process, as a started server.
 */
export type EngineFactory = (settings: EngineSettings) => Promise<LexicalEngine>;

/** Engines whose index lives on disk: built in one process, queried in another that opens it. */
export const ON_DISK_ENGINES: readonly string[] = ["trove", "xapian"];

/** Engine names the harness knows, in table order. "xapian" runs in Python. */
export const ENGINE_NAMES = ["trove", "orama", "minisearch", "flexsearch", "xapian"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** The project root (dist/bench/lexical/engine.js is three levels below it). */
export const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Version of an installed npm package, read from its package.json. */
export function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules", name, "package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "?";
  } catch {
    return "?";
  }
}

/** Phases in order: "built" = build figures, "measured" = size (or, when serving, open time and memory), "done" = queries. */
export type Stage = "started" | "built" | "measured" | "done";

/** What a child process sends back for one engine on one corpus (also written by xapian_bench.py). */
export interface EngineRunReport {
  engine: string;
  corpus: string;
  version: string;
  setup: string;
  /** The last phase that finished: a crash later leaves the earlier figures usable. */
  stage: Stage;
  docs: number;
  build?: {
    /** Time inside the engine's add/commit calls (corpus reading and parsing excluded). */
    seconds: number;
    /** Time spent reading and parsing the corpus file, not counted above. */
    readSeconds: number;
  };
  memory?: {
    /** Before the first document: the runtime plus the query list. */
    baselineRssMB: number;
    baselineHeapMB: number | null;
    /** Kernel high-water mark of the resident set over the build (getrusage maxrss). */
    peakRssMB: number;
    /** Highest JS heapUsed + external seen while sampling during the build (null for Xapian). */
    peakHeapMB: number | null;
    /** After build (and reopen, where the engine has one) and a full GC, with the index ready to serve. */
    servingRssMB: number;
    servingHeapMB: number | null;
    servingExternalMB: number | null;
    /** Where the serving figures come from: the build process, or a fresh one that opened the index. */
    servingMeasured: string;
  };
  size?: PersistedSize | { error: string } | null;
  /** Time to open the index from disk in a fresh process (on-disk engines). */
  openSeconds?: number;
  query?: {
    /** Queries timed in every pass: fewer than ofQueries when the pass time budget cut a slow engine short. */
    queries: number;
    ofQueries: number;
    k: number;
    warmupPasses: number;
    passes: Array<{ p50Ms: number; p99Ms: number; qps: number; queries: number }>;
    /** Medians over the timed passes. */
    p50Ms: number;
    p99Ms: number;
    qps: number;
    meanHits: number;
  };
  /** Top-k per query id from the first timed pass ([id, score] pairs), for the queries that pass ran. */
  run?: Record<string, Array<[string, number]>>;
  /** Errors in optional phases (e.g. persistence) that did not stop the run. */
  warnings: string[];
  /** Set when the run failed; the figures above are from the phases before. */
  error?: string;
}
