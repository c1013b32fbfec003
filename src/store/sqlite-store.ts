/**
 * The embedded store: one local SQLite file (better-sqlite3), the default
 * behind the `Store` interface.
 *
 * Durability: WAL journal with `synchronous=FULL`. Every commit fsyncs the
 * WAL, so a committed write survives a process crash, an OS crash and a power
 * cut, and an interrupted write (uncommitted WAL frames) is discarded when
 * the file is next opened. NORMAL would also survive a process crash but may
 * lose the last commits on power loss; the store would then hand out sequence
 * numbers that a derived index had already applied, and the index would
 * silently diverge. One fsync per commit is cheap because writes come in
 * batches (one transaction per putRecords call).
 *
 * Connections: a writer and a reader on the same file. Writes are serialized
 * through an in-process queue (shared by every SqliteStore open on the same
 * file in this process, so two instances never wait on each other's SQLite
 * lock while both hold the event loop) and run on the writer; a putRecords call keeps
 * one transaction open across its batches (and the awaits between them), so
 * every other writer-connection statement must wait for it. Reads use the
 * reader connection and, thanks to WAL, see the last committed state without
 * waiting for a long import. Other processes may open the same file; SQLite's
 * lock serializes their writes (a writer that waits more than the busy
 * timeout gets a ConflictError).
 *
 * Change notices (`watch`): every write of this process is announced to the
 * watchers of every SqliteStore open on the file in this process as soon as
 * it commits; writes of other processes are found by polling SQLite's
 * `data_version` (once a second by default, only while someone watches).
 *
 * File layout and migrations: sqlite-migrations.ts.
 */
import Database from "better-sqlite3";
import { existsSync, realpathSync, statSync } from "node:fs";
import { makePrivateDir, touchPrivateFile } from "../core/private-files.js";
import { dirname, join, resolve } from "node:path";
import { InvalidArgumentError, InvalidFileError, NotFoundError, TroveError } from "../core/errors.js";
import { checkSchemaUpdate } from "./schema-update.js";
import { normalizeSchema, type CollectionSchema, type StoredRecord } from "../core/schema.js";
import { ChangeWatchers, type NoticeSource } from "./change-watchers.js";
import { ConflictError } from "./errors.js";
import { nonJsonProblem } from "./plain-json.js";
import { checkRecordSource, insertConflictReason, prepareBatches, prepareRecord, resolveBatchSize } from "./record-batches.js";
import { LATEST_VERSION, MIGRATIONS, TROVE_APPLICATION_ID } from "./sqlite-migrations.js";
import {
  checkLimit,
  checkSeq,
  DEFAULT_PAGE,
  normalizeRecordId,
  validateCollectionName,
  validateMetaKey,
  type Change,
  type ChangeNotice,
  type CollectionInfo,
  type JsonValue,
  type NormalizedSchema,
  type PutOptions,
  type PutResult,
  type RecordId,
  type RejectedRecord,
  type ScanOptions,
  type ScannedRecord,
  type Store,
  type VersionedRecord,
} from "./store.js";

/** File name used when the store location is a directory. */
export const STORE_FILE_NAME = "trove.db";

const BUSY_TIMEOUT_MS = 5000;

interface CollectionRow {
  cid: number;
  name: string;
  schema: string;
  created_at: string;
  created_seq: number;
}

/** Prepared statements, one set per connection role. */
interface WriterStatements {
  collectionByName: Database.Statement<[string], CollectionRow>;
  lastSeq: Database.Statement<[], number>;
  setLastSeq: Database.Statement<[number]>;
  addCount: Database.Statement<[number, number]>;
  insertCollection: Database.Statement<[string, string, string, number]>;
  setSchema: Database.Statement<[string, number]>;
  deleteCollection: Database.Statement<[number]>;
  deleteCollectionRecords: Database.Statement<[number]>;
  lookup: Database.Statement<[number, string], { seq: number; live: number }>;
  insertRecord: Database.Statement<[number, number, string, string]>;
  rewriteRecord: Database.Statement<[number, string | null, number]>;
  setMeta: Database.Statement<[string, string, string]>;
  deleteMeta: Database.Statement<[string]>;
}

interface ReaderStatements {
  collectionByName: Database.Statement<[string], CollectionRow>;
  collections: Database.Statement<[], CollectionRow>;
  recordInCollection: Database.Statement<[string, string], { body: string | null }>;
  versionedRecord: Database.Statement<[string, string], { seq: number | null; body: string | null }>;
  record: Database.Statement<[number, string], string | null>;
  count: Database.Statement<[number], number>;
  scan: Database.Statement<[number, number, number], { seq: number; id: string; body: string }>;
  changes: Database.Statement<[number, number, number], { seq: number; id: string; body: string | null }>;
  latestSeq: Database.Statement<[number], number>;
  meta: Database.Statement<[string], string>;
  lastSeq: Database.Statement<[], number>;
}

export class SqliteStore implements Store {
  /** Absolute path of the database file. */
  readonly location: string;
  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  private readonly w: WriterStatements;
  private readonly r: ReaderStatements;
  /** The in-process write queue for this file. */
  private readonly queue: WriteQueue;
  private readonly watchers = new ChangeWatchers();
  private closed = false;

  /**
   * Opens (creating if needed) a store. `location` is a directory (the store
   * is `<dir>/trove.db`) or a file path ending in .db, .sqlite or .sqlite3;
   * an existing path is used as what it is. Missing parent directories are
   * created. A file that is not a Trove store is refused with InvalidFileError
   * and left untouched.
   */
  static open(location: string): SqliteStore {
    return new SqliteStore(resolveStoreFile(location));
  }

  private constructor(file: string) {
    this.location = file;
    this.writer = openWriter(file);
    let reader: Database.Database | undefined;
    try {
      reader = openConnection(file);
      reader.pragma("query_only = ON");
      this.reader = reader;
      this.w = prepareWriter(this.writer);
      this.r = prepareReader(reader);
      this.queue = WriteQueue.acquire(file, this.watchers);
      this.watchers.attach(new DataVersionPoll(reader, this.r.lastSeq, this.watchers, SQLITE_POLL_INTERVAL_MS));
    } catch (error) {
      reader?.close();
      this.writer.close();
      throw mapSqliteError(error, file);
    }
  }

  async createCollection(name: string, schema: CollectionSchema): Promise<CollectionInfo> {
    this.assertOpen();
    validateCollectionName(name);
    const normalized = normalizeSchema(schema);
    const info = await this.exclusive(() =>
      this.writer
        .transaction(() => {
          if (this.w.collectionByName.get(name)) throw new ConflictError(`collection "${name}" already exists in ${this.location}`);
          const seq = this.w.lastSeq.get()! + 1;
          const createdAt = new Date().toISOString();
          this.w.insertCollection.run(name, JSON.stringify(normalized), createdAt, seq);
          this.w.setLastSeq.run(seq);
          return { name, schema: normalized, createdAt, createdSeq: seq };
        })
        .immediate(),
    );
    this.announce({ collection: name, seq: info.createdSeq });
    return info;
  }

  async getCollection(name: string): Promise<CollectionInfo> {
    return toInfo(this.readCollection(name));
  }

  async updateSchema(name: string, schema: CollectionSchema): Promise<CollectionInfo> {
    this.assertOpen();
    validateCollectionName(name);
    return this.exclusive(() =>
      this.writer
        .transaction(() => {
          const row = this.w.collectionByName.get(name);
          if (!row) throw missingCollection(name, this.location);
          const normalized = checkSchemaUpdate(name, JSON.parse(row.schema) as NormalizedSchema, schema);
          this.w.setSchema.run(JSON.stringify(normalized), row.cid);
          return toInfo({ ...row, schema: JSON.stringify(normalized) });
        })
        .immediate(),
    );
  }

  async listCollections(): Promise<CollectionInfo[]> {
    this.assertOpen();
    return this.read(() => this.r.collections.all()).map(toInfo);
  }

  async dropCollection(name: string): Promise<boolean> {
    this.assertOpen();
    validateCollectionName(name);
    const dropped = await this.exclusive(() =>
      this.writer
        .transaction(() => {
          const row = this.w.collectionByName.get(name);
          if (!row) return false;
          this.w.deleteCollectionRecords.run(row.cid);
          this.w.deleteCollection.run(row.cid);
          return true;
        })
        .immediate(),
    );
    if (dropped) this.announce({ collection: name, seq: this.r.lastSeq.get()! }, true);
    return dropped;
  }

  async putRecords(collection: string, records: Iterable<unknown> | AsyncIterable<unknown>, options: PutOptions = {}): Promise<PutResult> {
    this.assertOpen();
    validateCollectionName(collection);
    checkRecordSource(records);
    const mode = options.mode ?? "upsert";
    if (mode !== "upsert" && mode !== "insert") throw new InvalidArgumentError(`mode must be "upsert" or "insert", got ${JSON.stringify(mode)}`);
    const batchSize = resolveBatchSize(options.batchSize);
    const skipInvalid = options.skipInvalid === true;

    return this.exclusive(async () => {
      const w = this.w;
      this.begin();
      try {
        const row = w.collectionByName.get(collection);
        if (!row) throw missingCollection(collection, this.location);
        const schema = JSON.parse(row.schema) as NormalizedSchema;
        const rejected: RejectedRecord[] = [];
        let seq = w.lastSeq.get()!;
        let inserted = 0;
        let updated = 0;
        const batches = prepareBatches(schema, records, {
          batchSize,
          skipInvalid,
          signal: options.signal,
          rejected,
          what: `putRecords into "${collection}"`,
        });
        for await (const batch of batches) {
          for (const record of batch.records) {
            // Try the insert first (one statement for a new id); look up the existing row only on conflict.
            if (w.insertRecord.run(seq + 1, row.cid, record.id, record.json).changes === 1) {
              seq++;
              inserted++;
              continue;
            }
            const existing = w.lookup.get(row.cid, record.id)!;
            if (existing.live === 0) {
              w.rewriteRecord.run(++seq, record.json, existing.seq);
              inserted++;
            } else if (mode === "insert") {
              const reason = insertConflictReason(collection);
              if (!skipInvalid) {
                throw new ConflictError(`${reason}; nothing was stored`, { recordNumber: record.recordNumber, recordId: record.id });
              }
              rejected.push({ recordNumber: record.recordNumber, id: record.id, reason });
            } else {
              w.rewriteRecord.run(++seq, record.json, existing.seq);
              updated++;
            }
          }
          options.onProgress?.({ processed: batch.processed, inserted, updated, rejected: rejected.length });
        }
        if (inserted + updated > 0) {
          w.setLastSeq.run(seq);
          w.addCount.run(inserted, row.cid);
        }
        this.writer.exec("COMMIT");
        if (inserted + updated > 0) this.announce({ collection, seq });
        // Validation rejects are found before a batch is written, conflicts while it is written: report in input order.
        rejected.sort((a, b) => a.recordNumber - b.recordNumber);
        return { inserted, updated, rejected };
      } catch (error) {
        this.rollback();
        throw error;
      }
    });
  }

  async getRecord(collection: string, id: RecordId): Promise<StoredRecord | undefined> {
    this.assertOpen();
    validateCollectionName(collection);
    const key = normalizeRecordId(id);
    const row = this.read(() => this.r.recordInCollection.get(key, collection));
    if (!row) throw missingCollection(collection, this.location);
    return row.body === null ? undefined : (JSON.parse(row.body) as StoredRecord);
  }

  async getVersionedRecord(collection: string, id: RecordId): Promise<VersionedRecord | undefined> {
    this.assertOpen();
    validateCollectionName(collection);
    const key = normalizeRecordId(id);
    const row = this.read(() => this.r.versionedRecord.get(key, collection));
    if (!row) throw missingCollection(collection, this.location);
    return row.body === null || row.seq === null ? undefined : { seq: row.seq, record: JSON.parse(row.body) as StoredRecord };
  }

  async putRecordIf(collection: string, record: unknown, expectedSeq: number): Promise<number | undefined> {
    this.assertOpen();
    validateCollectionName(collection);
    checkSeq(expectedSeq, "expectedSeq");
    let notice: ChangeNotice | undefined;
    const written = await this.exclusive(() =>
      this.writer
        .transaction(() => {
          const w = this.w;
          const row = w.collectionByName.get(collection);
          if (!row) throw missingCollection(collection, this.location);
          const prepared = prepareRecord(JSON.parse(row.schema) as NormalizedSchema, record);
          const existing = w.lookup.get(row.cid, prepared.id);
          const current = existing !== undefined && existing.live !== 0 ? existing.seq : 0;
          if (current !== expectedSeq) return undefined;
          const seq = w.lastSeq.get()! + 1;
          if (existing === undefined) w.insertRecord.run(seq, row.cid, prepared.id, prepared.json);
          else w.rewriteRecord.run(seq, prepared.json, existing.seq);
          if (current === 0) w.addCount.run(1, row.cid);
          w.setLastSeq.run(seq);
          notice = { collection, seq };
          return seq;
        })
        .immediate(),
    );
    if (notice) this.announce(notice);
    return written;
  }

  async getRecords(collection: string, ids: Iterable<RecordId>): Promise<Array<StoredRecord | undefined>> {
    this.assertOpen();
    validateCollectionName(collection);
    const keys = Array.from(ids, normalizeRecordId);
    // One read transaction: all records come from the same committed state.
    return this.read(() =>
      this.reader.transaction(() => {
        const row = this.r.collectionByName.get(collection);
        if (!row) throw missingCollection(collection, this.location);
        return keys.map((key) => {
          const body = this.r.record.get(row.cid, key);
          return body === undefined || body === null ? undefined : (JSON.parse(body) as StoredRecord);
        });
      })(),
    );
  }

  async deleteRecords(collection: string, ids: Iterable<RecordId>): Promise<number> {
    this.assertOpen();
    validateCollectionName(collection);
    const keys = Array.from(ids, normalizeRecordId);
    let notice: ChangeNotice | undefined;
    const deleted = await this.exclusive(() =>
      this.writer
        .transaction(() => {
          const row = this.w.collectionByName.get(collection);
          if (!row) throw missingCollection(collection, this.location);
          let seq = this.w.lastSeq.get()!;
          let deleted = 0;
          for (const key of keys) {
            const existing = this.w.lookup.get(row.cid, key);
            if (existing === undefined || existing.live === 0) continue;
            this.w.rewriteRecord.run(++seq, null, existing.seq);
            deleted++;
          }
          if (deleted > 0) {
            this.w.setLastSeq.run(seq);
            this.w.addCount.run(-deleted, row.cid);
            notice = { collection, seq };
          }
          return deleted;
        })
        .immediate(),
    );
    if (notice) this.announce(notice);
    return deleted;
  }

  async countRecords(collection: string): Promise<number> {
    const row = this.readCollection(collection);
    return this.read(() => this.r.count.get(row.cid)!);
  }

  async *scanRecords(collection: string, options: ScanOptions = {}): AsyncGenerator<ScannedRecord> {
    let after = checkSeq(options.afterSeq ?? 0, "afterSeq");
    const pageSize = checkLimit(options.batchSize ?? DEFAULT_PAGE, "batchSize");
    const { cid } = this.readCollection(collection);
    while (true) {
      const page = this.read(() => {
        const current = this.r.collectionByName.get(collection);
        if (!current || current.cid !== cid) {
          throw new NotFoundError(`collection "${collection}" was dropped during a scan of ${this.location}`);
        }
        return this.r.scan.all(cid, after, pageSize);
      });
      for (const row of page) yield { seq: row.seq, id: row.id, record: JSON.parse(row.body) as StoredRecord };
      if (page.length < pageSize) return;
      after = page[page.length - 1].seq;
      this.assertOpen();
    }
  }

  async changesSince(collection: string, seq: number, limit = DEFAULT_PAGE): Promise<Change[]> {
    const after = checkSeq(seq, "seq");
    const max = checkLimit(limit, "limit");
    const { cid } = this.readCollection(collection);
    return this.read(() =>
      this.r.changes.all(cid, after, max).map((row): Change =>
        row.body === null ? { seq: row.seq, id: row.id, op: "delete" } : { seq: row.seq, id: row.id, op: "put", record: JSON.parse(row.body) as StoredRecord },
      ),
    );
  }

  async latestSeq(collection: string): Promise<number> {
    const row = this.readCollection(collection);
    return this.read(() => this.r.latestSeq.get(row.cid)) ?? row.created_seq;
  }

  async getMeta<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined> {
    this.assertOpen();
    validateMetaKey(key);
    const value = this.read(() => this.r.meta.get(key));
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  async setMeta(key: string, value: JsonValue): Promise<void> {
    this.assertOpen();
    validateMetaKey(key);
    const problem = nonJsonProblem(value, `metadata "${key}"`);
    if (problem) throw new InvalidArgumentError(`${problem} (use deleteMeta to remove a key)`);
    const json = JSON.stringify(value);
    await this.exclusive(() => {
      this.w.setMeta.run(key, json, new Date().toISOString());
    });
  }

  async deleteMeta(key: string): Promise<boolean> {
    this.assertOpen();
    validateMetaKey(key);
    return this.exclusive(() => this.w.deleteMeta.run(key).changes > 0);
  }

  watch(listener: (notice: ChangeNotice) => void): () => void {
    this.assertOpen();
    return this.watchers.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ownWrites;
    this.watchers.close();
    this.queue.release(this.watchers);
    this.reader.close();
    this.writer.close();
  }

  /** Settles when this instance's last queued write has finished. */
  private ownWrites: Promise<void> = Promise.resolve();

  /** Runs `fn` after every write queued before it, mapping SQLite errors; the writer connection is used only here. */
  private exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.queue.run(async () => {
      try {
        return await fn();
      } catch (error) {
        throw mapSqliteError(error, this.location);
      }
    });
    this.ownWrites = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw mapSqliteError(error, this.location);
    }
  }

  private readCollection(name: string): CollectionRow {
    this.assertOpen();
    validateCollectionName(name);
    const row = this.read(() => this.r.collectionByName.get(name));
    if (!row) throw missingCollection(name, this.location);
    return row;
  }

  /** Tells the watchers of every store on this file in this process about a committed write. */
  private announce(notice: ChangeNotice, always = false): void {
    this.queue.announce(notice, always);
  }

  private begin(): void {
    this.writer.exec("BEGIN IMMEDIATE");
  }

  private rollback(): void {
    if (!this.writer.inTransaction) return;
    try {
      this.writer.exec("ROLLBACK");
    } catch {
      // SQLite may already have rolled back after an I/O error; the original error is what matters.
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidArgumentError(`the store at ${this.location} is closed`);
  }
}

/**
 * Serializes writes to one database file within this process. Instances are
 * shared through a registry keyed by the file's real path and dropped when the
 * last store on the file closes.
 */
class WriteQueue {
  private static readonly byFile = new Map<string, WriteQueue>();
  private tail: Promise<void> = Promise.resolve();
  /** The watchers of every store open on the file in this process. */
  private readonly members = new Set<ChangeWatchers>();

  private constructor(private readonly key: string) {}

  static acquire(file: string, watchers: ChangeWatchers): WriteQueue {
    const key = realpathSync(file);
    let queue = WriteQueue.byFile.get(key);
    if (!queue) {
      queue = new WriteQueue(key);
      WriteQueue.byFile.set(key, queue);
    }
    queue.members.add(watchers);
    return queue;
  }

  announce(notice: ChangeNotice, always: boolean): void {
    for (const watchers of this.members) watchers.emit(notice, always);
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  release(watchers: ChangeWatchers): void {
    this.members.delete(watchers);
    if (this.members.size === 0) WriteQueue.byFile.delete(this.key);
  }
}

/** How often watchers look for writes of other processes. */
const SQLITE_POLL_INTERVAL_MS = 1000;

/** Finds commits of other connections (other processes) through PRAGMA data_version. */
class DataVersionPoll implements NoticeSource {
  private timer: NodeJS.Timeout | undefined;
  private version = -1;

  constructor(
    private readonly reader: Database.Database,
    private readonly lastSeq: Database.Statement<[], number>,
    private readonly watchers: ChangeWatchers,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.version = this.read() ?? -1;
    this.timer = setInterval(() => {
      const version = this.read();
      if (version === undefined || version === this.version) return;
      this.version = version;
      try {
        this.watchers.emitIfNewer(this.lastSeq.get()!);
      } catch {
        // the store is closing
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private read(): number | undefined {
    try {
      return this.reader.pragma("data_version", { simple: true }) as number;
    } catch {
      return undefined;
    }
  }
}

/** Chooses the database file for a location (see SqliteStore.open) and creates missing directories. */
export function resolveStoreFile(location: string): string {
  if (typeof location !== "string" || location.length === 0) throw new InvalidArgumentError("store location must be a non-empty path");
  const path = resolve(location);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) return join(path, STORE_FILE_NAME);
    return path;
  }
  if (/\.(db|sqlite|sqlite3)$/i.test(path)) {
    makePrivateDir(dirname(path));
    return path;
  }
  makePrivateDir(path);
  return join(path, STORE_FILE_NAME);
}

function openConnection(file: string): Database.Database {
  let db: Database.Database;
  try {
    // SQLite would create the file 0644; created 0600 here, its -wal and -shm files copy that mode
    touchPrivateFile(file);
    db = new Database(file);
  } catch (error) {
    throw mapSqliteError(error, file);
  }
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

/**
 * Opens the writer connection: identifies the file before writing anything
 * to it, switches it to WAL, then creates or migrates the tables inside an
 * IMMEDIATE transaction (so two processes opening a new file at once do not
 * both initialize it).
 */
function openWriter(file: string): Database.Database {
  const db = openConnection(file);
  try {
    identify(db, file);
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") {
      throw new InvalidFileError(file, `could not switch the store to WAL journal mode (got "${String(mode)}"); use a local file system`);
    }
    db.pragma("synchronous = FULL");
    db.pragma("journal_size_limit = 67108864");
    db.pragma("cache_size = -32768");
    db.transaction(() => {
      const state = identify(db, file);
      if (state.kind === "empty") {
        db.exec("CREATE TABLE store_schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
        db.pragma(`application_id = ${TROVE_APPLICATION_ID}`);
      }
      const from = state.kind === "trove" ? state.version : 0;
      const record = db.prepare("INSERT INTO store_schema_version (version, description, applied_at) VALUES (?, ?, ?)");
      for (const migration of MIGRATIONS) {
        if (migration.version <= from) continue;
        migration.up(db);
        record.run(migration.version, migration.description, new Date().toISOString());
      }
    }).immediate();
    return db;
  } catch (error) {
    db.close();
    throw mapSqliteError(error, file);
  }
}

type FileState = { kind: "empty" } | { kind: "trove"; version: number };

/** Reads only: tells a new file, a Trove store (with its format version) and anything else apart. */
function identify(db: Database.Database, file: string): FileState {
  let applicationId: number;
  let tables: string[];
  try {
    applicationId = db.pragma("application_id", { simple: true }) as number;
    tables = db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
  } catch (error) {
    if (error instanceof Database.SqliteError && error.code === "SQLITE_NOTADB") {
      throw new InvalidFileError(file, "not a Trove store: the file is not an SQLite database");
    }
    throw error;
  }
  if (applicationId === 0 && tables.length === 0) return { kind: "empty" };
  if (applicationId !== TROVE_APPLICATION_ID) {
    const shown = tables.slice(0, 5).join(", ") + (tables.length > 5 ? ", ..." : "");
    throw new InvalidFileError(
      file,
      `not a Trove store: an SQLite database of another application (application_id 0x${applicationId.toString(16)}${tables.length ? `; tables ${shown}` : ""})`,
    );
  }
  if (!tables.includes("store_schema_version")) throw new InvalidFileError(file, "damaged Trove store: the store_schema_version table is missing");
  const version = db.prepare<[], number>("SELECT max(version) FROM store_schema_version").pluck().get() ?? 0;
  if (version > LATEST_VERSION) {
    throw new InvalidFileError(file, `the store has format version ${version}, newer than this Trove understands (${LATEST_VERSION}); upgrade Trove`);
  }
  return { kind: "trove", version };
}

function prepareWriter(db: Database.Database): WriterStatements {
  return {
    collectionByName: db.prepare("SELECT cid, name, schema, created_at, created_seq FROM collections WHERE name = ?"),
    lastSeq: db.prepare<[], number>("SELECT last_seq FROM store_state WHERE id = 1").pluck(),
    setLastSeq: db.prepare("UPDATE store_state SET last_seq = ? WHERE id = 1"),
    addCount: db.prepare("UPDATE collections SET record_count = record_count + ? WHERE cid = ?"),
    insertCollection: db.prepare("INSERT INTO collections (name, schema, created_at, created_seq) VALUES (?, ?, ?, ?)"),
    setSchema: db.prepare("UPDATE collections SET schema = ? WHERE cid = ?"),
    deleteCollection: db.prepare("DELETE FROM collections WHERE cid = ?"),
    deleteCollectionRecords: db.prepare("DELETE FROM records WHERE cid = ?"),
    lookup: db.prepare("SELECT seq, body IS NOT NULL AS live FROM records WHERE cid = ? AND id = ?"),
    insertRecord: db.prepare("INSERT INTO records (seq, cid, id, body) VALUES (?, ?, ?, ?) ON CONFLICT (cid, id) DO NOTHING"),
    // Moves the row to a new sequence number (its rowid), so the feed and scans see it at its latest write.
    rewriteRecord: db.prepare("UPDATE records SET seq = ?, body = ? WHERE seq = ?"),
    setMeta: db.prepare("INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"),
    deleteMeta: db.prepare("DELETE FROM meta WHERE key = ?"),
  };
}

function prepareReader(db: Database.Database): ReaderStatements {
  return {
    collectionByName: db.prepare("SELECT cid, name, schema, created_at, created_seq FROM collections WHERE name = ?"),
    collections: db.prepare("SELECT cid, name, schema, created_at, created_seq FROM collections ORDER BY name"),
    // One query tells "no such collection" (no row) from "no such record" (NULL body).
    recordInCollection: db.prepare("SELECT r.body AS body FROM collections c LEFT JOIN records r ON r.cid = c.cid AND r.id = ? WHERE c.name = ?"),
    versionedRecord: db.prepare("SELECT r.seq AS seq, r.body AS body FROM collections c LEFT JOIN records r ON r.cid = c.cid AND r.id = ? WHERE c.name = ?"),
    record: db.prepare<[number, string], string | null>("SELECT body FROM records WHERE cid = ? AND id = ?").pluck(),
    count: db.prepare<[number], number>("SELECT record_count FROM collections WHERE cid = ?").pluck(),
    scan: db.prepare("SELECT seq, id, body FROM records WHERE cid = ? AND seq > ? AND body IS NOT NULL ORDER BY seq LIMIT ?"),
    changes: db.prepare("SELECT seq, id, body FROM records WHERE cid = ? AND seq > ? ORDER BY seq LIMIT ?"),
    latestSeq: db.prepare<[number], number>("SELECT seq FROM records WHERE cid = ? ORDER BY seq DESC LIMIT 1").pluck(),
    meta: db.prepare<[string], string>("SELECT value FROM meta WHERE key = ?").pluck(),
    lastSeq: db.prepare<[], number>("SELECT last_seq FROM store_state WHERE id = 1").pluck(),
  };
}

function toInfo(row: CollectionRow): CollectionInfo {
  return { name: row.name, schema: JSON.parse(row.schema) as NormalizedSchema, createdAt: row.created_at, createdSeq: row.created_seq };
}

function missingCollection(name: string, location: string): NotFoundError {
  return new NotFoundError(`collection "${name}" does not exist in ${location} (create it with createCollection)`);
}

/** Turns SQLite's errors into Trove errors that name the store file; anything else passes through. */
function mapSqliteError(error: unknown, file: string): unknown {
  if (error instanceof TroveError || !(error instanceof Database.SqliteError)) {
    if (error instanceof TypeError && /directory does not exist|Cannot open database/.test(error.message)) {
      return new InvalidFileError(file, `cannot open the store: ${error.message}`);
    }
    return error;
  }
  const code = error.code;
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new ConflictError(`the store ${file} is locked by another writer (waited ${BUSY_TIMEOUT_MS} ms); try again when it finishes`, {}, { cause: error });
  }
  if (code === "SQLITE_NOTADB") return new InvalidFileError(file, "not a Trove store: the file is not an SQLite database");
  if (code.startsWith("SQLITE_CORRUPT")) {
    return new InvalidFileError(file, `the store file is damaged (${error.message}); restore it from a backup (derived indexes can be rebuilt from it)`);
  }
  if (code.startsWith("SQLITE_CANTOPEN")) return new InvalidFileError(file, `cannot open the store file (${error.message})`);
  return error;
}
