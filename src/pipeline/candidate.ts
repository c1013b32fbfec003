/**
 * What flows through a pipeline: candidates (an item id, its current score,
 * the named features stages computed for it, and, when asked, a trace of
 * what each stage did to it). Arrays of plain objects: pipelines handle
 * hundreds to a few thousand candidates per request, where clarity wins.
 */

export interface TraceEntry {
  /** The stage's name, e.g. "bm25", "fusion", "mmr". */
  stage: string;
  /** What the stage did, in words: "rank 3, score 12.41", "excluded: seen". */
  detail: string;
  /** The score after this stage. */
  score?: number;
}

export interface Candidate {
  id: string;
  score: number;
  /** Named scores: each retriever's score under its name, scorer stages' outputs, "<retriever>.rank". */
  features: Record<string, number>;
  /** Filled only when the request asks for explanations. */
  trace?: TraceEntry[];
}

/** Appends a trace entry when the candidate is being traced. */
export function note(candidate: Candidate, stage: string, detail: string): void {
  candidate.trace?.push({ stage, detail, score: candidate.score });
}

/** Sorts best first: score descending, then id ascending (a deterministic order for ties). */
export function sortByScore(candidates: Candidate[]): Candidate[] {
  return candidates.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
