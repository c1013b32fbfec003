/**
 * MaxScore collection for disjunctions of term clauses (Turtle & Flood 1995,
 * with block-max bounds for the non-essential clauses): clauses whose summed
 * upper bounds cannot lift a document above the current k-th score are never
 * iterated, only probed for candidates found elsewhere.
 */
import { NO_MORE_DOCS, type TermScorer } from "../../lexical/scorer.js";
import type { SegmentCollectOptions, TopKHeap } from "./top-k-collector.js";

/**
 * MaxScore over term clauses grouped into fields: the final score is
 * fround(sum over groups of fround(sum of the group's clause scores)), the
 * same rounding as Lucene's nested boolean queries. Returns the number of
 * documents fully scored (a lower bound of the true hit count).
 */
export function collectMaxScore(clauses: TermScorer[], groupOf: Int32Array, groupCount: number, heap: TopKHeap, options: SegmentCollectOptions): number {
  const n = clauses.length;
  if (n === 0) return 0;
  // order clauses by max score ascending; prefix sums give the bound of the i cheapest clauses
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => clauses[a].maxScore() - clauses[b].maxScore());
  const scorers = order.map((i) => clauses[i]);
  const groups = Int32Array.from(order.map((i) => groupOf[i]));
  const maxScores = Float64Array.from(scorers.map((s) => s.maxScore()));
  const prefix = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += maxScores[i];
    prefix[i] = acc * (1 + 1e-6) + 1e-7;
  }
  const groupSums = new Float64Array(groupCount);
  const { base, accept, deadline } = options;
  let scored = 0;
  let threshold = heap.threshold();
  let firstEssential = 0;
  while (firstEssential < n && prefix[firstEssential] <= threshold) firstEssential++;
  for (const s of scorers) s.nextDoc();

  for (;;) {
    if (firstEssential >= n) break;
    // next candidate: smallest doc among essential clauses
    let doc = NO_MORE_DOCS;
    for (let i = firstEssential; i < n; i++) if (scorers[i].doc < doc) doc = scorers[i].doc;
    if (doc === NO_MORE_DOCS) break;
    deadline?.tick();
    if (accept && !accept(doc)) {
      for (let i = firstEssential; i < n; i++) if (scorers[i].doc === doc) scorers[i].nextDoc();
      continue;
    }
    groupSums.fill(0);
    let partial = 0;
    for (let i = firstEssential; i < n; i++) {
      const s = scorers[i];
      if (s.doc === doc) {
        const v = s.score();
        groupSums[groups[i]] += v;
        partial += v;
        s.nextDoc();
      }
    }
    let pruned = false;
    for (let i = firstEssential - 1; i >= 0; i--) {
      if (partial + prefix[i] <= threshold) {
        pruned = true;
        break;
      }
      const s = scorers[i];
      if (s.doc < doc) {
        // block-max check before decoding: skip when even this block's best impact can't help
        const block = s.cursor.shallowAdvance(doc);
        if (block < 0) continue;
        const bound = partial + s.blockMaxScore(block) + (i > 0 ? prefix[i - 1] : 0);
        if (bound <= threshold) {
          pruned = true;
          break;
        }
        s.advance(doc);
      }
      if (s.doc === doc) {
        const v = s.score();
        groupSums[groups[i]] += v;
        partial += v;
      }
    }
    if (pruned) continue;
    let score = 0;
    for (let g = 0; g < groupCount; g++) if (groupSums[g] !== 0) score += Math.fround(groupSums[g]);
    score = Math.fround(score);
    scored++;
    if (heap.offer(score, base + doc) && heap.full) {
      threshold = heap.threshold();
      while (firstEssential < n && prefix[firstEssential] <= threshold) firstEssential++;
    }
  }
  return scored;
}
