/**
 * Onboarding by rating: a new reader (no saves, likes or "less like this"
 * yet) is offered about ten varied papers to rate, one per cluster of the
 * corpus map (corpus-map/), the largest clusters first, each cluster's papers
 * nearest its centre first, so the picks span the corpus's topics. The reader
 * can ask for more papers of one cluster, and skip any paper (skipped papers
 * are simply not rated; the client passes them as `exclude` so the next offer
 * shows others).
 *
 * Ratings are the feedback the feed already reads (feedback/feedback.ts): a
 * thumbs-up is a "like" (the feed treats likes as saves: content similarity,
 * the reader's SVM, inferred topics, co-saves), a thumbs-down is "less like
 * this" (the feed's `feed-less` stage). No second profile is kept.
 */
import { NotFoundError, InvalidArgumentError } from "../../../src/core/errors.js";
import type { StoredRecord } from "../../../src/core/schema.js";
import type { Collection } from "../../../src/engine/collection.js";
import type { CorpusMaps } from "../corpus-map/corpus-maps.js";
import type { CorpusMap } from "../corpus-map/corpus-map.js";
import type { Feedback, FeedbackKind } from "../feedback/feedback.js";

export const RATINGS = ["up", "down"] as const;
export type Rating = (typeof RATINGS)[number];
/** The feedback each rating is stored as. */
export const FEEDBACK_OF_RATING: Readonly<Record<Rating, FeedbackKind>> = { up: "like", down: "less" };

export const DEFAULT_PICKS = 10;
export const MAX_PICKS = 30;
export const MAX_RATINGS = 50;
export const MAX_EXCLUDED = 200;
/** Feedback records read to know what the reader already rated. */
const MAX_FEEDBACK_READ = 5_000;

export interface ClusterSummary {
  id: number;
  label: string;
  category?: string;
  size: number;
}

export interface OnboardingPick {
  paper: StoredRecord;
  cluster: number;
}

export interface OnboardingOffer {
  /** True while the reader has no save, like or "less like this": the feed has nothing to start from. */
  needed: boolean;
  /** Papers the reader saved, liked, hid or marked "less like this" so far. */
  rated: number;
  clusters: ClusterSummary[];
  picks: OnboardingPick[];
}

export interface OfferRequest {
  /** Papers to offer (1..MAX_PICKS, default 10). */
  count?: number;
  /** Only papers of this cluster. */
  cluster?: number;
  /** Paper ids not to offer (shown and skipped), at most MAX_EXCLUDED. */
  exclude?: readonly string[];
}

export interface RatingInput {
  paperId: string;
  rating: Rating;
}

export class Onboarding {
  constructor(
    private readonly maps: CorpusMaps,
    private readonly feedback: Feedback,
    private readonly papers: Collection,
  ) {}

  /** Papers for the reader to rate: one per cluster in turn (largest first), or of one cluster. */
  async offer(reader: string, request: OfferRequest = {}): Promise<OnboardingOffer> {
    const count = request.count ?? DEFAULT_PICKS;
    if (!(Number.isInteger(count) && count >= 1 && count <= MAX_PICKS)) throw new InvalidArgumentError(`count must be an integer from 1 to ${MAX_PICKS}, got ${count}`);
    if ((request.exclude?.length ?? 0) > MAX_EXCLUDED) throw new InvalidArgumentError(`exclude: at most ${MAX_EXCLUDED} paper ids`);
    const map = await this.maps.current();
    const clusters = [...map.clusters].sort((a, b) => b.size - a.size || a.id - b.id);
    let from = clusters;
    if (request.cluster !== undefined) {
      from = clusters.filter((c) => c.id === request.cluster);
      if (from.length === 0) throw new InvalidArgumentError(`cluster: the map has no cluster ${request.cluster} (its clusters: ${clusters.map((c) => c.id).sort((a, b) => a - b).join(", ")})`);
    }
    const { rated, started } = await this.ratedBy(reader);
    const skip = new Set([...rated, ...(request.exclude ?? [])]);
    const chosen = pickRoundRobin(from.map((c) => ({ id: c.id, papers: request.cluster === undefined ? c.representatives : membersOf(map, c.id, c.representatives) })), skip, count);
    const records = await this.papers.store.getRecords(this.papers.name, chosen.map((p) => p.paperId));
    const picks: OnboardingPick[] = [];
    chosen.forEach((p, i) => {
      const paper = records[i];
      if (paper) picks.push({ paper, cluster: p.cluster }); // a paper deleted since the map was built is left out
    });
    return {
      needed: !started,
      rated: rated.size,
      clusters: clusters.map(({ id, label, category, size }) => (category ? { id, label, category, size } : { id, label, size })),
      picks,
    };
  }

  /**
   * Stores the ratings as feedback (up: like, down: less like this), all or
   * nothing: every paper must exist. Rating a paper again the other way
   * replaces the earlier rating.
   */
  async rate(reader: string, ratings: readonly RatingInput[]): Promise<{ up: number; down: number }> {
    if (ratings.length === 0 || ratings.length > MAX_RATINGS) throw new InvalidArgumentError(`ratings: give 1 to ${MAX_RATINGS} ratings, got ${ratings.length}`);
    const records = await this.papers.store.getRecords(this.papers.name, ratings.map((r) => r.paperId));
    records.forEach((record, i) => {
      if (!record) throw new NotFoundError(`ratings[${i}].paperId: no paper with id "${ratings[i].paperId}" (nothing was recorded)`);
    });
    const counts = { up: 0, down: 0 };
    for (const { paperId, rating } of ratings) {
      const kind = FEEDBACK_OF_RATING[rating];
      const opposite = FEEDBACK_OF_RATING[rating === "up" ? "down" : "up"];
      const { items } = await this.feedback.list(reader, { kind: opposite, paperId }, { offset: 0, limit: 1 });
      for (const earlier of items) await this.feedback.remove(earlier.id);
      await this.feedback.add(reader, paperId, kind);
      counts[rating]++;
    }
    return counts;
  }

  /** Papers the reader has a state on (save, like, hide, less), and whether any is a save, like or "less" (what the feed starts from). */
  private async ratedBy(reader: string): Promise<{ rated: Set<string>; started: boolean }> {
    const { items } = await this.feedback.list(reader, {}, { offset: 0, limit: MAX_FEEDBACK_READ });
    const rated = new Set<string>();
    let started = false;
    for (const record of items) {
      if (record.kind === "view") continue;
      rated.add(record.item);
      if (record.kind !== "hide") started = true;
    }
    return { rated, started };
  }
}

/** A cluster's papers: its representatives (nearest the centre first), then the rest in map order. */
function membersOf(map: CorpusMap, cluster: number, representatives: readonly string[]): string[] {
  const out = [...representatives];
  const seen = new Set(out);
  map.ids.forEach((id, i) => {
    if (map.cluster[i] === cluster && !seen.has(id)) out.push(id);
  });
  return out;
}

/** Takes one paper from each cluster in turn, skipping `skip`, until `count` are chosen or none is left. */
export function pickRoundRobin(clusters: ReadonlyArray<{ id: number; papers: readonly string[] }>, skip: ReadonlySet<string>, count: number): Array<{ paperId: string; cluster: number }> {
  const next = clusters.map(() => 0);
  const out: Array<{ paperId: string; cluster: number }> = [];
  for (let progress = true; out.length < count && progress; ) {
    progress = false;
    clusters.forEach((c, k) => {
      if (out.length >= count) return;
      while (next[k] < c.papers.length && skip.has(c.papers[next[k]])) next[k]++;
      if (next[k] < c.papers.length) {
        out.push({ paperId: c.papers[next[k]++], cluster: c.id });
        progress = true;
      }
    });
  }
  return out;
}
