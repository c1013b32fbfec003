/**
 * nDCG@k as trec_eval's ndcg_cut computes it: graded gains (the qrels value,
 * not 2^rel - 1), log2(rank + 1) discount, the ideal ranking built from the
 * judged documents with positive gain. Like trec_eval, a run is re-sorted by
 * score descending, ties broken by document id descending, whatever order the
 * engine returned. Queries with judgements but no results count as 0 (the
 * mean is over every judged query, as `trec_eval -c`).
 */
import type { Qrels } from "./corpus.js";

export type Run = Record<string, ReadonlyArray<readonly [string, number]>>;

export function trecOrder(hits: ReadonlyArray<readonly [string, number]>): Array<readonly [string, number]> {
  return [...hits].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
}

export function ndcgForQuery(hits: ReadonlyArray<readonly [string, number]>, judged: ReadonlyMap<string, number>, k = 10): number {
  const ideal = [...judged.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2);
  if (idcg === 0) return 0;
  let dcg = 0;
  trecOrder(hits)
    .slice(0, k)
    .forEach(([id], i) => {
      const gain = judged.get(id) ?? 0;
      if (gain > 0) dcg += gain / Math.log2(i + 2);
    });
  return dcg / idcg;
}

/**
 * Mean nDCG@k over every query in the qrels, or, with `onlyQueries`, over
 * those judged queries alone (an engine timed on a prefix of the queries).
 */
export function meanNdcg(run: Run, qrels: Qrels, k = 10, onlyQueries?: ReadonlySet<string>): { mean: number; queries: number } {
  let sum = 0;
  let n = 0;
  for (const [qid, judged] of qrels) {
    if (onlyQueries && !onlyQueries.has(qid)) continue;
    sum += ndcgForQuery(run[qid] ?? [], judged, k);
    n++;
  }
  return { mean: n ? sum / n : NaN, queries: n };
}

/** Mean share of the reference run's top-k that the other run also returns (queries both ran, where the reference has hits). */
export function overlapAtK(run: Run, reference: Run, k = 10): number {
  let sum = 0;
  let n = 0;
  for (const [qid, refHits] of Object.entries(reference)) {
    const ref = refHits.slice(0, k);
    const other = run[qid];
    if (ref.length === 0 || other === undefined) continue;
    const mine = new Set(other.slice(0, k).map(([id]) => id));
    sum += ref.filter(([id]) => mine.has(id)).length / ref.length;
    n++;
  }
  return n ? sum / n : NaN;
}
