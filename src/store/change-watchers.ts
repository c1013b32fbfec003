/**
 * The listeners of `Store.watch`, shared by both stores: a set of callbacks,
 * a source of notices started when the first listener arrives and stopped
 * when the last one leaves (so a CLI command that never watches opens no
 * extra connection and runs no timer), and the highest sequence number
 * announced so far, so that a poll that only learns "the counter is now N"
 * stays quiet when a pushed notice already said so.
 */
import type { ChangeNotice } from "./store.js";

export interface NoticeSource {
  /** Starts producing notices (calls `emit`). */
  start(): void;
  /** Stops producing notices and releases what `start` opened. */
  stop(): void;
}

export type ChangeListener = (notice: ChangeNotice) => void;

export class ChangeWatchers {
  private readonly listeners = new Set<ChangeListener>();
  private source: NoticeSource | undefined;
  private running = false;
  /** The highest sequence number any notice carried. */
  private highest = -1;
  /** The highest sequence number announced per collection (a pushed notice can arrive twice: from this process and through the database). */
  private readonly byCollection = new Map<string, number>();

  /** Where notices come from; set once by the store that owns this object. */
  attach(source: NoticeSource): void {
    this.source = source;
  }

  get size(): number {
    return this.listeners.size;
  }

  add(listener: ChangeListener): () => void {
    if (typeof listener !== "function") throw new TypeError("watch needs a listener function");
    this.listeners.add(listener);
    if (!this.running && this.source) {
      this.running = true;
      this.source.start();
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.halt();
    };
  }

  /**
   * A notice of a known write: delivered unless the same collection was
   * already announced at this number or later (`always` delivers anyway: a
   * dropped collection takes no new number).
   */
  emit(notice: ChangeNotice, always = false): void {
    if (notice.seq > this.highest) this.highest = notice.seq;
    if (notice.collection !== undefined) {
      const known = this.byCollection.get(notice.collection) ?? -1;
      if (notice.seq <= known && !always) return;
      this.byCollection.set(notice.collection, Math.max(known, notice.seq));
    }
    this.deliver(notice);
  }

  /** A poll's finding that the counter is at `seq`: delivered only when it is news. */
  emitIfNewer(seq: number): void {
    if (seq <= this.highest) return;
    this.highest = seq;
    this.deliver({ seq });
  }

  /** Stops the source and forgets every listener (the store is closing). */
  close(): void {
    this.listeners.clear();
    this.halt();
  }

  private halt(): void {
    if (!this.running) return;
    this.running = false;
    this.source?.stop();
  }

  private deliver(notice: ChangeNotice): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(notice);
      } catch (error) {
        // a listener's failure must not silence the others or the store
        process.emitWarning(`a store change listener threw: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
