/**
 * Doc-at-a-time scorers (Lucene's Scorer, Tantivy's DocSet + Scorer): each
 * iterates matching docs of one segment in increasing order and scores the
 * current one. Boolean nodes sum children in double and round to float, as
 * Lucene's boolean scorers do, so nested multi-field queries score the same.
 */
import type { Bm25TermWeight } from "./bm25.js";
import { NO_MORE_DOCS, PostingsCursor } from "./postings-cursor.js";
import { LENGTH_TABLE } from "./small-float.js";

export { NO_MORE_DOCS };

export interface Explanation {
  value: number;
  description: string;
  details?: Explanation[];
}

export abstract class Scorer {
  doc = -1;
  abstract nextDoc(): number;
  abstract advance(target: number): number;
  abstract score(): number;
  /** Contract of advance(target): moves to the first match >= target; a scorer already there stays. */
  /** Upper bound of score() over the whole segment. */
  abstract maxScore(): number;
  /** Estimated number of matches (for ordering conjunctions). */
  abstract cost(): number;
  /** Explains the current doc's score (call after advance(doc) matched). */
  abstract explain(): Explanation;
}

export class TermScorer extends Scorer {
  private readonly norms: Uint8Array;
  private readonly normInverse: Float32Array;
  private readonly weightValue: number;

  constructor(
    readonly cursor: PostingsCursor,
    readonly weight: Bm25TermWeight,
    readonly field: string,
    readonly term: string,
  ) {
    super();
    this.norms = cursor.field.norms;
    this.normInverse = weight.normInverse;
    this.weightValue = weight.weight;
  }

  nextDoc(): number {
    return (this.doc = this.cursor.nextDoc());
  }
  advance(target: number): number {
    return (this.doc = this.cursor.advance(target));
  }
  score(): number {
    const w = this.weightValue;
    const f = Math.fround;
    return f(w - f(w / f(1 + f(this.cursor.freq() * this.normInverse[this.norms[this.doc]]))));
  }
  cost(): number {
    return this.cursor.docFreq;
  }
  /** Best possible score of one block: highest tf with the shortest length in it. */
  blockMaxScore(block: number): number {
    const fr = this.cursor.field;
    return this.weight.score(fr.blockMaxTf[block], fr.blockMinNorm[block]);
  }
  private cachedMax = -1;
  maxScore(): number {
    if (this.cachedMax < 0) {
      const fr = this.cursor.field;
      let max = 0;
      for (let b = fr.firstBlock[this.cursor.termOrdinal]; b < fr.firstBlock[this.cursor.termOrdinal + 1]; b++) {
        const s = this.weight.score(fr.blockMaxTf[b], fr.blockMinNorm[b]);
        if (s > max) max = s;
      }
      this.cachedMax = max;
    }
    return this.cachedMax;
  }
  explain(): Explanation {
    const w = this.weight;
    const freq = this.cursor.freq();
    const norm = this.norms[this.doc];
    const dl = LENGTH_TABLE[norm];
    const details: Explanation[] = [];
    if (w.boost !== 1) details.push({ value: w.boost, description: "boost" });
    details.push({
      value: w.idf,
      description: "idf, computed as log(1 + (N - n + 0.5) / (n + 0.5)) from:",
      details: [
        { value: w.docFreq, description: "n, number of documents containing term" },
        { value: w.docCount, description: "N, total number of documents with field" },
      ],
    });
    details.push({
      value: Math.fround(1 - Math.fround(1 / Math.fround(1 + Math.fround(freq * w.normInverse[norm])))),
      description: "tf, computed as freq / (freq + k1 * (1 - b + b * dl / avgdl)) from:",
      details: [
        { value: freq, description: "freq, occurrences of term within document" },
        { value: w.params.k1, description: "k1, term saturation parameter" },
        { value: w.params.b, description: "b, length normalization parameter" },
        { value: dl, description: norm > 39 ? "dl, length of field (approximate)" : "dl, length of field" },
        { value: w.avgdl, description: "avgdl, average length of field" },
      ],
    });
    return { value: this.score(), description: `weight(${this.field}:${this.term}), computed as boost * idf * tf from:`, details };
  }
}

/** Matches docs where the terms occur at consecutive positions (slop 0) or within `slop` moves. */
export class PhraseScorer extends Scorer {
  private readonly lead: PostingsCursor;
  private readonly positions: Int32Array[];
  private phraseFreq = 0;
  private readonly norms: Uint8Array;

  constructor(
    private readonly cursors: PostingsCursor[],
    /** Query position of each term (gaps left by stop words are kept). */
    private readonly offsets: number[],
    private readonly slop: number,
    private readonly weight: Bm25TermWeight,
    readonly field: string,
    readonly text: string,
  ) {
    super();
    this.lead = cursors.reduce((a, b) => (a.docFreq <= b.docFreq ? a : b));
    this.positions = cursors.map(() => new Int32Array(64));
    this.norms = cursors[0].field.norms;
  }

  private doNext(target: number): number {
    let doc = this.lead.advance(target);
    outer: while (doc !== NO_MORE_DOCS) {
      for (const c of this.cursors) {
        const d = c.advance(doc);
        if (d !== doc) {
          doc = this.lead.advance(d);
          continue outer;
        }
      }
      const freq = this.matchFreq();
      if (freq > 0) {
        this.phraseFreq = freq;
        return (this.doc = doc);
      }
      doc = this.lead.advance(doc + 1);
    }
    return (this.doc = NO_MORE_DOCS);
  }

  private matchFreq(): number {
    const lists: Int32Array[] = [];
    const counts: number[] = [];
    for (let i = 0; i < this.cursors.length; i++) {
      const c = this.cursors[i];
      if (this.positions[i].length < c.freq()) this.positions[i] = new Int32Array(c.freq() * 2);
      counts.push(c.readPositions(this.positions[i]));
      lists.push(this.positions[i]);
    }
    let freq = 0;
    // anchor on each position of the first term; check the others
    for (let a = 0; a < counts[0]; a++) {
      const start = lists[0][a] - this.offsets[0];
      let distance = 0;
      let ok = true;
      for (let i = 1; i < lists.length && ok; i++) {
        const want = start + this.offsets[i];
        let best = Infinity;
        for (let j = 0; j < counts[i]; j++) {
          const d = Math.abs(lists[i][j] - want);
          if (d < best) best = d;
        }
        distance += best;
        if (distance > this.slop) ok = false;
      }
      if (ok) freq += this.slop === 0 ? 1 : 1 / (1 + distance);
    }
    return freq;
  }

  nextDoc(): number {
    return this.doNext(this.doc + 1);
  }
  advance(target: number): number {
    if (target <= this.doc) return this.doc;
    return this.doNext(target);
  }
  score(): number {
    return this.weight.score(this.phraseFreq, this.norms[this.doc]);
  }
  maxScore(): number {
    return this.weight.score(1e6, 1);
  }
  cost(): number {
    return this.lead.docFreq;
  }
  explain(): Explanation {
    return {
      value: this.score(),
      description: `weight(${this.field}:"${this.text}"), phrase freq ${this.phraseFreq}, idf sum ${this.weight.idf}`,
    };
  }
}

/** Iterates set entries of a per-segment bitset with a constant score (filters, prefix and range clauses). */
export class BitsetScorer extends Scorer {
  constructor(
    private readonly bits: Uint8Array,
    private readonly constant: number,
    private readonly description: string,
    private readonly count = -1,
  ) {
    super();
  }
  nextDoc(): number {
    return this.advance(this.doc + 1);
  }
  advance(target: number): number {
    if (target <= this.doc) return this.doc;
    const bits = this.bits;
    let d = target;
    while (d < bits.length && bits[d] === 0) d++;
    return (this.doc = d < bits.length ? d : NO_MORE_DOCS);
  }
  score(): number {
    return this.constant;
  }
  maxScore(): number {
    return this.constant;
  }
  cost(): number {
    return this.count >= 0 ? this.count : this.bits.length;
  }
  explain(): Explanation {
    return { value: this.constant, description: this.description };
  }
}

/** Sum of all matching children; at least `minShouldMatch` must match. */
export class DisjunctionScorer extends Scorer {
  constructor(
    readonly children: Scorer[],
    private readonly boost = 1,
  ) {
    super();
  }
  private position(): number {
    let min = NO_MORE_DOCS;
    for (const c of this.children) if (c.doc < min) min = c.doc;
    return (this.doc = min);
  }
  nextDoc(): number {
    const current = this.doc;
    for (const c of this.children) if (c.doc <= current) c.nextDoc();
    return this.position();
  }
  advance(target: number): number {
    for (const c of this.children) if (c.doc < target) c.advance(target);
    return this.position();
  }
  score(): number {
    let sum = 0;
    for (const c of this.children) if (c.doc === this.doc) sum += c.score();
    return Math.fround(Math.fround(sum) * this.boost);
  }
  maxScore(): number {
    let sum = 0;
    for (const c of this.children) sum += c.maxScore();
    return sum * this.boost * (1 + 1e-6);
  }
  cost(): number {
    return this.children.reduce((s, c) => s + c.cost(), 0);
  }
  explain(): Explanation {
    return { value: this.score(), description: "sum of:", details: this.children.filter((c) => c.doc === this.doc).map((c) => c.explain()) };
  }
}

/** All required children must match (leapfrog); optional children add their scores; excluded ones veto. */
export class BooleanScorer extends Scorer {
  private readonly required: Scorer[];
  constructor(
    required: Scorer[],
    private readonly optional: Scorer[],
    private readonly excluded: Scorer[],
    private readonly boost = 1,
  ) {
    super();
    this.required = [...required].sort((a, b) => a.cost() - b.cost());
  }
  private align(target: number): number {
    const req = this.required;
    let doc = req[0].advance(target);
    outer: while (doc !== NO_MORE_DOCS) {
      for (let i = 1; i < req.length; i++) {
        const d = req[i].doc < doc ? req[i].advance(doc) : req[i].doc;
        if (d !== doc) {
          doc = req[0].advance(d);
          continue outer;
        }
      }
      for (const e of this.excluded) {
        if (e.doc < doc) e.advance(doc);
        if (e.doc === doc) {
          doc = req[0].advance(doc + 1);
          continue outer;
        }
      }
      return (this.doc = doc);
    }
    return (this.doc = NO_MORE_DOCS);
  }
  nextDoc(): number {
    return this.align(this.doc + 1);
  }
  advance(target: number): number {
    if (target <= this.doc) return this.doc;
    return this.align(target);
  }
  score(): number {
    let sum = 0;
    for (const r of this.required) sum += r.score();
    for (const o of this.optional) {
      if (o.doc < this.doc) o.advance(this.doc);
      if (o.doc === this.doc) sum += o.score();
    }
    return Math.fround(Math.fround(sum) * this.boost);
  }
  maxScore(): number {
    let sum = 0;
    for (const r of this.required) sum += r.maxScore();
    for (const o of this.optional) sum += o.maxScore();
    return sum * this.boost * (1 + 1e-6);
  }
  cost(): number {
    return this.required[0].cost();
  }
  explain(): Explanation {
    const details = this.required.map((r) => r.explain());
    for (const o of this.optional) {
      if (o.doc < this.doc) o.advance(this.doc);
      if (o.doc === this.doc) details.push(o.explain());
    }
    return { value: this.score(), description: "sum of:", details };
  }
}

/** A should-only query with exclusions: a disjunction whose docs must not match any excluded scorer. */
export class ExclusionScorer extends Scorer {
  constructor(
    private readonly inner: Scorer,
    private readonly excluded: Scorer[],
  ) {
    super();
  }
  private skip(doc: number): number {
    outer: while (doc !== NO_MORE_DOCS) {
      for (const e of this.excluded) {
        if (e.doc < doc) e.advance(doc);
        if (e.doc === doc) {
          doc = this.inner.nextDoc();
          continue outer;
        }
      }
      break;
    }
    return (this.doc = doc);
  }
  nextDoc(): number {
    return this.skip(this.inner.nextDoc());
  }
  advance(target: number): number {
    if (target <= this.doc) return this.doc;
    return this.skip(this.inner.advance(target));
  }
  score(): number {
    return this.inner.score();
  }
  maxScore(): number {
    return this.inner.maxScore();
  }
  cost(): number {
    return this.inner.cost();
  }
  explain(): Explanation {
    return this.inner.explain();
  }
}

export class EmptyScorer extends Scorer {
  override doc = NO_MORE_DOCS;
  nextDoc(): number {
    return NO_MORE_DOCS;
  }
  advance(): number {
    return NO_MORE_DOCS;
  }
  score(): number {
    return 0;
  }
  maxScore(): number {
    return 0;
  }
  cost(): number {
    return 0;
  }
  explain(): Explanation {
    return { value: 0, description: "no match" };
  }
}
