/**
 * A pipeline is data: a JSON object naming its rewriters (query expansion),
 * its retrievers, how their lists are fused, and the stages that follow
 * (filters, scorers, rerankers, diversifiers), each with its settings. This
 * file holds the shape of that object and its validation; every error names
 * the path of the bad value ("pipeline.json: retrievers[1].depth: ...").
 * Rewriter, retriever and stage types are open: applications register their
 * own (see pipeline-registry.ts).
 */
import { z } from "zod";

/** Settings common to every retriever. */
export const retrieverBase = {
  /** Name of the retriever's score in features and fusion weights (default: its type). */
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/).optional(),
  /** Candidates to fetch (default 100). */
  depth: z.number().int().min(1).max(10_000).optional(),
};

export const fusionSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("rrf"),
    /** Reciprocal rank fusion's constant: score = sum of 1 / (k + rank) (default 60). */
    k: z.number().min(0).max(10_000).optional(),
    /** Per-retriever weights (default 1 each). */
    weights: z.record(z.string(), z.number().min(0)).optional(),
  }),
  z.strictObject({
    type: z.literal("convex"),
    /** How each list's scores are made comparable before the weighted sum (default "min-max"). */
    normalization: z.enum(["none", "min-max", "z-score"]).optional(),
    /** Per-retriever weights (default: equal, summing to 1). */
    weights: z.record(z.string(), z.number().min(0)).optional(),
  }),
]);
export type FusionConfig = z.infer<typeof fusionSchema>;

/** A stage or retriever entry before its type's own schema checks it. */
export const typedEntry = z.looseObject({ type: z.string().min(1) });
export type TypedConfig = z.infer<typeof typedEntry> & Record<string, unknown>;

export const pipelineSchema = z.strictObject({
  /** A label for listings and explanations. */
  name: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  /** Run in order before the retrievers; each may rewrite the request (query expansion). */
  rewriters: z.array(typedEntry).max(8).optional(),
  retrievers: z.array(typedEntry).min(1).max(16),
  fusion: fusionSchema.optional(),
  stages: z.array(typedEntry).max(64).optional(),
  /** Hits a request gets unless it asks for another number (default 10). */
  k: z.number().int().min(1).max(10_000).optional(),
});
export type PipelineConfig = z.infer<typeof pipelineSchema>;

export { parseWith } from "../core/parse-with.js";
