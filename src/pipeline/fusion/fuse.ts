/**
 * Fusion: one candidate list from several retrievers' lists. Every candidate
 * keeps the features each retriever gave it (its score and rank under the
 * retriever's name). Two rules decide the new score:
 *
 * - reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): the sum over
 *   lists of weight / (k + rank), k = 60 by default; scores are ignored, so
 *   it needs no calibration;
 * - convex combination (Bruch, Gai & Ingber 2023): each list's scores
 *   normalized (min-max by default, z-score, or none), then the weighted sum;
 *   a candidate missing from a list gets that list's lowest normalized score.
 */
import type { Candidate } from "../candidate.js";
import { note, sortByScore } from "../candidate.js";
import type { FusionConfig } from "../pipeline-config.js";
import { normalizeScores } from "./normalization.js";

export interface RankedList {
  name: string;
  candidates: Candidate[];
}

export const DEFAULT_RRF_K = 60;

export function fuse(lists: readonly RankedList[], config: FusionConfig | undefined, trace: boolean): Candidate[] {
  if (!config) {
    if (lists.length !== 1) throw new Error("fusion is required to combine several retrievers");
    return lists[0].candidates;
  }
  const merged = new Map<string, Candidate>();
  for (const list of lists) {
    for (const c of list.candidates) {
      let m = merged.get(c.id);
      if (!m) {
        m = { id: c.id, score: 0, features: {}, trace: trace ? [] : undefined };
        merged.set(c.id, m);
      }
      Object.assign(m.features, c.features);
      if (m.trace && c.trace) m.trace.push(...c.trace);
    }
  }
  const weightOf = (name: string, fallback: number) => config.weights?.[name] ?? fallback;
  if (config.type === "rrf") {
    const k = config.k ?? DEFAULT_RRF_K;
    for (const list of lists) {
      const w = weightOf(list.name, 1);
      list.candidates.forEach((c, i) => {
        merged.get(c.id)!.score += w / (k + i + 1);
      });
    }
  } else {
    const how = config.normalization ?? "min-max";
    for (const list of lists) {
      const w = weightOf(list.name, 1 / lists.length);
      const normalized = normalizeScores(list.candidates.map((c) => c.score), how);
      const floor = normalized.length ? Math.min(...normalized) : 0;
      const seen = new Set<string>();
      list.candidates.forEach((c, i) => {
        merged.get(c.id)!.score += w * normalized[i];
        seen.add(c.id);
      });
      if (floor !== 0) for (const m of merged.values()) if (!seen.has(m.id)) m.score += w * floor;
    }
  }
  const out = sortByScore([...merged.values()]);
  if (trace) for (const c of out) note(c, "fusion", config.type === "rrf" ? `reciprocal rank fusion (k ${config.k ?? DEFAULT_RRF_K})` : `convex combination (${config.normalization ?? "min-max"})`);
  return out;
}
