/**
 * The text a reranker reads for each candidate: the named fields of its
 * stored record (PipelineTarget.records), joined by a space. Without names:
 * the index's text fields that the record has, else every string field of
 * the record but the id (a BEIR corpus read as {title, text} while the index
 * holds one "contents" field). A candidate without a record reads as "".
 */
import { z } from "zod";
import type { Candidate } from "../candidate.js";
import type { PipelineContext } from "../pipeline-context.js";
import { textFieldNames } from "../../segment/index-config.js";

/** Settings every reranking stage has. */
export const rerankBase = {
  /** Name of the stage's score in features and explanations (default: its type). */
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/).optional(),
  /** Candidates reranked from the top (default 100); the rest follow, below them. */
  depth: z.number().int().min(1).max(10_000).optional(),
  /** Record fields whose text the model reads, joined by a space (default: the index's text fields). */
  fields: z.array(z.string().min(1)).min(1).optional(),
};

export async function candidateTexts(ctx: PipelineContext, candidates: readonly Candidate[], fields: readonly string[] | undefined): Promise<string[]> {
  const records = await ctx.target.records(candidates.map((c) => c.id));
  const config = ctx.target.config;
  const indexed = textFieldNames(config);
  return records.map((record) => {
    if (!record) return "";
    let names = fields ?? indexed.filter((f) => typeof record[f] === "string");
    if (!fields && names.length === 0) names = Object.keys(record).filter((k) => k !== config.idField && typeof record[k] === "string");
    return names
      .map((f) => record[f])
      .filter((v): v is string => typeof v === "string" && v !== "")
      .join(" ");
  });
}
