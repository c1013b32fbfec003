/**
 * Follows a store collection's change feed: each `sync()` hands the changes
 * since the last one to `apply`, in order (a cheap check when nothing
 * changed). For small in-memory views of the papers that the index does not
 * offer, such as their date order (date-order.ts) or their DOIs
 * (doi-index.ts), kept current without rescanning the store.
 */
import type { Change, Store } from "../../../src/store/store.js";

export class ChangeFollower {
  private seq = 0;
  private running: Promise<boolean> | null = null;

  constructor(
    private readonly store: Store,
    private readonly collection: string,
    private readonly apply: (changes: readonly Change[]) => void,
  ) {}

  /** Applies the changes since the last call; true when there were any. */
  sync(): Promise<boolean> {
    // concurrent callers share one pass, so no change is applied twice
    this.running ??= this.catchUp().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async catchUp(): Promise<boolean> {
    if ((await this.store.latestSeq(this.collection)) <= this.seq) return false;
    let changed = false;
    for (;;) {
      const changes = await this.store.changesSince(this.collection, this.seq, 5000);
      if (changes.length === 0) break;
      this.apply(changes);
      this.seq = changes[changes.length - 1].seq;
      changed = true;
    }
    return changed;
  }
}
