/**
 * A lexical (BM25) index on disk: immutable segments plus an atomically
 * replaced manifest (see ARCHITECTURE.md). Documents are buffered in memory,
 * flushed to new segments, and become visible to searches at commit().
 * Adding a document whose id exists replaces it (delete + add). Reopening
 * reads the manifest and the segment files; nothing is rebuilt.
 */
import { encodeUtf8 } from "./utf8.js";
import { lockDirectory, type DirLock } from "../core/dir-lock.js";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { InvalidArgumentError, InvalidRecordError, TroveError } from "../core/errors.js";
import { writeFileAtomic } from "../core/atomic-file.js";
import type { Analyzer } from "../text/analyzer.js";
import { getAnalyzer } from "../text/registry.js";
import { validateBm25, type Bm25Params } from "./bm25.js";
import { toIndexConfig, textFieldNames, type LexicalIndexConfig, type LexicalIndexOptions } from "./index-config.js";
import {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  liveDocsFileName,
  readManifest,
  removeUnreferencedFiles,
  segmentFileName,
  writeManifest,
  type Manifest,
  type SegmentEntry,
} from "./manifest.js";
import { validateQueryNode, type QueryNode } from "./query-ast.js";
import { parseQuery } from "./query-parser.js";
import { QueryPlanner, type PlanNode } from "./query-plan.js";
import { type Explanation } from "./scorer.js";
import { SegmentBuilder } from "./segment-builder.js";
import { writeSegmentFile } from "./segment-file.js";
import { mergeInProcess, mergeOnWorker } from "./merge-worker.js";
import { SegmentReader } from "./segment-reader.js";
import { buildScorer, filterBits, flattenTermDisjunction } from "./segment-scorers.js";
import { IndexSnapshot } from "./snapshot.js";
import { TopKHeap, collectAll, collectSorted, collectMaxScore } from "./top-k.js";
import { TermScorer } from "./scorer.js";

export interface WriterOptions {
  /** Flush a segment when buffered postings pass this many bytes (default 256 MiB). */
  ramBufferBytes?: number;
  /** Flush a segment every this many documents (default 250,000). */
  maxBufferedDocs?: number;
  /** Merge when there are more segments than this after a commit (default 8); 0 disables merging. */
  maxSegments?: number;
}

export interface SearchOptions {
  /** Number of hits to return (default 10). */
  k?: number;
  /** Hits to skip, for pagination (default 0). */
  offset?: number;
  /** "query" (default): the query language; "plain": the text as one bag of words, operators ignored. */
  syntax?: "query" | "plain";
  /** How words side by side combine in the query language: "or" (default, ranked bag of words) or "and". */
  defaultOperator?: "or" | "and";
  /** Fields searched by unfielded words, with optional boosts: ["title", "text"] or { title: 2, text: 1 }. Default: every text field with its schema boost. */
  fields?: readonly string[] | Readonly<Record<string, number>>;
  /** Non-scoring filter in the query language or as an AST, e.g. 'category:cs.IR AND date:[2024-01-01 TO *]'. */
  filter?: string | QueryNode;
  /** Keyword fields to count values of over all matching documents. */
  facets?: ReadonlyArray<string | { field: string; limit?: number }>;
  /** Per-query BM25 parameters (default: the index's). */
  bm25?: Partial<Bm25Params>;
  /** Count every match exactly (disables dynamic pruning). */
  exactTotalHits?: boolean;
  /** Attach a score explanation to each hit. */
  explain?: boolean;
  /**
   * Rank by a number or date field instead of relevance: `{ field: "date", order: "desc" }`
   * (default order "desc"). Documents without a value come last; ties keep index order.
   * Every match is visited (no pruning), so totals are exact.
   */
  sort?: { field: string; order?: "asc" | "desc" };
}

export interface SearchHit {
  id: string;
  /** BM25 score (also when the hits are sorted by a field). */
  score: number;
  /** The sort field's value (epoch ms for dates) when `sort` was given; null when the document has none. */
  sortValue?: number | null;
  explanation?: Explanation;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Number of matching documents; a lower bound when totalHitsExact is false. */
  totalHits: number;
  totalHitsExact: boolean;
  facets?: Record<string, FacetCount[]>;
  tookMs: number;
}

export interface IndexStats {
  documents: number;
  deletedDocuments: number;
  segments: number;
  bytesOnDisk: number;
  fields: Record<string, { docCount: number; sumTotalTermFreq: number; avgLength: number }>;
}

const DEFAULT_WRITER: Required<WriterOptions> = { ramBufferBytes: 256 * 1024 * 1024, maxBufferedDocs: 250_000, maxSegments: 8 };

export class LexicalIndex {
  private manifest: Manifest;
  private readers: SegmentReader[];
  private snapshot: IndexSnapshot;
  private builder: SegmentBuilder;
  /** Segments flushed since the last commit (not yet in the manifest). */
  private pendingSegments: SegmentEntry[] = [];
  private pendingReaders: SegmentReader[] = [];
  /** Buffered doc numbers by id, for replacing a doc added twice before a flush. */
  private bufferedIds = new Map<string, number>();
  private bufferedDeletes = new Set<number>();
  /** Live-docs changes to committed segments not yet written: segment name -> live docs. */
  private dirtyLiveDocs = new Map<string, Uint8Array>();
  private readonly analyzers = new Map<string, Analyzer>();
  private writerOptions: Required<WriterOptions>;
  private closed = false;
  /** The running merge, if any. */
  private merging: Promise<void> | null = null;

  private constructor(
    readonly dir: string,
    manifest: Manifest,
    writerOptions: WriterOptions,
    /** This process's write lock on `dir`, released by close(). */
    private readonly lock: DirLock,
  ) {
    this.manifest = manifest;
    this.writerOptions = { ...DEFAULT_WRITER, ...writerOptions };
    this.readers = manifest.segments.map((s) => this.openSegment(s));
    this.snapshot = new IndexSnapshot(manifest.config, this.readers);
    this.builder = this.newBuilder();
  }

  /** Creates an empty index in `dir` (which must not hold an index unless overwrite is set). */
  static async create(dir: string, options: LexicalIndexOptions & { overwrite?: boolean; writer?: WriterOptions }): Promise<LexicalIndex> {
    const config = toIndexConfig(options);
    for (const f of Object.values(config.fields)) if (f.type === "text") getAnalyzer(f.analyzer);
    mkdirSync(dir, { recursive: true });
    if (existsSync(join(dir, "manifest.json")) && !options.overwrite) {
      throw new TroveError("CONFLICT", `an index already exists at ${dir} (open it, or pass overwrite to replace it)`);
    }
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      formatVersion: MANIFEST_VERSION,
      generation: 1,
      nextSegment: 1,
      config,
      segments: [],
      userData: {},
    };
    const lock = lockDirectory(dir, "index");
    try {
      writeManifest(dir, manifest);
      removeUnreferencedFiles(dir, manifest, new Set(), true);
      return new LexicalIndex(dir, manifest, options.writer ?? {}, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Opens an existing index; leftovers of an interrupted commit are removed. */
  static async open(dir: string, options: { writer?: WriterOptions } = {}): Promise<LexicalIndex> {
    // read first: a missing or broken index is reported as such, not as a lock problem
    readManifest(dir);
    const lock = lockDirectory(dir, "index");
    try {
      // read again under the lock: the previous writer may have committed meanwhile
      const manifest = readManifest(dir);
      removeUnreferencedFiles(dir, manifest, new Set(), true);
      return new LexicalIndex(dir, manifest, options.writer ?? {}, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, "manifest.json"));
  }

  get config(): LexicalIndexConfig {
    return this.manifest.config;
  }

  get userData(): Readonly<Record<string, unknown>> {
    return this.manifest.userData;
  }

  private analyzerFor = (name: string): Analyzer => {
    let a = this.analyzers.get(name);
    if (!a) {
      a = getAnalyzer(name);
      this.analyzers.set(name, a);
    }
    return a;
  };

  private newBuilder(): SegmentBuilder {
    this.bufferedIds = new Map();
    this.bufferedDeletes = new Set();
    return new SegmentBuilder(this.manifest.config, this.analyzerFor);
  }

  private openSegment(entry: SegmentEntry): SegmentReader {
    let live: Uint8Array | null = null;
    if (entry.delGen > 0) {
      const raw = readFileSync(join(this.dir, liveDocsFileName(entry.name, entry.delGen)));
      live = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength).slice();
    }
    return new SegmentReader(entry.name, join(this.dir, segmentFileName(entry.name)), live);
  }

  private ensureOpen(): void {
    if (this.closed) throw new TroveError("CONFLICT", `the index at ${this.dir} is closed`);
  }

  /**
   * Adds (or replaces, by id) documents. Each record must hold the id field;
   * text fields must be strings. Records become searchable at commit().
   */
  addDocuments(records: Iterable<Record<string, unknown>>, options: { onProgress?: (added: number) => void } = {}): number {
    this.ensureOpen();
    const idField = this.manifest.config.idField;
    let n = 0;
    for (const record of records) {
      n++;
      if (record === null || typeof record !== "object") throw new InvalidRecordError("record must be an object", { recordNumber: n });
      const rawId = record[idField];
      if (typeof rawId !== "string" && typeof rawId !== "number") {
        throw new InvalidRecordError(`missing id field "${idField}"`, { recordNumber: n, field: idField });
      }
      const id = String(rawId);
      for (const [name, f] of Object.entries(this.manifest.config.fields)) {
        const v = record[name];
        if (f.type === "text" && v !== undefined && v !== null && typeof v !== "string") {
          throw new InvalidRecordError("expected text (a string)", { recordNumber: n, recordId: id, field: name });
        }
      }
      this.deleteId(id);
      const doc = this.builder.add(id, record);
      this.bufferedIds.set(id, doc);
      if (this.builder.docCount >= this.writerOptions.maxBufferedDocs || (n % 1024 === 0 && this.builder.bytesUsed() >= this.writerOptions.ramBufferBytes)) {
        this.flush();
      }
      if (options.onProgress && n % 1000 === 0) options.onProgress(n);
    }
    options.onProgress?.(n);
    return n;
  }

  addDocument(record: Record<string, unknown>): void {
    this.addDocuments([record]);
  }

  /** Deletes documents by id; returns how many existed. Visible at commit(). */
  deleteDocuments(ids: Iterable<string>): number {
    this.ensureOpen();
    let n = 0;
    for (const id of ids) if (this.deleteId(id)) n++;
    return n;
  }

  private deleteId(id: string): boolean {
    let found = false;
    const buffered = this.bufferedIds.get(id);
    if (buffered !== undefined) {
      this.bufferedDeletes.add(buffered);
      this.bufferedIds.delete(id);
      found = true;
    }
    for (const reader of [...this.readers, ...this.pendingReaders]) {
      const live = this.dirtyLiveDocs.get(reader.name) ?? reader.liveDocs;
      const doc = findLive(reader, id, live);
      if (doc >= 0) {
        let bits = this.dirtyLiveDocs.get(reader.name);
        if (!bits) {
          bits = reader.liveDocs ? reader.liveDocs.slice() : new Uint8Array(reader.docCount).fill(1);
          this.dirtyLiveDocs.set(reader.name, bits);
        }
        bits[doc] = 0;
        found = true;
      }
    }
    return found;
  }

  /** Writes buffered documents to a new segment file (not yet committed). */
  private flush(): void {
    if (this.builder.docCount === 0) return;
    const name = `seg_${this.manifest.nextSegment++}`;
    const { meta, sections } = this.builder.build();
    const byteLength = writeSegmentFile(join(this.dir, segmentFileName(name)), meta, sections);
    const entry: SegmentEntry = { name, docCount: meta.docCount, deletedCount: 0, delGen: 0, byteLength };
    const reader = new SegmentReader(name, join(this.dir, segmentFileName(name)));
    if (this.bufferedDeletes.size > 0) {
      const live = new Uint8Array(meta.docCount).fill(1);
      for (const d of this.bufferedDeletes) live[d] = 0;
      this.dirtyLiveDocs.set(name, live);
    }
    this.pendingSegments.push(entry);
    this.pendingReaders.push(reader);
    this.builder = this.newBuilder();
  }

  /** Whether there are changes that commit() would write. */
  hasPendingChanges(): boolean {
    return this.builder.docCount > 0 || this.pendingSegments.length > 0 || this.dirtyLiveDocs.size > 0;
  }

  /**
   * Makes all changes durable and visible: flushes the buffer, writes live-docs
   * files for deletions, then atomically replaces the manifest. Merges segments
   * afterwards when there are too many.
   */
  async commit(userData?: Record<string, unknown>): Promise<void> {
    this.ensureOpen();
    this.flush();
    const generation = this.manifest.generation + 1;
    const segments = [...this.manifest.segments, ...this.pendingSegments].map((s) => ({ ...s }));
    const readers = [...this.readers, ...this.pendingReaders];
    for (const [name, live] of this.dirtyLiveDocs) {
      const entry = segments.find((s) => s.name === name)!;
      entry.delGen = generation;
      entry.deletedCount = live.length - countOnes(live);
      writeFileAtomic(join(this.dir, liveDocsFileName(name, generation)), live);
      readers.find((r) => r.name === name)!.liveDocs = live;
    }
    // drop segments whose every doc is deleted
    const keep = segments.map((s) => s.deletedCount < s.docCount);
    const manifest: Manifest = {
      ...this.manifest,
      generation,
      segments: segments.filter((_, i) => keep[i]),
      userData: userData ? { ...this.manifest.userData, ...userData } : this.manifest.userData,
    };
    writeManifest(this.dir, manifest);
    this.manifest = manifest;
    this.readers = readers.filter((_, i) => keep[i]);
    this.pendingSegments = [];
    this.pendingReaders = [];
    this.dirtyLiveDocs = new Map();
    this.snapshot = new IndexSnapshot(manifest.config, this.readers);
    removeUnreferencedFiles(this.dir, manifest, this.pendingFileNames());
    if (this.writerOptions.maxSegments > 0 && this.readers.length > this.writerOptions.maxSegments && !this.merging) {
      // merge in the background; errors surface at the next waitForMerges() or close()
      this.mergeError = null;
      this.merge({ maxSegments: this.writerOptions.maxSegments }).catch((error: unknown) => {
        this.mergeError = error;
      });
    }
  }

  private mergeError: unknown = null;

  /**
   * Merges segments until at most `maxSegments` remain, merging the smallest
   * adjacent run each time (adjacent, so global document order is kept). The
   * merged file is written on a worker thread while searches and writes go on
   * against the old segments; the manifest swap then makes it visible
   * atomically. Deletions made while a merge ran are carried over to the
   * merged segment. Uncommitted additions are unaffected.
   */
  async merge(options: { maxSegments?: number; inProcess?: boolean } = {}): Promise<void> {
    this.ensureOpen();
    const maxSegments = Math.max(1, options.maxSegments ?? 1);
    if (this.merging) await this.merging.catch(() => undefined);
    const run = (async () => {
      while (this.manifest.segments.length > maxSegments) await this.mergeOnce(maxSegments, options.inProcess ?? false);
    })();
    this.merging = run;
    try {
      await run;
    } finally {
      if (this.merging === run) this.merging = null;
    }
  }

  private async mergeOnce(maxSegments: number, inProcess: boolean): Promise<void> {
    const count = this.manifest.segments.length;
    const mergeCount = Math.min(count, count - maxSegments + 1 + Math.min(8, Math.floor((count - maxSegments) / 2)));
    let bestStart = 0;
    let bestSize = Infinity;
    for (let i = 0; i + mergeCount <= count; i++) {
      let size = 0;
      for (let j = i; j < i + mergeCount; j++) size += this.manifest.segments[j].byteLength;
      if (size < bestSize) {
        bestSize = size;
        bestStart = i;
      }
    }
    const inputs = this.readers.slice(bestStart, bestStart + mergeCount);
    const snapshots = inputs.map((r) => (r.liveDocs ? r.liveDocs.slice() : null));
    const name = `seg_${this.manifest.nextSegment++}`;
    const path = join(this.dir, segmentFileName(name));
    const job = {
      config: this.manifest.config,
      inputs: inputs.map((r, i) => ({ name: r.name, path: join(this.dir, segmentFileName(r.name)), liveDocs: snapshots[i] })),
      outputPath: path,
    };
    this.mergeOutput = segmentFileName(name);
    let outcome: { docCount: number; byteLength: number };
    try {
      outcome = inProcess ? mergeInProcess(job) : await mergeOnWorker(job);
    } finally {
      this.mergeOutput = null;
    }
    const { docCount, byteLength } = outcome;
    if (this.closed) return;
    // map (input, old doc) -> merged doc, exactly as the merger numbered them
    const merged = new SegmentReader(name, path);
    const newLive = new Uint8Array(docCount).fill(1);
    let carried = 0;
    let next = 0;
    inputs.forEach((reader, i) => {
      const before = snapshots[i];
      const committedNow = reader.liveDocs;
      const pendingNow = this.dirtyLiveDocs.get(reader.name);
      for (let d = 0; d < reader.docCount; d++) {
        if (before && before[d] === 0) continue;
        const nd = next++;
        const deletedSince = (committedNow !== null && committedNow[d] === 0) || (pendingNow !== undefined && pendingNow[d] === 0);
        if (deletedSince) {
          newLive[nd] = 0;
          carried++;
        }
      }
      this.dirtyLiveDocs.delete(reader.name);
    });
    const entry: SegmentEntry = { name, docCount, deletedCount: 0, delGen: 0, byteLength };
    const segments = [...this.manifest.segments];
    const at = segments.findIndex((s) => s.name === inputs[0].name);
    segments.splice(at, mergeCount, entry);
    const readers = [...this.readers];
    readers.splice(at, mergeCount, merged);
    if (carried > 0) this.dirtyLiveDocs.set(name, newLive);
    const manifest: Manifest = { ...this.manifest, generation: this.manifest.generation + 1, segments };
    writeManifest(this.dir, manifest);
    this.manifest = manifest;
    this.readers = readers;
    this.snapshot = new IndexSnapshot(manifest.config, readers);
    removeUnreferencedFiles(this.dir, manifest, this.pendingFileNames());
  }

  /** Files of flushed but uncommitted segments and of a merge in flight, which cleanup must keep. */
  private pendingFileNames(): Set<string> {
    const keep = new Set(this.pendingSegments.map((s) => segmentFileName(s.name)));
    if (this.mergeOutput) keep.add(this.mergeOutput);
    return keep;
  }

  private mergeOutput: string | null = null;

  /** Waits for a background merge started by commit() to finish. */
  async waitForMerges(): Promise<void> {
    while (this.merging) await this.merging.catch(() => undefined);
    if (this.mergeError) {
      const error = this.mergeError;
      this.mergeError = null;
      throw error;
    }
  }

  private plannerFor(options: SearchOptions): QueryPlanner {
    const config = this.manifest.config;
    const bm25 = validateBm25({ k1: options.bm25?.k1 ?? config.bm25.k1, b: options.bm25?.b ?? config.bm25.b });
    let defaultFields: Array<{ field: string; boost: number }>;
    if (!options.fields) {
      defaultFields = textFieldNames(config).map((field) => ({ field, boost: (config.fields[field] as { boost: number }).boost }));
    } else if (Array.isArray(options.fields)) {
      defaultFields = (options.fields as string[]).map((field) => ({ field, boost: 1 }));
    } else {
      defaultFields = Object.entries(options.fields as Record<string, number>).map(([field, boost]) => ({ field, boost }));
    }
    for (const { field, boost } of defaultFields) {
      const f = config.fields[field];
      if (!f || f.type !== "text") throw new InvalidArgumentError(`search field "${field}" is not a text field of this index (text fields: ${textFieldNames(config).join(", ")})`);
      if (!(boost >= 0 && Number.isFinite(boost))) throw new InvalidArgumentError(`boost for field "${field}" must be a non-negative number`);
    }
    return new QueryPlanner({ snapshot: this.snapshot, config, analyzerFor: this.analyzerFor, bm25, defaultFields });
  }

  /** Plans a query without running it (for explain and tests). */
  plan(query: string | QueryNode, options: SearchOptions = {}): PlanNode {
    return this.planWith(this.plannerFor(options), query, options);
  }

  private planWith(planner: QueryPlanner, query: string | QueryNode, options: SearchOptions): PlanNode {
    if (typeof query !== "string") return planner.plan(validateQueryNode(query));
    if (options.syntax === "plain") return planner.planBagOfWords(query);
    return planner.plan(parseQuery(query, { defaultOperator: options.defaultOperator }));
  }

  /** Searches the committed documents. */
  search(query: string | QueryNode, options: SearchOptions = {}): SearchResult {
    this.ensureOpen();
    const started = performance.now();
    const k = options.k ?? 10;
    const offset = options.offset ?? 0;
    if (!Number.isInteger(k) || k < 0 || k > 100_000) throw new InvalidArgumentError(`k must be an integer from 0 to 100000, got ${k}`);
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidArgumentError(`offset must be a non-negative integer, got ${offset}`);
    const planner = this.plannerFor(options);
    const plan = this.planWith(planner, query, options);
    const filterPlan = options.filter === undefined ? null : this.planWith(planner, options.filter, { defaultOperator: "and" });
    const facetSpecs = (options.facets ?? []).map((f) => (typeof f === "string" ? { field: f, limit: 10 } : { field: f.field, limit: f.limit ?? 10 }));
    for (const f of facetSpecs) {
      if (this.manifest.config.fields[f.field]?.type !== "keyword") throw new InvalidArgumentError(`facet field "${f.field}" is not a keyword field`);
    }
    const sort = options.sort === undefined ? null : this.checkSort(options.sort);
    const sortScores = new Map<number, number>();
    const exhaustive = options.exactTotalHits === true || facetSpecs.length > 0 || sort !== null;
    const heap = new TopKHeap(k + offset);
    const flat = exhaustive ? null : flattenTermDisjunction(plan);
    const facetCounts = facetSpecs.map(() => new Map<string, number>());
    let totalHits = 0;
    let exact = true;

    this.snapshot.segments.forEach((segment, s) => {
      const base = this.snapshot.bases[s];
      const live = segment.liveDocs;
      const filter = filterPlan ? segmentFilterBits(filterPlan, segment) : null;
      const accept =
        live || filter
          ? (doc: number) => (live === null || live[doc] === 1) && (filter === null || filter[doc] === 1)
          : null;
      if (flat) {
        const clauses: TermScorer[] = [];
        const groups: number[] = [];
        for (const { node, group } of flat) {
          const scorer = buildScorer(node, segment);
          if (scorer instanceof TermScorer) {
            clauses.push(scorer);
            groups.push(group);
          }
        }
        const groupCount = groups.length ? Math.max(...groups) + 1 : 0;
        const scored = collectMaxScore(clauses, Int32Array.from(groups), groupCount, heap, { base, accept });
        totalHits += scored;
        exact = false;
      } else {
        const scorer = buildScorer(plan, segment);
        const facetReaders = facetSpecs.map((f) => segment.keywords.get(f.field));
        const ordCounts = facetReaders.map((r) => (r ? new Uint32Array(r.valueCount) : null));
        const onMatch =
          facetSpecs.length > 0
            ? (doc: number) => {
                for (let i = 0; i < facetReaders.length; i++) {
                  const r = facetReaders[i];
                  if (!r) continue;
                  const counts = ordCounts[i]!;
                  for (let j = r.docOffsets[doc]; j < r.docOffsets[doc + 1]; j++) counts[r.ords[j]]++;
                }
              }
            : undefined;
        if (sort) {
          const values = segment.numerics.get(sort.field) ?? null;
          totalHits += collectSorted(scorer, heap, values, sort.order === "desc", sortScores, { base, accept, onMatch });
        } else {
          totalHits += collectAll(scorer, heap, { base, accept, onMatch });
        }
        facetReaders.forEach((r, i) => {
          if (!r) return;
          const counts = ordCounts[i]!;
          for (let o = 0; o < counts.length; o++) {
            if (counts[o] > 0) {
              const v = r.valueAt(o);
              facetCounts[i].set(v, (facetCounts[i].get(v) ?? 0) + counts[o]);
            }
          }
        });
      }
    });
    const ranked = heap.sorted().slice(offset);
    const hits: SearchHit[] = ranked.map(({ score, doc }) => {
      const [s, local] = this.snapshot.locate(doc);
      const hit: SearchHit = sort
        ? { id: this.snapshot.segments[s].idOf(local), score: sortScores.get(doc)!, sortValue: score === -Infinity ? null : sort.order === "desc" ? score : -score }
        : { id: this.snapshot.segments[s].idOf(local), score };
      if (options.explain) hit.explanation = this.explainDoc(plan, s, local) ?? undefined;
      return hit;
    });
    const result: SearchResult = { hits, totalHits: Math.max(totalHits, heap.size), totalHitsExact: exact, tookMs: 0 };
    if (facetSpecs.length > 0) {
      result.facets = {};
      facetSpecs.forEach((f, i) => {
        result.facets![f.field] = [...facetCounts[i]]
          .map(([value, count]) => ({ value, count }))
          .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
          .slice(0, f.limit);
      });
    }
    result.tookMs = performance.now() - started;
    return result;
  }

  private checkSort(sort: { field: string; order?: "asc" | "desc" }): { field: string; order: "asc" | "desc" } {
    const type = this.manifest.config.fields[sort.field]?.type;
    if (type !== "number" && type !== "date") {
      throw new InvalidArgumentError(`sort field "${sort.field}" must be a number or date field${type ? `, not ${type}` : " of the index"}`);
    }
    const order = sort.order ?? "desc";
    if (order !== "asc" && order !== "desc") throw new InvalidArgumentError(`sort order must be "asc" or "desc", got ${JSON.stringify(order)}`);
    return { field: sort.field, order };
  }

  /** Explains how `id` scores for `query` (null when the document does not match or does not exist). */
  explain(query: string | QueryNode, id: string, options: SearchOptions = {}): Explanation | null {
    this.ensureOpen();
    const plan = this.plan(query, options);
    for (let s = 0; s < this.snapshot.segments.length; s++) {
      const doc = this.snapshot.segments[s].findDoc(id);
      if (doc >= 0) return this.explainDoc(plan, s, doc);
    }
    return null;
  }

  private explainDoc(plan: PlanNode, segmentIndex: number, doc: number): Explanation | null {
    const scorer = buildScorer(plan, this.snapshot.segments[segmentIndex]);
    if (scorer.advance(doc) !== doc) return null;
    return scorer.explain();
  }

  /** Number of live committed documents. */
  get documentCount(): number {
    return this.snapshot.liveDocCount();
  }

  /** Documents whose `field` holds the (already analyzed) term, over committed segments, as BM25's idf counts them. */
  docFreq(field: string, term: string): number {
    return this.snapshot.docFreq(field, encodeUtf8(term));
  }

  stats(): IndexStats {
    let bytes = 0;
    for (const file of readdirSync(this.dir)) bytes += statSync(join(this.dir, file)).size;
    const fields: IndexStats["fields"] = {};
    for (const name of textFieldNames(this.manifest.config)) {
      const st = this.snapshot.stats(name);
      fields[name] = { docCount: st.docCount, sumTotalTermFreq: st.sumTotalTermFreq, avgLength: st.docCount ? st.sumTotalTermFreq / st.docCount : 0 };
    }
    const documents = this.snapshot.liveDocCount();
    return { documents, deletedDocuments: this.snapshot.maxDoc - documents, segments: this.readers.length, bytesOnDisk: bytes, fields };
  }

  /** Closes the index after any running merge; uncommitted changes are discarded (their files are removed on next open). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.waitForMerges().catch(() => undefined);
    this.closed = true;
    this.readers = [];
    this.pendingReaders = [];
    this.lock.release();
  }
}

function countOnes(bits: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) n += bits[i];
  return n;
}

function findLive(reader: SegmentReader, id: string, live: Uint8Array | null): number {
  const saved = reader.liveDocs;
  reader.liveDocs = live;
  try {
    return reader.findDoc(id);
  } finally {
    reader.liveDocs = saved;
  }
}

/** A filter plan evaluated to a bitset for one segment (non-scoring). */
function segmentFilterBits(plan: PlanNode, segment: SegmentReader): Uint8Array {
  if (plan.kind === "filter") return filterBits(plan.spec, segment);
  const bits = new Uint8Array(segment.docCount);
  const scorer = buildScorer(plan, segment);
  for (let d = scorer.nextDoc(); d !== 0x7fffffff; d = scorer.nextDoc()) bits[d] = 1;
  return bits;
}
