/**
 * Write side of a text field: buffers analyzed documents column-wise (flat Int32
 * posting lists, not objects per term) and encodes them into the field's
 * sections: `<field>.norms` (one-byte length norms), `.termBytes` /
 * `.termOffsets` (sorted UTF-8 dictionary), `.docFreq`, `.totalTermFreq`, per
 * term its first block and per block of 128 postings the last doc, byte
 * offset, best tf and shortest norm (block-max bounds), `.postings` (bit-packed
 * doc gaps and frequencies) and `.positions` (varints).
 */
import type { Analyzer } from "../text/analyzer.js";
import type { Sections, TextFieldStats } from "../segment/segment-format.js";
import { compareCodePoints, encodeUtf8 } from "../core/utf8.js";
import { IntList } from "./byte-buffer.js";
import type { TextFieldConfig } from "../segment/index-config.js";
import { PostingsEncoder } from "./postings-encoder.js";
import { intToByte4 } from "./small-float.js";

/** One text field of the segment being built. */
export class TextFieldWriter {
  readonly termIds = new Map<string, number>();
  readonly terms: string[] = [];
  readonly postTerm = new IntList(1 << 16);
  readonly postDoc = new IntList(1 << 16);
  readonly postTf = new IntList(1 << 16);
  readonly postPosStart = new IntList(1 << 16);
  readonly positions = new IntList(1 << 16);
  readonly norms = new IntList(1 << 12);
  docCount = 0;
  sumTotalTermFreq = 0;
  // scratch, indexed by term id
  private lastDoc = new Int32Array(1 << 12).fill(-1);
  private slot = new Int32Array(1 << 12);
  // scratch, indexed by token
  private tokTerm = new Int32Array(256);
  private tokPos = new Int32Array(256);
  private uniq = new Int32Array(256);
  private counts = new Int32Array(256);
  private fill = new Int32Array(256);

  constructor(
    readonly analyzer: Analyzer,
    readonly config: TextFieldConfig,
  ) {}

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.termIds.set(term, id);
      this.terms.push(term);
      if (id >= this.lastDoc.length) {
        const last = new Int32Array(this.lastDoc.length * 2).fill(-1);
        last.set(this.lastDoc);
        this.lastDoc = last;
        const slot = new Int32Array(this.slot.length * 2);
        slot.set(this.slot);
        this.slot = slot;
      }
    }
    return id;
  }

  add(doc: number, text: string | undefined): void {
    let n = 0;
    if (text) {
      this.analyzer.analyze(text, (term, position) => {
        if (n === this.tokTerm.length) this.growTokens();
        this.tokTerm[n] = this.termId(term);
        this.tokPos[n] = position;
        n++;
      });
    }
    // Lucene: the norm is the number of tokens; a field with no tokens has no norm and does not count.
    this.norms.push(n === 0 ? 0 : intToByte4(n));
    if (n === 0) return;
    this.docCount++;
    this.sumTotalTermFreq += n;
    let unique = 0;
    for (let i = 0; i < n; i++) {
      const t = this.tokTerm[i];
      if (this.lastDoc[t] !== doc) {
        this.lastDoc[t] = doc;
        this.slot[t] = unique;
        this.uniq[unique] = t;
        this.counts[unique] = 0;
        unique++;
      }
      this.counts[this.slot[t]]++;
    }
    // lay out positions grouped by term, each group in token order
    const base = this.positions.length;
    let running = 0;
    for (let u = 0; u < unique; u++) {
      this.fill[u] = running;
      running += this.counts[u];
    }
    for (let i = 0; i < n; i++) this.positions.push(0);
    const pos = this.positions.data;
    for (let i = 0; i < n; i++) {
      const s = this.slot[this.tokTerm[i]];
      pos[base + this.fill[s]++] = this.tokPos[i];
    }
    let start = base;
    for (let u = 0; u < unique; u++) {
      this.postTerm.push(this.uniq[u]);
      this.postDoc.push(doc);
      this.postTf.push(this.counts[u]);
      this.postPosStart.push(start);
      start += this.counts[u];
    }
  }

  private growTokens(): void {
    const grow = <T extends Int32Array>(a: T): T => {
      const next = new Int32Array(a.length * 2);
      next.set(a);
      return next as T;
    };
    this.tokTerm = grow(this.tokTerm);
    this.tokPos = grow(this.tokPos);
    this.uniq = grow(this.uniq);
    this.counts = grow(this.counts);
    this.fill = grow(this.fill);
  }

  /** Approximate bytes held, for flush decisions. */
  bytesUsed(): number {
    return (this.postTerm.data.length * 4 * 4 + this.positions.data.length * 4 + this.terms.length * 64) | 0;
  }

  finish(name: string, sections: Sections): TextFieldStats {
    const termCount = this.terms.length;
    const order = Array.from({ length: termCount }, (_, i) => i).sort((a, b) => compareCodePoints(this.terms[a], this.terms[b]));
    // counting sort of postings by term id (postings are already in doc order)
    const postings = this.postTerm.length;
    const start = new Int32Array(termCount + 1);
    const pt = this.postTerm.data;
    for (let i = 0; i < postings; i++) start[pt[i] + 1]++;
    for (let t = 0; t < termCount; t++) start[t + 1] += start[t];
    const cursor = start.slice(0, termCount);
    const byTerm = new Int32Array(postings);
    for (let i = 0; i < postings; i++) byTerm[cursor[pt[i]]++] = i;

    const norms = Uint8Array.from(this.norms.toArray());
    const encoder = new PostingsEncoder(this.config.positions);
    let docs = new Int32Array(256);
    let tfs = new Int32Array(256);
    let positions = new Int32Array(1024);
    const pd = this.postDoc.data;
    const ptf = this.postTf.data;
    const pps = this.postPosStart.data;
    const allPos = this.positions.data;
    for (const t of order) {
      const from = start[t];
      const count = start[t + 1] - from;
      if (count > docs.length) {
        docs = new Int32Array(count * 2);
        tfs = new Int32Array(count * 2);
      }
      let posCount = 0;
      for (let j = 0; j < count; j++) {
        const p = byTerm[from + j];
        docs[j] = pd[p];
        tfs[j] = ptf[p];
        posCount += ptf[p];
      }
      if (this.config.positions) {
        if (posCount > positions.length) positions = new Int32Array(posCount * 2);
        let w = 0;
        for (let j = 0; j < count; j++) {
          const p = byTerm[from + j];
          const s = pps[p];
          for (let k = 0; k < ptf[p]; k++) positions[w++] = allPos[s + k];
        }
      }
      encoder.addTerm(encodeUtf8(this.terms[t]), docs, tfs, count, this.config.positions ? positions : null, norms);
    }
    const enc = encoder.finish();
    putTextSections(sections, name, norms, enc);
    return { type: "text", docCount: this.docCount, sumTotalTermFreq: this.sumTotalTermFreq, sumDocFreq: enc.sumDocFreq, termCount, positions: this.config.positions };
  }
}

export function putTextSections(sections: Sections, name: string, norms: Uint8Array, enc: ReturnType<PostingsEncoder["finish"]>): void {
  sections.set(`${name}.norms`, norms);
  sections.set(`${name}.termBytes`, enc.termBytes);
  sections.set(`${name}.termOffsets`, enc.termOffsets);
  sections.set(`${name}.docFreq`, enc.docFreq);
  sections.set(`${name}.totalTermFreq`, enc.totalTermFreq);
  sections.set(`${name}.firstBlock`, enc.firstBlock);
  sections.set(`${name}.blockLastDoc`, enc.blockLastDoc);
  sections.set(`${name}.blockOffset`, enc.blockOffset);
  sections.set(`${name}.blockMaxTf`, enc.blockMaxTf);
  sections.set(`${name}.blockMinNorm`, enc.blockMinNorm);
  sections.set(`${name}.blockPosOffset`, enc.blockPosOffset);
  sections.set(`${name}.postings`, enc.postings);
  sections.set(`${name}.positions`, enc.positions);
}

