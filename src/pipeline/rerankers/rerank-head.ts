/**
 * How a reranking stage changes the list: the top `depth` candidates get the
 * stage's new scores (or order) and come first; the others follow in their
 * incoming order with scores below every reranked one, so anything that sorts
 * by score (a run file, trec_eval) sees the same order. The stage's score is
 * kept as a feature under its name, and traced when the request explains.
 */
import type { Candidate } from "../candidate.js";
import { note } from "../candidate.js";

/** Gives the first `headLength` candidates the new `scores`, sorts them (ties: incoming order), and puts the rest after. */
export function applyHeadScores(candidates: Candidate[], headLength: number, scores: ArrayLike<number>, name: string, describe: (score: number) => string): Candidate[] {
  const head = candidates.slice(0, headLength).map((c, from) => ({ c, from }));
  head.forEach(({ c }, i) => {
    c.score = scores[i];
    c.features[name] = scores[i];
  });
  head.sort((a, b) => b.c.score - a.c.score || a.from - b.from);
  head.forEach(({ c, from }, rank) => note(c, name, `${describe(c.score)}; rank ${rank + 1} (was ${from + 1})`));
  const floor = head.length ? head[head.length - 1].c.score : 0;
  return [...head.map((h) => h.c), ...below(candidates.slice(headLength), floor, name, headLength)];
}

/** Puts `head` in `order` (indices into head), scoring the whole list by position; the rest after. */
export function applyHeadOrder(candidates: Candidate[], headLength: number, order: readonly number[], name: string, notes: (from: number) => string[]): Candidate[] {
  const head = candidates.slice(0, headLength);
  const ranked = order.map((i) => head[i]);
  const n = candidates.length;
  ranked.forEach((c, rank) => {
    c.score = n - rank;
    c.features[name] = n - rank;
    c.features[`${name}.rank`] = rank + 1;
    const from = order[rank];
    for (const detail of notes(from)) note(c, name, detail);
    note(c, name, `rank ${rank + 1} (was ${from + 1})`);
  });
  return [...ranked, ...below(candidates.slice(headLength), n - ranked.length + 1, name, headLength)];
}

/** The candidates past the depth, in their order, scored below `floor`. */
function below(tail: Candidate[], floor: number, name: string, depth: number): Candidate[] {
  tail.forEach((c, i) => {
    c.score = floor - (i + 1);
    note(c, name, `below the reranked top ${depth}: kept in incoming order`);
  });
  return tail;
}
