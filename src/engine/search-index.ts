/**
 * A search index on disk: immutable segments plus an atomically replaced
 * manifest (see ARCHITECTURE.md). This class is a thin front over the parts
 * that do the work: `IndexWriter` (buffering, deletes, flush, commit, merges
 * chosen by a `MergePolicy`), and an `IndexSearcher` per committed snapshot
 * (queries, collectors). Adding a document whose id exists replaces it.
 * Reopening reads the manifest and the segment files; nothing is rebuilt.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { TroveError } from "../core/errors.js";
import { lockDirectory } from "../core/dir-lock.js";
import type { Analyzer } from "../text/analyzer.js";
import { getAnalyzer } from "../text/registry.js";
import type { PlanNode } from "../lexical/query-plan.js";
import type { Explanation } from "../lexical/scorer.js";
import { toIndexConfig, textFieldNames, type IndexConfig, type IndexOptions } from "../segment/index-config.js";
import { MANIFEST_FORMAT, MANIFEST_VERSION, readManifest, removeUnreferencedFiles, writeManifest, type Manifest } from "../segment/manifest.js";
import { IndexSearcher, type ScoringOptions, type SearchOptions, type SearchQuery, type SearchResult, type VectorSearchOptions } from "./index-searcher.js";
import { IndexWriter, type WriterOptions } from "./index-writer.js";
import type { SparseSearchOptions, SparseSearchResult } from "./sparse-search.js";
import { SmallestRunMergePolicy } from "./merge-policy.js";

export type { SearchOptions, SearchResult, SearchHit, FacetCount, VectorSearchOptions, SearchQuery, ScoringOptions } from "./index-searcher.js";
export type { WriterOptions } from "./index-writer.js";
export type { SparseSearchOptions, SparseSearchResult } from "./sparse-search.js";

export interface IndexStats {
  documents: number;
  deletedDocuments: number;
  segments: number;
  bytesOnDisk: number;
  fields: Record<string, { docCount: number; sumTotalTermFreq: number; avgLength: number }>;
}

export class SearchIndex {
  private readonly analyzers = new Map<string, Analyzer>();
  private readonly writer: IndexWriter;
  private searcher: IndexSearcher;

  private constructor(
    readonly dir: string,
    manifest: Manifest,
    writerOptions: WriterOptions,
    lock: ReturnType<typeof lockDirectory>,
  ) {
    this.writer = new IndexWriter(dir, manifest, writerOptions, lock, this.analyzerFor);
    this.searcher = new IndexSearcher(this.writer.snapshot, this.analyzerFor);
  }

  /** Creates an empty index in `dir` (which must not hold an index unless overwrite is set). */
  static async create(dir: string, options: IndexOptions & { overwrite?: boolean; writer?: WriterOptions }): Promise<SearchIndex> {
    const config = toIndexConfig(options);
    for (const f of Object.values(config.fields)) if (f.type === "text") getAnalyzer(f.analyzer);
    mkdirSync(dir, { recursive: true });
    if (existsSync(join(dir, "manifest.json")) && !options.overwrite) {
      throw new TroveError("CONFLICT", `an index already exists at ${dir} (open it, or pass overwrite to replace it)`);
    }
    const manifest: Manifest = { format: MANIFEST_FORMAT, formatVersion: MANIFEST_VERSION, generation: 1, nextSegment: 1, config, segments: [], userData: {} };
    const lock = lockDirectory(dir, "index");
    try {
      writeManifest(dir, manifest);
      removeUnreferencedFiles(dir, manifest, new Set(), true);
      return new SearchIndex(dir, manifest, options.writer ?? {}, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Opens an existing index; leftovers of an interrupted commit are removed. */
  static async open(dir: string, options: { writer?: WriterOptions } = {}): Promise<SearchIndex> {
    // read first: a missing or broken index is reported as such, not as a lock problem
    readManifest(dir);
    const lock = lockDirectory(dir, "index");
    try {
      // read again under the lock: the previous writer may have committed meanwhile
      const manifest = readManifest(dir);
      removeUnreferencedFiles(dir, manifest, new Set(), true);
      return new SearchIndex(dir, manifest, options.writer ?? {}, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, "manifest.json"));
  }

  get config(): IndexConfig {
    return this.writer.committed.config;
  }

  get userData(): Readonly<Record<string, unknown>> {
    return this.writer.committed.userData;
  }

  private analyzerFor = (name: string): Analyzer => {
    let a = this.analyzers.get(name);
    if (!a) {
      a = getAnalyzer(name);
      this.analyzers.set(name, a);
    }
    return a;
  };

  private ensureOpen(): void {
    if (this.writer.isClosed) throw new TroveError("CONFLICT", `the index at ${this.dir} is closed`);
  }

  /** The searcher over the latest committed snapshot (a new one after each commit or merge). */
  private currentSearcher(): IndexSearcher {
    this.ensureOpen();
    if (this.searcher.snapshot !== this.writer.snapshot) this.searcher = new IndexSearcher(this.writer.snapshot, this.analyzerFor);
    return this.searcher;
  }

  /** Adds (or replaces, by id) documents; they become searchable at commit(). */
  addDocuments(records: Iterable<Record<string, unknown>>, options: { onProgress?: (added: number) => void } = {}): number {
    return this.writer.addDocuments(records, options);
  }

  addDocument(record: Record<string, unknown>): void {
    this.writer.addDocuments([record]);
  }

  /** Deletes documents by id; returns how many existed. Visible at commit(). */
  deleteDocuments(ids: Iterable<string>): number {
    return this.writer.deleteDocuments(ids);
  }

  /** Whether there are changes that commit() would write. */
  hasPendingChanges(): boolean {
    return this.writer.hasPendingChanges();
  }

  /** Makes all changes durable and visible (see IndexWriter.commit). */
  async commit(userData?: Record<string, unknown>): Promise<void> {
    await this.writer.commit(userData);
  }

  /** Merges segments until at most `maxSegments` (default 1) remain, adjacent runs with the fewest bytes first. */
  async merge(options: { maxSegments?: number; inProcess?: boolean } = {}): Promise<void> {
    await this.writer.merge(new SmallestRunMergePolicy(options.maxSegments ?? 1), { inProcess: options.inProcess });
  }

  /** Waits for a background merge started by commit() to finish. */
  async waitForMerges(): Promise<void> {
    await this.writer.waitForMerges();
  }

  /** Plans a query without running it (for explain and tests). */
  plan(query: SearchQuery, options: SearchOptions = {}): PlanNode {
    return this.currentSearcher().plan(query, options);
  }

  /** Searches the committed documents. */
  search(query: SearchQuery, options: SearchOptions = {}): SearchResult {
    return this.currentSearcher().search(query, options);
  }

  /** Nearest-neighbour search over a vector field (see IndexSearcher.searchVector). */
  searchVector(options: VectorSearchOptions): SearchResult {
    return this.currentSearcher().searchVector(options);
  }

  /** Learned-sparse search over a sparse vector field: approximate (Seismic) or exact top-k by inner product. */
  searchSparse(options: SparseSearchOptions): SparseSearchResult {
    return this.currentSearcher().searchSparse(options);
  }

  /** The stored sparse vector of document `id` in sparse vector field `field`, or null. */
  sparseVectorOf(id: string, field: string): Record<string, number> | null {
    return this.currentSearcher().sparseVectorOf(id, field);
  }

  /** The stored vector of document `id` in vector field `field`, or null. */
  vectorOf(id: string, field: string): Float32Array | null {
    return this.currentSearcher().vectorOf(id, field);
  }

  /** Explains how `id` scores for `query` (null when the document does not match or does not exist). */
  explain(query: SearchQuery, id: string, options: SearchOptions = {}): Explanation | null {
    return this.currentSearcher().explain(query, id, options);
  }

  /** Number of live committed documents. */
  get documentCount(): number {
    return this.writer.snapshot.liveDocCount();
  }

  /** Documents whose `field` holds the (already analyzed) term, over committed segments, as BM25's idf counts them. */
  docFreq(field: string, term: string): number {
    return this.currentSearcher().docFreq(field, term);
  }

  /** Each document's score for `query` as search ranks it (0 where it does not match); see IndexSearcher.scoreDocuments. */
  scoreDocuments(query: SearchQuery, ids: readonly string[], options: ScoringOptions = {}): Float64Array {
    return this.currentSearcher().scoreDocuments(query, ids, options);
  }

  /** Each document's length in a text field as BM25 sees it (decoded norm). */
  fieldLengths(ids: readonly string[], field: string): Float64Array {
    return this.currentSearcher().fieldLengths(ids, field);
  }

  /** Each document's value of a number or date field; NaN where there is none. */
  numericValues(ids: readonly string[], field: string): Float64Array {
    return this.currentSearcher().numericValues(ids, field);
  }

  /** The terms a text field's analyzer makes of `text` (with positions). */
  analyze(field: string, text: string): Array<{ term: string; position: number }> {
    return this.currentSearcher().analyze(field, text);
  }

  stats(): IndexStats {
    const snapshot = this.writer.snapshot;
    let bytes = 0;
    for (const file of readdirSync(this.dir)) bytes += statSync(join(this.dir, file)).size;
    const fields: IndexStats["fields"] = {};
    for (const name of textFieldNames(this.config)) {
      const st = snapshot.stats(name);
      fields[name] = { docCount: st.docCount, sumTotalTermFreq: st.sumTotalTermFreq, avgLength: st.docCount ? st.sumTotalTermFreq / st.docCount : 0 };
    }
    const documents = snapshot.liveDocCount();
    return { documents, deletedDocuments: snapshot.maxDoc - documents, segments: snapshot.segments.length, bytesOnDisk: bytes, fields };
  }

  /** Closes the index after any running merge; uncommitted changes are discarded (their files are removed on next open). */
  async close(): Promise<void> {
    await this.writer.close();
  }
}
