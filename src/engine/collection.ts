/**
 * A searchable collection: records live in the store (the system of record);
 * the lexical index is derived from them and catches up from the store's
 * change feed. Writes go to the store first, atomically; the index then
 * applies the changes and commits the feed position it reached, so after a
 * crash at any point, `open` brings the index up to date again (or rebuilds
 * it when the collection was recreated).
 *
 * Writes of other processes (another node sharing a PostgreSQL store)
 * arrive two ways: the store's change notices (`Store.watch`: LISTEN/NOTIFY,
 * or a poll) start a background catch-up at once (coalesced, at most a few
 * per second), and a search more than `refreshIntervalMs` after the last
 * catch-up checks the feed itself, so a missed notice costs at most that
 * long.
 */
import { join } from "node:path";
import { rmSync } from "node:fs";
import type { StoredRecord } from "../core/schema.js";
import { InterruptSignal } from "../core/interrupt.js";
import { Progress } from "../core/progress.js";
import type { CollectionInfo, PutOptions, PutResult, Store } from "../store/store.js";
import { SearchIndex, type SearchOptions, type SearchResult, type WriterOptions } from "./search-index.js";
import type { IndexOptions } from "../segment/index-config.js";
import type { QueryNode } from "../lexical/query-ast.js";
import type { EncoderSpec } from "../encoders/encoder.js";
import { FieldEncoders } from "./field-encoders.js";
import { rememberedEncoder } from "./collection-embedder.js";
import { vectorFieldNames, type IndexConfig, type VectorFieldConfig } from "../segment/index-config.js";

export interface CollectionSearchHit {
  id: string;
  score: number;
  record: StoredRecord | undefined;
  explanation?: SearchResult["hits"][number]["explanation"];
}

export interface CollectionSearchResult extends Omit<SearchResult, "hits"> {
  hits: CollectionSearchHit[];
}

/** Records passed through in batches, each embedded before it goes on. */
async function* embedded(records: Iterable<unknown> | AsyncIterable<unknown>, encoders: FieldEncoders, signal?: AbortSignal): AsyncGenerator<unknown> {
  let batch: Array<Record<string, unknown>> = [];
  for await (const record of records as AsyncIterable<unknown>) {
    batch.push(record as Record<string, unknown>);
    if (batch.length === 256) {
      await encoders.embedMissing(batch, signal);
      yield* batch;
      batch = [];
    }
  }
  await encoders.embedMissing(batch, signal);
  yield* batch;
}

/** Whether the index has every field of the schema, each of the same type (else it must be rebuilt). */
function indexHoldsSchema(config: IndexConfig, schema: CollectionInfo["schema"]): boolean {
  return Object.entries(schema.fields).every(([name, spec]) => config.fields[name]?.type === spec.type);
}

interface IndexPosition {
  storeSeq: number;
  createdSeq: number;
}

/**
 * How often `search` looks for changes written to the store by someone else
 * (another server sharing a PostgreSQL store, a script using the store
 * directly). Like Elasticsearch's refresh interval: such changes become
 * searchable within about this long; this collection's own writes at once.
 */
export const REFRESH_INTERVAL_MS = 1000;

export class Collection {
  /** The running sync, so that concurrent requests never apply the same changes twice. */
  private syncing: Promise<number> | null = null;
  private lastRefresh = 0;
  /** A background catch-up asked for by a change notice and not started yet. */
  private pendingSync: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private closed = false;

  /** The encoders of the vector fields (query text, and records written without a vector). */
  readonly encoders: FieldEncoders;

  private constructor(
    readonly store: Store,
    readonly info: CollectionInfo,
    readonly index: SearchIndex,
    private readonly refreshIntervalMs: number,
    encoder?: EncoderSpec,
  ) {
    this.encoders = new FieldEncoders(index.config, encoder);
  }

  /**
   * Opens a collection of `store` with its index under `indexRoot/<name>`,
   * creating the index if needed and catching it up with the store.
   */
  static async open(
    store: Store,
    name: string,
    indexRoot: string,
    options: Pick<IndexOptions, "bm25" | "defaultAnalyzer"> & {
      writer?: WriterOptions;
      quiet?: boolean;
      refreshIntervalMs?: number;
      /** Embeds text for every vector field instead of the schema's encoders. */
      encoder?: EncoderSpec;
    } = {},
  ): Promise<Collection> {
    const info = await store.getCollection(name);
    const dir = join(indexRoot, name);
    let index: SearchIndex | undefined;
    if (SearchIndex.exists(dir)) {
      index = await SearchIndex.open(dir, { writer: options.writer });
      const position = index.userData.position as IndexPosition | undefined;
      if (!position || position.createdSeq !== info.createdSeq || !indexHoldsSchema(index.config, info.schema)) {
        // the collection was dropped and created again (the index describes other data), or its
        // schema gained fields (Store.updateSchema) that the index does not hold: rebuild from the store
        await index.close();
        rmSync(dir, { recursive: true, force: true });
        index = undefined;
      }
    }
    if (!index) {
      index = await SearchIndex.create(dir, { ...info.schema, bm25: options.bm25, defaultAnalyzer: options.defaultAnalyzer, writer: options.writer });
      await index.commit({ position: { storeSeq: 0, createdSeq: info.createdSeq } satisfies IndexPosition });
    }
    const collection = new Collection(store, info, index, options.refreshIntervalMs ?? REFRESH_INTERVAL_MS, options.encoder);
    // fields embedded by an encoder Trove trained for them (trove collection embed) query with the same one
    for (const field of vectorFieldNames(index.config)) {
      if ((index.config.fields[field] as VectorFieldConfig).encoder) continue;
      const remembered = await rememberedEncoder(store, name, field);
      if (remembered) collection.encoders.setFieldEncoder(field, remembered);
    }
    await collection.sync({ quiet: options.quiet });
    collection.unwatch = store.watch((notice) => {
      if (notice.collection === undefined || notice.collection === name) collection.syncSoon();
    });
    return collection;
  }

  get name(): string {
    return this.info.name;
  }

  /**
   * Writes records to the store (all-or-nothing unless skipInvalid), then
   * updates the index. Records without a vector in a vector field that has
   * source fields and an encoder are embedded first, so the store keeps the
   * vectors.
   */
  async put(records: Iterable<unknown> | AsyncIterable<unknown>, options: PutOptions = {}): Promise<PutResult> {
    const input = this.encoders.embedsOnWrite ? embedded(records, this.encoders, options.signal) : records;
    const result = await this.store.putRecords(this.name, input, options);
    await this.sync({ quiet: true });
    return result;
  }

  async delete(ids: Iterable<string>): Promise<number> {
    const n = await this.store.deleteRecords(this.name, ids);
    await this.sync({ quiet: true });
    return n;
  }

  /**
   * Starts a background catch-up after a short delay (a quarter of the refresh
   * interval, at most 250 ms), so that a burst of notices costs one catch-up.
   */
  private syncSoon(): void {
    if (this.pendingSync || this.closed) return;
    this.pendingSync = setTimeout(
      () => {
        this.pendingSync = undefined;
        if (this.closed) return;
        // a failure (the store is unreachable) is retried by the next notice or search
        this.sync({ quiet: true }).catch(() => undefined);
      },
      Math.min(250, this.refreshIntervalMs / 4),
    );
    this.pendingSync.unref();
  }

  /** Applies the store's changes since the index's position, then commits the new position. */
  async sync(options: { quiet?: boolean } = {}): Promise<number> {
    // one sync at a time; a caller arriving during one waits for it and then checks again
    while (this.syncing) await this.syncing.catch(() => undefined);
    this.syncing = this.applyChanges(options);
    try {
      return await this.syncing;
    } finally {
      this.syncing = null;
      this.lastRefresh = performance.now();
    }
  }

  private async applyChanges(options: { quiet?: boolean }): Promise<number> {
    const position = this.index.userData.position as IndexPosition;
    const latest = await this.store.latestSeq(this.name);
    if (latest <= position.storeSeq) return 0;
    const progress = new Progress(`indexing ${this.name}`, undefined, { enabled: options.quiet ? false : undefined });
    const interrupt = new InterruptSignal();
    let seq = position.storeSeq;
    let applied = 0;
    try {
      for (;;) {
        const changes = await this.store.changesSince(this.name, seq, 5000);
        if (changes.length === 0) break;
        const puts: StoredRecord[] = [];
        const deletes: string[] = [];
        for (const change of changes) {
          if (change.op === "put" && change.record) puts.push({ ...change.record, [this.info.schema.idField]: change.id });
          else deletes.push(change.id);
        }
        if (deletes.length) this.index.deleteDocuments(deletes);
        if (puts.length) this.index.addDocuments(puts);
        seq = changes[changes.length - 1].seq;
        applied += changes.length;
        progress.update(applied);
        interrupt.check("indexing");
      }
      await this.index.commit({ position: { storeSeq: seq, createdSeq: this.info.createdSeq } satisfies IndexPosition });
      progress.done();
    } finally {
      interrupt.dispose();
    }
    return applied;
  }

  /** Runs `read` against the index after the refresh a search does (changes written elsewhere become visible). */
  async searchIndex<T>(read: (index: SearchIndex) => T): Promise<T> {
    if (performance.now() - this.lastRefresh >= this.refreshIntervalMs) await this.sync({ quiet: true });
    return read(this.index);
  }

  /** Searches and attaches each hit's stored record. */
  async search(query: string | QueryNode, options: SearchOptions = {}): Promise<CollectionSearchResult> {
    const result = await this.searchIndex((index) => index.search(query, options));
    const records = await this.store.getRecords(
      this.name,
      result.hits.map((h) => h.id),
    );
    return { ...result, hits: result.hits.map((h, i) => ({ ...h, record: records[i] })) };
  }

  /** Drops the derived index and rebuilds it from the store (the store is never touched). */
  static async rebuild(store: Store, name: string, indexRoot: string): Promise<Collection> {
    rmSync(join(indexRoot, name), { recursive: true, force: true });
    return Collection.open(store, name, indexRoot);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unwatch?.();
    clearTimeout(this.pendingSync);
    this.pendingSync = undefined;
    while (this.syncing) await this.syncing.catch(() => undefined);
    await this.encoders.close();
    await this.index.close();
  }
}
