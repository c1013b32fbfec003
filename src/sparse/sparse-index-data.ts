/**
 * The arrays of a learned-sparse index over `count` documents (ordinals
 * 0..count-1) and `termCount` terms (ids 0..termCount-1), and their names as
 * segment sections. Weights are quantized to one byte ("impacts"): weight =
 * impact x scale, with scale = the largest weight / 255.
 *
 *   fwd.offsets  u32 [count+1]     forward index: document d's entries are offsets[d]..offsets[d+1]
 *   fwd.terms    u32 [entries]     term ids, ascending within a document
 *   fwd.impacts  u8  [entries]
 *   post.offsets u32 [termCount+1] inverted index: term t's postings are offsets[t]..offsets[t+1]
 *   post.ords    u32 [postings]    impact order (highest first); the head (Seismic's pruned list)
 *   post.impacts u8  [postings]    is regrouped into blocks, the tail stays in impact order
 *   term.blocks  u32 [termCount+1] term t's blocks are blocks[t]..blocks[t+1]
 *   block.start  u32 [blocks]      a block's postings are start..end (within post.ords)
 *   block.end    u32 [blocks]
 *   summary.offsets u32 [blocks+1] a block's summary: its terms and their largest impact in the block,
 *   summary.terms   u32            cut to the terms that hold summaryEnergy of the summary's L1 mass
 *   summary.impacts u8
 *
 * `exact` search reads the whole inverted lists; approximate search reads the
 * heads' blocks, their summaries and the forward index.
 */
import type { SectionData } from "../segment/segment-format.js";

export interface ForwardIndex {
  offsets: Uint32Array;
  terms: Uint32Array;
  impacts: Uint8Array;
}

export interface SparseIndexData {
  count: number;
  termCount: number;
  /** weight = impact x scale. */
  scale: number;
  forward: ForwardIndex;
  postOffsets: Uint32Array;
  postOrds: Uint32Array;
  postImpacts: Uint8Array;
  termBlocks: Uint32Array;
  blockStart: Uint32Array;
  blockEnd: Uint32Array;
  summaryOffsets: Uint32Array;
  summaryTerms: Uint32Array;
  summaryImpacts: Uint8Array;
}

/** The index's arrays by section name (without the field prefix). */
export function sparseIndexSections(data: SparseIndexData): Array<[string, SectionData]> {
  return [
    ["fwd.offsets", data.forward.offsets],
    ["fwd.terms", data.forward.terms],
    ["fwd.impacts", data.forward.impacts],
    ["post.offsets", data.postOffsets],
    ["post.ords", data.postOrds],
    ["post.impacts", data.postImpacts],
    ["term.blocks", data.termBlocks],
    ["block.start", data.blockStart],
    ["block.end", data.blockEnd],
    ["summary.offsets", data.summaryOffsets],
    ["summary.terms", data.summaryTerms],
    ["summary.impacts", data.summaryImpacts],
  ];
}

export interface SparseSectionReader {
  u8(part: string): Uint8Array;
  u32(part: string): Uint32Array;
}

/** Views the arrays of sections written by sparseIndexSections. */
export function sparseIndexFromSections(read: SparseSectionReader, count: number, termCount: number, scale: number): SparseIndexData {
  return {
    count,
    termCount,
    scale,
    forward: { offsets: read.u32("fwd.offsets"), terms: read.u32("fwd.terms"), impacts: read.u8("fwd.impacts") },
    postOffsets: read.u32("post.offsets"),
    postOrds: read.u32("post.ords"),
    postImpacts: read.u8("post.impacts"),
    termBlocks: read.u32("term.blocks"),
    blockStart: read.u32("block.start"),
    blockEnd: read.u32("block.end"),
    summaryOffsets: read.u32("summary.offsets"),
    summaryTerms: read.u32("summary.terms"),
    summaryImpacts: read.u8("summary.impacts"),
  };
}
