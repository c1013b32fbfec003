/**
 * Read side of a text field in one segment: the sorted term dictionary, postings
 * in blocks of 128 with block-max impacts, positions and one-byte length norms,
 * all typed-array views over the segment file (sections written by
 * text-field-writer.ts). No per-term objects.
 */
import type { SegmentFile } from "../segment/segment-file.js";
import type { SegmentMeta, TextFieldStats } from "../segment/segment-format.js";
import { PostingsCursor } from "./postings-cursor.js";
import { compareBytes, decodeUtf8, searchPacked } from "../core/utf8.js";

export class TextFieldReader {
  readonly norms: Uint8Array;
  readonly termBytes: Uint8Array;
  readonly termOffsets: Uint32Array;
  readonly docFreq: Uint32Array;
  readonly totalTermFreq: Float64Array;
  readonly firstBlock: Uint32Array;
  readonly blockLastDoc: Uint32Array;
  readonly blockOffset: Uint32Array;
  readonly blockMaxTf: Uint32Array;
  readonly blockMinNorm: Uint8Array;
  readonly blockPosOffset: Float64Array;
  readonly postings: Uint8Array;
  readonly positionsData: Uint8Array;

  constructor(
    file: SegmentFile<SegmentMeta>,
    readonly name: string,
    readonly stats: TextFieldStats,
  ) {
    this.norms = file.u8(`${name}.norms`);
    this.termBytes = file.u8(`${name}.termBytes`);
    this.termOffsets = file.u32(`${name}.termOffsets`);
    this.docFreq = file.u32(`${name}.docFreq`);
    this.totalTermFreq = file.f64(`${name}.totalTermFreq`);
    this.firstBlock = file.u32(`${name}.firstBlock`);
    this.blockLastDoc = file.u32(`${name}.blockLastDoc`);
    this.blockOffset = file.u32(`${name}.blockOffset`);
    this.blockMaxTf = file.u32(`${name}.blockMaxTf`);
    this.blockMinNorm = file.u8(`${name}.blockMinNorm`);
    this.blockPosOffset = file.f64(`${name}.blockPosOffset`);
    this.postings = file.u8(`${name}.postings`);
    this.positionsData = file.u8(`${name}.positions`);
  }

  get termCount(): number {
    return this.docFreq.length;
  }

  /** Term ordinal of `term` (UTF-8 bytes), or -1. */
  lookup(term: Uint8Array): number {
    const i = searchPacked(this.termBytes, this.termOffsets, this.termCount, term);
    return i >= 0 ? i : -1;
  }

  termAt(ordinal: number): string {
    return decodeUtf8(this.termBytes, this.termOffsets[ordinal], this.termOffsets[ordinal + 1]);
  }

  /** Ordinals [from, to) of terms starting with `prefix`. */
  prefixRange(prefix: Uint8Array): [number, number] {
    const i = searchPacked(this.termBytes, this.termOffsets, this.termCount, prefix);
    let from = i >= 0 ? i : -i - 1;
    const start = from;
    while (from < this.termCount) {
      const s = this.termOffsets[from];
      const e = this.termOffsets[from + 1];
      if (e - s < prefix.length || compareBytes(prefix, this.termBytes, s, s + prefix.length) !== 0) break;
      from++;
    }
    return [start, from];
  }

  postingsCursor(ordinal: number): PostingsCursor {
    return new PostingsCursor(this, ordinal);
  }
}
