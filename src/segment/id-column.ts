/**
 * The id column of a segment: document ids packed as UTF-8 (`_id.bytes`,
 * `_id.offsets`) plus the doc numbers sorted by id (`_id.sorted`) for lookups
 * by binary search.
 */
import { compareBytes, compareCodePoints, decodeUtf8, encodeUtf8, packStrings } from "../core/utf8.js";
import type { Sections } from "./segment-format.js";
import type { SegmentFile } from "./segment-file.js";

export function putIdSections(sections: Sections, ids: readonly string[]): void {
  const packed = packStrings(ids);
  sections.set("_id.bytes", packed.bytes);
  sections.set("_id.offsets", packed.offsets);
  const sorted = Uint32Array.from({ length: ids.length }, (_, i) => i).sort((a, b) => compareCodePoints(ids[a], ids[b]));
  sections.set("_id.sorted", sorted);
}

export class IdColumn {
  private readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  private readonly sorted: Uint32Array;

  constructor(file: SegmentFile<unknown>) {
    this.bytes = file.u8("_id.bytes");
    this.offsets = file.u32("_id.offsets");
    this.sorted = file.u32("_id.sorted");
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  idOf(doc: number): string {
    return decodeUtf8(this.bytes, this.offsets[doc], this.offsets[doc + 1]);
  }

  /** A doc whose id is `id` and for which `isLive` holds, or -1 (an id repeats only when older copies were deleted). */
  find(id: string, isLive: (doc: number) => boolean): number {
    const key = encodeUtf8(id);
    const n = this.count;
    const cmp = (j: number) => {
      const doc = this.sorted[j];
      return compareBytes(key, this.bytes, this.offsets[doc], this.offsets[doc + 1]);
    };
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = cmp(mid);
      if (c === 0) {
        for (let j = mid; j >= 0 && cmp(j) === 0; j--) if (isLive(this.sorted[j])) return this.sorted[j];
        for (let j = mid + 1; j < n && cmp(j) === 0; j++) if (isLive(this.sorted[j])) return this.sorted[j];
        return -1;
      }
      if (c < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return -1;
  }
}
