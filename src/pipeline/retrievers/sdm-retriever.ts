/**
 * Term proximity as a retriever: the sequential dependence model over BM25
 * (sdm-query.ts) searched over the whole index, so documents where the
 * query's words stand close together rank higher.
 */
import { z } from "zod";
import type { Candidate } from "../candidate.js";
import { retrieverBase } from "../pipeline-config.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { FieldNeeds, Retriever } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import { queryWords } from "./query-words.js";
import { sdmQuery, sdmSettings } from "./sdm-query.js";
import { namedFields } from "../text-fields.js";

export const sdmRetrieverSchema = z.strictObject({
  type: z.literal("sdm"),
  ...retrieverBase,
  ...sdmSettings,
  /** "query" (default): the words of the query language's positive clauses; "plain": the text as words. */
  syntax: z.enum(["query", "plain"]).optional(),
  bm25: z.strictObject({ k1: z.number().min(0).max(10).optional(), b: z.number().min(0).max(1).optional() }).optional(),
});
export type SdmRetrieverConfig = z.infer<typeof sdmRetrieverSchema>;

export class SdmRetriever implements Retriever {
  readonly name: string;
  readonly depth: number;

  constructor(
    private readonly config: SdmRetrieverConfig,
    private readonly where: string,
  ) {
    this.name = config.name ?? "sdm";
    this.depth = config.depth ?? 100;
  }

  describe(): Record<string, unknown> {
    return { ...this.config, name: this.name, depth: this.depth };
  }

  needs(): FieldNeeds {
    return { text: namedFields(this.config.fields) };
  }

  async retrieve(request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]> {
    const words = queryWords(request.query, this.config.syntax ?? "query");
    if (words === "") return [];
    const query = await sdmQuery(words, this.config, ctx, this.where);
    const result = await ctx.target.search(query, { k: this.depth, filter: request.filter, bm25: this.config.bm25 });
    return result.hits.map((hit, i) => ({ id: hit.id, score: hit.score, features: { [this.name]: hit.score, [`${this.name}.rank`]: i + 1 } }));
  }
}
