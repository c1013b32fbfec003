/**
 * The feed's research-area signal: each paper's semantic ID (its codes from
 * broad to narrow, apps/radar/semantic-ids/research-areas.ts) laid out by the
 * tf-idf model's rows, and the score of a candidate: the longest code prefix
 * it shares with any of the reader's saved papers, over the number of levels
 * (1: the same narrowest area as a saved paper; 0: not even the broadest).
 *
 * A paper that arrived after the areas were fitted is given codes from the
 * fitted code books (ResearchAreas.add) the first time a feed sees it, so a
 * new paper is placed by its codes at once: cold start is the normal case for
 * a paper feed, and a code prefix needs no reader to have seen the paper.
 */
import type { ResearchAreas } from "../semantic-ids/research-areas.js";
import type { TfidfModel } from "./tfidf.js";

export interface AreaCodes {
  levels: number;
  /** rows × levels codes, row-major; −1 for a row without codes. */
  codes: Int32Array;
}

/** The areas' codes for each row of `model` (−1 where a paper has none). */
export function areaCodesFor(model: TfidfModel, areas: ResearchAreas): AreaCodes {
  const levels = areas.levels;
  const codes = new Int32Array(model.size * levels).fill(-1);
  for (let r = 0; r < model.size; r++) {
    const c = areas.codesOf(model.ids[r]);
    if (c) codes.set(c, r * levels);
  }
  return { levels, codes };
}

/** Shared code-prefix length of rows a and b (0 when either has no codes). */
export function sharedPrefix(area: AreaCodes, a: number, b: number): number {
  const { levels, codes } = area;
  let depth = 0;
  while (depth < levels) {
    const x = codes[a * levels + depth];
    if (x < 0 || x !== codes[b * levels + depth]) break;
    depth++;
  }
  return depth;
}

/** For each candidate: the longest prefix shared with a saved paper, over the levels (0..1). */
export function areaScores(area: AreaCodes, candidates: Int32Array, saved: readonly number[], maxSaved = 200): Float32Array {
  const out = new Float32Array(candidates.length);
  const profile = saved.slice(0, maxSaved);
  for (let k = 0; k < candidates.length; k++) {
    let best = 0;
    for (const s of profile) {
      const d = sharedPrefix(area, candidates[k], s);
      if (d > best) best = d;
      if (best === area.levels) break;
    }
    out[k] = best / area.levels;
  }
  return out;
}
