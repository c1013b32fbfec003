/**
 * Papers over HTTP: the newest-first listing with filters, one paper, search
 * with highlighted matches, and related papers. Readable without signing in.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonResponse } from "../../../src/server/openapi.js";
import { pageOf, pageSchema, paginationQuery } from "../../../src/server/pagination.js";
import { asPaper, paperFilterQuery, paperIdParam, paperSchema, searchPageSchema, semanticStatusSchema } from "./schemas.js";
import type { PaperFilters } from "../search/paper-search.js";
import { relatedWithCoSaves } from "../feed/related.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";

const TAG = ["papers"];

function filtersOf(query: { category?: string[]; author?: string[]; from?: string; to?: string }): PaperFilters {
  return { categories: query.category, authors: query.author, from: query.from, to: query.to };
}

export function registerPaperRoutes(router: RadarRouter, services: RadarServices): void {
  const { search } = services;
  const paperPage = pageSchema(paperSchema, "PaperPage");

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/papers",
      tags: TAG,
      summary: "List papers, newest first",
      request: { query: z.strictObject({ ...paperFilterQuery, ...paginationQuery }) },
      responses: { 200: jsonResponse("a page of papers", paperPage), ...errorResponses(400) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { items, total } = await search.list(filtersOf(query), query);
      return c.json(pageOf(items.map(asPaper), total, query), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/papers/{id}",
      tags: TAG,
      summary: "One paper",
      request: { params: paperIdParam },
      responses: { 200: jsonResponse("the paper", paperSchema), ...errorResponses(404) },
    }),
    async (c) => c.json(asPaper(await search.get(c.req.valid("param").id)), 200),
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/papers/{id}/related",
      tags: TAG,
      summary: "Papers related to a paper by content and co-saves",
      description:
        "The related-papers pipeline: a BM25 query made of the paper's title words and its most frequent abstract terms, fused (RRF) with the paper's vector neighbours when papers have a vector field; the paper itself is left out and total is at most 200. Once readers have saved it together with other papers, up to 5 co-saved papers (marked relatedBy: co-saves) lead the first page.",
      request: { params: paperIdParam, query: z.strictObject(paginationQuery) },
      responses: { 200: jsonResponse("a page of related papers, most similar first", paperPage), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const id = c.req.valid("param").id;
      const { items, total } = await relatedWithCoSaves(services.feed, id, query, (page) => search.related(id, page));
      return c.json(pageOf(items.map(asPaper), total, query), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/search/semantic",
      tags: TAG,
      summary: "Where semantic search stands",
      description:
        "off (not configured), training (Trove's encoder is learning from the papers), embedding (papers are being embedded), ready (searches are hybrid) or failed; with a message for people (progress, or the error).",
      responses: { 200: jsonResponse("the state of the papers' vectors", semanticStatusSchema) },
    }),
    async (c) => c.json(search.semantic?.status() ?? { state: "off" as const, ready: false, embedded: 0, message: "semantic search is off: searches are ranked by words alone" }, 200),
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/search",
      tags: TAG,
      summary: "Search papers",
      description:
        "Full-text search with Trove's query language (words, \"phrases\", field:value, AND/OR/NOT, prefix*), " +
        "filters, and relevance (BM25) or date order. Each hit carries its title and an abstract passage as HTML " +
        "with the matched words in <mark> and everything else escaped. Forgiving: text that is not valid query syntax " +
        "is searched as its words and a name that is not a field is a word (readAs and notice say so); an arXiv id, " +
        "arXiv URL or DOI of a stored paper answers that paper (match). Relevance order is hybrid by default: BM25 fused " +
        "with the nearest papers of the query's vector (papers that share no word with the query can rank), once the " +
        "papers have their vectors; mode=lexical ranks by BM25 alone.",
      request: {
        query: z.strictObject({
          q: z
            .string()
            .trim()
            .min(1, { error: "must not be empty" })
            .max(1000, { error: "must be at most 1000 characters" })
            .openapi({ description: "the query, e.g. dense retrieval or \"query expansion\" -survey", example: "dense retrieval" }),
          ...paperFilterQuery,
          sort: z.enum(["relevance", "date"]).default("relevance").openapi({ description: "relevance (default) or date (newest first, by words alone)" }),
          mode: z
            .enum(["hybrid", "lexical"])
            .default("hybrid")
            .openapi({ description: "hybrid (default): BM25 fused with the papers' vectors once they exist; lexical: BM25 alone. The answer's mode says which ranked the page" }),
          ...paginationQuery,
        }),
      },
      responses: { 200: jsonResponse("a page of hits", searchPageSchema), ...errorResponses(400) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { items, total, ...reading } = await search.search(query.q, filtersOf(query), query.sort, query, query.mode);
      return c.json({ ...pageOf(items.map((hit) => ({ ...hit, paper: asPaper(hit.paper) })), total, query), ...reading }, 200);
    },
  );
}
