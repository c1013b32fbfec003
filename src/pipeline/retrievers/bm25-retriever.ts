/**
 * BM25 over the index's text fields: the request's query (in the query
 * language, or as plain words), or, for an item request ("more like this"),
 * the item's own text from the fields `itemFields` names as a bag of words.
 * When a rewriter expanded the query (RM3, Rocchio), the expanded weighted
 * terms are searched instead, unless the retriever says `"expanded": false`.
 */
import { z } from "zod";
import type { Candidate } from "../candidate.js";
import { retrieverBase } from "../pipeline-config.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { FieldNeeds, Retriever } from "../pipeline-registry.js";
import type { SearchResult } from "../../engine/search-index.js";
import { namedFields } from "../text-fields.js";
import type { PipelineRequest } from "../pipeline-request.js";

export const bm25RetrieverSchema = z.strictObject({
  type: z.literal("bm25"),
  ...retrieverBase,
  /** Text fields searched by unfielded words, with boosts (default: all, with their schema boosts). */
  fields: z.union([z.array(z.string()).min(1), z.record(z.string(), z.number().min(0))]).optional(),
  /** "query" (default): the query language; "plain": the words only, operators ignored (as BEIR runs). */
  syntax: z.enum(["query", "plain"]).optional(),
  bm25: z.strictObject({ k1: z.number().min(0).max(10).optional(), b: z.number().min(0).max(1).optional() }).optional(),
  /** For item requests: the fields whose text becomes the query (default: none, so item requests retrieve nothing here). */
  itemFields: z.array(z.string()).min(1).optional(),
  /** Item text is cut to this many characters before analysis (default 2000). */
  itemTextLimit: z.number().int().min(1).max(100_000).optional(),
  /** Search the rewriters' expanded query when there is one (default true); false keeps the original query. */
  expanded: z.boolean().optional(),
});
export type Bm25RetrieverConfig = z.infer<typeof bm25RetrieverSchema>;

export class Bm25Retriever implements Retriever {
  readonly name: string;
  readonly depth: number;

  constructor(private readonly config: Bm25RetrieverConfig) {
    this.name = config.name ?? "bm25";
    this.depth = config.depth ?? 100;
  }

  describe(): Record<string, unknown> {
    return { ...this.config, name: this.name, depth: this.depth };
  }

  needs(): FieldNeeds {
    return { text: [...namedFields(this.config.fields), ...(this.config.itemFields ?? [])] };
  }

  async retrieve(request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]> {
    const expanded = this.config.expanded !== false ? request.expansion?.terms : undefined;
    if (expanded) return this.collect(await ctx.target.search(expanded.query, { k: this.depth, filter: request.filter, bm25: this.config.bm25 }), request);
    let query = request.query;
    let syntax = this.config.syntax ?? "query";
    if ((query === undefined || query.trim() === "") && request.item !== undefined && this.config.itemFields) {
      const [record] = await ctx.target.records([request.item]);
      if (!record) return [];
      query = this.config.itemFields
        .map((f) => record[f])
        .filter((v): v is string => typeof v === "string")
        .join(" ")
        .slice(0, this.config.itemTextLimit ?? 2000);
      syntax = "plain";
    }
    if (query === undefined || query.trim() === "") return [];
    const skip = request.item !== undefined ? 1 : 0;
    return this.collect(await ctx.target.search(query, { k: this.depth + skip, syntax, fields: this.config.fields, filter: request.filter, bm25: this.config.bm25 }), request);
  }

  private collect(result: SearchResult, request: PipelineRequest): Candidate[] {
    const out: Candidate[] = [];
    for (const hit of result.hits) {
      if (hit.id === request.item) continue;
      if (out.length === this.depth) break;
      out.push({ id: hit.id, score: hit.score, features: { [this.name]: hit.score, [`${this.name}.rank`]: out.length + 1 } });
    }
    return out;
  }
}
