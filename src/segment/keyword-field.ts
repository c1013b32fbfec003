/**
 * Keyword doc values: per document a (possibly empty) set of exact strings, for
 * filters and facets. Sections: `<field>.dictBytes` / `.dictOffsets` (the sorted
 * distinct values, UTF-8), `.docOffsets` and `.ords` (per document its value
 * ordinals, ascending).
 */
import { IntList } from "../lexical/byte-buffer.js";
import { compareCodePoints, decodeUtf8, encodeUtf8, packStrings, searchPacked } from "../core/utf8.js";
import type { KeywordFieldStats, SegmentMeta, Sections } from "./segment-format.js";
import type { SegmentFile } from "./segment-file.js";

export class KeywordFieldWriter {
  private readonly values: string[][] = [];

  add(value: unknown): void {
    if (typeof value === "string") this.values.push([value]);
    else if (Array.isArray(value)) this.values.push(value.filter((v): v is string => typeof v === "string"));
    else if (typeof value === "number" || typeof value === "boolean") this.values.push([String(value)]);
    else this.values.push([]);
  }

  finish(name: string, sections: Sections): KeywordFieldStats {
    return encodeKeywordColumn(name, this.values, sections);
  }
}

export function encodeKeywordColumn(name: string, perDoc: readonly (readonly string[])[], sections: Sections): KeywordFieldStats {
  const distinct = new Set<string>();
  for (const list of perDoc) for (const v of list) distinct.add(v);
  const dict = [...distinct].sort(compareCodePoints);
  const ordOf = new Map(dict.map((v, i) => [v, i]));
  const docOffsets = new Uint32Array(perDoc.length + 1);
  const ords = new IntList();
  for (let d = 0; d < perDoc.length; d++) {
    const list = [...new Set(perDoc[d])].map((v) => ordOf.get(v)!).sort((a, b) => a - b);
    for (const o of list) ords.push(o);
    docOffsets[d + 1] = ords.length;
  }
  const packed = packStrings(dict);
  sections.set(`${name}.dictBytes`, packed.bytes);
  sections.set(`${name}.dictOffsets`, packed.offsets);
  sections.set(`${name}.docOffsets`, docOffsets);
  sections.set(`${name}.ords`, new Uint32Array(ords.toArray()));
  return { type: "keyword", valueCount: dict.length };
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

/** The merged column: the live documents' values in their new order. */
export function mergeKeywordField(name: string, inputs: ReadonlyArray<{ docCount: number; keywords: ReadonlyMap<string, KeywordFieldReader> }>, docMaps: readonly Int32Array[], sections: Sections): KeywordFieldStats {
  const perDoc: string[][] = [];
  inputs.forEach((seg, s) => {
    const kw = seg.keywords.get(name);
    for (let d = 0; d < seg.docCount; d++) if (docMaps[s][d] >= 0) perDoc.push(kw ? kw.valuesOf(d) : []);
  });
  return encodeKeywordColumn(name, perDoc, sections);
}
