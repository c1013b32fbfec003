/**
 * Paper Radar's personalized feed: new papers of a time window ranked for
 * one reader (ranker.ts: content similarity to saved papers, a per-reader
 * linear SVM over tf-idf, co-saves of other readers, topic preferences,
 * recency; MMR diversification), with the papers the reader saved, liked,
 * hid or viewed left out, and reasons attached to every item.
 *
 * Reads what the API stores: feedback (`interactions`), topics, pins; keeps
 * the tf-idf model in step with the papers collection (feed-model.ts) and
 * the co-save model in step with the interactions collection. Each feed
 * request with no explicit `since` and offset 0 counts as a visit (stored in
 * `feed_visits`; `recordVisit: false` opts out), which the next request's
 * default window starts from.
 */
import { InvalidArgumentError } from "../../../src/core/errors.js";
import type { Collection } from "../../../src/engine/collection.js";
import type { QueryNode } from "../../../src/lexical/query-ast.js";
import type { ItemKnn } from "../../../src/recommend/item-knn.js";
import type { Store } from "../../../src/store/store.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";
import type { Feedback } from "../feedback/feedback.js";
import { INTERACTIONS_COLLECTION } from "../feedback/feedback.js";
import type { Pins } from "../pins/pins.js";
import type { Topics } from "../topics/topics.js";
import type { Paper } from "../papers.js";
import { coSavedWith, fitCoSaves, type CoSaveOptions } from "./collaborative.js";
import { FeedModel, type FeedModelOptions } from "./feed-model.js";
import { fitReaderSvm, svmScores, type LinearSvm } from "./linear-svm.js";
import { anchorWindow, resolveWindow } from "./feed-window.js";
import { rankCandidates, type RankedCandidate, type RankerOptions } from "./ranker.js";
import type { TopicPreference } from "./scorers.js";
import { dayString, type TfidfModel } from "./tfidf.js";

export interface FeedReason {
  kind: "similar-to-saved" | "topic" | "co-saved" | "recent" | "pinned" | "svm";
  text: string;
  paperId?: string;
  topic?: string;
}

export interface FeedItem {
  paper: Paper;
  score: number;
  reasons: FeedReason[];
}

export interface FeedOptions {
  /** First day, YYYY-MM-DD (inclusive). */
  since?: string;
  /** Last day, YYYY-MM-DD (inclusive). */
  until?: string;
  limit?: number;
  offset?: number;
  /**
   * Count this request as the reader's visit (the next default window starts
   * from it). Default: true when `since` is not given and offset is 0; pass
   * false from code that reads the feed on the reader's behalf (the digest).
   */
  recordVisit?: boolean;
}

export interface FeedResult {
  items: FeedItem[];
  total: number;
  offset: number;
  limit: number;
  window: { since: string; until: string; anchoredTo?: string };
  /** The reader's previous visit (ISO time), if any. */
  lastVisit?: string;
}

export interface FeedServiceOptions {
  ranker?: RankerOptions;
  model?: FeedModelOptions;
  coSaves?: CoSaveOptions;
  /** Days in the default window (default 7). */
  windowDays?: number;
  /** Clock (tests). */
  now?: () => number;
}

export interface FeedServiceDeps {
  store: Store;
  dataDir: string;
  papers: Collection;
  feedback: Feedback;
  topics: Topics;
  pins?: Pins;
}

export const FEED_VISITS_COLLECTION = "feed_visits";
const POSITIVE_KINDS = new Set(["save", "like"]);
const PINNED_BOOST = 100;
/** Readers' SVMs kept in memory (least recently used dropped). */
const SVM_CACHE_SIZE = 32;

function dateOnly(iso: string): string {
  return iso.slice(0, 10);
}

function quote(title: string): string {
  const short = title.length > 90 ? `${title.slice(0, 87)}...` : title;
  return `“${short}”`;
}

export class FeedService {
  private coSaves: { seq: number; knn: ItemKnn | undefined } = { seq: -1, knn: undefined };
  private coSaveQueue: Promise<unknown> = Promise.resolve();
  private readonly svmCache = new Map<string, LinearSvm>();

  private constructor(
    private readonly deps: FeedServiceDeps,
    readonly model: FeedModel,
    private readonly options: FeedServiceOptions,
  ) {}

  /** Opens the service: loads (or builds) the tf-idf model under `<dataDir>/models`. */
  static async open(deps: FeedServiceDeps, options: FeedServiceOptions = {}): Promise<FeedService> {
    await ensureCollection(deps.store, FEED_VISITS_COLLECTION, { fields: { reader: { type: "keyword", required: true }, at: { type: "date", required: true } } });
    const model = await FeedModel.open(deps.store, deps.papers.name, deps.dataDir, options.model);
    return new FeedService(deps, model, options);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The reader's feed for a window (see FeedOptions), best first. */
  async feed(readerId: string, options: FeedOptions = {}): Promise<FeedResult> {
    const limit = options.limit ?? 20;
    const offset = options.offset ?? 0;
    if (options.since !== undefined && options.until !== undefined && options.since > options.until) {
      throw new InvalidArgumentError(`since (${options.since}) must not be after until (${options.until})`);
    }
    const model = await this.model.refresh();
    const nowIso = new Date(this.now()).toISOString();
    const visit = await this.deps.store.getRecord(FEED_VISITS_COLLECTION, readerId);
    const lastVisit = visit ? String(visit.at) : undefined;
    let { sinceDay, untilDay, window } = resolveWindow({
      since: options.since,
      until: options.until,
      lastVisit: lastVisit ? dateOnly(lastVisit) : undefined,
      today: dateOnly(nowIso),
      windowDays: this.options.windowDays,
    });
    let rows = rowsInWindow(model, sinceDay, untilDay);
    if (rows.length === 0 && options.since === undefined && options.until === undefined && model.size > 0) {
      let newest = -Infinity;
      for (let r = 0; r < model.size; r++) if (model.days[r] > newest) newest = model.days[r];
      ({ sinceDay, untilDay, window } = anchorWindow(sinceDay, untilDay, newest));
      rows = rowsInWindow(model, sinceDay, untilDay);
    }
    if (options.recordVisit ?? (options.since === undefined && offset === 0)) {
      await this.deps.store.putRecords(FEED_VISITS_COLLECTION, [{ id: readerId, reader: readerId, at: nowIso }]);
    }

    // the reader's feedback: positives (newest first) and everything to leave out
    const { items: records } = await this.deps.feedback.list(readerId, {}, { limit: 100_000, offset: 0 });
    const exclude = new Set<number>();
    const saved: number[] = [];
    const savedSeen = new Set<number>();
    for (const record of records) {
      const row = model.rowOf(record.item);
      if (row < 0) continue;
      exclude.add(row);
      if (POSITIVE_KINDS.has(record.kind) && !savedSeen.has(row)) {
        savedSeen.add(row);
        saved.push(row);
      }
    }
    const candidates = Int32Array.from(rows.filter((r) => !exclude.has(r)));
    const { topics: stored } = await this.deps.topics.get(readerId);
    const topics: TopicPreference[] = [];
    for (const t of stored) {
      topics.push(t.kind === "keyword" ? { ...t, rows: await this.keywordRows(model, t.value, sinceDay, untilDay) } : { ...t });
    }
    const knn = await this.coSaveModel();
    const want = offset + limit;
    const svm = saved.length > 0 ? svmScores(this.readerSvm(model, saved), model, candidates) : undefined;
    const ranked = await rankCandidates(
      { model, candidates, saved, topics, coSaves: knn, untilDay, diversify: Math.min(candidates.length, want), precomputed: { svm } },
      this.options.ranker,
    );
    const pinned = await this.pinnedRows(model, dayString(untilDay));
    if (pinned.size > 0) {
      for (const item of ranked) if (pinned.has(item.row)) item.score += PINNED_BOOST;
      ranked.sort((a, b) => Number(pinned.has(b.row)) - Number(pinned.has(a.row)));
    }
    const page = ranked.slice(offset, want);
    const titleRows = new Set<number>();
    const coSources = page.map((item) => (item.coZ >= CO_SAVED_MIN_Z ? item.coSource() : -1));
    page.forEach((item, i) => {
      if (item.bestSaved >= 0) titleRows.add(item.bestSaved);
      if (coSources[i] >= 0) titleRows.add(coSources[i]);
    });
    const pageIds = page.map((item) => model.ids[item.row]);
    const titleIds = [...titleRows].map((r) => model.ids[r]);
    const records2 = await this.deps.store.getRecords(this.deps.papers.name, [...pageIds, ...titleIds]);
    const titles = new Map<number, string>();
    [...titleRows].forEach((r, i) => {
      const rec = records2[pageIds.length + i];
      titles.set(r, rec && typeof rec.title === "string" ? rec.title : model.ids[r]);
    });
    const items: FeedItem[] = [];
    page.forEach((item, i) => {
      const paper = records2[i];
      if (!paper) return;
      items.push({
        paper: paper as unknown as Paper,
        score: Math.round(item.score * 10_000) / 10_000,
        reasons: reasonsFor(item, coSources[i], model, topics, titles, pinned.has(item.row), untilDay, window.since),
      });
    });
    const result: FeedResult = { items, total: candidates.length, offset, limit, window };
    if (lastVisit) result.lastVisit = lastVisit;
    return result;
  }

  /** Papers co-saved with `paperId` by readers (empty until enough readers have saves), most similar first. */
  async relatedByCoSaves(paperId: string, k: number): Promise<Array<{ paper: Paper; score: number }>> {
    const knn = await this.coSaveModel();
    if (!knn || k <= 0) return [];
    const pairs = coSavedWith(knn, paperId, k);
    const records = await this.deps.store.getRecords(this.deps.papers.name, pairs.map(([id]) => id));
    const out: Array<{ paper: Paper; score: number }> = [];
    pairs.forEach(([, score], i) => {
      const rec = records[i];
      if (rec) out.push({ paper: rec as unknown as Paper, score });
    });
    return out;
  }

  /** Nothing to release (the model lives in memory; the store and collections belong to the caller). */
  async close(): Promise<void> {
    await this.coSaveQueue;
  }

  /**
   * The reader's SVM, fitted over every paper (saved and liked = +1), kept
   * while the model and the reader's saves stay the same (a few readers'
   * worth: each is one weight per vocabulary term).
   */
  private readerSvm(model: TfidfModel, saved: readonly number[]): LinearSvm {
    const key = `${this.model.position}:${[...saved].sort((a, b) => a - b).join(",")}`;
    const cached = this.svmCache.get(key);
    if (cached) {
      this.svmCache.delete(key);
      this.svmCache.set(key, cached);
      return cached;
    }
    const train = Int32Array.from({ length: model.size }, (_, r) => r);
    const svm = fitReaderSvm(model, train, saved, model.vocabularySize, this.options.ranker?.svm);
    this.svmCache.set(key, svm);
    if (this.svmCache.size > SVM_CACHE_SIZE) this.svmCache.delete(this.svmCache.keys().next().value!);
    return svm;
  }

  /**
   * item-kNN over every reader's saves and likes, refitted when those
   * changed. Views (written each time a paper is opened) are most of the
   * writes and never change the model, so the changes since the last fit are
   * checked first and only a saved/liked record written or any record deleted
   * (its kind is gone with it) triggers the full scan and refit.
   */
  private coSaveModel(): Promise<ItemKnn | undefined> {
    const run = this.coSaveQueue.then(async () => {
      const store = this.deps.store;
      const seq = await store.latestSeq(INTERACTIONS_COLLECTION);
      if (seq === this.coSaves.seq) return this.coSaves.knn;
      if (this.coSaves.seq >= 0 && !(await this.positivesChangedSince(this.coSaves.seq))) {
        this.coSaves = { seq, knn: this.coSaves.knn };
        return this.coSaves.knn;
      }
      const events: Array<{ reader: string; paperId: string; kind: string; timestamp: number }> = [];
      for await (const { record } of store.scanRecords(INTERACTIONS_COLLECTION)) {
        if (POSITIVE_KINDS.has(String(record.kind))) {
          events.push({ reader: String(record.user), paperId: String(record.item), kind: String(record.kind), timestamp: Number(record.timestamp) });
        }
      }
      const knn = await fitCoSaves(events, this.options.coSaves);
      this.coSaves = { seq, knn };
      return knn;
    });
    this.coSaveQueue = run.catch(() => undefined);
    return run;
  }

  /** Whether a save or like was written, or any interaction deleted, after `seq`. */
  private async positivesChangedSince(seq: number): Promise<boolean> {
    for (let after = seq; ; ) {
      const changes = await this.deps.store.changesSince(INTERACTIONS_COLLECTION, after, 5000);
      if (changes.length === 0) return false;
      if (changes.some((c) => c.op === "delete" || POSITIVE_KINDS.has(String(c.record?.kind)))) return true;
      after = changes[changes.length - 1].seq;
    }
  }

  /** Rows of papers in the window whose title or abstract holds the keyword as a phrase. */
  private async keywordRows(model: TfidfModel, keyword: string, sinceDay: number, untilDay: number): Promise<Set<number>> {
    const text = keyword.replace(/["\\]/g, " ").trim();
    const rows = new Set<number>();
    if (!text) return rows;
    const query: QueryNode = {
      kind: "bool",
      must: [],
      should: [
        { kind: "phrase", field: "title", text, slop: 0 },
        { kind: "phrase", field: "abstract", text, slop: 0 },
      ],
      mustNot: [],
    };
    const filter: QueryNode = { kind: "range", field: "date", lower: dayString(sinceDay), upper: dayString(untilDay), includeLower: true, includeUpper: true };
    const result = await this.deps.papers.search(query, { k: 100_000, filter });
    for (const hit of result.hits) {
      const row = model.rowOf(hit.id);
      if (row >= 0) rows.add(row);
    }
    return rows;
  }

  private async pinnedRows(model: TfidfModel, day: string): Promise<Set<number>> {
    const rows = new Set<number>();
    if (!this.deps.pins) return rows;
    for (const pin of await this.deps.pins.activePins(day)) {
      const row = model.rowOf(pin.paperId);
      if (row >= 0) rows.add(row);
    }
    return rows;
  }
}

function rowsInWindow(model: TfidfModel, sinceDay: number, untilDay: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r < model.size; r++) if (model.days[r] >= sinceDay && model.days[r] <= untilDay) rows.push(r);
  return rows;
}

/** Thresholds above which a scorer's contribution is named as a reason. */
const SIMILAR_MIN_COSINE = 0.1;
const CO_SAVED_MIN_Z = 0.5;
const SVM_MIN_Z = 1;

function reasonsFor(
  item: RankedCandidate,
  coSource: number,
  model: TfidfModel,
  topics: readonly TopicPreference[],
  titles: ReadonlyMap<number, string>,
  pinned: boolean,
  untilDay: number,
  since: string,
): FeedReason[] {
  const reasons: FeedReason[] = [];
  if (pinned) reasons.push({ kind: "pinned", text: "pinned by the editors" });
  if (item.bestSaved >= 0 && item.bestSimilarity >= SIMILAR_MIN_COSINE) {
    const paperId = model.ids[item.bestSaved];
    reasons.push({ kind: "similar-to-saved", text: `similar to ${quote(titles.get(item.bestSaved) ?? paperId)} you saved`, paperId });
  }
  if (coSource >= 0) {
    const paperId = model.ids[coSource];
    reasons.push({ kind: "co-saved", text: `saved by readers who saved ${quote(titles.get(coSource) ?? paperId)}`, paperId });
  }
  for (const t of item.likedTopics) reasons.push({ kind: "topic", text: `matches topic ${topics[t].value}`, topic: topics[t].value });
  if (item.svmZ >= SVM_MIN_Z) reasons.push({ kind: "svm", text: "close to the papers you save (your personal model)" });
  const day = model.days[item.row];
  if (day > untilDay - 7) reasons.push({ kind: "recent", text: "new this week" });
  else if (reasons.length === 0) reasons.push({ kind: "recent", text: `new since ${since}` });
  return reasons;
}

