/**
 * Interactions kept in Trove's store (the system of record), so recommenders
 * train from the same place the rest of the data lives and a PostgreSQL store
 * serves several machines alike.
 *
 * One record per event: `{ user, item, kind, value, timestamp }` in a
 * collection ("interactions" by default). Events are never rewritten, so the
 * store's write sequence numbers are their arrival (import) order: `load`
 * returns them in that order, which keeps ties between equal timestamps as
 * the file gave them, as the file importers do.
 *
 * Appending is all-or-nothing (one store transaction) and idempotent: an
 * event's id is a hash of its content and of how many identical events came
 * before it in the same batch, so importing a file twice stores it once,
 * while an event that really happened twice (same user, item, kind, value
 * and time) is kept twice.
 */
import { createHash } from "node:crypto";
import { InvalidRecordError } from "../core/errors.js";
import type { CollectionSchema } from "../core/schema.js";
import { ensureCollection } from "../store/ensure-collection.js";
import type { Store } from "../store/store.js";
import { DEFAULT_KIND, InteractionData, type InteractionDataOptions, type InteractionRecord } from "./interactions.js";

export const DEFAULT_INTERACTIONS_COLLECTION = "interactions";

export const INTERACTION_STORE_SCHEMA = {
  fields: {
    user: { type: "keyword", required: true },
    item: { type: "keyword", required: true },
    kind: { type: "keyword", required: true },
    value: { type: "number", required: true },
    timestamp: { type: "number", required: true },
  },
} as const satisfies CollectionSchema;

export interface AppendResult {
  /** Events given. */
  read: number;
  /** Events stored by this call. */
  appended: number;
  /** Events that were already stored (an earlier import of the same data). */
  alreadyStored: number;
  /** Events in the collection afterwards. */
  total: number;
}

/** Records per existence check and per progress step. */
const BATCH = 5000;

function eventKey(r: Required<InteractionRecord>): string {
  return JSON.stringify([r.user, r.item, r.kind, r.value, r.timestamp]);
}

function checkEvent(r: InteractionRecord, n: number): Required<InteractionRecord> {
  const where = { recordNumber: n };
  if (typeof r.user !== "string" || r.user.length === 0) throw new InvalidRecordError("user must be a non-empty string", { ...where, field: "user" });
  if (typeof r.item !== "string" || r.item.length === 0) throw new InvalidRecordError("item must be a non-empty string", { ...where, field: "item" });
  const kind = r.kind ?? DEFAULT_KIND;
  if (typeof kind !== "string" || kind.length === 0) throw new InvalidRecordError("kind must be a non-empty string", { ...where, field: "kind" });
  const value = r.value ?? 1;
  if (!Number.isFinite(value)) throw new InvalidRecordError(`value must be a finite number, got ${String(r.value)}`, { ...where, field: "value" });
  const timestamp = r.timestamp ?? 0;
  if (!Number.isFinite(timestamp)) throw new InvalidRecordError(`timestamp must be a finite number, got ${String(r.timestamp)}`, { ...where, field: "timestamp" });
  return { user: r.user, item: r.item, kind, value, timestamp };
}

export class InteractionStore {
  private constructor(
    readonly store: Store,
    readonly collection: string,
  ) {}

  /** Opens the collection, creating it when missing. */
  static async open(store: Store, collection = DEFAULT_INTERACTIONS_COLLECTION): Promise<InteractionStore> {
    await ensureCollection(store, collection, INTERACTION_STORE_SCHEMA);
    const info = await store.getCollection(collection);
    for (const field of Object.keys(INTERACTION_STORE_SCHEMA.fields)) {
      if (!(field in info.schema.fields)) {
        throw new InvalidRecordError(`collection "${collection}" is not an interactions collection (it has no field "${field}")`);
      }
    }
    return new InteractionStore(store, collection);
  }

  /**
   * Appends events in one transaction: either all new events are stored or,
   * if one is invalid (the error names its number and field), none.
   */
  async append(events: Iterable<InteractionRecord>, options: { signal?: AbortSignal; onProgress?: (done: number) => void } = {}): Promise<AppendResult> {
    const checked: Required<InteractionRecord>[] = [];
    let n = 0;
    for (const event of events) checked.push(checkEvent(event, ++n));
    const seen = new Map<string, number>();
    const ids = checked.map((event) => {
      const key = eventKey(event);
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      return createHash("sha256").update(`${key}#${occurrence}`).digest("base64url").slice(0, 22);
    });
    const fresh: number[] = [];
    for (let start = 0; start < ids.length; start += BATCH) {
      const slice = ids.slice(start, start + BATCH);
      const stored = await this.store.getRecords(this.collection, slice);
      stored.forEach((record, i) => {
        if (record === undefined) fresh.push(start + i);
      });
    }
    const records = fresh.map((i) => ({ id: ids[i], ...checked[i] }));
    if (records.length > 0) {
      await this.store.putRecords(this.collection, records, {
        mode: "insert",
        batchSize: BATCH,
        signal: options.signal,
        onProgress: options.onProgress ? (p) => options.onProgress!(p.processed) : undefined,
      });
    }
    return { read: checked.length, appended: records.length, alreadyStored: checked.length - records.length, total: await this.count() };
  }

  /** Appends every event of loaded data (e.g. from a file importer), in its order. */
  appendData(data: InteractionData, options: { signal?: AbortSignal; onProgress?: (done: number) => void } = {}): Promise<AppendResult> {
    return this.append(eventsOf(data), options);
  }

  count(): Promise<number> {
    return this.store.countRecords(this.collection);
  }

  /** All stored events as columnar data, in arrival order. */
  async load(options: InteractionDataOptions = {}): Promise<InteractionData> {
    const rows: Array<{ seq: number; event: InteractionRecord }> = [];
    for await (const { seq, record } of this.store.scanRecords(this.collection, { batchSize: BATCH })) {
      rows.push({
        seq,
        event: { user: record.user as string, item: record.item as string, kind: record.kind as string, value: record.value as number, timestamp: record.timestamp as number },
      });
    }
    rows.sort((a, b) => a.seq - b.seq);
    return InteractionData.fromRecords(
      rows.map((r) => r.event),
      options,
    );
  }
}

/** The events of columnar data as records, in stored order. */
export function* eventsOf(data: InteractionData): Generator<Required<InteractionRecord>> {
  for (let e = 0; e < data.length; e++) {
    yield {
      user: data.userDictionary.idAt(data.users[e]),
      item: data.itemDictionary.idAt(data.items[e]),
      kind: data.kindNames[data.kinds[e]],
      value: data.values[e],
      timestamp: data.timestamps[e],
    };
  }
}
