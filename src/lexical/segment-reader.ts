/**
 * Read-only view of one segment file: the id column, per text field the term
 * dictionary, postings, positions and norms; keyword and numeric doc values.
 * Everything is a typed-array view over the file's bytes: no per-term objects.
 */
import { CorruptIndexError } from "../core/errors.js";
import { readSegmentFile, type SegmentFile } from "./segment-file.js";
import type { KeywordFieldStats, SegmentMeta, TextFieldStats } from "./segment-builder.js";
import { PostingsCursor } from "./postings-cursor.js";
import { compareBytes, decodeUtf8, encodeUtf8, searchPacked } from "./utf8.js";

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

export class KeywordFieldReader {
  readonly dictBytes: Uint8Array;
  readonly dictOffsets: Uint32Array;
  readonly docOffsets: Uint32Array;
  readonly ords: Uint32Array;
  private decoded: string[] | undefined;

  constructor(
    file: SegmentFile<SegmentMeta>,
    readonly name: string,
    readonly stats: KeywordFieldStats,
  ) {
    this.dictBytes = file.u8(`${name}.dictBytes`);
    this.dictOffsets = file.u32(`${name}.dictOffsets`);
    this.docOffsets = file.u32(`${name}.docOffsets`);
    this.ords = file.u32(`${name}.ords`);
  }

  get valueCount(): number {
    return this.dictOffsets.length - 1;
  }

  ordinalOf(value: string): number {
    const i = searchPacked(this.dictBytes, this.dictOffsets, this.valueCount, encodeUtf8(value));
    return i >= 0 ? i : -1;
  }

  valueAt(ordinal: number): string {
    if (!this.decoded) {
      this.decoded = [];
      for (let i = 0; i < this.valueCount; i++) this.decoded.push(decodeUtf8(this.dictBytes, this.dictOffsets[i], this.dictOffsets[i + 1]));
    }
    return this.decoded[ordinal];
  }

  valuesOf(doc: number): string[] {
    const out: string[] = [];
    for (let i = this.docOffsets[doc]; i < this.docOffsets[doc + 1]; i++) out.push(this.valueAt(this.ords[i]));
    return out;
  }
}

export class SegmentReader {
  readonly docCount: number;
  readonly meta: SegmentMeta;
  readonly byteLength: number;
  readonly text = new Map<string, TextFieldReader>();
  readonly keywords = new Map<string, KeywordFieldReader>();
  readonly numerics = new Map<string, Float64Array>();
  private readonly idBytes: Uint8Array;
  private readonly idOffsets: Uint32Array;
  private readonly idSorted: Uint32Array;

  constructor(
    readonly name: string,
    path: string,
    /** 1 = live, 0 = deleted; null when the segment has no deletions. */
    public liveDocs: Uint8Array | null = null,
  ) {
    const file = readSegmentFile<SegmentMeta>(path);
    this.meta = file.meta;
    this.byteLength = file.byteLength;
    this.docCount = file.meta.docCount;
    this.idBytes = file.u8("_id.bytes");
    this.idOffsets = file.u32("_id.offsets");
    this.idSorted = file.u32("_id.sorted");
    if (this.idOffsets.length !== this.docCount + 1) throw new CorruptIndexError(`${path}: id column has the wrong length`);
    for (const [field, stats] of Object.entries(file.meta.fields)) {
      if (stats.type === "text") this.text.set(field, new TextFieldReader(file, field, stats));
      else if (stats.type === "keyword") this.keywords.set(field, new KeywordFieldReader(file, field, stats));
      else this.numerics.set(field, file.f64(`${field}.values`));
    }
  }

  idOf(doc: number): string {
    return decodeUtf8(this.idBytes, this.idOffsets[doc], this.idOffsets[doc + 1]);
  }

  /** Segment-local doc number of a live document with this id, or -1. */
  findDoc(id: string): number {
    const key = encodeUtf8(id);
    let lo = 0;
    let hi = this.docCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const doc = this.idSorted[mid];
      const c = compareBytes(key, this.idBytes, this.idOffsets[doc], this.idOffsets[doc + 1]);
      if (c === 0) {
        // the same id can appear twice in a segment only if the older copy was deleted; scan neighbours
        for (let j = mid; j >= 0 && compareBytes(key, this.idBytes, this.idOffsets[this.idSorted[j]], this.idOffsets[this.idSorted[j] + 1]) === 0; j--) {
          if (this.isLive(this.idSorted[j])) return this.idSorted[j];
        }
        for (let j = mid + 1; j < this.docCount && compareBytes(key, this.idBytes, this.idOffsets[this.idSorted[j]], this.idOffsets[this.idSorted[j] + 1]) === 0; j++) {
          if (this.isLive(this.idSorted[j])) return this.idSorted[j];
        }
        return -1;
      }
      if (c < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return -1;
  }

  isLive(doc: number): boolean {
    return this.liveDocs === null || this.liveDocs[doc] === 1;
  }

  liveCount(): number {
    if (!this.liveDocs) return this.docCount;
    let n = 0;
    for (let i = 0; i < this.docCount; i++) n += this.liveDocs[i];
    return n;
  }
}
