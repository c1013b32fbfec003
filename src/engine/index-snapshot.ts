/**
 * A point-in-time view of the committed segments: what one search sees.
 * Collection statistics (documents with the field, total term counts, term
 * document frequencies) are summed over all segments, as Lucene's
 * IndexSearcher does, so scores do not depend on how documents are split
 * into segments.
 */
import type { IndexConfig } from "../segment/index-config.js";
import type { SegmentReader } from "../segment/segment-reader.js";

export interface FieldCollectionStats {
  docCount: number;
  sumTotalTermFreq: number;
}

export class IndexSnapshot {
  readonly bases: number[] = [];
  readonly maxDoc: number;
  private readonly fieldStats = new Map<string, FieldCollectionStats>();

  constructor(
    readonly config: IndexConfig,
    readonly segments: readonly SegmentReader[],
  ) {
    let base = 0;
    for (const s of segments) {
      this.bases.push(base);
      base += s.docCount;
    }
    this.maxDoc = base;
    for (const [name, field] of Object.entries(config.fields)) {
      if (field.type !== "text") continue;
      let docCount = 0;
      let sumTotalTermFreq = 0;
      for (const s of segments) {
        const st = s.text.get(name)?.stats;
        if (st) {
          docCount += st.docCount;
          sumTotalTermFreq += st.sumTotalTermFreq;
        }
      }
      this.fieldStats.set(name, { docCount, sumTotalTermFreq });
    }
  }

  stats(field: string): FieldCollectionStats {
    return this.fieldStats.get(field) ?? { docCount: 0, sumTotalTermFreq: 0 };
  }

  /** Documents containing the term, summed over segments (deleted docs included, as in Lucene). */
  docFreq(field: string, term: Uint8Array): number {
    let df = 0;
    for (const s of this.segments) {
      const f = s.text.get(field);
      if (!f) continue;
      const ord = f.lookup(term);
      if (ord >= 0) df += f.docFreq[ord];
    }
    return df;
  }

  liveDocCount(): number {
    return this.segments.reduce((n, s) => n + s.liveCount(), 0);
  }

  /** Maps a global doc number back to (segment index, local doc). */
  locate(globalDoc: number): [number, number] {
    let lo = 0;
    let hi = this.bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.bases[mid] <= globalDoc) lo = mid;
      else hi = mid - 1;
    }
    return [lo, globalDoc - this.bases[lo]];
  }
}
