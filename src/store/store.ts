/**
 * The store: Trove's system of record. Collections of JSON records validated
 * against a schema, atomic batch writes, and a change feed that derived
 * artifacts (lexical index, vector index, trained models) catch up from.
 *
 * This file is the contract only. `SqliteStore` (sqlite-store.ts) is the
 * embedded default; `PostgresStore` (postgres-store.ts) serves shared
 * deployments behind the same interface. One contract test suite
 * (store-contract.test.ts) runs against both, so they cannot drift.
 *
 * Sequence numbers: every write (collection creation, record put, record
 * delete) takes the next number of one counter per store, so all writes are
 * totally ordered, numbers are never reused (not even after a collection is
 * dropped), and a reader that remembers the last number it applied can ask for
 * everything after it. The feed is compacted: it holds the latest change per
 * record id, so an id that was written five times appears once, at its latest
 * sequence number. Deletions stay in the feed as tombstones.
 *
 * Later issues add interactions (users, items, events) as further record
 * kinds sharing the same counter; collection names that start with "_" are
 * reserved for such internal use.
 */
import { keyTextProblem, type CollectionSchema, type StoredRecord } from "../core/schema.js";
import { InvalidArgumentError } from "../core/errors.js";

/** A schema after `normalizeSchema`: the id field is always present. */
export type NormalizedSchema = CollectionSchema & { idField: string };

/** Record ids are strings; numeric ids are accepted and compared as their decimal string. */
export type RecordId = string | number;

export interface CollectionInfo {
  name: string;
  schema: NormalizedSchema;
  /** ISO 8601 time of creation. */
  createdAt: string;
  /**
   * Sequence number taken when the collection was created. A derived index
   * stores it beside its own position in the feed: if the collection was
   * dropped and created again under the same name, this number differs and the
   * index must rebuild instead of catching up.
   */
  createdSeq: number;
}

export interface PutProgress {
  /** Input records read so far (valid and rejected). */
  processed: number;
  inserted: number;
  updated: number;
  rejected: number;
}

export interface PutOptions {
  /**
   * "upsert" (default) replaces a record with the same id; "insert" fails
   * (or, with skipInvalid, rejects the record) when the id already exists,
   * including an id repeated earlier in the same call.
   */
  mode?: "upsert" | "insert";
  /**
   * Records validated and written per batch (default 1000). All batches of one
   * call belong to one transaction, so memory stays bounded by the batch while
   * the call stays all-or-nothing.
   */
  batchSize?: number;
  /**
   * false (default): the first invalid record aborts the whole call, nothing is
   * stored, and an InvalidRecordError (or ConflictError in insert mode) names
   * it. true: invalid records are collected in `rejected` and the valid ones
   * are stored.
   */
  skipInvalid?: boolean;
  /** Called after each batch is written (before the commit). Throwing from it aborts the call. */
  onProgress?: (progress: PutProgress) => void;
  /** Aborting stops the call at the next batch boundary; nothing is stored (InterruptedError). */
  signal?: AbortSignal;
}

export interface RejectedRecord {
  /** 1-based position of the record in the input. */
  recordNumber: number;
  /** The record's id, when it had a readable one. */
  id?: string;
  /** The field at fault, when one is. */
  field?: string;
  /** Why the record was rejected, e.g. `expected a finite number, got the string "x"`. */
  reason: string;
}

export interface PutResult {
  inserted: number;
  updated: number;
  /** Always empty unless `skipInvalid` was set. */
  rejected: RejectedRecord[];
}

export interface ScanOptions {
  /** Only records whose latest write has a sequence number greater than this. */
  afterSeq?: number;
  /** Records fetched per round trip (default 1000). */
  batchSize?: number;
}

export interface ScannedRecord {
  seq: number;
  id: string;
  record: StoredRecord;
}

/** A record with its version: the sequence number of its latest write. */
export interface VersionedRecord {
  seq: number;
  record: StoredRecord;
}

export interface Change {
  seq: number;
  id: string;
  op: "put" | "delete";
  /** The record as stored, for "put". */
  record?: StoredRecord;
}

/**
 * A hint that writes were committed: to `collection` (when known) up to
 * sequence number `seq`. Notices may be late, coalesced or repeated; a reader
 * always reads the changes themselves with `changesSince`.
 */
export interface ChangeNotice {
  /** The collection written, or undefined when the store only knows that something changed. */
  collection?: string;
  /** The store's highest sequence number when the notice was sent. */
  seq: number;
}

/** A JSON value (what `setMeta` accepts and `getMeta` returns). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Store {
  /** Where the store lives (a file path, or a redacted URL). */
  readonly location: string;

  /** Creates a collection; ConflictError if the name is taken, InvalidSchemaError if the schema is malformed. */
  createCollection(name: string, schema: CollectionSchema): Promise<CollectionInfo>;
  /** NotFoundError if there is no such collection. */
  getCollection(name: string): Promise<CollectionInfo>;
  /**
   * Replaces a collection's schema with one that adds optional fields (never
   * changes or removes one: InvalidSchemaError naming the field); records are
   * untouched. Indexes built from the old schema rebuild themselves when
   * opened (Collection.open). NotFoundError if there is no such collection.
   */
  updateSchema(name: string, schema: CollectionSchema): Promise<CollectionInfo>;
  /** All collections, sorted by name. */
  listCollections(): Promise<CollectionInfo[]>;
  /** Removes a collection and all its records; returns false if it did not exist. */
  dropCollection(name: string): Promise<boolean>;

  /** Validates and writes records; see PutOptions for atomicity and modes. */
  putRecords(collection: string, records: Iterable<unknown> | AsyncIterable<unknown>, options?: PutOptions): Promise<PutResult>;
  getRecord(collection: string, id: RecordId): Promise<StoredRecord | undefined>;
  /** One entry per requested id, in the same order; undefined where a record is missing. */
  getRecords(collection: string, ids: Iterable<RecordId>): Promise<Array<StoredRecord | undefined>>;
  /**
   * A record with its version (the sequence number of its latest write), for
   * an optimistic read-modify-write with `putRecordIf`; undefined when there
   * is no live record under `id`.
   */
  getVersionedRecord(collection: string, id: RecordId): Promise<VersionedRecord | undefined>;
  /**
   * Compare-and-set: writes one record (validated as putRecords does) only
   * if the live record under its id still has version `expectedSeq` (0: only
   * if there is no live record). Returns the new version, or undefined when
   * another write got there first (nothing was written): read again, redo
   * the change, try again. Atomic across processes and nodes.
   */
  putRecordIf(collection: string, record: unknown, expectedSeq: number): Promise<number | undefined>;
  /** Deletes records atomically; returns how many existed. Missing ids are ignored. */
  deleteRecords(collection: string, ids: Iterable<RecordId>): Promise<number>;
  countRecords(collection: string): Promise<number>;
  /**
   * Live records in write order (ascending sequence number of each record's
   * latest write), fetched in pages. Not a snapshot: a record updated during
   * the scan may appear again later at its new position.
   */
  scanRecords(collection: string, options?: ScanOptions): AsyncIterable<ScannedRecord>;

  /** Changes with sequence number greater than `seq`, ascending, at most `limit` (default 1000). */
  changesSince(collection: string, seq: number, limit?: number): Promise<Change[]>;
  /** The highest sequence number of any change in the collection (its createdSeq if it has none). */
  latestSeq(collection: string): Promise<number>;

  /** Store-wide key-value metadata for derived artifacts (index positions, model versions). */
  getMeta<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: JsonValue): Promise<void>;
  /** Returns false if the key was not set. */
  deleteMeta(key: string): Promise<boolean>;

  /**
   * Calls `listener` after writes commit: writes of this process at once, and
   * writes of other processes sharing the store (SQLite: another process on
   * the same file; PostgreSQL: another node) within about the store's poll
   * interval, or sooner where the store can push them (PostgreSQL's
   * LISTEN/NOTIFY). Returns the function that stops the calls.
   */
  watch(listener: (notice: ChangeNotice) => void): () => void;

  /** Waits for writes in progress, then releases the store. Later calls fail. */
  close(): Promise<void>;
}

const COLLECTION_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Collection names are 1-64 characters: lower-case letters, digits, "_" and
 * "-", starting with a letter or digit. Lower case only, because derived
 * artifacts use the name in file paths and some file systems ignore case.
 */
export function validateCollectionName(name: unknown): string {
  if (typeof name !== "string" || !COLLECTION_NAME.test(name)) {
    throw new InvalidArgumentError(
      `collection name ${JSON.stringify(name)} is not allowed: use 1 to 64 lower-case letters, digits, "_" or "-", starting with a letter or digit`,
    );
  }
  return name;
}


/** Checks a metadata key: a non-empty string of at most 512 characters. */
export function validateMetaKey(key: unknown): string {
  if (typeof key !== "string" || key.length === 0 || key.length > 512) {
    throw new InvalidArgumentError(`metadata key must be a string of 1 to 512 characters, got ${JSON.stringify(key)}`);
  }
  const problem = keyTextProblem(key);
  if (problem) throw new InvalidArgumentError(`metadata key ${JSON.stringify(key)} ${problem}`);
  return key;
}

/** Normalizes a record id given to a read or delete method. */
export function normalizeRecordId(id: unknown): string {
  if (typeof id === "number" && Number.isFinite(id)) return String(id);
  if (typeof id === "string" && id.length > 0 && id.length <= 512) {
    const problem = keyTextProblem(id);
    if (problem) throw new InvalidArgumentError(`record id ${JSON.stringify(id)} ${problem}`);
    return id;
  }
  throw new InvalidArgumentError(`record id must be a non-empty string (at most 512 characters) or a finite number, got ${JSON.stringify(id)}`);
}

/** Page size of scans and feed reads unless given. */
export const DEFAULT_PAGE = 1000;
const MAX_PAGE = 100_000;

/** Checks a sequence number argument (a non-negative safe integer). */
export function checkSeq(seq: unknown, what: string): number {
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) {
    throw new InvalidArgumentError(`${what} must be a non-negative integer sequence number, got ${JSON.stringify(seq)}`);
  }
  return seq;
}

/** Checks a page size argument (1 to 100,000). */
export function checkLimit(limit: unknown, what: string): number {
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new InvalidArgumentError(`${what} must be an integer from 1 to ${MAX_PAGE}, got ${JSON.stringify(limit)}`);
  }
  return limit;
}
