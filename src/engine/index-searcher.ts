/**
 * The read side of a search index: runs queries against one IndexSnapshot (a
 * fixed set of segments), so a search never sees half a commit or merge. A
 * query becomes a plan (analyzed terms with BM25 weights from index-wide
 * statistics), the plan a scorer per segment, and collectors gather the
 * results: top-k (or the MaxScore pruning path for term disjunctions), sorted
 * by a field, facet counts.
 */
import type { QueryDeadline } from "./collectors/query-deadline.js";
import { InvalidArgumentError } from "../core/errors.js";
import { encodeUtf8 } from "../core/utf8.js";
import type { Analyzer } from "../text/analyzer.js";
import { validateBm25, type Bm25Params } from "../lexical/bm25.js";
import { isAnalyzedQuery, type AnalyzedQuery } from "../lexical/analyzed-query.js";
import { validateQueryNode, type QueryNode } from "../lexical/query-ast.js";
import { parseQuery } from "../lexical/query-parser.js";
import { QueryPlanner, type PlanNode } from "../lexical/query-plan.js";
import { TermScorer, type Explanation } from "../lexical/scorer.js";
import { LENGTH_TABLE } from "../lexical/small-float.js";
import { buildScorer, filterBits, flattenTermDisjunction } from "../lexical/segment-scorers.js";
import { textFieldNames, vectorFieldNames } from "../segment/index-config.js";
import type { SegmentReader } from "../segment/segment-reader.js";
import { FacetCollector, type FacetCount, type FacetRequest } from "./collectors/facet-collector.js";
import { collectMaxScore } from "./collectors/max-score-collector.js";
import { TopKHeap, collectAll, collectSorted } from "./collectors/top-k-collector.js";
import type { IndexSnapshot } from "./index-snapshot.js";
import { searchSparseSnapshot, sparseVectorOfSnapshot, type SparseSearchOptions, type SparseSearchResult } from "./sparse-search.js";

export type { FacetCount } from "./collectors/facet-collector.js";

/** What search, explain and scoreDocuments accept: the query language, its AST, or already-analyzed clauses. */
export type SearchQuery = string | QueryNode | AnalyzedQuery;

/** Options that decide how a query scores (not which hits are returned). */
export type ScoringOptions = Pick<SearchOptions, "syntax" | "defaultOperator" | "fields" | "bm25">;

export interface SearchOptions {
  /** Number of hits to return (default 10). */
  k?: number;
  /** Hits to skip, for pagination (default 0). */
  offset?: number;
  /** "query" (default): the query language; "plain": the text as one bag of words, operators ignored. */
  syntax?: "query" | "plain";
  /** How words side by side combine in the query language: "or" (default, ranked bag of words) or "and". */
  defaultOperator?: "or" | "and";
  /** Fields searched by unfielded words, with optional boosts: ["title", "text"] or { title: 2, text: 1 }. Default: every text field with its schema boost. */
  fields?: readonly string[] | Readonly<Record<string, number>>;
  /** Non-scoring filter in the query language or as an AST, e.g. 'category:cs.IR AND date:[2024-01-01 TO *]'. */
  filter?: string | QueryNode;
  /** Keyword fields to count values of over all matching documents. */
  facets?: readonly FacetRequest[];
  /** Per-query BM25 parameters (default: the index's). */
  bm25?: Partial<Bm25Params>;
  /** Count every match exactly (disables dynamic pruning). */
  exactTotalHits?: boolean;
  /** Attach a score explanation to each hit. */
  explain?: boolean;
  /**
   * Rank by a number or date field instead of relevance: `{ field: "date", order: "desc" }`
   * (default order "desc"). Documents without a value come last; ties keep index order.
   * Every match is visited (no pruning), so totals are exact.
   */
  sort?: { field: string; order?: "asc" | "desc" };
  /** A time budget (collectors/query-deadline.ts): the search stops with a QueryTimeBudgetError once it is spent. */
  deadline?: QueryDeadline;
}

export interface SearchHit {
  id: string;
  /** BM25 score (also when the hits are sorted by a field). */
  score: number;
  /** The sort field's value (epoch ms for dates) when `sort` was given; null when the document has none. */
  sortValue?: number | null;
  explanation?: Explanation;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Number of matching documents; a lower bound when totalHitsExact is false. */
  totalHits: number;
  totalHitsExact: boolean;
  facets?: Record<string, FacetCount[]>;
  tookMs: number;
}

export interface VectorSearchOptions {
  /** The vector field to search. */
  field: string;
  /** The query vector (as many numbers as the field's dimensions). */
  vector: ArrayLike<number>;
  /** Number of hits (default 10). */
  k?: number;
  offset?: number;
  /** Non-scoring filter in the query language or as an AST; honoured during the graph search. */
  filter?: string | QueryNode;
  /** Beam width of the graph search (default max(k, 100)): larger finds more of the true neighbours, slower. */
  efSearch?: number;
  /** Quantized fields: rescore this many times k candidates with the float vectors (0 = none). */
  rescore?: number;
  /** Score every eligible vector instead of searching the graph. */
  exact?: boolean;
}

export class IndexSearcher {
  constructor(
    readonly snapshot: IndexSnapshot,
    private readonly analyzerFor: (name: string) => Analyzer,
  ) {}

  private plannerFor(options: SearchOptions): QueryPlanner {
    const config = this.snapshot.config;
    const bm25 = validateBm25({ k1: options.bm25?.k1 ?? config.bm25.k1, b: options.bm25?.b ?? config.bm25.b });
    let defaultFields: Array<{ field: string; boost: number }>;
    if (!options.fields) {
      defaultFields = textFieldNames(config).map((field) => ({ field, boost: (config.fields[field] as { boost: number }).boost }));
    } else if (Array.isArray(options.fields)) {
      defaultFields = (options.fields as string[]).map((field) => ({ field, boost: 1 }));
    } else {
      defaultFields = Object.entries(options.fields as Record<string, number>).map(([field, boost]) => ({ field, boost }));
    }
    for (const { field, boost } of defaultFields) {
      const f = config.fields[field];
      if (!f || f.type !== "text") throw new InvalidArgumentError(`search field "${field}" is not a text field of this index (text fields: ${textFieldNames(config).join(", ")})`);
      if (!(boost >= 0 && Number.isFinite(boost))) throw new InvalidArgumentError(`boost for field "${field}" must be a non-negative number`);
    }
    return new QueryPlanner({ snapshot: this.snapshot, config, analyzerFor: this.analyzerFor, bm25, defaultFields });
  }

  /** Plans a query without running it (for explain and tests). */
  plan(query: SearchQuery, options: SearchOptions = {}): PlanNode {
    return planWith(this.plannerFor(options), query, options);
  }

  search(query: SearchQuery, options: SearchOptions = {}): SearchResult {
    const started = performance.now();
    const k = options.k ?? 10;
    const offset = options.offset ?? 0;
    if (!Number.isInteger(k) || k < 0 || k > 100_000) throw new InvalidArgumentError(`k must be an integer from 0 to 100000, got ${k}`);
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidArgumentError(`offset must be a non-negative integer, got ${offset}`);
    options.deadline?.check();
    const planner = this.plannerFor(options);
    const plan = planWith(planner, query, options);
    const filterPlan = options.filter === undefined ? null : planWith(planner, options.filter, { defaultOperator: "and" });
    const facets = new FacetCollector(options.facets ?? [], this.snapshot.config);
    const sort = options.sort === undefined ? null : this.checkSort(options.sort);
    const sortScores = new Map<number, number>();
    const exhaustive = options.exactTotalHits === true || facets.active || sort !== null;
    const heap = new TopKHeap(k + offset);
    const flat = exhaustive ? null : flattenTermDisjunction(plan);
    let totalHits = 0;
    let exact = true;

    const deadline = options.deadline;
    this.snapshot.segments.forEach((segment, s) => {
      deadline?.check();
      const base = this.snapshot.bases[s];
      const accept = acceptFor(segment, filterPlan);
      if (flat) {
        const clauses: TermScorer[] = [];
        const groups: number[] = [];
        for (const { node, group } of flat) {
          const scorer = buildScorer(node, segment);
          if (scorer instanceof TermScorer) {
            clauses.push(scorer);
            groups.push(group);
          }
        }
        const groupCount = groups.length ? Math.max(...groups) + 1 : 0;
        totalHits += collectMaxScore(clauses, Int32Array.from(groups), groupCount, heap, { base, accept, deadline });
        exact = false;
        return;
      }
      const scorer = buildScorer(plan, segment);
      const onMatch = facets.active ? facets.beginSegment(segment) : undefined;
      if (sort) {
        const values = segment.numerics.get(sort.field) ?? null;
        totalHits += collectSorted(scorer, heap, values, sort.order === "desc", sortScores, { base, accept, onMatch, deadline });
      } else {
        totalHits += collectAll(scorer, heap, { base, accept, onMatch, deadline });
      }
      if (facets.active) facets.endSegment();
    });
    const hits: SearchHit[] = heap
      .sorted()
      .slice(offset)
      .map(({ score, doc }) => {
        const [s, local] = this.snapshot.locate(doc);
        const id = this.snapshot.segments[s].idOf(local);
        const hit: SearchHit = sort
          ? { id, score: sortScores.get(doc)!, sortValue: score === -Infinity ? null : sort.order === "desc" ? score : -score }
          : { id, score };
        if (options.explain) hit.explanation = this.explainDoc(plan, s, local) ?? undefined;
        return hit;
      });
    const result: SearchResult = { hits, totalHits: Math.max(totalHits, heap.size), totalHitsExact: exact, tookMs: 0 };
    if (facets.active) result.facets = facets.result();
    result.tookMs = performance.now() - started;
    return result;
  }

  private checkSort(sort: { field: string; order?: "asc" | "desc" }): { field: string; order: "asc" | "desc" } {
    const type = this.snapshot.config.fields[sort.field]?.type;
    if (type !== "number" && type !== "date") {
      throw new InvalidArgumentError(`sort field "${sort.field}" must be a number or date field${type ? `, not ${type}` : " of the index"}`);
    }
    const order = sort.order ?? "desc";
    if (order !== "asc" && order !== "desc") throw new InvalidArgumentError(`sort order must be "asc" or "desc", got ${JSON.stringify(order)}`);
    return { field: sort.field, order };
  }

  /** Explains how `id` scores for `query` (null when the document does not match or does not exist). */
  explain(query: SearchQuery, id: string, options: SearchOptions = {}): Explanation | null {
    const plan = this.plan(query, options);
    for (let s = 0; s < this.snapshot.segments.length; s++) {
      const doc = this.snapshot.segments[s].findDoc(id);
      if (doc >= 0) return this.explainDoc(plan, s, doc);
    }
    return null;
  }

  private explainDoc(plan: PlanNode, segmentIndex: number, doc: number): Explanation | null {
    const scorer = buildScorer(plan, this.snapshot.segments[segmentIndex]);
    if (scorer.advance(doc) !== doc) return null;
    return scorer.explain();
  }

  /**
   * The k documents whose vectors in `field` are most similar to `vector`
   * (cosine or dot similarity, or 1 / (1 + squared distance) for l2), from
   * each segment's nearest-neighbour index; the filter and deletions are
   * honoured inside the search. `totalHits` counts the eligible documents
   * with a vector.
   */
  searchVector(options: VectorSearchOptions): SearchResult {
    const started = performance.now();
    const config = this.snapshot.config.fields[options.field];
    if (!config || config.type !== "vector") {
      throw new InvalidArgumentError(`vector field "${options.field}" is not a vector field of this index${vectorFieldList(this.snapshot)}`);
    }
    const k = options.k ?? 10;
    const offset = options.offset ?? 0;
    if (!Number.isInteger(k) || k < 1 || k > 10_000) throw new InvalidArgumentError(`k must be an integer from 1 to 10000, got ${k}`);
    if (!Number.isInteger(offset) || offset < 0 || offset > 10_000) throw new InvalidArgumentError(`offset must be an integer from 0 to 10000, got ${offset}`);
    const query = toQueryVector(options.vector, config.dimensions, options.field);
    const filterPlan = options.filter === undefined ? null : planWith(this.plannerFor({}), options.filter, { defaultOperator: "and" });
    const heap = new TopKHeap(k + offset);
    let eligibleTotal = 0;
    this.snapshot.segments.forEach((segment, s) => {
      const field = segment.vectors.get(options.field);
      if (!field || field.count === 0) return;
      const filter = filterPlan ? segmentFilterBits(filterPlan, segment) : null;
      const { accept, count: eligible } = field.eligible(segment.liveDocs, filter);
      eligibleTotal += eligible;
      if (eligible === 0) return;
      const found = field.index().search(query, k + offset, { efSearch: options.efSearch, rescore: options.rescore, exact: options.exact, accept, acceptCount: eligible });
      const base = this.snapshot.bases[s];
      for (let i = 0; i < found.ords.length; i++) heap.offer(found.scores[i], base + field.ordToDoc[found.ords[i]]);
    });
    const hits: SearchHit[] = heap
      .sorted()
      .slice(offset)
      .map(({ score, doc }) => {
        const [s, local] = this.snapshot.locate(doc);
        return { id: this.snapshot.segments[s].idOf(local), score };
      });
    return { hits, totalHits: eligibleTotal, totalHitsExact: true, tookMs: performance.now() - started };
  }

  /** Learned-sparse search over a sparse vector field (see sparse-search.ts). */
  searchSparse(options: SparseSearchOptions): SparseSearchResult {
    const filterPlan = options.filter === undefined ? null : planWith(this.plannerFor({}), options.filter, { defaultOperator: "and" });
    return searchSparseSnapshot(this.snapshot, options, (segment) => (filterPlan ? segmentFilterBits(filterPlan, segment) : null));
  }

  /** The stored sparse vector of document `id` in `field`, or null. */
  sparseVectorOf(id: string, field: string): Record<string, number> | null {
    return sparseVectorOfSnapshot(this.snapshot, id, field);
  }

  /** The stored vector of document `id` in `field` (as given, not normalized), or null when the document or its vector is missing. */
  vectorOf(id: string, field: string): Float32Array | null {
    const config = this.snapshot.config.fields[field];
    if (!config || config.type !== "vector") throw new InvalidArgumentError(`"${field}" is not a vector field of this index${vectorFieldList(this.snapshot)}`);
    for (const segment of this.snapshot.segments) {
      const doc = segment.findDoc(id);
      if (doc >= 0) return segment.vectors.get(field)?.vectorOf(doc) ?? null;
    }
    return null;
  }

  /** Documents whose `field` holds the (already analyzed) term, as BM25's idf counts them. */
  docFreq(field: string, term: string): number {
    return this.snapshot.docFreq(field, encodeUtf8(term));
  }

  /**
   * The score each document gets for `query`, exactly as `search` would rank
   * it, in the order of `ids`; 0 for a document that does not match or does
   * not exist. Rerankers and learned rankers compute features with it for
   * candidates another retriever found.
   */
  scoreDocuments(query: SearchQuery, ids: readonly string[], options: ScoringOptions = {}): Float64Array {
    const plan = this.plan(query, options);
    const out = new Float64Array(ids.length);
    this.forEachDocument(ids, (segment, docs, slots) => {
      const scorer = buildScorer(plan, segment);
      for (let j = 0; j < docs.length; j++) if (scorer.advance(docs[j]) === docs[j]) out[slots[j]] = scorer.score();
    });
    return out;
  }

  /**
   * Each document's length in text field `field` (its number of terms) as BM25
   * sees it: Lucene's one-byte norm decoded, exact up to 23 terms and to four
   * significant bits above. 0 for a missing document or an empty field.
   */
  fieldLengths(ids: readonly string[], field: string): Float64Array {
    const config = this.snapshot.config.fields[field];
    if (!config || config.type !== "text") throw new InvalidArgumentError(`"${field}" is not a text field of this index (text fields: ${textFieldNames(this.snapshot.config).join(", ")})`);
    const out = new Float64Array(ids.length);
    this.forEachDocument(ids, (segment, docs, slots) => {
      const norms = segment.text.get(field)?.norms;
      if (norms) for (let j = 0; j < docs.length; j++) out[slots[j]] = LENGTH_TABLE[norms[docs[j]]];
    });
    return out;
  }

  /** Each document's value of number or date field `field` (dates as epoch ms); NaN where there is none. */
  numericValues(ids: readonly string[], field: string): Float64Array {
    const type = this.snapshot.config.fields[field]?.type;
    if (type !== "number" && type !== "date") throw new InvalidArgumentError(`"${field}" must be a number or date field${type ? `, not ${type}` : " of the index"}`);
    const out = new Float64Array(ids.length).fill(Number.NaN);
    this.forEachDocument(ids, (segment, docs, slots) => {
      const values = segment.numerics.get(field);
      if (values) for (let j = 0; j < docs.length; j++) out[slots[j]] = values[docs[j]];
    });
    return out;
  }

  /** The terms (with positions) that text field `field`'s analyzer makes of `text`, as the index and queries see them. */
  analyze(field: string, text: string): Array<{ term: string; position: number }> {
    const config = this.snapshot.config.fields[field];
    if (!config || config.type !== "text") throw new InvalidArgumentError(`"${field}" is not a text field of this index (text fields: ${textFieldNames(this.snapshot.config).join(", ")})`);
    const out: Array<{ term: string; position: number }> = [];
    this.analyzerFor(config.analyzer).analyze(text, (term, position) => {
      out.push({ term, position });
    });
    return out;
  }

  /**
   * Finds the live documents with these ids and calls `visit` once per
   * segment holding some, with their local doc numbers in increasing order
   * and, for each, its position in `ids`.
   */
  private forEachDocument(ids: readonly string[], visit: (segment: SegmentReader, docs: Int32Array, slots: Int32Array) => void): void {
    const bySegment: Array<Array<[number, number]>> = this.snapshot.segments.map(() => []);
    ids.forEach((id, slot) => {
      for (let s = 0; s < this.snapshot.segments.length; s++) {
        const doc = this.snapshot.segments[s].findDoc(id);
        if (doc >= 0) {
          bySegment[s].push([doc, slot]);
          break;
        }
      }
    });
    bySegment.forEach((found, s) => {
      if (found.length === 0) return;
      found.sort((a, b) => a[0] - b[0]);
      visit(this.snapshot.segments[s], Int32Array.from(found, (f) => f[0]), Int32Array.from(found, (f) => f[1]));
    });
  }
}

function toQueryVector(vector: ArrayLike<number>, dimensions: number, field: string): Float32Array {
  if (vector === null || typeof vector !== "object" || typeof vector.length !== "number") {
    throw new InvalidArgumentError(`the query vector for "${field}" must be a list of ${dimensions} numbers`);
  }
  if (vector.length !== dimensions) throw new InvalidArgumentError(`the query vector for "${field}" has ${vector.length} numbers; the field has ${dimensions} dimensions`);
  const out = Float32Array.from(vector);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new InvalidArgumentError(`the query vector for "${field}" holds a value that is not a finite number at position ${i}`);
  }
  return out;
}

function vectorFieldList(snapshot: IndexSnapshot): string {
  const names = vectorFieldNames(snapshot.config);
  return names.length ? ` (vector fields: ${names.join(", ")})` : " (it has no vector fields)";
}

function planWith(planner: QueryPlanner, query: SearchQuery, options: SearchOptions): PlanNode {
  if (isAnalyzedQuery(query)) return planner.planAnalyzed(query);
  if (typeof query !== "string") return planner.plan(validateQueryNode(query));
  if (options.syntax === "plain") return planner.planBagOfWords(query);
  return planner.plan(parseQuery(query, { defaultOperator: options.defaultOperator }));
}

/** Which documents of a segment may be returned: live ones passing the filter (null = all). */
function acceptFor(segment: SegmentReader, filterPlan: PlanNode | null): ((doc: number) => boolean) | null {
  const live = segment.liveDocs;
  const filter = filterPlan ? segmentFilterBits(filterPlan, segment) : null;
  if (!live && !filter) return null;
  return (doc: number) => (live === null || live[doc] === 1) && (filter === null || filter[doc] === 1);
}

/** A filter plan evaluated to a bitset for one segment (non-scoring). */
export function segmentFilterBits(plan: PlanNode, segment: SegmentReader): Uint8Array {
  if (plan.kind === "filter") return filterBits(plan.spec, segment);
  const bits = new Uint8Array(segment.docCount);
  const scorer = buildScorer(plan, segment);
  for (let d = scorer.nextDoc(); d !== 0x7fffffff; d = scorer.nextDoc()) bits[d] = 1;
  return bits;
}
