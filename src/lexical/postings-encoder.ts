/**
 * Encodes the postings of one text field, term by term in dictionary order,
 * into blocks of 128 documents (doc-id gaps and term frequencies bit-packed,
 * as in Lucene and Tantivy) plus per-block skip data: last doc id, byte
 * offset, and the block's best (highest tf, shortest length) impact, which
 * gives block-max score bounds for dynamic pruning. Positions are stored as
 * varint gaps in a separate stream.
 */
import { ByteWriter, IntList, bitsRequired } from "./byte-buffer.js";

export const BLOCK_SIZE = 128;

export interface EncodedField {
  termBytes: Uint8Array;
  termOffsets: Uint32Array;
  docFreq: Uint32Array;
  totalTermFreq: Float64Array;
  firstBlock: Uint32Array; // termCount + 1 entries
  blockLastDoc: Uint32Array;
  blockOffset: Uint32Array; // blockCount + 1 entries
  blockMaxTf: Uint32Array;
  blockMinNorm: Uint8Array;
  blockPosOffset: Float64Array; // positions byte offset of each block's first doc
  postings: Uint8Array;
  positions: Uint8Array;
  sumDocFreq: number;
}

export class PostingsEncoder {
  private readonly termBytes = new ByteWriter();
  private readonly termOffsets = new IntList();
  private readonly docFreq = new IntList();
  private readonly totalTermFreq: number[] = [];
  private readonly firstBlock = new IntList();
  private readonly blockLastDoc = new IntList();
  private readonly blockOffset = new IntList();
  private readonly blockMaxTf = new IntList();
  private readonly blockMinNorm = new IntList();
  private readonly blockPosOffset: number[] = [];
  private readonly postings = new ByteWriter(1 << 20);
  private readonly positions = new ByteWriter(1 << 20);
  private readonly gaps = new Int32Array(BLOCK_SIZE);
  private readonly freqs = new Int32Array(BLOCK_SIZE);
  private sumDocFreq = 0;
  private blocks = 0;

  constructor(private readonly withPositions: boolean) {
    this.termOffsets.push(0);
    this.blockOffset.push(0);
  }

  /**
   * Adds one term. `docs` ascending; `tfs` parallel; `positions` holds each doc's
   * positions back to back (tfs[i] of them for docs[i]), ascending within a doc.
   */
  addTerm(
    term: Uint8Array,
    docs: Int32Array,
    tfs: Int32Array,
    count: number,
    positions: Int32Array | null,
    norms: Uint8Array,
  ): void {
    this.termBytes.writeBytes(term);
    this.termOffsets.push(this.termBytes.length);
    this.docFreq.push(count);
    this.firstBlock.push(this.blocks);
    this.sumDocFreq += count;
    let total = 0;
    let prevDoc = -1;
    let posIndex = 0;
    for (let start = 0; start < count; start += BLOCK_SIZE) {
      const n = Math.min(BLOCK_SIZE, count - start);
      let maxGap = 0;
      let maxTfMinus1 = 0;
      let maxTf = 0;
      let minNorm = 255;
      for (let i = 0; i < n; i++) {
        const doc = docs[start + i];
        const gap = doc - prevDoc - 1;
        prevDoc = doc;
        this.gaps[i] = gap;
        if (gap > maxGap) maxGap = gap;
        const tf = tfs[start + i];
        total += tf;
        this.freqs[i] = tf - 1;
        if (tf - 1 > maxTfMinus1) maxTfMinus1 = tf - 1;
        if (tf > maxTf) maxTf = tf;
        const norm = norms[doc];
        if (norm < minNorm) minNorm = norm;
      }
      const gapBits = bitsRequired(maxGap);
      const tfBits = bitsRequired(maxTfMinus1);
      this.postings.writeByte(gapBits);
      this.postings.writeByte(tfBits);
      this.postings.writePacked(this.gaps, n, gapBits);
      this.postings.writePacked(this.freqs, n, tfBits);
      this.blockLastDoc.push(prevDoc);
      this.blockOffset.push(this.postings.length);
      this.blockMaxTf.push(maxTf);
      this.blockMinNorm.push(minNorm);
      this.blockPosOffset.push(this.positions.length);
      if (this.withPositions && positions) {
        for (let i = 0; i < n; i++) {
          const tf = tfs[start + i];
          let prev = 0;
          for (let j = 0; j < tf; j++) {
            const p = positions[posIndex++];
            this.positions.writeVInt(p - prev);
            prev = p;
          }
        }
      }
      this.blocks++;
    }
    this.totalTermFreq.push(total);
  }

  finish(): EncodedField {
    this.firstBlock.push(this.blocks);
    return {
      termBytes: this.termBytes.toBytes().slice(),
      termOffsets: new Uint32Array(this.termOffsets.toArray()),
      docFreq: new Uint32Array(this.docFreq.toArray()),
      totalTermFreq: Float64Array.from(this.totalTermFreq),
      firstBlock: new Uint32Array(this.firstBlock.toArray()),
      blockLastDoc: new Uint32Array(this.blockLastDoc.toArray()),
      blockOffset: new Uint32Array(this.blockOffset.toArray()),
      blockMaxTf: new Uint32Array(this.blockMaxTf.toArray()),
      blockMinNorm: Uint8Array.from(this.blockMinNorm.toArray()),
      blockPosOffset: Float64Array.from(this.blockPosOffset),
      postings: this.postings.toBytes().slice(),
      positions: this.positions.toBytes().slice(),
      sumDocFreq: this.sumDocFreq,
    };
  }
}
