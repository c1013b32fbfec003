/**
 * Iterates one term's postings in one segment, a block of 128 at a time
 * (Lucene's PostingsEnum / Tantivy's DocSet): nextDoc, advance(target) using
 * the per-block skip data, freq, positions, and block-max impact bounds.
 */
import { readPacked, readVInt } from "./byte-buffer.js";
import { BLOCK_SIZE } from "./postings-encoder.js";
import type { TextFieldReader } from "./text-field-reader.js";

export const NO_MORE_DOCS = 0x7fffffff;

export class PostingsCursor {
  doc = -1;
  private readonly docs = new Int32Array(BLOCK_SIZE);
  private readonly freqs = new Int32Array(BLOCK_SIZE);
  private block: number;
  private readonly endBlock: number;
  private index = 0;
  private count = 0;
  private decodedBlock = -1;
  private readonly remaining: number;
  private readonly posCursor = new Uint32Array(1);
  /** Block pointer of shallowAdvance: never behind `block`, only moves forward. */
  private shallowBlock: number;

  constructor(
    readonly field: TextFieldReader,
    readonly termOrdinal: number,
  ) {
    this.block = field.firstBlock[termOrdinal];
    this.endBlock = field.firstBlock[termOrdinal + 1];
    this.remaining = field.docFreq[termOrdinal];
    this.shallowBlock = this.block;
  }

  get docFreq(): number {
    return this.remaining;
  }

  private decode(block: number): void {
    const f = this.field;
    const first = f.firstBlock[this.termOrdinal];
    const n = Math.min(BLOCK_SIZE, this.remaining - (block - first) * BLOCK_SIZE);
    const src = f.postings;
    let offset = f.blockOffset[block];
    const gapBits = src[offset];
    const tfBits = src[offset + 1];
    offset = readPacked(src, offset + 2, n, gapBits, this.docs);
    readPacked(src, offset, n, tfBits, this.freqs);
    let doc = block === first ? -1 : f.blockLastDoc[block - 1];
    const docs = this.docs;
    const freqs = this.freqs;
    for (let i = 0; i < n; i++) {
      doc += docs[i] + 1;
      docs[i] = doc;
      freqs[i] += 1;
    }
    this.count = n;
    this.decodedBlock = block;
  }

  nextDoc(): number {
    if (this.decodedBlock === this.block && this.index + 1 < this.count) {
      this.index++;
      return (this.doc = this.docs[this.index]);
    }
    if (this.decodedBlock === this.block) this.block++;
    if (this.block >= this.endBlock) return (this.doc = NO_MORE_DOCS);
    this.decode(this.block);
    this.index = 0;
    return (this.doc = this.docs[0]);
  }

  /** Moves to the first doc >= target. */
  advance(target: number): number {
    if (target <= this.doc) return this.doc;
    const f = this.field;
    let block = this.shallowBlock > this.block ? this.shallowBlock : this.block;
    while (block < this.endBlock && f.blockLastDoc[block] < target) block++;
    if (block >= this.endBlock) {
      this.block = block;
      return (this.doc = NO_MORE_DOCS);
    }
    if (block !== this.decodedBlock) {
      this.block = block;
      this.decode(block);
      this.index = 0;
    }
    const docs = this.docs;
    let i = this.index;
    while (docs[i] < target) i++;
    this.index = i;
    return (this.doc = docs[i]);
  }

  freq(): number {
    return this.freqs[this.index];
  }

  /** Last doc of the current block (for block-max bounds). */
  blockLastDoc(): number {
    return this.field.blockLastDoc[this.block];
  }

  /**
   * Finds (without decoding) the block that may contain `target`; returns it or -1.
   * Targets must not decrease between calls.
   */
  shallowAdvance(target: number): number {
    const f = this.field;
    let block = this.shallowBlock > this.block ? this.shallowBlock : this.block;
    while (block < this.endBlock && f.blockLastDoc[block] < target) block++;
    this.shallowBlock = block;
    return block < this.endBlock ? block : -1;
  }

  /** Reads the current doc's positions into out (length >= freq). */
  readPositions(out: Int32Array): number {
    const f = this.field;
    const src = f.positionsData;
    const cursor = this.posCursor;
    cursor[0] = f.blockPosOffset[this.block];
    const freqs = this.freqs;
    // skip earlier docs of the block
    for (let i = 0; i < this.index; i++) {
      for (let j = 0; j < freqs[i]; j++) readVInt(src, cursor);
    }
    const tf = freqs[this.index];
    let p = 0;
    for (let j = 0; j < tf; j++) {
      p += readVInt(src, cursor);
      out[j] = p;
    }
    return tf;
  }
}
