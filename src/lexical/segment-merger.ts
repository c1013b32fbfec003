/**
 * Merges several segments into one, dropping deleted documents and renumbering
 * the rest in order. Reads only segment files and writes one new file, so it
 * can run while searches continue on the old segments (the index swaps the
 * manifest afterwards).
 */
import { IntList } from "./byte-buffer.js";
import { NO_MORE_DOCS } from "./postings-cursor.js";
import { PostingsEncoder } from "./postings-encoder.js";
import { writeSegmentFile } from "./segment-file.js";
import {
  encodeKeywordColumn,
  putIdSections,
  putTextSections,
  type SegmentFieldStats,
  type SegmentMeta,
  type Sections,
} from "./segment-builder.js";
import type { SegmentReader, TextFieldReader } from "./segment-reader.js";
import type { LexicalIndexConfig } from "./index-config.js";
import { compareBytes } from "./utf8.js";

export function mergeSegments(config: LexicalIndexConfig, inputs: readonly SegmentReader[], outputPath: string): { docCount: number; byteLength: number } {
  // old doc -> new doc maps
  const docMaps: Int32Array[] = [];
  let newCount = 0;
  const ids: string[] = [];
  for (const seg of inputs) {
    const map = new Int32Array(seg.docCount).fill(-1);
    for (let d = 0; d < seg.docCount; d++) {
      if (seg.isLive(d)) {
        map[d] = newCount++;
        ids.push(seg.idOf(d));
      }
    }
    docMaps.push(map);
  }
  const sections: Sections = new Map();
  const fields: Record<string, SegmentFieldStats> = {};
  putIdSections(sections, ids);

  for (const [name, field] of Object.entries(config.fields)) {
    if (field.type === "text") {
      fields[name] = mergeTextField(name, field.positions, inputs, docMaps, newCount, sections);
    } else if (field.type === "keyword") {
      const perDoc: string[][] = [];
      inputs.forEach((seg, s) => {
        const kw = seg.keywords.get(name);
        for (let d = 0; d < seg.docCount; d++) if (docMaps[s][d] >= 0) perDoc.push(kw ? kw.valuesOf(d) : []);
      });
      fields[name] = encodeKeywordColumn(name, perDoc, sections);
    } else {
      const values = new Float64Array(newCount).fill(Number.NaN);
      inputs.forEach((seg, s) => {
        const col = seg.numerics.get(name);
        if (!col) return;
        for (let d = 0; d < seg.docCount; d++) if (docMaps[s][d] >= 0) values[docMaps[s][d]] = col[d];
      });
      sections.set(`${name}.values`, values);
      fields[name] = { type: field.type };
    }
  }
  const meta: SegmentMeta = { docCount: newCount, fields };
  const byteLength = writeSegmentFile(outputPath, meta, sections);
  return { docCount: newCount, byteLength };
}

function mergeTextField(
  name: string,
  withPositions: boolean,
  inputs: readonly SegmentReader[],
  docMaps: Int32Array[],
  newCount: number,
  sections: Sections,
) {
  const readers: (TextFieldReader | undefined)[] = inputs.map((s) => s.text.get(name));
  const norms = new Uint8Array(newCount);
  let docCount = 0;
  let sumTotalTermFreq = 0;
  readers.forEach((r, s) => {
    if (!r) return;
    for (let d = 0; d < inputs[s].docCount; d++) {
      const nd = docMaps[s][d];
      if (nd < 0) continue;
      norms[nd] = r.norms[d];
    }
  });
  const encoder = new PostingsEncoder(withPositions);
  // k-way merge of the sorted term dictionaries
  const next = readers.map(() => 0);
  const docs = new IntList();
  const tfs = new IntList();
  const positions = new IntList();
  const posScratch = new Int32Array(1 << 16);
  let scratch = posScratch;
  for (;;) {
    let minSeg = -1;
    for (let s = 0; s < readers.length; s++) {
      const r = readers[s];
      if (!r || next[s] >= r.termCount) continue;
      if (minSeg < 0) {
        minSeg = s;
        continue;
      }
      const m = readers[minSeg]!;
      const cmp = compareBytes(
        r.termBytes.subarray(r.termOffsets[next[s]], r.termOffsets[next[s] + 1]),
        m.termBytes,
        m.termOffsets[next[minSeg]],
        m.termOffsets[next[minSeg] + 1],
      );
      if (cmp < 0) minSeg = s;
    }
    if (minSeg < 0) break;
    const mr = readers[minSeg]!;
    const term = mr.termBytes.slice(mr.termOffsets[next[minSeg]], mr.termOffsets[next[minSeg] + 1]);
    docs.length = 0;
    tfs.length = 0;
    positions.length = 0;
    for (let s = 0; s < readers.length; s++) {
      const r = readers[s];
      if (!r || next[s] >= r.termCount) continue;
      if (compareBytes(term, r.termBytes, r.termOffsets[next[s]], r.termOffsets[next[s] + 1]) !== 0) continue;
      const cursor = r.postingsCursor(next[s]);
      for (let d = cursor.nextDoc(); d !== NO_MORE_DOCS; d = cursor.nextDoc()) {
        const nd = docMaps[s][d];
        if (nd < 0) continue;
        const tf = cursor.freq();
        docs.push(nd);
        tfs.push(tf);
        if (withPositions) {
          if (scratch.length < tf) scratch = new Int32Array(tf * 2);
          cursor.readPositions(scratch);
          for (let j = 0; j < tf; j++) positions.push(scratch[j]);
        }
      }
      next[s]++;
    }
    if (docs.length === 0) continue; // every posting was deleted
    let total = 0;
    for (let i = 0; i < tfs.length; i++) total += tfs.data[i];
    sumTotalTermFreq += total;
    encoder.addTerm(term, docs.data, tfs.data, docs.length, withPositions ? positions.data : null, norms);
  }
  for (let d = 0; d < newCount; d++) if (norms[d] !== 0) docCount++;
  const enc = encoder.finish();
  putTextSections(sections, name, norms, enc);
  return { type: "text" as const, docCount, sumTotalTermFreq, sumDocFreq: enc.sumDocFreq, termCount: enc.docFreq.length, positions: withPositions };
}
