/**
 * Facet counting: for each requested keyword field, how many matching
 * documents hold each value. Counts are kept per segment by value ordinal (a
 * typed array, no string work per match) and turned into value strings once
 * per segment; the result keeps the `limit` most frequent values per field
 * (ties by value).
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { IndexConfig } from "../../segment/index-config.js";
import type { KeywordFieldReader } from "../../segment/keyword-field.js";
import type { SegmentReader } from "../../segment/segment-reader.js";

export interface FacetCount {
  value: string;
  count: number;
}

export type FacetRequest = string | { field: string; limit?: number };

export class FacetCollector {
  private readonly specs: Array<{ field: string; limit: number }>;
  private readonly totals: Array<Map<string, number>>;
  private segmentReaders: Array<KeywordFieldReader | undefined> = [];
  private segmentCounts: Array<Uint32Array | null> = [];

  constructor(requests: readonly FacetRequest[], config: IndexConfig) {
    this.specs = requests.map((f) => (typeof f === "string" ? { field: f, limit: 10 } : { field: f.field, limit: f.limit ?? 10 }));
    for (const f of this.specs) {
      if (config.fields[f.field]?.type !== "keyword") throw new InvalidArgumentError(`facet field "${f.field}" is not a keyword field`);
    }
    this.totals = this.specs.map(() => new Map());
  }

  get active(): boolean {
    return this.specs.length > 0;
  }

  /** Starts counting for one segment; returns the per-match callback. */
  beginSegment(segment: SegmentReader): (doc: number) => void {
    this.segmentReaders = this.specs.map((f) => segment.keywords.get(f.field));
    this.segmentCounts = this.segmentReaders.map((r) => (r ? new Uint32Array(r.valueCount) : null));
    const readers = this.segmentReaders;
    const counts = this.segmentCounts;
    return (doc: number) => {
      for (let i = 0; i < readers.length; i++) {
        const r = readers[i];
        if (!r) continue;
        const c = counts[i]!;
        for (let j = r.docOffsets[doc]; j < r.docOffsets[doc + 1]; j++) c[r.ords[j]]++;
      }
    };
  }

  /** Folds the segment's counts into the totals. */
  endSegment(): void {
    this.segmentReaders.forEach((r, i) => {
      if (!r) return;
      const counts = this.segmentCounts[i]!;
      for (let o = 0; o < counts.length; o++) {
        if (counts[o] > 0) {
          const v = r.valueAt(o);
          this.totals[i].set(v, (this.totals[i].get(v) ?? 0) + counts[o]);
        }
      }
    });
  }

  result(): Record<string, FacetCount[]> {
    const out: Record<string, FacetCount[]> = {};
    this.specs.forEach((f, i) => {
      out[f.field] = [...this.totals[i]]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
        .slice(0, f.limit);
    });
    return out;
  }
}
