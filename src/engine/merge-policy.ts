/**
 * Which segments to merge next. A policy only chooses; the writer runs the
 * merge (on a worker thread) and swaps the manifest. Merges take a run of
 * ADJACENT segments so that the global document order (and with it Lucene's
 * tie-breaking by document) is kept.
 */
import type { SegmentEntry } from "../segment/manifest.js";

export interface MergeSpec {
  /** Index of the first segment of the run, in manifest order. */
  start: number;
  count: number;
}

export interface MergePolicy {
  /** The next run to merge, or null when the segments are fine as they are. */
  findMerge(segments: readonly SegmentEntry[]): MergeSpec | null;
}

/**
 * Keeps at most `maxSegments` segments: when there are more, merges the run of
 * adjacent segments with the fewest bytes, long enough to get back under the
 * limit (plus a few more when far over it, so repeated small commits do not
 * cause a merge each).
 */
export class SmallestRunMergePolicy implements MergePolicy {
  constructor(readonly maxSegments: number) {}

  findMerge(segments: readonly SegmentEntry[]): MergeSpec | null {
    const count = segments.length;
    const max = Math.max(1, this.maxSegments);
    if (count <= max) return null;
    const runLength = Math.min(count, count - max + 1 + Math.min(8, Math.floor((count - max) / 2)));
    let best = 0;
    let bestBytes = Infinity;
    for (let i = 0; i + runLength <= count; i++) {
      let bytes = 0;
      for (let j = i; j < i + runLength; j++) bytes += segments[j].byteLength;
      if (bytes < bestBytes) {
        bestBytes = bytes;
        best = i;
      }
    }
    return { start: best, count: runLength };
  }
}
