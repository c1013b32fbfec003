/**
 * Merges several segments into one, dropping deleted documents and renumbering
 * the rest in order; each field is merged by the code of its kind. Reads only
 * segment files and writes one new file, so it can run while searches continue
 * on the old segments (the index swaps the manifest afterwards).
 */
import type { IndexConfig } from "../segment/index-config.js";
import { mergeTextField } from "../lexical/text-field-merger.js";
import { putIdSections } from "./id-column.js";
import { mergeKeywordField } from "./keyword-field.js";
import { mergeNumericField } from "./numeric-field.js";
import { mergeVectorField } from "./vector-field.js";
import { mergeSparseVectorField } from "./sparse-vector-field.js";
import { writeSegmentFile } from "./segment-file.js";
import type { SegmentFieldStats, SegmentMeta, Sections } from "./segment-format.js";
import type { SegmentReader } from "./segment-reader.js";

export function mergeSegments(config: IndexConfig, inputs: readonly SegmentReader[], outputPath: string): { docCount: number; byteLength: number } {
  // old doc -> new doc, per input
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
  const lazy = new Set<string>();
  const fields: Record<string, SegmentFieldStats> = {};
  putIdSections(sections, ids);
  for (const [name, field] of Object.entries(config.fields)) {
    if (field.type === "text") fields[name] = mergeTextField(name, field.positions, inputs, docMaps, newCount, sections);
    else if (field.type === "keyword") fields[name] = mergeKeywordField(name, inputs, docMaps, sections);
    else if (field.type === "vector") fields[name] = mergeVectorField(name, field, inputs, docMaps, sections, lazy);
    else if (field.type === "sparse_vector") fields[name] = mergeSparseVectorField(name, field, inputs, docMaps, sections, lazy);
    else fields[name] = mergeNumericField(name, field.type, inputs, docMaps, newCount, sections);
  }
  const meta: SegmentMeta = { docCount: newCount, fields };
  const byteLength = writeSegmentFile(outputPath, meta, sections, lazy);
  return { docCount: newCount, byteLength };
}
