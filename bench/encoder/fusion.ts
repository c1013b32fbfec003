/**
 * Fusion of two runs for the encoder benchmark: reciprocal rank fusion
 * (Cormack et al. 2009) and a convex combination of min-max normalised
 * scores. A document missing from one list gets nothing from it (RRF) or that
 * list's minimum (convex: 0 after normalisation).
 */
import type { Run, ScoredDoc } from "../../src/eval/run.js";
import { rankForTrecEval } from "../../src/eval/metrics.js";

export function reciprocalRankFusion(a: Run, b: Run, k = 60, depth = 1000): Run {
  const out: Run = new Map();
  for (const qid of new Set([...a.keys(), ...b.keys()])) {
    const scores = new Map<string, number>();
    for (const list of [a.get(qid) ?? [], b.get(qid) ?? []]) {
      rankForTrecEval(list).forEach((doc, rank) => scores.set(doc.docId, (scores.get(doc.docId) ?? 0) + 1 / (k + rank + 1)));
    }
    out.set(qid, top(scores, depth));
  }
  return out;
}

/** weight·minmax(a) + (1 − weight)·minmax(b). */
export function convexFusion(a: Run, b: Run, weight: number, depth = 1000): Run {
  const out: Run = new Map();
  for (const qid of new Set([...a.keys(), ...b.keys()])) {
    const scores = new Map<string, number>();
    for (const [list, w] of [[a.get(qid) ?? [], weight], [b.get(qid) ?? [], 1 - weight]] as const) {
      if (list.length === 0) continue;
      let min = Infinity;
      let max = -Infinity;
      for (const d of list) {
        min = Math.min(min, d.score);
        max = Math.max(max, d.score);
      }
      const range = max - min || 1;
      for (const d of list) scores.set(d.docId, (scores.get(d.docId) ?? 0) + (w * (d.score - min)) / range);
    }
    out.set(qid, top(scores, depth));
  }
  return out;
}

function top(scores: Map<string, number>, depth: number): ScoredDoc[] {
  return rankForTrecEval([...scores].map(([docId, score]) => ({ docId, score }))).slice(0, depth);
}

/** The queries of `run` whose ids are in `ids`. */
export function restrictRun(run: Run, ids: ReadonlySet<string>): Run {
  return new Map([...run].filter(([qid]) => ids.has(qid)));
}
