/**
 * The sequential dependence model (Metzler & Croft, SIGIR 2005) over BM25, as
 * Anserini builds it (SdmQueryGenerator): a weighted sum of
 *   the query's terms                                  (weight 0.85),
 *   each pair of adjacent query terms in order, at most `orderedSlop` (1)
 *   positions apart                                    (weight 0.1),
 *   each such pair within `unorderedSlop` (8) position moves, either order (weight 0.05),
 * each scored by BM25 (a pair as a phrase: idf summed over its terms, the
 * sloppy frequency 1 / (1 + distance) per match). Anserini's unordered
 * window is a SpanNear query; Trove's is Lucene's sloppy phrase, which
 * charges two extra moves for the reversed order. Terms are analyzed per
 * field; stop words between two terms leave a position gap, as in the
 * documents.
 */
import { z } from "zod";
import type { AnalyzedClause, AnalyzedQuery } from "../../lexical/analyzed-query.js";
import type { PipelineContext } from "../pipeline-context.js";
import { resolveTextFields } from "../text-fields.js";

export const sdmSettings = {
  /** Text fields with boosts (default: the index's text fields with their schema boosts). */
  fields: z.union([z.array(z.string()).min(1), z.record(z.string(), z.number().min(0))]).optional(),
  /** Weights of the three parts (defaults 0.85, 0.1, 0.05; Metzler & Croft's and Anserini's). */
  weights: z.strictObject({ term: z.number().min(0).optional(), ordered: z.number().min(0).optional(), unordered: z.number().min(0).optional() }).optional(),
  /** Position moves allowed in the ordered pairs (default 1: adjacent or one word between). */
  orderedSlop: z.number().int().min(0).max(100).optional(),
  /** Position moves allowed in the unordered pairs (default 8). */
  unorderedSlop: z.number().int().min(0).max(100).optional(),
};

export interface SdmConfig {
  fields?: string[] | Record<string, number>;
  weights?: { term?: number; ordered?: number; unordered?: number };
  orderedSlop?: number;
  unorderedSlop?: number;
}

export const SDM_DEFAULTS = { term: 0.85, ordered: 0.1, unordered: 0.05, orderedSlop: 1, unorderedSlop: 8 };

/** The SDM query of plain `words` over the fields. */
export async function sdmQuery(words: string, config: SdmConfig, ctx: PipelineContext, where: string): Promise<AnalyzedQuery> {
  const w = { term: config.weights?.term ?? SDM_DEFAULTS.term, ordered: config.weights?.ordered ?? SDM_DEFAULTS.ordered, unordered: config.weights?.unordered ?? SDM_DEFAULTS.unordered };
  const orderedSlop = config.orderedSlop ?? SDM_DEFAULTS.orderedSlop;
  const unorderedSlop = config.unorderedSlop ?? SDM_DEFAULTS.unorderedSlop;
  const clauses: AnalyzedClause[] = [];
  for (const { field, boost } of resolveTextFields(config.fields, ctx.target.config, where)) {
    const terms = (await ctx.target.analyze(field, words)).map((t) => t.term);
    for (const term of terms) if (w.term > 0) clauses.push({ field, terms: [term], weight: w.term * boost });
    for (let i = 0; i + 1 < terms.length; i++) {
      const pair = [terms[i], terms[i + 1]];
      if (w.ordered > 0) clauses.push({ field, terms: pair, slop: orderedSlop, weight: w.ordered * boost });
      if (w.unordered > 0) clauses.push({ field, terms: pair, slop: unorderedSlop, weight: w.unordered * boost });
    }
  }
  return { kind: "analyzed", clauses };
}
