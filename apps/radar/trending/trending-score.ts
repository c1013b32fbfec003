/**
 * The trending score: papers rising by readers' saves and likes, with each
 * signal decaying exponentially with its age, as Hacker News and Hugging
 * Face's daily papers rank by recent votes.
 *
 *   score(paper) = Σ over the paper's feedback records r in the window
 *                    weight(r.kind) · 2^(−age_days(r) / halfLifeDays)
 *
 * with weights save 2, like 1, hide −1, view 0 (defaults). A reader counts
 * once per kind (save, like and hide are states, one record per reader, kind
 * and paper), so one enthusiastic reader cannot push a paper up alone. Only
 * papers with a positive score trend. Ties: more saves, then more likes, then
 * the newest last signal, then the paper id.
 *
 * This module is pure arithmetic over records; `trending.ts` reads them.
 */
import type { FeedbackKind } from "../feedback/feedback.js";

export interface TrendingWeights {
  save: number;
  like: number;
  hide: number;
  /** "less like this" is about the reader's taste, not the paper's standing: 0 by default. */
  less: number;
  view: number;
}

export const DEFAULT_TRENDING_WEIGHTS: Readonly<TrendingWeights> = Object.freeze({ save: 2, like: 1, hide: -1, less: 0, view: 0 });
/** A signal loses half its weight every this many days. */
export const DEFAULT_HALF_LIFE_DAYS = 2;

export interface TrendingSignal {
  item: string;
  kind: FeedbackKind;
  /** Epoch seconds. */
  timestamp: number;
}

export interface TrendingScore {
  paperId: string;
  score: number;
  saves: number;
  likes: number;
  hides: number;
  /** Epoch seconds of the newest signal. */
  last: number;
}

export interface TrendingScoreOptions {
  /** Epoch seconds "now". */
  now: number;
  halfLifeDays?: number;
  weights?: Partial<TrendingWeights>;
}

const DAY_SECONDS = 86_400;

/** The exponential decay factor of a signal `ageSeconds` old (future signals count as new). */
export function decay(ageSeconds: number, halfLifeDays: number): number {
  return Math.pow(2, -Math.max(0, ageSeconds) / (halfLifeDays * DAY_SECONDS));
}

/** Scores every paper with signals; returns those with a positive score, best first. */
export function scoreTrending(signals: Iterable<TrendingSignal>, options: TrendingScoreOptions): TrendingScore[] {
  const halfLife = options.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS;
  if (!(halfLife > 0)) throw new RangeError(`halfLifeDays must be positive, got ${halfLife}`);
  const weights: TrendingWeights = { ...DEFAULT_TRENDING_WEIGHTS, ...options.weights };
  const byPaper = new Map<string, TrendingScore>();
  for (const s of signals) {
    let entry = byPaper.get(s.item);
    if (!entry) {
      entry = { paperId: s.item, score: 0, saves: 0, likes: 0, hides: 0, last: -Infinity };
      byPaper.set(s.item, entry);
    }
    entry.score += weights[s.kind] * decay(options.now - s.timestamp, halfLife);
    if (s.kind === "save") entry.saves++;
    else if (s.kind === "like") entry.likes++;
    else if (s.kind === "hide") entry.hides++;
    if (s.kind !== "view" && s.timestamp > entry.last) entry.last = s.timestamp;
  }
  return [...byPaper.values()]
    .filter((e) => e.score > 0)
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.saves - a.saves ||
        b.likes - a.likes ||
        b.last - a.last ||
        (a.paperId < b.paperId ? -1 : a.paperId > b.paperId ? 1 : 0),
    );
}
