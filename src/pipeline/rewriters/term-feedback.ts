/**
 * What the term-based feedback rewriters (RM3, Rocchio) share: their common
 * settings, the first-pass ("feedback") run, the text fields they read and
 * search, the query's own terms, and the feedback documents' term vectors.
 *
 * Term vectors are made from the documents' stored text analyzed with the
 * field's analyzer, as Anserini does when an index keeps no document
 * vectors (`createdFeatureVectorOnTheFly`): the terms are exactly the
 * indexed ones. Terms shorter than 2 or longer than 20 characters, terms in
 * more than `maxDocFrequency` of the documents (Anserini's 10% stop-word
 * heuristic) and, when `filterTerms` is on, terms that are not [a-z0-9]+
 * are not feedback terms.
 */
import { z } from "zod";
import { InvalidArgumentError } from "../../core/errors.js";
import type { AnalyzedQuery } from "../../lexical/analyzed-query.js";
import { queryWords } from "../retrievers/query-words.js";
import { namedFields, resolveTextFields } from "../text-fields.js";
import type { TextFieldConfig } from "../../segment/index-config.js";
import type { TermWeights } from "./feedback-models.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { FieldNeeds, PipelineRegistry } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import { Pipeline } from "../pipeline.js";

/** Settings every term-feedback rewriter has. */
export const termFeedbackSettings = {
  /** Name in explanations and timings (default: the type). */
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/).optional(),
  /** Text fields the feedback terms come from and the expanded query searches, with boosts (default: the index's text fields with their schema boosts). */
  fields: z.union([z.array(z.string()).min(1), z.record(z.string(), z.number().min(0))]).optional(),
  /** How the query text reads for the default first pass and the query's own terms: "query" (the query language, default) or "plain". */
  syntax: z.enum(["query", "plain"]).optional(),
  /** BM25 parameters of the default first pass and of the expanded query. */
  bm25: z.strictObject({ k1: z.number().min(0).max(10).optional(), b: z.number().min(0).max(1).optional() }).optional(),
  /** Terms in more than this fraction of the documents are not feedback terms (default 0.1, Anserini's). */
  maxDocFrequency: z.number().gt(0).max(1).optional(),
  /** Keep only feedback terms made of a-z and 0-9 (RM3's default: true; Rocchio's: false, as in Anserini). */
  filterTerms: z.boolean().optional(),
  /** The first pass whose top documents are the feedback: a pipeline (default: BM25 over `fields`). */
  feedback: z.record(z.string(), z.unknown()).optional(),
};

export interface TermFeedbackConfig {
  name?: string;
  fields?: string[] | Record<string, number>;
  syntax?: "query" | "plain";
  bm25?: { k1?: number; b?: number };
  maxDocFrequency?: number;
  filterTerms?: boolean;
  feedback?: Record<string, unknown>;
}

/** The first-pass pipeline of a feedback rewriter: the one its config names, else BM25 over its fields. */
export function compileFeedback(config: TermFeedbackConfig, depth: number, where: string, registry: PipelineRegistry): Pipeline {
  const pipeline = config.feedback ?? { retrievers: [{ type: "bm25", depth, fields: config.fields, syntax: config.syntax, bm25: config.bm25, expanded: false }] };
  return Pipeline.compile(pipeline, registry, `${where}.feedback`);
}

/** The first pass: the original request (no expansion, nothing excluded: documents are read, not returned), `depth` hits. */
export async function runFeedback(feedback: Pipeline, request: PipelineRequest, ctx: PipelineContext, depth: number): Promise<Array<{ id: string; score: number }>> {
  const { hits } = await feedback.run({ query: request.query, vector: request.vector, item: request.item, user: request.user, filter: request.filter, attributes: request.attributes, signal: request.signal, k: depth }, ctx);
  return hits.map((h) => ({ id: h.id, score: h.score }));
}

/** The text fields with their boosts; all must share one analyzer, so that a term means the same in each. */
/** Fields a term-feedback rewriter reads: its own and its feedback pipeline's. */
export function feedbackNeeds(config: TermFeedbackConfig, feedback: Pipeline): FieldNeeds {
  const needs = feedback.needs();
  return { text: [...namedFields(config.fields), ...needs.text], vectors: needs.vectors };
}

/** The fields feedback terms come from and the query's own terms in the first of them (null: nothing to expand). */
export async function feedbackQuery(config: TermFeedbackConfig, request: PipelineRequest, ctx: PipelineContext, where: string): Promise<{ fields: Array<{ field: string; boost: number }>; terms: string[] } | null> {
  const fields = feedbackFields(config, ctx, where);
  if (fields.length === 0) return null;
  const terms = await queryTerms(request, fields[0].field, config.syntax ?? "query", ctx);
  return terms.length === 0 ? null : { fields, terms };
}

export function feedbackFields(config: TermFeedbackConfig, ctx: PipelineContext, where: string): Array<{ field: string; boost: number }> {
  const fields = resolveTextFields(config.fields, ctx.target.config, where);
  const analyzers = new Set(fields.map(({ field }) => (ctx.target.config.fields[field] as TextFieldConfig).analyzer));
  if (analyzers.size > 1) throw new InvalidArgumentError(`${where}: fields ${fields.map((f) => f.field).join(", ")} use different analyzers (${[...analyzers].join(", ")}); name fields that share one`);
  return fields;
}

/** The query's own terms (repeats kept, as they weigh more), analyzed as the first field analyzes text. */
export async function queryTerms(request: PipelineRequest, field: string, syntax: "query" | "plain", ctx: PipelineContext): Promise<string[]> {
  const words = queryWords(request.query, syntax);
  return words === "" ? [] : (await ctx.target.analyze(field, words)).map((t) => t.term);
}

export interface TermFilter {
  maxDocFrequency: number;
  filterTerms: boolean;
}

const FEEDBACK_TERM = /^[a-z0-9]+$/;

/**
 * Term counts of each document over the fields, from its stored text,
 * without the terms the filter rejects. Throws when the target keeps no
 * records to read text from.
 */
export async function documentTermVectors(ids: readonly string[], fields: readonly string[], filter: TermFilter, ctx: PipelineContext, where: string): Promise<TermWeights[]> {
  if (ids.length === 0) return [];
  const records = await ctx.target.records(ids);
  if (records.every((r) => r === undefined)) {
    throw new InvalidArgumentError(`${where}: feedback needs the documents' text, and this target keeps no records (search a collection, or give the index target a records function)`);
  }
  const documents = await ctx.target.documentCount();
  const accepted = new Map<string, boolean>();
  const accept = async (term: string): Promise<boolean> => {
    let ok = accepted.get(term);
    if (ok === undefined) {
      ok = term.length >= 2 && term.length <= 20 && (!filter.filterTerms || FEEDBACK_TERM.test(term));
      if (ok) {
        let df = 0;
        for (const field of fields) df = Math.max(df, await ctx.target.docFreq(field, term));
        ok = !(Math.fround(df / documents) > Math.fround(filter.maxDocFrequency));
      }
      accepted.set(term, ok);
    }
    return ok;
  };
  const out: TermWeights[] = [];
  for (const record of records) {
    const counts: TermWeights = new Map();
    for (const field of fields) {
      const value = record?.[field];
      const texts = typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
      for (const text of texts) {
        for (const { term } of await ctx.target.analyze(field, text)) if (await accept(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
      }
    }
    out.push(counts);
  }
  return out;
}

/** Weighted terms as an analyzed query over the fields, each weight times the field's boost. */
export function expandedQuery(weights: TermWeights, fields: ReadonlyArray<{ field: string; boost: number }>): AnalyzedQuery {
  const ordered = [...weights].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    kind: "analyzed",
    clauses: fields.flatMap(({ field, boost }) => ordered.map(([term, weight]) => ({ field, terms: [term], weight: boost === 1 ? weight : Math.fround(weight * boost) }))),
  };
}
