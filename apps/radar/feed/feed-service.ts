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
import { storedPaper, type Paper } from "../papers.js";
import { coSavedWith, fitCoSaves, type CoSaveOptions } from "./collaborative.js";
import { FeedModel, type FeedModelOptions } from "./feed-model.js";
import { fitReaderSvm, svmScores, type LinearSvm } from "./linear-svm.js";
import type { Arrivals } from "../arrivals/arrivals.js";
import type { StoredRecord } from "../../../src/core/schema.js";
import { anchorWindow, resolveWindow } from "./feed-window.js";
import { rankCandidates, resolveWeights, type RankedCandidate, type RankerOptions } from "./ranker.js";
import { areaCodesFor, type AreaCodes } from "./area-codes.js";
import type { PaperAreas } from "../semantic-ids/paper-areas.js";
import { CO_SAVED_MIN_Z, reasonsFor, type FeedReason } from "./reasons.js";
import { topicsFromSaves, type TopicPreference } from "./scorers.js";
import { dayNumber, dayString, type TfidfModel } from "./tfidf.js";

export type { FeedReason } from "./reasons.js";

export interface FeedItem {
  paper: Paper;
  score: number;
  reasons: FeedReason[];
  /** When the reader last opened the paper (ISO); absent when never. Opened papers stay in the feed, marked. */
  seen?: string;
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
  /** Only papers that arrived (were fetched or imported) since the reader's previous visit (a visit ends after 30 minutes away). */
  newSinceLastVisit?: boolean;
  /** Only papers that arrived after this time and up to `arrivedUntil` (ISO, exclusive / inclusive): a digest's period. */
  arrivedAfter?: string;
  arrivedUntil?: string;
  /** Leave out papers the reader has opened (by default they stay, marked `seen`). */
  unseen?: boolean;
}

export interface FeedResult {
  items: FeedItem[];
  total: number;
  offset: number;
  limit: number;
  window: { since: string; until: string; anchoredTo?: string };
  /** The reader's previous visit (ISO time), if any. */
  lastVisit?: string;
  /** With `newSinceLastVisit` or `arrivedAfter`: the papers are those that arrived after this time (absent: all arrivals so far). */
  arrivedAfter?: string;
  /** Topics inferred from the reader's saves (the reader follows no category), which the ranking used. */
  inferredTopics?: string[];
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
  /** When papers arrived (for "new since your last visit" and digests by arrival). */
  arrivals?: Arrivals;
  /** The papers' research areas, for the area scorer (when its weight is not 0). */
  areas?: PaperAreas;
}

export const FEED_VISITS_COLLECTION = "feed_visits";
const POSITIVE_KINDS = new Set(["save", "like"]);
/** Kinds whose papers are left out of the feed (saved and liked ones are in the reader's library already). */
const EXCLUDED_KINDS = new Set(["save", "like", "hide", "less"]);
/** A feed request this long after the previous one starts a new visit. */
const VISIT_GAP_MS = 30 * 60_000;
/** A visit's stored time is refreshed at most this often. */
const VISIT_WRITE_EVERY_MS = 60_000;
/** Saves a reader needs before categories are inferred from them. */
const INFER_TOPICS_MIN_SAVES = 3;
const PINNED_BOOST = 100;
/** Readers' SVMs kept in memory (least recently used dropped). */
const SVM_CACHE_SIZE = 32;

function dateOnly(iso: string): string {
  return iso.slice(0, 10);
}

export class FeedService {
  private coSaves: { seq: number; knn: ItemKnn | undefined } = { seq: -1, knn: undefined };
  private coSaveQueue: Promise<unknown> = Promise.resolve();
  private readonly svmCache = new Map<string, LinearSvm>();
  private areaCodesCache: { key: string; codes: AreaCodes } | undefined;

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
    const nowMs = this.now();
    const nowIso = new Date(nowMs).toISOString();
    const visit = await this.visit(readerId, nowMs, options.recordVisit ?? (options.since === undefined && offset === 0 && options.arrivedAfter === undefined));
    const byArrival = options.newSinceLastVisit || options.arrivedAfter !== undefined || options.arrivedUntil !== undefined;
    let rows: number[];
    let sinceDay: number;
    let untilDay: number;
    let window: FeedResult["window"];
    let arrivedAfter: string | undefined;
    if (byArrival) {
      arrivedAfter = options.newSinceLastVisit ? visit.previous : options.arrivedAfter;
      const ids = this.deps.arrivals ? await this.deps.arrivals.between(arrivedAfter, options.arrivedUntil ?? nowIso) : [];
      rows = ids.map((id) => model.rowOf(id)).filter((r) => r >= 0);
      untilDay = dayNumber(options.arrivedUntil ?? nowIso);
      sinceDay = arrivedAfter ? dayNumber(arrivedAfter) : rows.reduce((min, r) => Math.min(min, model.days[r]), untilDay);
      window = { since: dayString(sinceDay), until: dayString(untilDay) };
    } else {
      ({ sinceDay, untilDay, window } = resolveWindow({
        since: options.since,
        until: options.until,
        lastVisit: visit.previous ? dateOnly(visit.previous) : undefined,
        today: dateOnly(nowIso),
        windowDays: this.options.windowDays,
      }));
      rows = rowsInWindow(model, sinceDay, untilDay);
      if (rows.length === 0 && options.since === undefined && options.until === undefined && model.size > 0) {
        let newest = -Infinity;
        for (let r = 0; r < model.size; r++) if (model.days[r] > newest) newest = model.days[r];
        ({ sinceDay, untilDay, window } = anchorWindow(sinceDay, untilDay, newest));
        rows = rowsInWindow(model, sinceDay, untilDay);
      }
    }

    const profile = await this.profile(readerId, model);
    const candidates = Int32Array.from(rows.filter((r) => !profile.excluded.has(r) && !(options.unseen && profile.seen.has(r))));
    const { topics, inferred } = await this.topicsOf(readerId, model, profile.saved, sinceDay, untilDay);
    const knn = await this.coSaveModel();
    const want = offset + limit;
    const svmModel = profile.saved.length > 0 ? this.readerSvm(model, profile.saved) : undefined;
    const areas = profile.saved.length > 0 ? await this.areaCodes(model) : undefined;
    const ranked = await rankCandidates(
      {
        model,
        candidates,
        saved: profile.saved,
        topics,
        coSaves: knn,
        untilDay,
        diversify: Math.min(candidates.length, want),
        svmModel,
        precomputed: { svm: svmModel ? svmScores(svmModel, model, candidates) : undefined },
        less: profile.less,
        areas,
      },
      this.options.ranker,
    );
    const pinned = await this.pinnedRows(model, dayString(untilDay));
    if (pinned.size > 0) {
      for (const item of ranked) if (pinned.has(item.row)) item.score += PINNED_BOOST;
      ranked.sort((a, b) => Number(pinned.has(b.row)) - Number(pinned.has(a.row)));
    }
    const items = await this.explain(ranked.slice(offset, want), { model, topics, saved: profile.saved, svm: svmModel, pinned, untilDay, since: window.since, seen: profile.seen });
    const result: FeedResult = { items, total: candidates.length, offset, limit, window };
    if (visit.previous) result.lastVisit = visit.previous;
    if (byArrival && arrivedAfter) result.arrivedAfter = arrivedAfter;
    if (inferred.length) result.inferredTopics = inferred;
    return result;
  }

  /**
   * The reader's visits: `previous` is when their previous visit began (a
   * visit is feed requests less than 30 minutes apart), which "new since
   * your last visit" and the default window start from. Records this
   * request as part of a visit when `record` is set.
   */
  private async visit(readerId: string, nowMs: number, record: boolean): Promise<{ previous?: string }> {
    const stored = await this.deps.store.getRecord(FEED_VISITS_COLLECTION, readerId);
    const last = stored ? String(stored.at) : undefined;
    const storedPrevious = stored && typeof stored.previous === "string" ? stored.previous : undefined;
    const sameVisit = last !== undefined && nowMs - Date.parse(last) < VISIT_GAP_MS;
    const previous = sameVisit ? storedPrevious : last;
    // within a visit the stored time moves at most once a minute: a reader paging or reloading does not write each time
    if (record && !(sameVisit && nowMs - Date.parse(last!) < VISIT_WRITE_EVERY_MS)) {
      const next: StoredRecord = { id: readerId, reader: readerId, at: new Date(nowMs).toISOString() };
      if (previous) next.previous = previous;
      await this.deps.store.putRecords(FEED_VISITS_COLLECTION, [next]);
    }
    return previous ? { previous } : {};
  }

  /** What the reader's feedback says: saved and liked rows (newest first), rows to leave out, opened rows, "less like this" rows. */
  private async profile(readerId: string, model: TfidfModel): Promise<{ saved: number[]; excluded: Set<number>; seen: Map<number, string>; less: number[] }> {
    const { items: records } = await this.deps.feedback.list(readerId, {}, { limit: 100_000, offset: 0 });
    const excluded = new Set<number>();
    const saved: number[] = [];
    const less: number[] = [];
    const seen = new Map<number, string>();
    const savedRows = new Set<number>();
    for (const record of records) {
      const row = model.rowOf(record.item);
      if (row < 0) continue;
      if (record.kind === "view") {
        if (!seen.has(row)) seen.set(row, record.at); // newest first: the first is the last view
        continue;
      }
      if (EXCLUDED_KINDS.has(record.kind)) excluded.add(row);
      if (record.kind === "less") less.push(row);
      if (POSITIVE_KINDS.has(record.kind) && !savedRows.has(row)) {
        savedRows.add(row);
        saved.push(row);
      }
    }
    return { saved, excluded, seen, less };
  }

  /**
   * The reader's topics, keyword topics with the window's papers that match
   * them; when the reader follows no category, the categories of at least
   * half of their saves (with 3 saves or more), as the evaluation's readers.
   */
  private async topicsOf(readerId: string, model: TfidfModel, saved: readonly number[], sinceDay: number, untilDay: number): Promise<{ topics: TopicPreference[]; inferred: string[] }> {
    const { topics: stored } = await this.deps.topics.get(readerId);
    const topics: TopicPreference[] = [];
    for (const t of stored) {
      topics.push(t.kind === "keyword" ? { ...t, rows: await this.keywordRows(model, t.value, sinceDay, untilDay) } : { ...t });
    }
    const followsCategories = stored.some((t) => t.kind === "category");
    const inferred = !followsCategories && saved.length >= INFER_TOPICS_MIN_SAVES ? topicsFromSaves(model, saved) : [];
    return { topics: [...topics, ...inferred], inferred: inferred.map((t) => t.value) };
  }

  /** The page's items with their papers, reasons and seen marks. */
  private async explain(
    page: RankedCandidate[],
    ctx: { model: TfidfModel; topics: TopicPreference[]; saved: number[]; svm?: LinearSvm; pinned: Set<number>; untilDay: number; since: string; seen: Map<number, string> },
  ): Promise<FeedItem[]> {
    const { model } = ctx;
    const coSources = page.map((item) => (item.coZ >= CO_SAVED_MIN_Z ? item.coSource() : -1));
    const named = new Set<number>();
    for (const item of page) if (item.bestSaved >= 0) named.add(item.bestSaved);
    for (const row of coSources) if (row >= 0) named.add(row);
    for (const row of ctx.saved) named.add(row); // svm reasons name saved papers
    const namedRows = [...named];
    const records = await this.deps.store.getRecords(this.deps.papers.name, [...page.map((item) => model.ids[item.row]), ...namedRows.map((r) => model.ids[r])]);
    const titles = new Map<number, string>();
    namedRows.forEach((r, i) => {
      const rec = records[page.length + i];
      titles.set(r, rec && typeof rec.title === "string" ? rec.title : model.ids[r]);
    });
    const items: FeedItem[] = [];
    page.forEach((item, i) => {
      const paper = records[i];
      if (!paper) return;
      const text = `${String(paper.title ?? "")}\n${String(paper.abstract ?? "")}`;
      const reasons = reasonsFor(item, { model, topics: ctx.topics, titles, text, saved: ctx.saved, svm: ctx.svm, pinned: ctx.pinned.has(item.row), coSource: coSources[i], untilDay: ctx.untilDay, since: ctx.since });
      const out: FeedItem = { paper: storedPaper(paper), score: Math.round(item.score * 10_000) / 10_000, reasons };
      const seen = ctx.seen.get(item.row);
      if (seen) out.seen = seen;
      items.push(out);
    });
    return items;
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
      if (rec) out.push({ paper: storedPaper(rec), score });
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
   * The research-area codes of the model's rows when the area scorer is on:
   * undefined until the areas are fitted (in the background); papers that
   * arrived since are placed by the fitted code books before they are ranked.
   */
  private async areaCodes(model: TfidfModel): Promise<AreaCodes | undefined> {
    const source = this.deps.areas;
    if (!source || resolveWeights(this.options.ranker?.weights).area === 0) return undefined;
    if (!source.current()) return undefined;
    const key = () => `${this.model.position}:${source.version}`;
    if (this.areaCodesCache?.key !== key()) {
      await source.place(model.ids);
      const areas = source.current();
      if (!areas) return undefined;
      this.areaCodesCache = { key: key(), codes: areaCodesFor(model, areas) };
    }
    return this.areaCodesCache.codes;
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
