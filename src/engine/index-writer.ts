/**
 * The write side of a search index: buffers added documents, records deletions,
 * flushes buffered documents into new immutable segments, commits (live-docs
 * files, then an atomic manifest swap) and runs merges chosen by the merge
 * policy on a worker thread. Each commit and merge publishes a new
 * IndexSnapshot; searches use whichever snapshot they started with.
 */
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { InvalidRecordError, TroveError } from "../core/errors.js";
import { writeFileAtomic } from "../core/atomic-file.js";
import { sparseVectorProblem } from "../core/schema.js";
import type { DirLock } from "../core/dir-lock.js";
import type { Analyzer } from "../text/analyzer.js";
import {
  liveDocsFileName,
  removeUnreferencedFiles,
  segmentFileName,
  writeManifest,
  type Manifest,
  type SegmentEntry,
} from "../segment/manifest.js";
import { mergeInProcess, mergeOnWorker } from "../segment/merge-worker.js";
import { SegmentBuilder } from "../segment/segment-builder.js";
import { writeSegmentFile } from "../segment/segment-file.js";
import { SegmentReader } from "../segment/segment-reader.js";
import { IndexSnapshot } from "./index-snapshot.js";
import { SmallestRunMergePolicy, type MergePolicy } from "./merge-policy.js";

export interface WriterOptions {
  /** Flush a segment when buffered postings pass this many bytes (default 256 MiB). */
  ramBufferBytes?: number;
  /** Flush a segment every this many documents (default 250,000). */
  maxBufferedDocs?: number;
  /** Merge when there are more segments than this after a commit (default 8); 0 disables merging. */
  maxSegments?: number;
}

const DEFAULT_WRITER: Required<WriterOptions> = { ramBufferBytes: 256 * 1024 * 1024, maxBufferedDocs: 250_000, maxSegments: 8 };

export class IndexWriter {
  private manifest: Manifest;
  private readers: SegmentReader[];
  private current: IndexSnapshot;
  private builder: SegmentBuilder;
  /** Segments flushed since the last commit (not yet in the manifest). */
  private pendingSegments: SegmentEntry[] = [];
  private pendingReaders: SegmentReader[] = [];
  /** Buffered doc numbers by id, for replacing a doc added twice before a flush. */
  private bufferedIds = new Map<string, number>();
  private bufferedDeletes = new Set<number>();
  /** Live-docs changes to committed segments not yet written: segment name -> live docs. */
  private dirtyLiveDocs = new Map<string, Uint8Array>();
  private readonly options: Required<WriterOptions>;
  private readonly mergePolicy: MergePolicy | null;
  private closed = false;
  /** The running merge, if any, and the error of the last background merge. */
  private merging: Promise<void> | null = null;
  private mergeError: unknown = null;
  /** Files of the running merge's inputs (cleanup must keep them until it ends). */
  private mergeInputs: string[] = [];
  /** File name of a merge output being written (cleanup must keep it). */
  private mergeOutput: string | null = null;

  constructor(
    readonly dir: string,
    manifest: Manifest,
    options: WriterOptions,
    /** This process's write lock on `dir`, released by close(). */
    private readonly lock: DirLock,
    private readonly analyzerFor: (name: string) => Analyzer,
  ) {
    this.manifest = manifest;
    this.options = { ...DEFAULT_WRITER, ...options };
    this.mergePolicy = this.options.maxSegments > 0 ? new SmallestRunMergePolicy(this.options.maxSegments) : null;
    this.readers = manifest.segments.map((s) => this.openSegment(s));
    this.current = new IndexSnapshot(manifest.config, this.readers);
    this.builder = this.newBuilder();
  }

  /** The last committed manifest. */
  get committed(): Manifest {
    return this.manifest;
  }

  /** What searches see: the segments of the last commit or merge. */
  get snapshot(): IndexSnapshot {
    return this.current;
  }

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
        if (v === undefined || v === null) continue;
        if (f.type === "text" && typeof v !== "string") {
          throw new InvalidRecordError("expected text (a string)", { recordNumber: n, recordId: id, field: name });
        }
        if (f.type === "vector") checkVectorValue(v, f.dimensions, f.metric, { recordNumber: n, recordId: id, field: name });
        if (f.type === "sparse_vector") {
          const problem = sparseVectorProblem(v);
          if (problem) throw new InvalidRecordError(problem, { recordNumber: n, recordId: id, field: name });
        }
      }
      this.deleteId(id);
      const doc = this.builder.add(id, record);
      this.bufferedIds.set(id, doc);
      if (this.builder.docCount >= this.options.maxBufferedDocs || (n % 1024 === 0 && this.builder.bytesUsed() >= this.options.ramBufferBytes)) {
        this.flush();
      }
      if (options.onProgress && n % 1000 === 0) options.onProgress(n);
    }
    options.onProgress?.(n);
    return n;
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
    const { meta, sections, lazy } = this.builder.build();
    const byteLength = writeSegmentFile(join(this.dir, segmentFileName(name)), meta, sections, lazy);
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
   * files for deletions, then atomically replaces the manifest. Starts a merge
   * in the background when the merge policy finds one.
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
    this.current = new IndexSnapshot(manifest.config, this.readers);
    removeUnreferencedFiles(this.dir, manifest, this.pendingFileNames());
    if (this.mergePolicy?.findMerge(this.manifest.segments) && !this.merging) {
      // merge in the background; errors surface at the next waitForMerges() or close()
      this.mergeError = null;
      this.merge(this.mergePolicy).catch((error: unknown) => {
        this.mergeError = error;
      });
    }
  }

  /**
   * Runs the merges `policy` finds until it finds none. Each merged file is
   * written on a worker thread (or in this thread with `inProcess`) while
   * searches and writes go on against the old segments; the manifest swap then
   * makes it visible atomically. Deletions made while a merge ran are carried
   * over to the merged segment. Uncommitted additions are unaffected.
   */
  async merge(policy: MergePolicy, options: { inProcess?: boolean } = {}): Promise<void> {
    this.ensureOpen();
    if (this.merging) await this.merging.catch(() => undefined);
    const run = (async () => {
      for (let spec = policy.findMerge(this.manifest.segments); spec && !this.closed; spec = policy.findMerge(this.manifest.segments)) {
        await this.mergeRun(spec.start, spec.count, options.inProcess ?? false);
      }
    })();
    this.merging = run;
    try {
      await run;
    } finally {
      if (this.merging === run) this.merging = null;
    }
  }

  private async mergeRun(start: number, count: number, inProcess: boolean): Promise<void> {
    const inputs = this.readers.slice(start, start + count);
    const snapshots = inputs.map((r) => (r.liveDocs ? r.liveDocs.slice() : null));
    const name = `seg_${this.manifest.nextSegment++}`;
    const path = join(this.dir, segmentFileName(name));
    const job = {
      config: this.manifest.config,
      inputs: inputs.map((r, i) => ({ name: r.name, path: join(this.dir, segmentFileName(r.name)), liveDocs: snapshots[i] })),
      outputPath: path,
    };
    this.mergeOutput = segmentFileName(name);
    // a commit meanwhile may drop an input whose documents were all deleted: its file must stay until the merge read it
    this.mergeInputs = inputs.map((r) => segmentFileName(r.name));
    let outcome: { docCount: number; byteLength: number };
    try {
      outcome = inProcess ? mergeInProcess(job) : await mergeOnWorker(job);
    } finally {
      this.mergeOutput = null;
      this.mergeInputs = [];
    }
    const { docCount, byteLength } = outcome;
    if (this.closed) return;
    // map (input, old doc) -> merged doc, exactly as the merger numbered them
    const merged = new SegmentReader(name, path);
    // deletions made while the merge ran: committed ones are written with this manifest (a commit meanwhile may even
    // have dropped an input whose documents were all deleted), pending ones stay pending for the next commit
    const committedLive = new Uint8Array(docCount).fill(1);
    const pendingLive = new Uint8Array(docCount).fill(1);
    let committedDeleted = 0;
    let pendingDeleted = 0;
    let next = 0;
    inputs.forEach((reader, i) => {
      const before = snapshots[i];
      const committedNow = reader.liveDocs;
      const pendingNow = this.dirtyLiveDocs.get(reader.name);
      for (let d = 0; d < reader.docCount; d++) {
        if (before && before[d] === 0) continue;
        const nd = next++;
        if (committedNow !== null && committedNow[d] === 0) {
          committedLive[nd] = 0;
          pendingLive[nd] = 0;
          committedDeleted++;
        } else if (pendingNow !== undefined && pendingNow[d] === 0) {
          pendingLive[nd] = 0;
          pendingDeleted++;
        }
      }
      this.dirtyLiveDocs.delete(reader.name);
    });
    const generation = this.manifest.generation + 1;
    const entry: SegmentEntry = { name, docCount, deletedCount: 0, delGen: 0, byteLength };
    if (committedDeleted > 0) {
      entry.delGen = generation;
      entry.deletedCount = committedDeleted;
      writeFileAtomic(join(this.dir, liveDocsFileName(name, generation)), committedLive);
      merged.liveDocs = committedLive;
    }
    // replace exactly the inputs still in the manifest; they are adjacent, and segments written meanwhile come after
    // them, so the merged segment takes the first one's place (or none, when every document was deleted)
    const inputNames = new Set(inputs.map((r) => r.name));
    const at = this.manifest.segments.findIndex((s) => inputNames.has(s.name));
    const segments = this.manifest.segments.filter((s) => !inputNames.has(s.name));
    const readers = this.readers.filter((r) => !inputNames.has(r.name));
    if (at >= 0 && committedDeleted < docCount) {
      segments.splice(at, 0, entry);
      readers.splice(at, 0, merged);
      if (pendingDeleted > 0) this.dirtyLiveDocs.set(name, pendingLive);
    }
    const manifest: Manifest = { ...this.manifest, generation, segments };
    writeManifest(this.dir, manifest);
    this.manifest = manifest;
    this.readers = readers;
    this.current = new IndexSnapshot(manifest.config, readers);
    removeUnreferencedFiles(this.dir, manifest, this.pendingFileNames());
  }

  /** Files of flushed but uncommitted segments and of a merge in flight, which cleanup must keep. */
  private pendingFileNames(): Set<string> {
    const keep = new Set(this.pendingSegments.map((s) => segmentFileName(s.name)));
    if (this.mergeOutput) keep.add(this.mergeOutput);
    for (const input of this.mergeInputs) keep.add(input);
    return keep;
  }

  /** Waits for a background merge started by commit() to finish; rethrows its error. */
  async waitForMerges(): Promise<void> {
    while (this.merging) await this.merging.catch(() => undefined);
    if (this.mergeError) {
      const error = this.mergeError;
      this.mergeError = null;
      throw error;
    }
  }

  /** Waits for any running merge, then releases the lock; uncommitted changes are discarded (their files are removed on next open). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.waitForMerges().catch(() => undefined);
    this.closed = true;
    this.readers = [];
    this.pendingReaders = [];
    this.lock.release();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

function checkVectorValue(value: unknown, dimensions: number, metric: string, where: { recordNumber: number; recordId: string; field: string }): void {
  const list = value as ArrayLike<unknown>;
  if (!(Array.isArray(value) || value instanceof Float32Array) || list.length !== dimensions) {
    throw new InvalidRecordError(`expected a list of ${dimensions} finite numbers`, where);
  }
  let zero = true;
  for (let i = 0; i < dimensions; i++) {
    const x = list[i];
    if (typeof x !== "number" || !Number.isFinite(x)) throw new InvalidRecordError(`expected a list of ${dimensions} finite numbers (position ${i} is not)`, where);
    if (x !== 0) zero = false;
  }
  if (zero && metric === "cosine") throw new InvalidRecordError("a cosine vector cannot be all zeros (it has no direction)", where);
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
