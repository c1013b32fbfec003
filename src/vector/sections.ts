/**
 * Names of the sections a vector index consists of, and a SectionSource over
 * sections held in memory (a fresh build, tests). A segment stores the
 * sections under these names and hands the reader a SectionSource over its file.
 *
 *   hnsw.levels        Uint8Array  (count)            level of each node
 *   hnsw.level0        Int32Array  (count x (m0+1))   per node: link count, then links
 *   hnsw.upperOffsets  Int32Array  (count)            start of the node's upper lists in hnsw.upper (-1 = none)
 *   hnsw.upper         Int32Array                     levels 1..L of each node, m+1 int32 per list
 *   int8.codes         Uint8Array  (count x dim)      int8 codes (two's complement bytes)
 *   int8.corrections   Float32Array (count)           per-vector correction term
 *   binary.codes       Uint8Array  (count x words x 8) sign bits, 64-bit little-endian words
 *   binary.corrections Float32Array (count x 2)       per vector: |x-c|^2 / sum|x-c|, and <x,c> - |c|^2 (l2: |x-c|^2)
 *   binary.centroid    Float32Array (dim)             the centroid subtracted before taking signs
 */
import { CorruptIndexError } from "../core/errors.js";
import type { AnnSections, SectionSource } from "./types.js";

export const SECTION = {
  levels: "hnsw.levels",
  level0: "hnsw.level0",
  upperOffsets: "hnsw.upperOffsets",
  upper: "hnsw.upper",
  int8Codes: "int8.codes",
  int8Corrections: "int8.corrections",
  binaryCodes: "binary.codes",
  binaryCorrections: "binary.corrections",
  binaryCentroid: "binary.centroid",
} as const;

/** A SectionSource over sections in memory. */
export function sectionsFromMap(sections: AnnSections): SectionSource {
  const bytesOf = (name: string): Uint8Array => {
    const s = sections.get(name);
    if (!s) throw new CorruptIndexError(`vector index section "${name}" is missing`);
    return new Uint8Array(s.buffer, s.byteOffset, s.byteLength);
  };
  return {
    has: (name) => sections.has(name),
    byteLength: (name) => bytesOf(name).byteLength,
    readInto: (name, target) => target.set(bytesOf(name)),
  };
}
