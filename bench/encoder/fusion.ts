/**
 * Fusion of two runs for the encoder benchmark, through the pipeline's own
 * fusion (src/pipeline/fusion/fuse.ts), so the benchmark measures what
 * `hybrid-rrf` and `hybrid-convex` do: reciprocal rank fusion (k = 60) and a
 * convex combination of min-max normalised scores (a document missing from a
 * list gets that list's lowest normalised score, 0).
 */
import { rankForTrecEval } from "../../src/eval/metrics.js";
import type { Run } from "../../src/eval/run.js";
import { fuse, type RankedList } from "../../src/pipeline/fusion/fuse.js";
import type { FusionConfig } from "../../src/pipeline/pipeline-config.js";

function fuseRuns(encoder: Run, bm25: Run, config: FusionConfig): Run {
  const out: Run = new Map();
  for (const qid of new Set([...encoder.keys(), ...bm25.keys()])) {
    const lists: RankedList[] = [
      { name: "encoder", candidates: rankForTrecEval(encoder.get(qid) ?? []).map((d) => ({ id: d.docId, score: d.score, features: {} })) },
      { name: "bm25", candidates: rankForTrecEval(bm25.get(qid) ?? []).map((d) => ({ id: d.docId, score: d.score, features: {} })) },
    ];
    out.set(qid, fuse(lists, config, false).map((c) => ({ docId: c.id, score: c.score })));
  }
  return out;
}

export function reciprocalRankFusion(encoder: Run, bm25: Run, k = 60): Run {
  return fuseRuns(encoder, bm25, { type: "rrf", k });
}

/** weight·minmax(encoder) + (1 − weight)·minmax(bm25). */
export function convexFusion(encoder: Run, bm25: Run, weight: number): Run {
  return fuseRuns(encoder, bm25, { type: "convex", normalization: "min-max", weights: { encoder: weight, bm25: 1 - weight } });
}

/** The queries of `run` whose ids are in `ids`. */
export function restrictRun(run: Run, ids: ReadonlySet<string>): Run {
  return new Map([...run].filter(([qid]) => ids.has(qid)));
}
