/**
 * Searching, listing and relating papers for the API, on top of the papers
 * Collection (store + BM25 index):
 *
 * - filters (categories, authors, a date range) become a non-scoring query
 *   tree, never a string, so values need no escaping;
 * - `sort=relevance` is hybrid by default (hybrid-search.ts: BM25 fused with
 *   the nearest neighbours of the query's vector, once the papers have
 *   vectors) or, with `mode=lexical` or before the vectors exist, the
 *   engine's BM25 ranking; both with exact totals;
 * - newest-first (`sort=date` and the plain listing) walks the papers in date
 *   order (DateOrder) in windows of dates: each window is searched with the
 *   query, the filters and the window's date range, its matches are ordered by
 *   date, and windows are taken until the page is full. Window sizes follow
 *   the query's selectivity, so a page costs a few searches whatever the
 *   collection's size;
 * - related papers: the related-papers pipeline (related-pipeline.ts): a BM25
 *   query built from the paper's own title words and its most frequent
 *   abstract terms, fused with the paper's vector neighbours when the papers
 *   have a vector field; never the paper itself;
 * - highlights: title and an abstract passage with the query's matched words
 *   in `<mark>` (highlight.ts).
 */
import type { StoredRecord } from "../../../src/core/schema.js";
import { TroveError } from "../../../src/core/errors.js";
import type { Collection } from "../../../src/engine/collection.js";
import type { QueryNode } from "../../../src/lexical/query-ast.js";
import { DEFAULT_QUERY_LIMITS, QueryLimitError, type QueryLimits } from "../../../src/lexical/query-limits.js";
import { QueryDeadline, QueryTimeBudgetError } from "../../../src/engine/collectors/query-deadline.js";
import type { Analyzer } from "../../../src/text/analyzer.js";
import { StandardTokenizer } from "../../../src/text/standard-tokenizer.js";
import { badRequest, notFound } from "../../../src/server/problem.js";
import type { PageRequest } from "../../../src/server/pagination.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { collectionContext } from "../../../src/pipeline/pipeline-target.js";
import { textFieldNames, vectorFieldNames } from "../../../src/segment/index-config.js";
import { DateOrder } from "./date-order.js";
import { RELATED_DEPTH, relatedPipelineConfig, relatedRegistry } from "./related-pipeline.js";
import { DoiIndex } from "./doi-index.js";
import { highlight, queryTermsFor, snippet } from "../../../src/lexical/highlight.js";
import { RecentAnswers } from "./recent-answers.js";
import { fieldAnalyzer } from "./index-statistics.js";
import { paperReference } from "./paper-reference.js";
import { MATCH_ALL, allOf, anyOf } from "./query-nodes.js";
import { readQuery, wordsQuery, type ReadQuery } from "./query-reading.js";
import { HYBRID_DEPTH, fuseHybrid, semanticText, type HybridDepth, type QueryEmbedder } from "./hybrid-search.js";

export interface PaperFilters {
  /** Any of these categories. */
  categories?: string[];
  /** Any of these authors (exact names, as stored). */
  authors?: string[];
  /** First day, YYYY-MM-DD (inclusive). */
  from?: string;
  /** Last day, YYYY-MM-DD (inclusive). */
  to?: string;
}

export interface SearchHitView {
  paper: StoredRecord;
  score: number;
  highlights: { title: string; abstract: string };
}

/** A page of search results, with how the text was read. */
/** Search answers remembered (a page of hits each, a few KB). */
const ANSWER_MEMORY = 256;

export interface SearchPage {
  items: SearchHitView[];
  total: number;
  /** "query": read in the query language; "words": searched as plain words (see `notice`). */
  readAs: "query" | "words";
  /** For the reader, when the text was not searched as written. */
  notice?: string;
  /** The text named one stored paper (an arXiv id or URL, a DOI): `items` holds just that paper. */
  match?: { paperId: string; by: "arxiv-id" | "doi" };
  /** How the page was ranked: "hybrid" (BM25 fused with the vectors) or "lexical" (BM25, or newest first). */
  mode: SearchMode;
  /** Why a hybrid search was served lexically (the vectors are being made, sort by date, ...). */
  modeNotice?: string;
}

/** "hybrid": BM25 and the papers' vectors (the default); "lexical": BM25 alone. */
export type SearchMode = "hybrid" | "lexical";

export interface PaperSearchOptions {
  /** Field names in the papers schema (defaults: title, abstract, categories, authors, date). */
  fields?: { title?: string; abstract?: string; categories?: string; authors?: string; date?: string };
  /** Abstract terms used for related papers (default 20). */
  relatedAbstractTerms?: number;
  /** Characters of an abstract snippet (default 300). */
  snippetChars?: number;
  /** Query cost limits (default DEFAULT_QUERY_LIMITS: 1024 clauses, 32 prefixes): an over-limit query is a 400 naming the limit. */
  limits?: QueryLimits;
  /** Each search request's time budget in ms (default 2000): past it the request is a 400 naming the limit. */
  timeBudgetMs?: number;
  /** The clock of the time budget (tests pass their own). */
  clock?: () => number;
  /** The papers' vectors (paper-embeddings.ts): searches are hybrid when it is ready; absent: lexical only. */
  semantic?: QueryEmbedder;
  /** Depths of the hybrid ranking's two lists (default HYBRID_DEPTH; tests use small ones). */
  hybridDepth?: HybridDepth;
}

/** Each search request's time budget unless configured (the slowest plain searches take tens of ms). */
export const DEFAULT_TIME_BUDGET_MS = 2000;

/** The engine's largest k. */
const MAX_K = 100_000;

export class PaperSearch {
  readonly order: DateOrder;
  /** Papers by DOI (also for the library import). */
  readonly dois: DoiIndex;
  /** The papers' field names: a `name:` in search text that is not one of them is a word. */
  private readonly fields: ReadonlySet<string>;
  private readonly f: Required<NonNullable<PaperSearchOptions["fields"]>>;
  private readonly relatedTerms: number;
  private readonly limits: QueryLimits;
  private readonly timeBudgetMs: number;
  private readonly clock: (() => number) | undefined;
  private readonly snippetChars: number;
  private readonly tokenizer = new StandardTokenizer();
  private relatedPipeline: Pipeline | undefined;
  /** The papers' vectors, when semantic search is configured. */
  readonly semantic: QueryEmbedder | undefined;
  private readonly hybridDepth: HybridDepth;
  /** The papers' text fields: their words are what a query's vector embeds. */
  private readonly textFields: ReadonlySet<string>;

  /** Answers of recent requests, by papers' change-feed position and request (see `search`). */
  private readonly answers = new RecentAnswers<SearchPage>(ANSWER_MEMORY);

  constructor(
    readonly papers: Collection,
    options: PaperSearchOptions = {},
  ) {
    this.f = { title: "title", abstract: "abstract", categories: "categories", authors: "authors", date: "date", ...options.fields };
    this.order = new DateOrder(papers.store, papers.name, this.f.date);
    this.dois = new DoiIndex(papers.store, papers.name);
    this.fields = new Set(Object.keys(papers.info.schema.fields));
    this.relatedTerms = options.relatedAbstractTerms ?? 20;
    this.snippetChars = options.snippetChars ?? 300;
    this.limits = options.limits ?? DEFAULT_QUERY_LIMITS;
    this.timeBudgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
    this.clock = options.clock;
    this.semantic = options.semantic;
    this.hybridDepth = options.hybridDepth ?? HYBRID_DEPTH;
    this.textFields = new Set(textFieldNames(papers.index.config));
  }

  private analyzerOf(field: string): Analyzer {
    return fieldAnalyzer(this.papers, field);
  }

  /** The filters as one non-scoring query tree (undefined when there are none). */
  filterNode(filters: PaperFilters): QueryNode | undefined {
    const parts: QueryNode[] = [];
    if (filters.categories?.length) parts.push(anyOf(this.f.categories, filters.categories));
    if (filters.authors?.length) parts.push(anyOf(this.f.authors, filters.authors));
    if (filters.from !== undefined || filters.to !== undefined) {
      if (filters.from !== undefined && filters.to !== undefined && filters.from > filters.to) throw badRequest("query.from", "must not be after query.to");
      parts.push({ kind: "range", field: this.f.date, lower: filters.from, upper: filters.to, includeLower: true, includeUpper: true });
    }
    return allOf(parts);
  }

  async get(id: string): Promise<StoredRecord> {
    const record = await this.papers.store.getRecord(this.papers.name, id);
    if (!record) throw notFound(`no paper with id "${id}"`, "path.id");
    return record;
  }

  /** Every paper matching the filters, newest first. */
  async list(filters: PaperFilters, page: PageRequest): Promise<{ items: StoredRecord[]; total: number }> {
    const { ids, total } = await this.newestFirst(MATCH_ALL, this.filterNode(filters), page);
    return { items: await this.records(ids), total };
  }

  /**
   * Searches with `q`; relevance (BM25) or newest first; each hit with
   * highlights. Forgiving (query-reading.ts): text that is not valid query
   * syntax is searched as words, a name that is not a field is a word, and
   * the answer says so in `notice`. An arXiv id, arXiv URL or DOI of a stored
   * paper answers that paper alone, with `match`.
   */
  async search(q: string, filters: PaperFilters, sort: "relevance" | "date", page: PageRequest, mode: SearchMode = "hybrid"): Promise<SearchPage> {
    // the same request against the same papers has the same answer: popular first pages come from memory
    // (the mode and whether the vectors are ready are part of the request: a lexical answer given before is not reused once hybrid)
    const ready = this.semantic?.ready ?? false;
    const key = JSON.stringify([await this.papers.store.latestSeq(this.papers.name), q, filters, sort, page.offset, page.limit, mode, ready]);
    return this.answers.get(key, () => this.searchUncached(q, filters, sort, page, mode));
  }

  private async searchUncached(q: string, filters: PaperFilters, sort: "relevance" | "date", page: PageRequest, mode: SearchMode): Promise<SearchPage> {
    const notices: string[] = [];
    const reference = paperReference(q);
    if (reference) {
      const id = reference.kind === "arxiv" ? reference.id : await this.dois.lookup(reference.doi);
      const paper = id === undefined ? undefined : await this.papers.store.getRecord(this.papers.name, id);
      if (paper) {
        const items = page.offset === 0 && page.limit > 0 ? this.hitViews([{ id: String(paper.id), score: 0 }], [paper], MATCH_ALL) : [];
        return { items, total: 1, readAs: "query", match: { paperId: String(paper.id), by: reference.kind === "arxiv" ? "arxiv-id" : "doi" }, mode: "lexical" };
      }
      notices.push(`No paper with ${reference.kind === "arxiv" ? `arXiv id ${reference.id}` : `DOI ${reference.doi}`} is in Paper Radar yet; these are the papers that mention it.`);
    }
    const filter = this.filterNode(filters);
    let read: ReadQuery;
    try {
      read = readQuery(q, this.fields, this.limits);
    } catch (error) {
      if (error instanceof QueryLimitError) throw badRequest("query.q", error.message);
      throw error;
    }
    const deadline = new QueryDeadline(this.timeBudgetMs, this.clock);
    const hybrid = this.hybridPlan(mode, sort);
    for (;;) {
      try {
        const text = hybrid.use ? semanticText(read.query, this.textFields) : "";
        const vector = text ? await this.semantic!.embedQuery(text) : null;
        const found = vector ? await this.runHybrid(read.query, vector, filter, page, deadline) : await this.run(read.query, filter, sort, page, deadline);
        const notice = [...notices, read.notice].filter(Boolean).join(" ");
        const modeNotice = !hybrid.use
          ? hybrid.notice
          : !text
            ? "This search names only authors, categories, dates or prefixes: ranked by words alone."
            : !vector
              ? "No word of this search is known to the encoder: ranked by words alone."
              : undefined;
        return { ...found, readAs: read.readAs, ...(notice ? { notice } : {}), mode: vector ? "hybrid" : "lexical", ...(modeNotice ? { modeNotice } : {}) };
      } catch (error) {
        if (error instanceof QueryTimeBudgetError) throw badRequest("query.q", error.message);
        // the engine refused what parsed (a range on a text field, a malformed date): the words then
        if (read.readAs === "words" || !(error instanceof TroveError && error.code.startsWith("INVALID_"))) throw error;
        read = wordsQuery(q, `the engine could not run it as a query (${error.message})`);
      }
    }
  }

  /** Whether a search in `mode` and `sort` can be hybrid now, or why not. */
  private hybridPlan(mode: SearchMode, sort: "relevance" | "date"): { use: boolean; notice?: string } {
    if (mode === "lexical") return { use: false };
    if (!this.semantic) return { use: false };
    if (sort === "date") return { use: false, notice: "Sorted by date: the papers matching the words, newest first (semantic ranking applies to relevance order)." };
    if (!this.semantic.ready) return { use: false, notice: `Semantic search is not ready yet (${this.semantic.status().message}): ranked by words alone.` };
    return { use: true };
  }

  /**
   * One page of the hybrid ranking (hybrid-search.ts): BM25's top 200
   * fused with the vector's 100 nearest papers (the filter honoured in
   * the graph search), then, past the fused list, BM25's ranking continues, so
   * every match is reachable and the total is exact: BM25's matches plus the
   * papers only the vectors found.
   */
  private async runHybrid(query: QueryNode, vector: ArrayLike<number>, filter: QueryNode | undefined, page: PageRequest, deadline: QueryDeadline): Promise<{ items: SearchHitView[]; total: number }> {
    if (query.kind === "bool" && query.must.length === 0 && query.should.length === 0) return { items: [], total: 0 };
    const lexical = await this.papers.search(query, { k: this.hybridDepth.lexical, filter, exactTotalHits: true, deadline });
    deadline.check();
    // the query's exclusions ("-survey") keep papers out of the vector's list too
    const negated = query.kind === "bool" && query.mustNot.length > 0 ? { kind: "bool" as const, must: [MATCH_ALL], should: [], mustNot: query.mustNot } : undefined;
    const denseFilter = negated ? allOf(filter ? [filter, negated] : [negated]) : filter;
    const dense = await this.papers.searchIndex((index) => index.searchVector({ field: this.semantic!.field, vector, k: this.hybridDepth.dense, filter: denseFilter }));
    deadline.check();
    const fused = fuseHybrid(lexical.hits, dense.hits);
    // papers only the vector found may still match the words below BM25's first ranks: they are
    // counted once, and left out where BM25's ranking continues past the fused list
    const inLexical = new Set(lexical.hits.map((h) => h.id));
    const denseOnly = fused.filter((c) => !inLexical.has(c.id)).map((c) => c.id);
    const scores = denseOnly.length && lexical.totalHits > lexical.hits.length ? await this.papers.searchIndex((index) => index.scoreDocuments(query, denseOnly)) : new Float64Array(0);
    const matchedBelow = new Set(denseOnly.filter((_, i) => scores[i] > 0));
    const total = lexical.totalHits + denseOnly.length - matchedBelow.size;
    const end = page.offset + page.limit;
    const picked = fused.slice(page.offset, end).map((c) => ({ id: c.id, score: c.score }));
    if (end > fused.length && lexical.totalHits > lexical.hits.length) {
      // past the fused list: BM25's ranks after its first ones, without the papers already shown
      const from = Math.max(page.offset, fused.length) - fused.length;
      const to = end - fused.length;
      const rest = await this.papers.search(query, { k: to + matchedBelow.size, offset: lexical.hits.length, filter, deadline });
      const continued = rest.hits.filter((h) => !matchedBelow.has(h.id)).slice(from, to);
      picked.push(...continued.map((h) => ({ id: h.id, score: 0 })));
    }
    const records = await this.papers.store.getRecords(
      this.papers.name,
      picked.map((p) => p.id),
    );
    return { items: this.hitViews(picked, records, query), total };
  }

  /** One page of `query` within `filter`, as hits with highlights. */
  private async run(query: QueryNode, filter: QueryNode | undefined, sort: "relevance" | "date", page: PageRequest, deadline: QueryDeadline): Promise<{ items: SearchHitView[]; total: number }> {
    if (query.kind === "bool" && query.must.length === 0 && query.should.length === 0) return { items: [], total: 0 };
    if (sort === "date") {
      const { ids, scores, total } = await this.newestFirst(query, filter, page, deadline);
      const records = await this.papers.store.getRecords(this.papers.name, ids);
      return { items: this.hitViews(ids.map((id) => ({ id, score: scores.get(id) ?? 0 })), records, query), total };
    }
    const result = await this.papers.search(query, { k: page.limit, offset: page.offset, filter, exactTotalHits: true, deadline });
    // past the last match the engine reports offset + hits as the total: count instead
    const total = result.hits.length === 0 && page.offset > 0 ? await this.count(query, filter, deadline) : result.totalHits;
    return { items: this.hitViews(result.hits, result.hits.map((h) => h.record), query), total };
  }

  /**
   * A page of hits (`records[i]` is the record of `hits[i]`; missing ones are
   * left out) with their titles and an abstract passage, the words `query`
   * searched for marked; the query's terms are analyzed once for the page.
   */
  private hitViews(hits: ReadonlyArray<{ id: string; score: number }>, records: ReadonlyArray<StoredRecord | undefined>, query: QueryNode): SearchHitView[] {
    const titleAnalyzer = this.analyzerOf(this.f.title);
    const abstractAnalyzer = this.analyzerOf(this.f.abstract);
    const titleMarks = queryTermsFor(query, this.f.title, titleAnalyzer);
    const abstractMarks = queryTermsFor(query, this.f.abstract, abstractAnalyzer);
    const text = (paper: StoredRecord, field: string) => (typeof paper[field] === "string" ? (paper[field] as string) : "");
    const items: SearchHitView[] = [];
    hits.forEach((hit, i) => {
      const paper = records[i];
      if (!paper) return;
      items.push({
        paper,
        score: hit.score,
        highlights: {
          title: highlight(text(paper, this.f.title), titleAnalyzer, titleMarks).html,
          abstract: snippet(text(paper, this.f.abstract), abstractAnalyzer, abstractMarks, this.snippetChars).html,
        },
      });
    });
    return items;
  }

  /**
   * Papers like `id` by content, best first, never `id` itself: the
   * related-papers pipeline (related-pipeline.ts), hybrid when the papers
   * have a vector field. `total` is how many related papers there are (at
   * most RELATED_DEPTH).
   */
  async related(id: string, page: PageRequest): Promise<{ items: StoredRecord[]; total: number }> {
    await this.get(id);
    this.relatedPipeline ??= Pipeline.compile(
      relatedPipelineConfig(vectorFieldNames(this.papers.index.config)[0]),
      relatedRegistry((paper) => this.relatedQuery(paper)),
      "related papers",
    );
    // the fused list can hold both retrievers' papers: it is cut at RELATED_DEPTH, as the words alone are
    const limit = Math.max(0, Math.min(page.limit, RELATED_DEPTH - page.offset));
    if (limit === 0) return { items: [], total: Math.min(RELATED_DEPTH, (await this.relatedPipeline.run({ item: id, k: 1, offset: 0 }, collectionContext(this.papers))).candidates) };
    const result = await this.relatedPipeline.run({ item: id, k: limit, offset: page.offset }, collectionContext(this.papers));
    const records = await this.records(result.hits.map((h) => h.id));
    return { items: records, total: Math.min(RELATED_DEPTH, result.candidates) };
  }

  /**
   * Papers like a set of papers ("more like this collection"), best first,
   * none of `exclude`: one BM25 query of the papers' related-papers words,
   * fused (as hybrid search, hybrid-search.ts) with the nearest papers of the
   * centroid of their vectors when they have vectors; BM25 alone otherwise.
   */
  async moreLikePapers(papers: readonly StoredRecord[], exclude: ReadonlySet<string>, limit: number): Promise<StoredRecord[]> {
    const clauses = papers.map((paper) => this.relatedQuery(paper)).filter((q): q is QueryNode => q !== null);
    const k = limit + exclude.size;
    const lexical = clauses.length ? (await this.papers.search({ kind: "bool", must: [], should: clauses, mustNot: [] }, { k })).hits : [];
    const field = this.vectorField();
    const centroid = field ? await this.papers.searchIndex((index) => centroidOf(papers.map((p) => index.vectorOf(String(p.id), field)))) : null;
    let ids: string[];
    if (field && centroid) {
      const dense = await this.papers.searchIndex((index) => index.searchVector({ field, vector: centroid, k }));
      ids = fuseHybrid(lexical, dense.hits).map((c) => c.id);
    } else {
      ids = lexical.map((h) => h.id);
    }
    return this.records(ids.filter((id) => !exclude.has(id)).slice(0, limit));
  }

  /** The papers' vector field (the semantic search's, else the schema's first), if any. */
  private vectorField(): string | undefined {
    return this.semantic?.field ?? vectorFieldNames(this.papers.index.config)[0];
  }

  /**
   * The related-papers query of a paper: each distinct title word (boost 2)
   * and the `relatedAbstractTerms` most frequent abstract terms (boost 1),
   * as words of the paper's own text so the index's analyzer reads them
   * exactly as it read the paper. Null when the paper has no such words.
   */
  relatedQuery(paper: StoredRecord): QueryNode | null {
    const clauses: QueryNode[] = [];
    const seen = new Set<string>();
    const title = typeof paper[this.f.title] === "string" ? (paper[this.f.title] as string) : "";
    for (const { word, term } of this.words(title, this.analyzerOf(this.f.title))) {
      if (seen.has(term)) continue;
      seen.add(term);
      clauses.push({ kind: "term", text: word, boost: 2 });
    }
    const abstract = typeof paper[this.f.abstract] === "string" ? (paper[this.f.abstract] as string) : "";
    const counts = new Map<string, { word: string; count: number; first: number }>();
    let n = 0;
    for (const { word, term } of this.words(abstract, this.analyzerOf(this.f.abstract))) {
      const entry = counts.get(term);
      if (entry) entry.count++;
      else counts.set(term, { word, count: 1, first: n });
      n++;
    }
    const top = [...counts.entries()]
      .filter(([term]) => !seen.has(term))
      .sort((a, b) => b[1].count - a[1].count || a[1].first - b[1].first)
      .slice(0, this.relatedTerms);
    for (const [, { word }] of top) clauses.push({ kind: "term", text: word });
    if (clauses.length === 0) return null;
    return { kind: "bool", must: [], should: clauses, mustNot: [] };
  }

  /** Each token of `text` that the analyzer keeps (not a stop word), with its first term. */
  private words(text: string, analyzer: Analyzer): Array<{ word: string; term: string }> {
    const out: Array<{ word: string; term: string }> = [];
    for (const word of this.tokenizer.tokens(text)) {
      let first: string | undefined;
      analyzer.analyze(word, (term) => {
        first ??= term;
      });
      if (first !== undefined && first.length > 1) out.push({ word, term: first });
    }
    return out;
  }

  private async records(ids: string[]): Promise<StoredRecord[]> {
    if (ids.length === 0) return [];
    const records = await this.papers.store.getRecords(this.papers.name, ids);
    return records.filter((r): r is StoredRecord => r !== undefined);
  }

  private async count(query: QueryNode, filter: QueryNode | undefined, deadline?: QueryDeadline): Promise<number> {
    return (await this.papers.search(query, { k: 0, filter, exactTotalHits: true, deadline })).totalHits;
  }

  /**
   * Ids of the page of matches of `query` and `filter`, newest first (ties by
   * id), with the total number of matches. Every search it runs spends `deadline`.
   */
  async newestFirst(query: QueryNode, filter: QueryNode | undefined, page: PageRequest, deadline?: QueryDeadline): Promise<{ ids: string[]; total: number; scores: Map<string, number> }> {
    await this.order.sync();
    const order = this.order;
    const scores = new Map<string, number>();
    if (query.kind === "matchAll" && filter === undefined) {
      return { ids: order.slice(page.offset, page.limit), total: order.size, scores };
    }
    const total = await this.count(query, filter, deadline);
    const n = order.size;
    const want = page.offset + page.limit;
    const ids: string[] = [];
    if (total === 0 || page.offset >= total) return { ids, total, scores };
    const selectivity = Math.min(1, Math.max(total / Math.max(n, 1), 1e-6));
    let seen = 0;
    let pos = 0;
    // grows when windows find fewer matches than the average selectivity promised (matches cluster in time)
    let widen = 1;
    while (pos < n && seen < want && seen < total) {
      const span = Math.min(MAX_K, Math.ceil(((want - seen) / selectivity) * 1.25 * widen) + 32);
      let end = order.tieEnd(Math.min(n, pos + span));
      // dated and undated papers never share a window (a date range cannot select both)
      if (pos < order.datedCount && end > order.datedCount) end = order.datedCount;
      const window = this.dateWindow(order.dateAt(pos), order.dateAt(end - 1));
      const result = await this.papers.search(query, {
        k: Math.min(MAX_K, end - pos),
        filter: allOf(filter ? [window, filter] : [window]),
        exactTotalHits: true,
        deadline,
      });
      const matched = result.totalHits;
      if (seen + matched > page.offset) {
        const sorted = result.hits.map((h) => h.id).sort((a, b) => order.rank(a) - order.rank(b) || (a < b ? -1 : a > b ? 1 : 0));
        const from = Math.max(page.offset, seen) - seen;
        const to = Math.min(want, seen + matched) - seen;
        ids.push(...sorted.slice(from, to));
        for (const h of result.hits) scores.set(h.id, h.score);
      }
      if (matched < ((end - pos) * selectivity) / 2) widen *= 2;
      seen += matched;
      pos = end;
    }
    return { ids, total, scores };
  }

  /** Papers dated from `low` to `high` (epoch ms, inclusive); undated papers when `high` is NaN. */
  private dateWindow(high: number, low: number): QueryNode {
    if (Number.isNaN(high)) {
      return { kind: "bool", must: [MATCH_ALL], should: [], mustNot: [{ kind: "prefix", field: this.f.date, prefix: "" }] };
    }
    const bound = (ms: number): string => new Date(ms).toISOString();
    return { kind: "range", field: this.f.date, lower: bound(low), upper: bound(high), includeLower: true, includeUpper: true };
  }
}

/** The mean of the unit-length vectors given (missing ones skipped); null when there are none. */
function centroidOf(vectors: ReadonlyArray<Float32Array | null>): Float32Array | null {
  let sum: Float32Array | null = null;
  let n = 0;
  for (const v of vectors) {
    if (!v) continue;
    sum ??= new Float32Array(v.length);
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < v.length; i++) sum[i] += v[i] * scale;
    n++;
  }
  if (!sum || n === 0) return null;
  return sum.some((x) => x !== 0) ? sum : null;
}
