/**
 * Turns a parsed query (src/lexical/query-ast.ts) into a plan: analyzed terms
 * with their BM25 weights computed once from index-wide statistics, and filter
 * clauses for keyword, number and date fields. A plan is then turned into
 * per-segment scorers (src/lexical/segment-scorers.ts).
 *
 * Unfielded words expand over the default fields in Anserini's "multifield"
 * shape: one bag-of-words query per field (repeated terms merged into one
 * clause boosted by their count, as Lucene's BooleanQuery rewrite does), the
 * field queries summed with the field boosts.
 */
import { InvalidQueryError } from "../core/errors.js";
import type { Analyzer } from "../text/analyzer.js";
import { Bm25TermWeight, type Bm25Params } from "./bm25.js";
import type { IndexedFieldConfig, IndexConfig } from "../segment/index-config.js";
import type { QueryNode } from "./query-ast.js";
import { checkAnalyzedQuery, type AnalyzedQuery } from "./analyzed-query.js";
import { encodeUtf8 } from "../core/utf8.js";
import { bm25NormInverseCache, bm25AvgFieldLength } from "./bm25.js";

export type FilterSpec =
  | { kind: "keywordEquals"; field: string; value: string }
  | { kind: "keywordPrefix"; field: string; prefix: string }
  | { kind: "keywordRange"; field: string; lower?: string; upper?: string; includeLower: boolean; includeUpper: boolean }
  | { kind: "numericRange"; field: string; lower: number; upper: number; includeLower: boolean; includeUpper: boolean }
  | { kind: "textPrefix"; field: string; prefix: string };

export type PlanNode =
  | { kind: "term"; field: string; term: string; termBytes: Uint8Array; weight: Bm25TermWeight }
  | { kind: "phrase"; field: string; text: string; terms: Uint8Array[]; offsets: number[]; slop: number; weight: Bm25TermWeight }
  | { kind: "bool"; must: PlanNode[]; should: PlanNode[]; mustNot: PlanNode[] }
  | { kind: "filter"; spec: FilterSpec; boost: number }
  | { kind: "matchAll" }
  | { kind: "none" };

/** Index-wide statistics that BM25 weights are computed from (the engine's IndexSnapshot sums them over segments). */
export interface CollectionStatistics {
  stats(field: string): { docCount: number; sumTotalTermFreq: number };
  /** Documents holding the term in the field, deleted ones included (as Lucene counts). */
  docFreq(field: string, term: Uint8Array): number;
}

export interface PlanContext {
  snapshot: CollectionStatistics;
  config: IndexConfig;
  analyzerFor: (name: string) => Analyzer;
  bm25: Bm25Params;
  /** Unfielded words search these fields with these boosts. */
  defaultFields: Array<{ field: string; boost: number }>;
}

export class QueryPlanner {
  private readonly normCaches = new Map<string, Float32Array>();

  constructor(private readonly ctx: PlanContext) {}

  plan(node: QueryNode): PlanNode {
    return simplify(this.node(node, 1));
  }

  /** Plain text as one bag of words over the default fields (Anserini's query generator). */
  planBagOfWords(text: string): PlanNode {
    return simplify(this.bagOfWords([{ text, boost: 1 }]));
  }

  /**
   * Already-analyzed clauses (query expansion, proximity models) as one
   * disjunction: term clauses score as boosted term queries, multi-term
   * clauses as phrases over consecutive positions with their slop. Clauses
   * repeating the same field, terms and slop are merged, their weights summed.
   */
  planAnalyzed(query: AnalyzedQuery): PlanNode {
    checkAnalyzedQuery(query);
    const merged = new Map<string, { field: string; terms: readonly string[]; slop: number; weight: number }>();
    for (const c of query.clauses) {
      const config = this.fieldConfig(c.field);
      if (config.type !== "text") throw new InvalidQueryError(`analyzed query: "${c.field}" is a ${config.type} field; analyzed clauses need a text field`);
      if (c.weight === 0) continue;
      const slop = c.terms.length > 1 ? (c.slop ?? 0) : 0;
      const key = `${c.field}\u0000${c.terms.join("\u0001")}\u0000${slop}`;
      const m = merged.get(key);
      if (m) m.weight += c.weight;
      else merged.set(key, { field: c.field, terms: c.terms, slop, weight: c.weight });
    }
    const should: PlanNode[] = [];
    for (const c of merged.values()) {
      const boost = Math.fround(c.weight);
      if (c.terms.length === 1) should.push(this.termNode(c.field, c.terms[0], boost));
      else should.push(this.phraseOfTerms(c.field, c.terms.join(" "), c.terms.map((term, position) => ({ term, position })), c.slop, boost));
    }
    return simplify({ kind: "bool", must: [], should, mustNot: [] });
  }

  private fieldConfig(field: string): IndexedFieldConfig {
    const config = this.ctx.config.fields[field];
    if (!config) {
      const known = Object.keys(this.ctx.config.fields).join(", ");
      throw new InvalidQueryError(`unknown field "${field}" (fields of this index: ${known})`);
    }
    return config;
  }

  private analyze(field: string, text: string): Array<{ term: string; position: number }> {
    const config = this.fieldConfig(field);
    if (config.type !== "text") return [{ term: text, position: 0 }];
    const out: Array<{ term: string; position: number }> = [];
    this.ctx.analyzerFor(config.analyzer).analyze(text, (term, position) => {
      out.push({ term, position });
    });
    return out;
  }

  termWeight(field: string, term: Uint8Array, boost: number, docFreq?: number): Bm25TermWeight {
    const stats = this.ctx.snapshot.stats(field);
    let cache = this.normCaches.get(field);
    if (!cache) {
      cache = bm25NormInverseCache(this.ctx.bm25, bm25AvgFieldLength(stats.sumTotalTermFreq, stats.docCount));
      this.normCaches.set(field, cache);
    }
    const df = docFreq ?? this.ctx.snapshot.docFreq(field, term);
    return new Bm25TermWeight(this.ctx.bm25, boost, df, stats.docCount, stats.sumTotalTermFreq, cache);
  }

  private termNode(field: string, term: string, boost: number): PlanNode {
    const termBytes = encodeUtf8(term);
    const df = this.ctx.snapshot.docFreq(field, termBytes);
    if (df === 0) return { kind: "none" };
    return { kind: "term", field, term, termBytes, weight: this.termWeight(field, termBytes, boost, df) };
  }

  private bagOfWords(pieces: Array<{ text: string; boost: number }>): PlanNode {
    const should: PlanNode[] = [];
    for (const { field, boost: fieldBoost } of this.ctx.defaultFields) {
      const counts = new Map<string, number>();
      for (const piece of pieces) {
        for (const { term } of this.analyze(field, piece.text)) counts.set(term, (counts.get(term) ?? 0) + piece.boost);
      }
      const clauses: PlanNode[] = [];
      for (const [term, count] of counts) clauses.push(this.termNode(field, term, Math.fround(count * fieldBoost)));
      should.push({ kind: "bool", must: [], should: clauses, mustNot: [] });
    }
    return { kind: "bool", must: [], should, mustNot: [] };
  }

  private node(node: QueryNode, boost: number): PlanNode {
    switch (node.kind) {
      case "matchAll":
        return { kind: "matchAll" };
      case "term": {
        const b = boost * (node.boost ?? 1);
        if (node.field === undefined) return this.bagOfWords([{ text: node.text, boost: b }]);
        return this.fieldTerm(node.field, node.text, b);
      }
      case "phrase": {
        const b = boost * (node.boost ?? 1);
        const fields = node.field !== undefined ? [{ field: node.field, boost: 1 }] : this.ctx.defaultFields;
        const alternatives = fields.map((f) => this.phrase(f.field, node.text, node.slop, Math.fround(b * f.boost)));
        return alternatives.length === 1 ? alternatives[0] : { kind: "bool", must: [], should: alternatives, mustNot: [] };
      }
      case "prefix": {
        const b = boost * (node.boost ?? 1);
        const fields = node.field !== undefined ? [node.field] : this.ctx.defaultFields.map((f) => f.field);
        const alternatives: PlanNode[] = fields.map((field) => {
          const config = this.fieldConfig(field);
          if (config.type === "text") return { kind: "filter", spec: { kind: "textPrefix", field, prefix: node.prefix.toLowerCase() }, boost: b };
          if (config.type === "keyword") return { kind: "filter", spec: { kind: "keywordPrefix", field, prefix: node.prefix }, boost: b };
          if (node.prefix === "") {
            // field:* on a number or date field: the field has a value
            return { kind: "filter", spec: { kind: "numericRange", field, lower: -Infinity, upper: Infinity, includeLower: true, includeUpper: true }, boost: b };
          }
          throw new InvalidQueryError(`prefix queries need a text or keyword field; "${field}" is a ${config.type} field`);
        });
        return alternatives.length === 1 ? alternatives[0] : { kind: "bool", must: [], should: alternatives, mustNot: [] };
      }
      case "range":
        return { kind: "filter", spec: this.rangeSpec(node.field, node.lower, node.upper, node.includeLower, node.includeUpper), boost: 0 };
      case "bool": {
        const b = boost * (node.boost ?? 1);
        const must = node.must.map((n) => this.node(n, b));
        const mustNot = node.mustNot.map((n) => this.node(n, 1));
        // unfielded plain terms among the should clauses form one bag of words per field
        const bag: Array<{ text: string; boost: number }> = [];
        const should: PlanNode[] = [];
        for (const n of node.should) {
          if (n.kind === "term" && n.field === undefined) bag.push({ text: n.text, boost: b * (n.boost ?? 1) });
          else should.push(this.node(n, b));
        }
        if (bag.length > 0) should.unshift(this.bagOfWords(bag));
        return { kind: "bool", must, should, mustNot };
      }
    }
  }

  private fieldTerm(field: string, text: string, boost: number): PlanNode {
    const config = this.fieldConfig(field);
    if (config.type === "keyword") return { kind: "filter", spec: { kind: "keywordEquals", field, value: text }, boost: 0 };
    if (config.type === "date") {
      // a day, month or year means the whole period: [start, next start)
      const period = datePeriod(text);
      if (period) return { kind: "filter", spec: { kind: "numericRange", field, lower: period[0], upper: period[1], includeLower: true, includeUpper: false }, boost: 0 };
    }
    if (config.type === "number" || config.type === "date") {
      return { kind: "filter", spec: this.rangeSpec(field, text, text, true, true), boost: 0 };
    }
    const terms = this.analyze(field, text);
    if (terms.length === 1) return this.termNode(field, terms[0].term, boost);
    return { kind: "bool", must: [], should: terms.map((t) => this.termNode(field, t.term, boost)), mustNot: [] };
  }

  private phrase(field: string, text: string, slop: number, boost: number): PlanNode {
    const config = this.fieldConfig(field);
    if (config.type === "keyword") return { kind: "filter", spec: { kind: "keywordEquals", field, value: text }, boost: 0 };
    if (config.type !== "text") throw new InvalidQueryError(`phrase queries need a text or keyword field; "${field}" is a ${config.type} field`);
    return this.phraseOfTerms(field, text, this.analyze(field, text), slop, boost);
  }

  /** A phrase of analyzed terms at their query positions in text field `field`. */
  private phraseOfTerms(field: string, text: string, terms: Array<{ term: string; position: number }>, slop: number, boost: number): PlanNode {
    if (terms.length === 0) return { kind: "none" };
    if (terms.length === 1) return this.termNode(field, terms[0].term, boost);
    const config = this.fieldConfig(field);
    if (config.type === "text" && !config.positions) throw new InvalidQueryError(`field "${field}" was indexed without positions, so phrase queries are not possible`);
    const termBytes = terms.map((t) => encodeUtf8(t.term));
    const stats = this.ctx.snapshot.stats(field);
    // Lucene sums the terms' idf for a phrase weight
    let idfSum = 0;
    for (const bytes of termBytes) {
      const df = this.ctx.snapshot.docFreq(field, bytes);
      if (df === 0) return { kind: "none" };
      idfSum += this.termWeight(field, bytes, 1, df).idf;
    }
    const norms = this.termWeight(field, termBytes[0], boost, 1).normInverse;
    const phraseWeight = new Bm25TermWeight(this.ctx.bm25, boost, 0, stats.docCount, stats.sumTotalTermFreq, norms, Math.fround(idfSum));
    return { kind: "phrase", field, text, terms: termBytes, offsets: terms.map((t) => t.position), slop, weight: phraseWeight };
  }

  private rangeSpec(field: string, lower: string | undefined, upper: string | undefined, includeLower: boolean, includeUpper: boolean): FilterSpec {
    const config = this.fieldConfig(field);
    if (config.type === "keyword") return { kind: "keywordRange", field, lower, upper, includeLower, includeUpper };
    if (config.type === "text") throw new InvalidQueryError(`range queries need a keyword, number or date field; "${field}" is a text field`);
    const parse = (value: string | undefined, open: number): number => {
      if (value === undefined || value === "*") return open;
      const n = config.type === "date" ? parseDateBound(value) : Number(value);
      if (!Number.isFinite(n)) {
        throw new InvalidQueryError(`"${value}" is not a valid ${config.type === "date" ? "date (use YYYY-MM-DD)" : "number"} for field "${field}"`);
      }
      return n;
    };
    return { kind: "numericRange", field, lower: parse(lower, -Infinity), upper: parse(upper, Infinity), includeLower, includeUpper };
  }
}

/** [start, end) in epoch ms of the day, month or year a date string names, or null. */
function datePeriod(value: string): [number, number] | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) {
    const start = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    return Number.isFinite(start) ? [start, start + 86_400_000] : null;
  }
  m = /^(\d{4})-(\d{2})$/.exec(value);
  if (m) return [Date.UTC(+m[1], +m[2] - 1, 1), Date.UTC(+m[1], +m[2], 1)];
  m = /^(\d{4})$/.exec(value);
  if (m) return [Date.UTC(+m[1], 0, 1), Date.UTC(+m[1] + 1, 0, 1)];
  return null;
}

function parseDateBound(value: string): number {
  if (/^\d{4}$/.test(value)) return Date.parse(`${value}-01-01`);
  if (/^\d{4}-\d{2}$/.test(value)) return Date.parse(`${value}-01`);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return Number.NaN;
  return Date.parse(value);
}

/** Removes empty clauses and single-child wrappers without changing scores. */
export function simplify(node: PlanNode): PlanNode {
  if (node.kind !== "bool") return node;
  const must = node.must.map(simplify);
  if (must.some((n) => n.kind === "none")) return { kind: "none" };
  const should = node.should.map(simplify).filter((n) => n.kind !== "none");
  const mustNot = node.mustNot.map(simplify).filter((n) => n.kind !== "none");
  if (must.length === 0 && should.length === 0) return { kind: "none" };
  if (must.length === 0 && mustNot.length === 0 && should.length === 1) return should[0];
  if (should.length === 0 && mustNot.length === 0 && must.length === 1) return must[0];
  return { kind: "bool", must, should, mustNot };
}
