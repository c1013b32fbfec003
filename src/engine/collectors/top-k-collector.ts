/**
 * Top-k collection. `TopKHeap` keeps the best k (score, global doc) pairs,
 * breaking score ties by the earlier document as Lucene does; `collectAll`
 * scores every match of a scorer into it, `collectSorted` ranks matches by a
 * numeric doc value instead. The pruning path for term disjunctions is
 * max-score-collector.ts.
 */
import type { QueryDeadline } from "./query-deadline.js";
import { NO_MORE_DOCS, type Scorer } from "../../lexical/scorer.js";

export class TopKHeap {
  readonly scores: Float64Array;
  readonly docs: Float64Array; // global doc = segment base + local doc
  size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(Math.max(1, k));
    this.docs = new Float64Array(Math.max(1, k));
  }

  get full(): boolean {
    return this.size >= this.k;
  }

  /** Score a new doc must exceed to enter (documents arrive in increasing global order). */
  threshold(): number {
    return this.full ? this.scores[0] : -Infinity;
  }

  /** `a` ranks below `b`: lower score, or equal score and later doc. */
  private worse(i: number, j: number): boolean {
    const si = this.scores[i];
    const sj = this.scores[j];
    return si < sj || (si === sj && this.docs[i] > this.docs[j]);
  }

  private swap(i: number, j: number): void {
    const s = this.scores[i];
    this.scores[i] = this.scores[j];
    this.scores[j] = s;
    const d = this.docs[i];
    this.docs[i] = this.docs[j];
    this.docs[j] = d;
  }

  /** Offers a doc; returns true if it entered the heap. */
  offer(score: number, doc: number): boolean {
    if (this.k === 0) return false;
    if (this.size < this.k) {
      let i = this.size++;
      this.scores[i] = score;
      this.docs[i] = doc;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return true;
    }
    if (score <= this.scores[0]) return false;
    this.scores[0] = score;
    this.docs[0] = doc;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return true;
  }

  /** Entries best first. */
  sorted(): Array<{ score: number; doc: number }> {
    const out: Array<{ score: number; doc: number }> = [];
    for (let i = 0; i < this.size; i++) out.push({ score: this.scores[i], doc: this.docs[i] });
    return out.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }
}

export interface SegmentCollectOptions {
  base: number;
  /** Returns false for docs that must be skipped (deleted, filtered out). */
  accept: ((doc: number) => boolean) | null;
  onMatch?: (doc: number) => void;
  /** The request's time budget: ticked once per visited document. */
  deadline?: QueryDeadline;
}

/** Exhaustive collection: every match is scored (also used for facets and exact hit counts). */
export function collectAll(scorer: Scorer, heap: TopKHeap, options: SegmentCollectOptions): number {
  let matches = 0;
  const { base, accept, onMatch, deadline } = options;
  for (let doc = scorer.nextDoc(); doc !== NO_MORE_DOCS; doc = scorer.nextDoc()) {
    deadline?.tick();
    if (accept && !accept(doc)) continue;
    matches++;
    if (onMatch) onMatch(doc);
    heap.offer(scorer.score(), base + doc);
  }
  return matches;
}

/**
 * Exhaustive collection ranked by a numeric doc value instead of the score:
 * the heap's key is the value (negated for ascending order), documents
 * without a value come last, and ties keep index order. The BM25 score of
 * each document that enters the heap is kept in `scores` (global doc ->
 * score) so hits can still report it.
 */
export function collectSorted(
  scorer: Scorer,
  heap: TopKHeap,
  values: Float64Array | null,
  descending: boolean,
  scores: Map<number, number>,
  options: SegmentCollectOptions,
): number {
  let matches = 0;
  const { base, accept, onMatch, deadline } = options;
  for (let doc = scorer.nextDoc(); doc !== NO_MORE_DOCS; doc = scorer.nextDoc()) {
    deadline?.tick();
    if (accept && !accept(doc)) continue;
    matches++;
    if (onMatch) onMatch(doc);
    const value = values === null ? Number.NaN : values[doc];
    const key = Number.isNaN(value) ? -Infinity : descending ? value : -value;
    if (heap.full && key <= heap.threshold()) continue;
    scores.set(base + doc, scorer.score());
    heap.offer(key, base + doc);
  }
  return matches;
}
