/**
 * Papers an admin pins into everyone's digest, in the `pins` collection (one
 * record per paper):
 *
 *   { id: <paper id>, paperId, pinnedBy: <admin reader id>, pinnedAt, note?, until? }
 *
 * `until` (YYYY-MM-DD, inclusive) ends a pin without another request; the
 * digest code skips pins whose day has passed (`activePins`).
 */
import type { CollectionSchema, StoredRecord } from "../../../src/core/schema.js";
import type { Store } from "../../../src/store/store.js";
import { ConflictError } from "../../../src/store/errors.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";

export const PINS_COLLECTION = "pins";

export const PINS_SCHEMA: CollectionSchema = {
  fields: {
    paperId: { type: "keyword", required: true },
    pinnedBy: { type: "keyword", required: true },
    pinnedAt: { type: "date", required: true },
    note: { type: "text" },
    until: { type: "date" },
  },
};

export interface Pin {
  paperId: string;
  pinnedBy: string;
  pinnedAt: string;
  note?: string;
  until?: string;
}

function toPin(record: StoredRecord): Pin {
  const pin: Pin = { paperId: String(record.paperId), pinnedBy: String(record.pinnedBy), pinnedAt: String(record.pinnedAt) };
  if (typeof record.note === "string") pin.note = record.note;
  if (typeof record.until === "string") pin.until = record.until;
  return pin;
}

export class Pins {
  private constructor(private readonly store: Store) {}

  static async open(store: Store): Promise<Pins> {
    await ensureCollection(store, PINS_COLLECTION, PINS_SCHEMA);
    return new Pins(store);
  }

  /** Pins a paper; ConflictError when it is pinned already. */
  async pin(paperId: string, adminId: string, options: { note?: string; until?: string } = {}): Promise<Pin> {
    const record: StoredRecord = { id: paperId, paperId, pinnedBy: adminId, pinnedAt: new Date().toISOString() };
    if (options.note !== undefined) record.note = options.note;
    if (options.until !== undefined) record.until = options.until;
    try {
      await this.store.putRecords(PINS_COLLECTION, [record], { mode: "insert" });
    } catch (error) {
      if (error instanceof ConflictError) throw new ConflictError(`paper "${paperId}" is pinned already (unpin it first to change the pin)`);
      throw error;
    }
    return toPin(record);
  }

  /** Removes a pin; false when the paper was not pinned. */
  async unpin(paperId: string): Promise<boolean> {
    return (await this.store.deleteRecords(PINS_COLLECTION, [paperId])) > 0;
  }

  /** Every pin, newest first. */
  async list(): Promise<Pin[]> {
    const pins: Pin[] = [];
    for await (const { record } of this.store.scanRecords(PINS_COLLECTION)) pins.push(toPin(record));
    return pins.sort((a, b) => (a.pinnedAt > b.pinnedAt ? -1 : a.pinnedAt < b.pinnedAt ? 1 : a.paperId < b.paperId ? -1 : 1));
  }

  /** Pins still in force on `day` (YYYY-MM-DD; default today, UTC). */
  async activePins(day = new Date().toISOString().slice(0, 10)): Promise<Pin[]> {
    return (await this.list()).filter((p) => p.until === undefined || p.until >= day);
  }
}
