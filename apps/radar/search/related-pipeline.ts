/**
 * Related papers as an engine pipeline (src/pipeline): "more like this" for
 * an item request.
 *
 *   retriever  radar-related-terms   BM25 over the paper's own title words (boost 2) and its most
 *                                    frequent abstract terms (PaperSearch.relatedQuery)
 *   retriever  vector (item)         when the papers schema has a vector field: its nearest neighbours
 *   fusion     rrf                   when both run
 *
 * The paper itself is never returned. Co-saved papers are put in front by the
 * HTTP layer (feed/related.ts), from the readers' saves.
 */
import { z } from "zod";
import type { QueryNode } from "../../../src/lexical/query-ast.js";
import type { Candidate } from "../../../src/pipeline/candidate.js";
import { defaultRegistry } from "../../../src/pipeline/default-registry.js";
import type { PipelineConfig } from "../../../src/pipeline/pipeline-config.js";
import type { PipelineContext } from "../../../src/pipeline/pipeline-context.js";
import type { PipelineRegistry, Retriever } from "../../../src/pipeline/pipeline-registry.js";
import type { PipelineRequest } from "../../../src/pipeline/pipeline-request.js";
import type { StoredRecord } from "../../../src/core/schema.js";

/** Related papers a paper can have (the pipeline's retriever depth). */
export const RELATED_DEPTH = 200;

/** Builds the related-papers query of a paper (null: the paper has no usable words). */
export type RelatedQueryBuilder = (paper: StoredRecord) => QueryNode | null;

/** The related-papers pipeline: the paper's own words, plus its vector's neighbours when there is a vector field. */
export function relatedPipelineConfig(vectorField: string | undefined, depth = RELATED_DEPTH): PipelineConfig {
  const terms = { type: "radar-related-terms", name: "terms", depth };
  if (!vectorField) return { name: "radar-related", retrievers: [terms] };
  return {
    name: "radar-related",
    description: "the paper's own words (BM25) and its nearest neighbours, reciprocal rank fusion",
    retrievers: [terms, { type: "vector", name: "neighbours", field: vectorField, depth }],
    fusion: { type: "rrf", k: 60 },
  };
}

class RelatedTermsRetriever implements Retriever {
  constructor(
    readonly name: string,
    readonly depth: number,
    private readonly buildQuery: RelatedQueryBuilder,
  ) {}

  describe(): Record<string, unknown> {
    return { type: "radar-related-terms", name: this.name, depth: this.depth };
  }

  async retrieve(request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]> {
    if (request.item === undefined) return [];
    const [paper] = await ctx.target.records([request.item]);
    const query = paper ? this.buildQuery(paper) : null;
    if (!query) return [];
    // the query is made of the paper's own words, so it finds the paper itself: ask for one more
    const result = await ctx.target.search(query, { k: this.depth + 1, filter: request.filter });
    const out: Candidate[] = [];
    for (const hit of result.hits) {
      if (hit.id === request.item || out.length === this.depth) continue;
      out.push({ id: hit.id, score: hit.score, features: { [this.name]: hit.score, [`${this.name}.rank`]: out.length + 1 } });
    }
    return out;
  }
}

/** The engine's kinds plus the paper's-own-words retriever. */
export function relatedRegistry(buildQuery: RelatedQueryBuilder): PipelineRegistry {
  return defaultRegistry.withRetriever("radar-related-terms", {
    summary: "Paper Radar: BM25 over an item's title words (boost 2) and most frequent abstract terms",
    schema: z.strictObject({ type: z.literal("radar-related-terms"), name: z.string().optional(), depth: z.number().int().min(1).max(10_000).optional() }),
    create: (c) => new RelatedTermsRetriever(c.name ?? "terms", c.depth ?? 100, buildQuery),
  });
}
