/**
 * Merges one text field of several segments: a k-way merge of their sorted term
 * dictionaries, postings renumbered through the merge's doc maps (deleted
 * documents dropped), norms carried over, then encoded as a fresh field.
 */
import { compareBytes } from "../core/utf8.js";
import type { Sections, TextFieldStats } from "../segment/segment-format.js";
import { IntList } from "./byte-buffer.js";
import { NO_MORE_DOCS } from "./postings-cursor.js";
import { PostingsEncoder } from "./postings-encoder.js";
import type { TextFieldReader } from "./text-field-reader.js";
import { putTextSections } from "./text-field-writer.js";

export function mergeTextField(
  name: string,
  withPositions: boolean,
  inputs: ReadonlyArray<{ docCount: number; text: ReadonlyMap<string, TextFieldReader> }>,
  docMaps: readonly Int32Array[],
  newCount: number,
  sections: Sections,
): TextFieldStats {
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
