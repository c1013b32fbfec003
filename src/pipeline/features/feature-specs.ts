/**
 * The features a learned ranker reads, as data: each names what Trove
 * computes for a (query, candidate) pair. A spec's `name` (default: derived
 * from its type and fields) is the column in the model and in exported
 * SVMlight files, and the key under which each hit shows the value.
 *
 *   bm25       BM25 of the query in `fields` (default: the index's text fields with their boosts)
 *   expansion  BM25 of the rewriters' expanded query (RM3, Rocchio; 0 without one)
 *   sdm        the sequential dependence model's score (proximity); weights as the sdm retriever
 *   vector     similarity of the candidate's vector in `field` to the query's (dense score)
 *   length     the candidate's length in text field `field`
 *   coverage   the share of the query's distinct terms found in text field `field` (e.g. title match)
 *   number     the candidate's value of number or date field `field`
 *   recency    2^(-age / halfLifeDays) of date field `field`, age from the request's `attributes.now` (else now)
 *   feature    a feature an earlier retriever or stage put on the candidate (e.g. "dense.rank")
 */
import { z } from "zod";
import { InvalidArgumentError } from "../../core/errors.js";
import { sdmSettings } from "../retrievers/sdm-query.js";

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:+-]{0,63}$/).optional();
const fields = z.union([z.array(z.string()).min(1), z.record(z.string(), z.number().min(0))]).optional();
const syntax = z.enum(["query", "plain"]).optional();
const bm25 = z.strictObject({ k1: z.number().min(0).max(10).optional(), b: z.number().min(0).max(1).optional() }).optional();
/** The value when the candidate has none (default 0). */
const missing = z.number().optional();

export const featureSpecSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("bm25"), name, fields, syntax, bm25 }),
  z.strictObject({ type: z.literal("expansion"), name, bm25 }),
  z.strictObject({ type: z.literal("sdm"), name, syntax, bm25, ...sdmSettings }),
  z.strictObject({ type: z.literal("vector"), name, field: z.string().min(1), encoder: z.looseObject({ type: z.string() }).optional(), expanded: z.boolean().optional(), missing }),
  z.strictObject({ type: z.literal("length"), name, field: z.string().min(1) }),
  z.strictObject({ type: z.literal("coverage"), name, field: z.string().min(1), syntax }),
  z.strictObject({ type: z.literal("number"), name, field: z.string().min(1), missing }),
  z.strictObject({ type: z.literal("recency"), name, field: z.string().min(1), halfLifeDays: z.number().positive().optional(), missing }),
  z.strictObject({ type: z.literal("feature"), name: z.string().min(1), missing }),
]);
export type FeatureSpec = z.infer<typeof featureSpecSchema>;

/** The feature's column name: its `name`, else its type with the field(s) it reads. */
export function featureName(spec: FeatureSpec): string {
  if (spec.name) return spec.name;
  if ("field" in spec && spec.field) return `${spec.type}:${spec.field}`;
  if ("fields" in spec && spec.fields) return `${spec.type}:${(Array.isArray(spec.fields) ? spec.fields : Object.keys(spec.fields)).join("+")}`;
  return spec.type;
}

/** Refuses two features with one name. */
export function checkFeatureNames(specs: readonly FeatureSpec[], where: string): string[] {
  const names = specs.map(featureName);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new InvalidArgumentError(`${where}: two features are named "${n}"; give them distinct "name" settings`);
    seen.add(n);
  }
  return names;
}
