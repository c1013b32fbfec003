/**
 * When each paper arrived in Paper Radar, for "new since your last visit"
 * and digests built from what arrived since the last one. A paper's `date`
 * is when it was submitted to arXiv; its arrival is when Paper Radar first
 * stored it (a fetch, an import), which is what a reader who comes back
 * wants to see. Kept in the `paper_arrivals` collection, one record per
 * paper, written once and never changed:
 *
 *   { id: <paper id>, at: <ISO time of arrival>, note?: "backfilled from the submission day" }
 *
 * so every paper belongs to exactly one day and one week of arrivals, and a
 * digest per day or per week shows each paper at most once.
 *
 * Arrivals follow the papers collection's change feed (position kept in the
 * store's metadata, so a restart does not rescan): a paper id not seen
 * before arrives now. The papers already stored when arrivals are first
 * tracked (the bundled corpus, an older data directory) are backfilled with
 * their submission day, capped at now, so past weeks keep their papers.
 * A small index (`at`, a date) answers "what arrived between t0 and t1".
 */
import type { CollectionSchema, StoredRecord } from "../../../src/core/schema.js";
import { Collection } from "../../../src/engine/collection.js";
import type { Store } from "../../../src/store/store.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";
import { MATCH_ALL } from "../search/query-nodes.js";

export const ARRIVALS_COLLECTION = "paper_arrivals";
const POSITION_KEY = "radar.arrivals.position";

export const ARRIVALS_SCHEMA: CollectionSchema = {
  // the index needs a text field; `note` is free text ("backfilled from the submission day")
  fields: { at: { type: "date", required: true }, note: { type: "text" } },
};

/** Most papers one query of arrivals returns (a digest or a "new" page ranks at most this many). */
export const MAX_ARRIVALS = 50_000;

export class Arrivals {
  private catchingUp: Promise<void> | null = null;

  private constructor(
    private readonly store: Store,
    private readonly papersName: string,
    readonly collection: Collection,
    private readonly now: () => number,
  ) {}

  /** Opens (creating if needed) the arrivals collection, index under `<indexRoot>/paper_arrivals`, and catches up. */
  static async open(store: Store, papersName: string, indexRoot: string, options: { now?: () => number } = {}): Promise<Arrivals> {
    await ensureCollection(store, ARRIVALS_COLLECTION, ARRIVALS_SCHEMA);
    const collection = await Collection.open(store, ARRIVALS_COLLECTION, indexRoot, { quiet: true });
    const arrivals = new Arrivals(store, papersName, collection, options.now ?? Date.now);
    await arrivals.sync();
    return arrivals;
  }

  /** Records the papers stored since the last call (one pass at a time). */
  sync(): Promise<void> {
    this.catchingUp ??= this.catchUp().finally(() => {
      this.catchingUp = null;
    });
    return this.catchingUp;
  }

  private async catchUp(): Promise<void> {
    const saved = (await this.store.getMeta(POSITION_KEY)) as number | undefined;
    const backfill = saved === undefined;
    let position = saved ?? 0;
    if ((await this.store.latestSeq(this.papersName)) <= position) {
      if (backfill) await this.store.setMeta(POSITION_KEY, position);
      return;
    }
    const nowIso = new Date(this.now()).toISOString();
    for (;;) {
      const changes = await this.store.changesSince(this.papersName, position, 5000);
      if (changes.length === 0) break;
      const puts = changes.filter((c) => c.op === "put" && c.record);
      const known = await this.store.getRecords(
        ARRIVALS_COLLECTION,
        puts.map((c) => c.id),
      );
      const fresh: StoredRecord[] = [];
      const seen = new Set<string>();
      puts.forEach((change, i) => {
        if (known[i] || seen.has(change.id)) return;
        seen.add(change.id);
        const submitted = typeof change.record!.date === "string" ? `${change.record!.date.slice(0, 10)}T00:00:00.000Z` : nowIso;
        fresh.push(backfill ? { id: change.id, at: submitted < nowIso ? submitted : nowIso, note: "backfilled from the submission day" } : { id: change.id, at: nowIso });
      });
      if (fresh.length) await this.collection.put(fresh);
      position = changes[changes.length - 1].seq;
      await this.store.setMeta(POSITION_KEY, position);
    }
  }

  /**
   * Ids of the papers that arrived after `after` (exclusive) up to `until`
   * (inclusive; ISO times, either open), newest arrivals first.
   */
  async between(after: string | undefined, until: string | undefined): Promise<string[]> {
    await this.sync();
    const range = { kind: "range" as const, field: "at", lower: after, upper: until, includeLower: false, includeUpper: true };
    const { hits } = await this.collection.search(MATCH_ALL, { k: MAX_ARRIVALS, filter: range, sort: { field: "at", order: "desc" } });
    return hits.map((h) => h.id);
  }

  /** When the newest paper arrived (ISO), or undefined when none has. */
  async newest(): Promise<string | undefined> {
    await this.sync();
    const { hits } = await this.collection.search(MATCH_ALL, { k: 1, sort: { field: "at", order: "desc" } });
    const at = hits[0]?.record?.at;
    return typeof at === "string" ? at : undefined;
  }

  close(): Promise<void> {
    return (this.catchingUp ?? Promise.resolve()).then(() => this.collection.close());
  }
}
