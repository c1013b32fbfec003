/**
 * Trending papers across readers: reads the feedback of the last `days` days
 * from the interactions collection (one range query on its `at` field, so
 * the cost follows the window's feedback, not all of it), scores the papers
 * with `scoreTrending` (trending-score.ts: weighted saves and likes, each
 * halving every `halfLifeDays`), and returns a page of them with their
 * records, optionally only papers in some categories.
 */
import type { StoredRecord } from "../../../src/core/schema.js";
import type { Collection } from "../../../src/engine/collection.js";
import { pageOf, paginate, type Page, type PageRequest } from "../../../src/server/pagination.js";
import { FEEDBACK_KINDS, type Feedback, type FeedbackKind } from "../feedback/feedback.js";
import { MATCH_ALL, allOf, anyOf } from "../search/query-nodes.js";
import { storedPaper, type Paper } from "../papers.js";
import { DEFAULT_HALF_LIFE_DAYS, DEFAULT_TRENDING_WEIGHTS, scoreTrending, type TrendingSignal, type TrendingWeights } from "./trending-score.js";

export const DEFAULT_TRENDING_DAYS = 7;
export const MAX_TRENDING_DAYS = 365;
/** The engine's largest k: a window with more feedback records than this counts only the newest ones. */
const MAX_SIGNALS = 100_000;

export interface TrendingOptions {
  halfLifeDays?: number;
  weights?: Partial<TrendingWeights>;
  /** Epoch milliseconds "now" (tests). */
  now?: () => number;
}

export interface TrendingQuery extends PageRequest {
  /** Feedback of the last `days` days counts (default 7). */
  days?: number;
  /** Only papers in any of these categories. */
  categories?: string[];
}

export interface TrendingItem {
  paper: Paper;
  score: number;
  saves: number;
  likes: number;
}

export class Trending {
  private readonly halfLifeDays: number;
  private readonly weights: TrendingWeights;
  private readonly now: () => number;

  constructor(
    private readonly feedback: Feedback,
    private readonly papers: Collection,
    options: TrendingOptions = {},
  ) {
    this.halfLifeDays = options.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS;
    this.weights = { ...DEFAULT_TRENDING_WEIGHTS, ...options.weights };
    this.now = options.now ?? Date.now;
  }

  /** The feedback records of the window that carry weight (views do not, unless weighted). */
  private async signals(sinceMs: number): Promise<TrendingSignal[]> {
    const kinds = FEEDBACK_KINDS.filter((k) => this.weights[k] !== 0);
    if (kinds.length === 0) return [];
    const collection = this.feedback.collection;
    const filter = allOf([
      { kind: "range", field: "at", lower: new Date(sinceMs).toISOString(), includeLower: true, includeUpper: true },
      anyOf("kind", kinds),
    ]);
    const total = (await collection.search(MATCH_ALL, { k: 0, filter, exactTotalHits: true })).totalHits;
    if (total === 0) return [];
    // equal scores come in write order: the last MAX_SIGNALS hits are the newest
    const k = Math.min(total, MAX_SIGNALS);
    const { hits } = await collection.search(MATCH_ALL, { k, offset: total - k, filter, exactTotalHits: true });
    const records = hits.map((h) => h.record);
    const out: TrendingSignal[] = [];
    for (const r of records) {
      if (!r) continue;
      out.push({ item: String(r.item), kind: String(r.kind) as FeedbackKind, timestamp: Number(r.timestamp) });
    }
    return out;
  }

  /** A page of trending papers, best first. */
  async list(query: TrendingQuery): Promise<Page<TrendingItem>> {
    const nowMs = this.now();
    const days = query.days ?? DEFAULT_TRENDING_DAYS;
    const scored = scoreTrending(await this.signals(nowMs - days * 86_400_000), {
      now: nowMs / 1000,
      halfLifeDays: this.halfLifeDays,
      weights: this.weights,
    });
    const wanted = query.categories?.length ? new Set(query.categories) : undefined;
    // without a category filter only the page's papers are read; with one, every scored paper is
    const candidates = wanted ? scored : scored.slice(query.offset, query.offset + query.limit);
    const records = await this.papers.store.getRecords(
      this.papers.name,
      candidates.map((s) => s.paperId),
    );
    const items: TrendingItem[] = [];
    candidates.forEach((s, i) => {
      const paper = records[i];
      if (!paper || (wanted && !inCategories(paper, wanted))) return;
      items.push({ paper: storedPaper(paper), score: s.score, saves: s.saves, likes: s.likes });
    });
    if (wanted) return paginate(items, query);
    // papers deleted since their feedback was given are left out of the page (the total still counts them)
    return pageOf(items, scored.length, query);
  }
}

function inCategories(paper: StoredRecord, wanted: ReadonlySet<string>): boolean {
  const categories = paper.categories;
  return Array.isArray(categories) && categories.some((c) => wanted.has(String(c)));
}
