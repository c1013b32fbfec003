/**
 * The shared store: one PostgreSQL database behind the `Store` interface
 * (node-postgres `pg`), for deployments where several Trove processes
 * (nodes behind a load balancer) share one system of record. Semantics match
 * `SqliteStore` exactly; the contract tests (store-contract.test.ts) run the
 * same suite against both.
 *
 * Writes: every write runs in one transaction. A `putRecords` call first
 * validates and stages its records (batch by batch into a temporary table,
 * or straight from memory for a call that fits in one batch), taking no lock
 * that other writers wait for; only its final step locks the store's counter
 * row, merges the staged records with set-based statements, hands out their
 * sequence numbers and commits. So a long import (even one paced by a slow
 * source, such as an arXiv feed) holds up other nodes' writes only for its
 * last statement, and numbers are still handed out in commit order (see
 * postgres-migrations.ts). Within one process, writes run one after another
 * in call order, as with SQLite.
 *
 * Change notices: each write sends NOTIFY trove_changes (delivered when it
 * commits); `watch` listens on a connection of its own and, as a fallback
 * when that connection is down, polls the counter (default every second).
 *
 * Failures: a lost connection or a restarting server is UNAVAILABLE (HTTP
 * 503), a lock held longer than the lock timeout is CONFLICT; the server rolls
 * back any unfinished transaction, so nothing half-written is ever visible.
 */
import pg from "pg";
import { InvalidArgumentError, InvalidFileError, NotFoundError, TroveError, UnavailableError } from "../core/errors.js";
import { checkSchemaUpdate } from "./schema-update.js";
import { normalizeSchema, type CollectionSchema, type StoredRecord } from "../core/schema.js";
import { ChangeWatchers, type NoticeSource } from "./change-watchers.js";
import { ConflictError } from "./errors.js";
import { nonJsonProblem } from "./plain-json.js";
import { POSTGRES_LATEST_VERSION, migrate } from "./postgres-migrations.js";
import { checkRecordSource, insertConflictReason, prepareBatches, prepareRecord, resolveBatchSize, type PreparedBatch } from "./record-batches.js";
import { redactUrl } from "./redact-url.js";
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

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10, or the URL's `pool_size` parameter). */
  poolSize?: number;
  /** How often watchers poll the counter when no notice arrives, in ms (default 1000). */
  pollIntervalMs?: number;
  /** How long a write waits for another write's lock before a ConflictError, in ms (default 30,000). */
  lockTimeoutMs?: number;
  /** How long to wait for a connection, in ms (default 10,000). */
  connectTimeoutMs?: number;
}

const CHANNEL = "trove_changes";
const INT8_OID = 20;
/** Staged records above which the planner gets fresh statistics before the merge. */
const ANALYZE_ABOVE = 5000;

interface CollectionRow {
  cid: number;
  name: string;
  schema: string;
  created_at: string;
  created_seq: number;
}

/** pg hands bigint columns back as strings; the store's numbers are safe integers. */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID && format !== "binary") return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

export class PostgresStore implements Store {
  /** The URL without its password. */
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly clientConfig: pg.ClientConfig;
  private readonly lockTimeoutMs: number;
  private readonly watchers = new ChangeWatchers();
  /** Pool connections that already have the staging table. */
  private readonly staged = new WeakSet<pg.PoolClient>();
  /** Pool connections that have an error listener of ours. */
  private readonly guarded = new WeakSet<pg.PoolClient>();
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  /**
   * Connects to the database at `url` (postgres:// or postgresql://; the
   * database must exist) and brings its tables to the current version.
   * Unreachable servers and refused logins are UNAVAILABLE errors naming the
   * URL without its password.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, options);
    try {
      const client = await store.connect();
      try {
        await migrate(client, (version) => new InvalidFileError(store.location, `the store has format version ${version}, newer than this Trove understands (${POSTGRES_LATEST_VERSION}); upgrade Trove`));
      } finally {
        client.release();
      }
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      throw mapPgError(error, store.location);
    }
    return store;
  }

  private constructor(url: string, options: PostgresStoreOptions) {
    this.location = redactUrl(url);
    const parsed = parseStoreUrl(url);
    const poolSize = options.poolSize ?? parsed.poolSize ?? 10;
    if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) throw new InvalidArgumentError(`pool size must be an integer from 1 to 1000, got ${poolSize}`);
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
    this.clientConfig = {
      connectionString: parsed.connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: parsed.applicationName ?? "trove",
      types,
    };
    this.pool = new pg.Pool({ ...this.clientConfig, max: poolSize, idleTimeoutMillis: 30_000 });
    // an idle connection that breaks (the server restarted) must not crash the process; the next query reconnects
    this.pool.on("error", () => undefined);
    this.watchers.attach(new PostgresNotices(this.clientConfig, this.pool, this.watchers, options.pollIntervalMs ?? 1000));
  }

  // ---------------------------------------------------------------------------
  // collections

  async createCollection(name: string, schema: CollectionSchema): Promise<CollectionInfo> {
    this.assertOpen();
    validateCollectionName(name);
    const normalized = normalizeSchema(schema);
    const info = await this.transaction(async (client) => {
      const seq = (await this.lockCounter(client)) + 1;
      const createdAt = new Date().toISOString();
      const inserted = await client.query(
        "INSERT INTO trove_collections (name, schema, created_at, created_seq) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING cid",
        [name, JSON.stringify(normalized), createdAt, seq],
      );
      if (inserted.rowCount === 0) throw new ConflictError(`collection "${name}" already exists in ${this.location}`);
      await this.advance(client, name, seq);
      return { name, schema: normalized, createdAt, createdSeq: seq };
    });
    this.watchers.emit({ collection: name, seq: info.createdSeq });
    return info;
  }

  async getCollection(name: string): Promise<CollectionInfo> {
    return toInfo(await this.readCollection(name));
  }

  async updateSchema(name: string, schema: CollectionSchema): Promise<CollectionInfo> {
    this.assertOpen();
    validateCollectionName(name);
    return this.transaction(async (client) => {
      const found = await client.query<CollectionRow>("SELECT cid, name, schema, created_at, created_seq FROM trove_collections WHERE name = $1 FOR UPDATE", [name]);
      if (found.rowCount === 0) throw missingCollection(name, this.location);
      const row = found.rows[0];
      const normalized = checkSchemaUpdate(name, JSON.parse(row.schema) as NormalizedSchema, schema);
      await client.query("UPDATE trove_collections SET schema = $1 WHERE cid = $2", [JSON.stringify(normalized), row.cid]);
      return toInfo({ ...row, schema: JSON.stringify(normalized) });
    });
  }

  async listCollections(): Promise<CollectionInfo[]> {
    this.assertOpen();
    const rows = await this.query<CollectionRow>("trove_collections_all", "SELECT cid, name, schema, created_at, created_seq FROM trove_collections ORDER BY name", []);
    return rows.map(toInfo);
  }

  async dropCollection(name: string): Promise<boolean> {
    this.assertOpen();
    validateCollectionName(name);
    const dropped = await this.transaction(async (client) => {
      const seq = await this.lockCounter(client);
      const row = await client.query<{ cid: number }>("SELECT cid FROM trove_collections WHERE name = $1 FOR UPDATE", [name]);
      if (row.rowCount === 0) return undefined;
      await client.query("DELETE FROM trove_records WHERE cid = $1", [row.rows[0].cid]);
      await client.query("DELETE FROM trove_collections WHERE cid = $1", [row.rows[0].cid]);
      await notify(client, name, seq);
      return seq;
    });
    if (dropped === undefined) return false;
    this.watchers.emit({ collection: name, seq: dropped }, true);
    return true;
  }

  // ---------------------------------------------------------------------------
  // records

  async putRecords(collection: string, records: Iterable<unknown> | AsyncIterable<unknown>, options: PutOptions = {}): Promise<PutResult> {
    this.assertOpen();
    validateCollectionName(collection);
    checkRecordSource(records);
    const mode = options.mode ?? "upsert";
    if (mode !== "upsert" && mode !== "insert") throw new InvalidArgumentError(`mode must be "upsert" or "insert", got ${JSON.stringify(mode)}`);
    const batchSize = resolveBatchSize(options.batchSize);
    const skipInvalid = options.skipInvalid === true;
    // a call that fits in one batch is merged straight from memory; longer ones are staged batch by batch
    const direct = Array.isArray(records) && records.length <= batchSize;

    let notice: ChangeNotice | undefined;
    const result = await this.exclusive(async () => {
      const client = await this.connect();
      let broken: unknown = undefined;
      try {
        const row = await this.readCollection(collection, client);
        const schema = JSON.parse(row.schema) as NormalizedSchema;
        if (!direct) await this.ensureStage(client);
        await client.query("BEGIN");
        await client.query(`SET LOCAL lock_timeout = ${this.lockTimeoutMs}`);
        try {
          const rejected: RejectedRecord[] = [];
          const batches = prepareBatches(schema, records, { batchSize, skipInvalid, signal: options.signal, rejected, what: `putRecords into "${collection}"` });
          const stager = new Stager(client, row.cid, collection, mode, skipInvalid);
          let single: PreparedBatch | undefined;
          for await (const batch of batches) {
            if (direct) {
              single = batch;
              continue;
            }
            await stager.stage(batch);
            options.onProgress?.({ processed: batch.processed, inserted: stager.inserted, updated: stager.updated, rejected: rejected.length + stager.conflicts });
          }
          const source = direct ? memorySource(single?.records ?? []) : { sql: "SELECT n, id, body FROM pg_temp.trove_put_stage", params: [] };
          if (!direct && stager.staged > ANALYZE_ABOVE) await client.query("ANALYZE pg_temp.trove_put_stage");
          const merged = direct && !single ? { inserted: 0, updated: 0, lastSeq: 0 } : await this.merge(client, collection, row.cid, source, mode, skipInvalid, rejected);
          if (direct && single) options.onProgress?.({ processed: single.processed, inserted: merged.inserted, updated: merged.updated, rejected: rejected.length });
          await client.query("COMMIT");
          if (merged.lastSeq > 0) notice = { collection, seq: merged.lastSeq };
          // validation rejects are found while staging, conflicts at the merge: report in input order
          rejected.sort((a, b) => a.recordNumber - b.recordNumber);
          return { inserted: merged.inserted, updated: merged.updated, rejected };
        } catch (error) {
          await client.query("ROLLBACK").catch((rollbackError: unknown) => (broken = rollbackError));
          throw error;
        }
      } catch (error) {
        if (isConnectionError(error)) broken = error;
        throw error;
      } finally {
        client.release(broken === undefined ? undefined : true);
      }
    });
    if (notice) this.watchers.emit(notice);
    return result;
  }

  async getRecord(collection: string, id: RecordId): Promise<StoredRecord | undefined> {
    this.assertOpen();
    validateCollectionName(collection);
    const key = normalizeRecordId(id);
    const rows = await this.query<{ body: string | null }>(
      "trove_record",
      "SELECT r.body FROM trove_collections c LEFT JOIN trove_records r ON r.cid = c.cid AND r.id = $1 WHERE c.name = $2",
      [key, collection],
    );
    if (rows.length === 0) throw missingCollection(collection, this.location);
    return rows[0].body === null ? undefined : (JSON.parse(rows[0].body) as StoredRecord);
  }

  async getVersionedRecord(collection: string, id: RecordId): Promise<VersionedRecord | undefined> {
    this.assertOpen();
    validateCollectionName(collection);
    const key = normalizeRecordId(id);
    const rows = await this.query<{ seq: number | null; body: string | null }>(
      "trove_versioned_record",
      "SELECT r.seq, r.body FROM trove_collections c LEFT JOIN trove_records r ON r.cid = c.cid AND r.id = $1 WHERE c.name = $2",
      [key, collection],
    );
    if (rows.length === 0) throw missingCollection(collection, this.location);
    const row = rows[0];
    return row.body === null || row.seq === null ? undefined : { seq: row.seq, record: JSON.parse(row.body) as StoredRecord };
  }

  async putRecordIf(collection: string, record: unknown, expectedSeq: number): Promise<number | undefined> {
    this.assertOpen();
    validateCollectionName(collection);
    checkSeq(expectedSeq, "expectedSeq");
    const row = await this.readCollection(collection);
    const prepared = prepareRecord(JSON.parse(row.schema) as NormalizedSchema, record);
    const written = await this.transaction(async (client) => {
      // the counter lock orders this check-and-write with every other write, on every node
      await this.lockCounter(client);
      const existing = await client.query<{ seq: number }>("SELECT seq FROM trove_records WHERE cid = $1 AND id = $2 AND body IS NOT NULL", [row.cid, prepared.id]);
      const current = existing.rowCount ? existing.rows[0].seq : 0;
      if (current !== expectedSeq) return undefined;
      // merge locks the collection and checks it is still the one whose schema validated the record
      const merged = await this.merge(client, collection, row.cid, memorySource([prepared]), "upsert", false, []);
      return merged.lastSeq;
    });
    if (written !== undefined) this.watchers.emit({ collection, seq: written });
    return written;
  }

  async getRecords(collection: string, ids: Iterable<RecordId>): Promise<Array<StoredRecord | undefined>> {
    this.assertOpen();
    validateCollectionName(collection);
    const keys = Array.from(ids, normalizeRecordId);
    // one statement: every record comes from the same committed state
    const rows = await this.query<{ id: string | null; body: string | null }>(
      "trove_records_many",
      "SELECT r.id, r.body FROM trove_collections c LEFT JOIN trove_records r ON r.cid = c.cid AND r.id = ANY($1::text[]) AND r.body IS NOT NULL WHERE c.name = $2",
      [keys, collection],
    );
    if (rows.length === 0) throw missingCollection(collection, this.location);
    const byId = new Map<string, string>();
    for (const row of rows) if (row.id !== null && row.body !== null) byId.set(row.id, row.body);
    return keys.map((key) => {
      const body = byId.get(key);
      return body === undefined ? undefined : (JSON.parse(body) as StoredRecord);
    });
  }

  async deleteRecords(collection: string, ids: Iterable<RecordId>): Promise<number> {
    this.assertOpen();
    validateCollectionName(collection);
    const keys = Array.from(ids, normalizeRecordId);
    let notice: ChangeNotice | undefined;
    const deleted = await this.transaction(async (client) => {
      const base = await this.lockCounter(client);
      const cid = await this.lockCollection(client, collection);
      const live = await client.query<{ id: string }>("SELECT id FROM trove_records WHERE cid = $1 AND id = ANY($2::text[]) AND body IS NOT NULL", [cid, keys]);
      if (live.rowCount === 0) return 0;
      const liveIds = new Set(live.rows.map((r) => r.id));
      const order: string[] = [];
      for (const key of keys) {
        if (liveIds.delete(key)) order.push(key);
      }
      const seqs = order.map((_, i) => base + 1 + i);
      await client.query(
        "UPDATE trove_records r SET seq = v.seq, body = NULL FROM unnest($2::text[], $3::bigint[]) AS v(id, seq) WHERE r.cid = $1 AND r.id = v.id",
        [cid, order, seqs],
      );
      await client.query("UPDATE trove_collections SET record_count = record_count - $1 WHERE cid = $2", [order.length, cid]);
      const last = base + order.length;
      await this.advance(client, collection, last);
      notice = { collection, seq: last };
      return order.length;
    });
    if (notice) this.watchers.emit(notice);
    return deleted;
  }

  async countRecords(collection: string): Promise<number> {
    this.assertOpen();
    validateCollectionName(collection);
    const rows = await this.query<{ n: number }>("trove_count", "SELECT record_count AS n FROM trove_collections WHERE name = $1", [collection]);
    if (rows.length === 0) throw missingCollection(collection, this.location);
    return rows[0].n;
  }

  async *scanRecords(collection: string, options: ScanOptions = {}): AsyncGenerator<ScannedRecord> {
    let after = checkSeq(options.afterSeq ?? 0, "afterSeq");
    const pageSize = checkLimit(options.batchSize ?? DEFAULT_PAGE, "batchSize");
    const { cid } = await this.readCollection(collection);
    while (true) {
      const page = await this.page(collection, cid, after, pageSize, true);
      for (const row of page) yield { seq: row.seq, id: row.id, record: JSON.parse(row.body!) as StoredRecord };
      if (page.length < pageSize) return;
      after = page[page.length - 1].seq;
      this.assertOpen();
    }
  }

  async changesSince(collection: string, seq: number, limit = DEFAULT_PAGE): Promise<Change[]> {
    const after = checkSeq(seq, "seq");
    const max = checkLimit(limit, "limit");
    this.assertOpen();
    validateCollectionName(collection);
    const rows = await this.page(collection, undefined, after, max, false);
    return rows.map((row): Change =>
      row.body === null ? { seq: row.seq, id: row.id, op: "delete" } : { seq: row.seq, id: row.id, op: "put", record: JSON.parse(row.body) as StoredRecord },
    );
  }

  async latestSeq(collection: string): Promise<number> {
    this.assertOpen();
    validateCollectionName(collection);
    const rows = await this.query<{ created_seq: number; latest: number | null }>(
      "trove_latest_seq",
      "SELECT c.created_seq, (SELECT max(r.seq) FROM trove_records r WHERE r.cid = c.cid) AS latest FROM trove_collections c WHERE c.name = $1",
      [collection],
    );
    if (rows.length === 0) throw missingCollection(collection, this.location);
    return rows[0].latest ?? rows[0].created_seq;
  }

  // ---------------------------------------------------------------------------
  // metadata

  async getMeta<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined> {
    this.assertOpen();
    validateMetaKey(key);
    const rows = await this.query<{ value: string }>("trove_meta_get", "SELECT value FROM trove_meta WHERE key = $1", [key]);
    return rows.length === 0 ? undefined : (JSON.parse(rows[0].value) as T);
  }

  async setMeta(key: string, value: JsonValue): Promise<void> {
    this.assertOpen();
    validateMetaKey(key);
    const problem = nonJsonProblem(value, `metadata "${key}"`);
    if (problem) throw new InvalidArgumentError(`${problem} (use deleteMeta to remove a key)`);
    const json = JSON.stringify(value);
    await this.exclusive(() =>
      this.query(
        "trove_meta_set",
        "INSERT INTO trove_meta (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [key, json, new Date().toISOString()],
      ),
    );
  }

  async deleteMeta(key: string): Promise<boolean> {
    this.assertOpen();
    validateMetaKey(key);
    return this.exclusive(async () => {
      const result = await this.run("DELETE FROM trove_meta WHERE key = $1", [key]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  watch(listener: (notice: ChangeNotice) => void): () => void {
    this.assertOpen();
    return this.watchers.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail.catch(() => undefined);
    this.watchers.close();
    await this.pool.end();
  }

  /**
   * Runs `fn` with a pooled connection of this store, for code that keeps
   * tables of its own beside the store's (src/jobs). The connection goes back
   * to the pool afterwards (dropped if `fn` failed with a connection error).
   */
  async withConnection<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.assertOpen();
    const client = await this.connect();
    let broken = false;
    try {
      return await fn(client);
    } catch (error) {
      broken = isConnectionError(error);
      throw mapPgError(error, this.location);
    } finally {
      client.release(broken ? true : undefined);
    }
  }

  // ---------------------------------------------------------------------------
  // internals

  /** Merges the staged or in-memory records under the counter lock; returns the counts and the last number used. */
  private async merge(
    client: pg.PoolClient,
    collection: string,
    cid: number,
    source: { sql: string; params: unknown[] },
    mode: "upsert" | "insert",
    skipInvalid: boolean,
    rejected: RejectedRecord[],
  ): Promise<{ inserted: number; updated: number; lastSeq: number }> {
    const base = await this.lockCounter(client);
    const current = await this.lockCollection(client, collection);
    if (current !== cid) throw new NotFoundError(`collection "${collection}" was dropped during a write to ${this.location}; nothing was stored`);
    const p = source.params.length;
    const pre = `WITH src AS (${source.sql}),
      pre AS (
        SELECT s.n, s.id, s.body, r.body IS NOT NULL AS live, row_number() OVER (PARTITION BY s.id ORDER BY s.n) AS occ
        FROM src s LEFT JOIN trove_records r ON r.cid = $${p + 1} AND r.id = s.id
      )`;
    if (mode === "insert") {
      // under the lock, so that a write committed by another node since the staging checks counts too
      const conflicts = await client.query<{ n: number; id: string }>(`${pre} SELECT n, id FROM pre WHERE live OR occ > 1 ORDER BY n`, [...source.params, cid]);
      if (conflicts.rowCount) {
        const reason = insertConflictReason(collection);
        if (!skipInvalid) {
          const first = conflicts.rows[0];
          throw new ConflictError(`${reason}; nothing was stored`, { recordNumber: first.n, recordId: first.id });
        }
        for (const row of conflicts.rows) rejected.push({ recordNumber: row.n, id: row.id, reason });
      }
    }
    const counts = await client.query<{ written: number; inserted: number }>(
      `${pre},
      written AS (
        SELECT n, id, body, live, occ, row_number() OVER (ORDER BY n) AS w, row_number() OVER (PARTITION BY id ORDER BY n DESC) AS last
        FROM pre WHERE $${p + 3} OR (NOT live AND occ = 1)
      ),
      merged AS (
        INSERT INTO trove_records (cid, id, seq, body)
        SELECT $${p + 1}, id, $${p + 2} + w, body FROM written WHERE last = 1
        ON CONFLICT (cid, id) DO UPDATE SET seq = excluded.seq, body = excluded.body
      )
      SELECT count(*)::bigint AS written, count(*) FILTER (WHERE occ = 1 AND NOT live)::bigint AS inserted FROM written`,
      [...source.params, cid, base, mode === "upsert"],
    );
    const { written, inserted } = counts.rows[0];
    if (written === 0) return { inserted: 0, updated: 0, lastSeq: 0 };
    if (inserted > 0) await client.query("UPDATE trove_collections SET record_count = record_count + $1 WHERE cid = $2", [inserted, cid]);
    await this.advance(client, collection, base + written);
    return { inserted, updated: written - inserted, lastSeq: base + written };
  }

  /** Locks the counter row until commit (every numbered write takes it, always first) and returns the last number. */
  private async lockCounter(client: pg.PoolClient): Promise<number> {
    const state = await client.query<{ last_seq: number }>("SELECT last_seq FROM trove_state WHERE id = 1 FOR UPDATE");
    return state.rows[0].last_seq;
  }

  private async lockCollection(client: pg.PoolClient, name: string): Promise<number> {
    const row = await client.query<{ cid: number }>("SELECT cid FROM trove_collections WHERE name = $1 FOR UPDATE", [name]);
    if (row.rowCount === 0) throw missingCollection(name, this.location);
    return row.rows[0].cid;
  }

  /** Moves the counter to `seq` and announces the write (NOTIFY is delivered at commit). */
  private async advance(client: pg.PoolClient, collection: string, seq: number): Promise<void> {
    await client.query("UPDATE trove_state SET last_seq = $1 WHERE id = 1", [seq]);
    await notify(client, collection, seq);
  }

  private async page(collection: string, cid: number | undefined, after: number, limit: number, liveOnly: boolean) {
    const rows = await this.query<{ cid: number; seq: number | null; id: string | null; body: string | null }>(
      liveOnly ? "trove_scan" : "trove_changes",
      `SELECT c.cid, r.seq, r.id, r.body FROM trove_collections c
       LEFT JOIN LATERAL (
         SELECT seq, id, body FROM trove_records WHERE cid = c.cid AND seq > $2 ${liveOnly ? "AND body IS NOT NULL" : ""} ORDER BY seq LIMIT $3
       ) r ON true
       WHERE c.name = $1`,
      [collection, after, limit],
    );
    if (rows.length === 0 || (cid !== undefined && rows[0].cid !== cid)) {
      if (cid !== undefined) throw new NotFoundError(`collection "${collection}" was dropped during a scan of ${this.location}`);
      throw missingCollection(collection, this.location);
    }
    return rows.filter((r) => r.seq !== null) as Array<{ seq: number; id: string; body: string | null }>;
  }

  private async readCollection(name: string, client?: pg.PoolClient): Promise<CollectionRow> {
    this.assertOpen();
    validateCollectionName(name);
    const sql = "SELECT cid, name, schema, created_at, created_seq FROM trove_collections WHERE name = $1";
    const rows = client ? (await client.query<CollectionRow>({ name: "trove_collection", text: sql, values: [name] })).rows : await this.query<CollectionRow>("trove_collection", sql, [name]);
    if (rows.length === 0) throw missingCollection(name, this.location);
    return rows[0];
  }

  /** Creates this connection's staging table once (outside a transaction, so a rollback cannot undo it). */
  private async ensureStage(client: pg.PoolClient): Promise<void> {
    if (this.staged.has(client)) return;
    await client.query(
      "CREATE TEMP TABLE IF NOT EXISTS trove_put_stage (n bigint PRIMARY KEY, id text NOT NULL, body text NOT NULL) ON COMMIT DELETE ROWS; " +
        "CREATE INDEX IF NOT EXISTS trove_put_stage_by_id ON trove_put_stage (id)",
    );
    this.staged.add(client);
  }

  /** A prepared (named) statement on a pooled connection. */
  private async query<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>({ name, text, values })).rows;
    } catch (error) {
      throw mapPgError(error, this.location);
    }
  }

  private async run(text: string, values: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(text, values);
    } catch (error) {
      throw mapPgError(error, this.location);
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw mapPgError(error, this.location);
    }
    if (!this.guarded.has(client)) {
      // a connection that breaks while checked out emits "error" besides failing its query; unheard, that event would end the process
      client.on("error", () => undefined);
      this.guarded.add(client);
    }
    return client;
  }

  /** Runs `fn` in a transaction on one connection, after every earlier write of this instance. */
  private transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const client = await this.connect();
      let broken: unknown = undefined;
      try {
        await client.query("BEGIN");
        await client.query(`SET LOCAL lock_timeout = ${this.lockTimeoutMs}`);
        try {
          const result = await fn(client);
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch((rollbackError: unknown) => (broken = rollbackError));
          throw error;
        }
      } catch (error) {
        if (isConnectionError(error)) broken = error;
        throw error;
      } finally {
        client.release(broken === undefined ? undefined : true);
      }
    });
  }

  /** Runs writes one at a time, in call order, mapping PostgreSQL's errors. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      try {
        return await fn();
      } catch (error) {
        throw mapPgError(error, this.location);
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidArgumentError(`the store at ${this.location} is closed`);
  }
}

/** Writes batches into the staging table, checking each against what is stored to find conflicts early. */
class Stager {
  inserted = 0;
  updated = 0;
  conflicts = 0;
  staged = 0;
  /** Ids staged so far in this call (only in insert mode, to name a repeated id at its batch). */
  constructor(
    private readonly client: pg.PoolClient,
    private readonly cid: number,
    private readonly collection: string,
    private readonly mode: "upsert" | "insert",
    private readonly skipInvalid: boolean,
  ) {}

  async stage(batch: PreparedBatch): Promise<void> {
    if (batch.records.length === 0) return;
    const { params } = memorySource(batch.records);
    const existing = await this.client.query<{ n: number }>(
      `WITH b AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) AS b(n, id, body)),
       staged AS (INSERT INTO pg_temp.trove_put_stage (n, id, body) SELECT n, id, body FROM b)
       SELECT b.n FROM b LEFT JOIN trove_records r ON r.cid = $4 AND r.id = b.id
       WHERE r.body IS NOT NULL OR EXISTS (SELECT 1 FROM pg_temp.trove_put_stage t WHERE t.id = b.id)`,
      [...params, this.cid],
    );
    // the statement cannot see its own inserts: repeats inside this batch are found here
    const repeated = new Set(existing.rows.map((r) => r.n));
    const seen = new Set<string>();
    for (const record of batch.records) {
      if (seen.has(record.id)) repeated.add(record.recordNumber);
      seen.add(record.id);
    }
    this.staged += batch.records.length;
    if (this.mode === "upsert") {
      this.updated += repeated.size;
      this.inserted += batch.records.length - repeated.size;
      return;
    }
    if (repeated.size > 0 && !this.skipInvalid) {
      const first = batch.records.find((r) => repeated.has(r.recordNumber))!;
      throw new ConflictError(`${insertConflictReason(this.collection)}; nothing was stored`, { recordNumber: first.recordNumber, recordId: first.id });
    }
    this.conflicts += repeated.size;
    this.inserted += batch.records.length - repeated.size;
  }
}

function memorySource(records: PreparedBatch["records"]): { sql: string; params: unknown[] } {
  return {
    sql: "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) AS s(n, id, body)",
    params: [records.map((r) => r.recordNumber), records.map((r) => r.id), records.map((r) => r.json)],
  };
}

async function notify(client: pg.PoolClient, collection: string, seq: number): Promise<void> {
  await client.query("SELECT pg_notify($1, $2)", [CHANNEL, JSON.stringify({ c: collection, s: seq })]);
}

/**
 * Notices for `watch`: LISTEN on a connection of its own (reconnecting with
 * backoff when it breaks) and a poll of the counter as the fallback.
 */
class PostgresNotices implements NoticeSource {
  private listener: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private backoffMs = 500;
  private active = false;
  private polling = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly pool: pg.Pool,
    private readonly watchers: ChangeWatchers,
    private readonly pollIntervalMs: number,
  ) {}

  start(): void {
    this.active = true;
    this.timer = setInterval(() => void this.poll(), this.pollIntervalMs);
    this.timer.unref();
    void this.listen();
  }

  stop(): void {
    this.active = false;
    clearInterval(this.timer);
    clearTimeout(this.retry);
    const listener = this.listener;
    this.listener = undefined;
    void listener?.end().catch(() => undefined);
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.active) return;
    this.polling = true;
    try {
      const result = await this.pool.query<{ last_seq: number }>("SELECT last_seq FROM trove_state WHERE id = 1");
      if (this.active) this.watchers.emitIfNewer(result.rows[0].last_seq);
    } catch {
      // the database is unreachable: the next poll tries again
    } finally {
      this.polling = false;
    }
  }

  private async listen(): Promise<void> {
    if (!this.active) return;
    const client = new pg.Client(this.config);
    this.listener = client;
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      if (!this.active) return;
      this.retry = setTimeout(() => void this.listen(), this.backoffMs);
      this.retry.unref();
      this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
    };
    client.on("error", lost);
    client.on("end", lost);
    client.on("notification", (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const { c, s } = JSON.parse(message.payload) as { c?: unknown; s?: unknown };
        if (typeof c === "string" && typeof s === "number") this.watchers.emit({ collection: c, seq: s });
      } catch {
        // not ours
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.listener !== client) {
        await client.end().catch(() => undefined);
        return;
      }
      this.backoffMs = 500;
      // catch up with what was written while nobody listened
      await this.poll();
    } catch {
      lost();
    }
  }
}

interface ParsedStoreUrl {
  connectionString: string;
  poolSize?: number;
  applicationName?: string;
}

/** Splits Trove's own URL parameters (pool_size) from those node-postgres understands. */
function parseStoreUrl(url: string): ParsedStoreUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError(`not a PostgreSQL URL: ${redactUrl(url)} (expected postgres://user:password@host:port/database)`);
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new InvalidArgumentError(`not a PostgreSQL URL: ${redactUrl(url)} (expected postgres:// or postgresql://)`);
  }
  if (parsed.pathname === "" || parsed.pathname === "/") throw new InvalidArgumentError(`the PostgreSQL URL ${redactUrl(url)} names no database (postgres://host/<database>)`);
  const out: ParsedStoreUrl = { connectionString: url };
  const pool = parsed.searchParams.get("pool_size");
  if (pool !== null) {
    const n = Number(pool);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`pool_size in ${redactUrl(url)} must be an integer, got ${JSON.stringify(pool)}`);
    out.poolSize = n;
    parsed.searchParams.delete("pool_size");
    out.connectionString = parsed.href;
  }
  const app = parsed.searchParams.get("application_name");
  if (app !== null) out.applicationName = app;
  return out;
}

function toInfo(row: CollectionRow): CollectionInfo {
  return { name: row.name, schema: JSON.parse(row.schema) as NormalizedSchema, createdAt: row.created_at, createdSeq: row.created_seq };
}

function missingCollection(name: string, location: string): NotFoundError {
  return new NotFoundError(`collection "${name}" does not exist in ${location} (create it with createCollection)`);
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** True for errors after which the connection cannot be used again. */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (CONNECTION_CODES.has(code)) return true;
    if (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03") return true;
  }
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(error.message);
}

/** Turns PostgreSQL's and the driver's errors into Trove errors naming the store; anything else passes through. */
export function mapPgError(error: unknown, location: string): unknown {
  if (error instanceof TroveError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (code === "55P03" || code === "40P01" || code === "40001") {
    return new ConflictError(`the store at ${location} is locked by another writer (${error.message}); try again when it finishes`, {}, { cause: error });
  }
  if (code === "23505") return new ConflictError(`a concurrent write to ${location} got there first (${error.message}); try again`, {}, { cause: error });
  if (code === "3D000") return new UnavailableError(`PostgreSQL at ${location}: ${error.message} (create it first: createdb <name>)`, { cause: error });
  if (code === "28P01" || code === "28000") return new UnavailableError(`PostgreSQL at ${location} refused the login: ${error.message}`, { cause: error });
  if (code === "53300") return new UnavailableError(`PostgreSQL at ${location} has no free connection (${error.message}); lower pool_size or raise max_connections`, { cause: error });
  if (isConnectionError(error)) {
    return new UnavailableError(
      `cannot reach PostgreSQL at ${location} (${error.message}); an unfinished write is rolled back by the server, try again when it is back`,
      { cause: error },
    );
  }
  return error;
}
