/**
 * Papers in date order, newest first, for listings and `sort=date`. The
 * lexical engine ranks by score only, so this keeps, in memory, every paper's
 * date (epoch ms) by id, caught up from the store's change feed on each use
 * (a cheap check when nothing changed), and the ids sorted by (date desc,
 * id asc) with undated papers last. About 100 bytes per paper.
 */
import { parseDateValue } from "../../../src/core/schema.js";
import type { Store } from "../../../src/store/store.js";
import { ChangeFollower } from "./change-follower.js";

export class DateOrder {
  private readonly dates = new Map<string, number>();
  private readonly follower: ChangeFollower;
  private dirty = true;
  private sortedIds: string[] = [];
  private sortedDates = new Float64Array(0);
  private ranks = new Map<string, number>();
  private dated = 0;

  constructor(store: Store, collection: string, dateField: string) {
    this.follower = new ChangeFollower(store, collection, (changes) => {
      for (const change of changes) {
        if (change.op === "put" && change.record) this.dates.set(change.id, parseDateValue(change.record[dateField]));
        else this.dates.delete(change.id);
      }
      this.dirty = true;
    });
  }

  /** Applies the store's changes since the last call. */
  async sync(): Promise<void> {
    await this.follower.sync();
  }

  private sort(): void {
    if (!this.dirty) return;
    const ids = [...this.dates.keys()];
    const dates = this.dates;
    ids.sort((a, b) => {
      const da = dates.get(a)!;
      const db = dates.get(b)!;
      const na = Number.isNaN(da);
      const nb = Number.isNaN(db);
      if (na !== nb) return na ? 1 : -1;
      if (!na && da !== db) return db - da;
      return a < b ? -1 : a > b ? 1 : 0;
    });
    this.sortedIds = ids;
    this.sortedDates = Float64Array.from(ids, (id) => dates.get(id)!);
    this.ranks = new Map(ids.map((id, i) => [id, i]));
    let dated = 0;
    while (dated < this.sortedDates.length && !Number.isNaN(this.sortedDates[dated])) dated++;
    this.dated = dated;
    this.dirty = false;
  }

  get size(): number {
    return this.dates.size;
  }

  /** Ids from position `offset`, at most `limit` of them, newest first. */
  slice(offset: number, limit: number): string[] {
    this.sort();
    return this.sortedIds.slice(offset, offset + limit);
  }

  /** Position of `id` in the order (Infinity when unknown). */
  rank(id: string): number {
    this.sort();
    return this.ranks.get(id) ?? Infinity;
  }

  /** Date (epoch ms, NaN when undated) of the paper at `position`. */
  dateAt(position: number): number {
    this.sort();
    return this.sortedDates[position];
  }

  /** Number of papers with a date (they come first; undated papers follow). */
  get datedCount(): number {
    this.sort();
    return this.dated;
  }

  /**
   * The end of the tie group at `end - 1`: the smallest position >= `end`
   * whose date differs from the date at `end - 1` (so a window never splits
   * papers of the same date). Undated papers form one group.
   */
  tieEnd(end: number): number {
    this.sort();
    const n = this.sortedDates.length;
    if (end <= 0 || end >= n) return Math.min(Math.max(end, 0), n);
    const d = this.sortedDates[end - 1];
    let e = end;
    if (Number.isNaN(d)) return n;
    while (e < n && this.sortedDates[e] === d) e++;
    return e;
  }
}
