/**
 * Engine pipelines over HTTP: which named pipelines the papers can be
 * searched with (and what each does), and search with one of them, each hit
 * with its features and, when asked, what every stage did to it. Readable
 * without signing in, like search.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonResponse } from "../../../src/server/openapi.js";
import { pageOf, pageSchema, paginationQuery } from "../../../src/server/pagination.js";
import { asPaper, paperFilterQuery, paperSchema } from "./schemas.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";

const TAG = ["papers"];

const pipelineHitSchema = z
  .object({
    paper: paperSchema,
    score: z.number().openapi({ description: "the pipeline's final score" }),
    features: z.record(z.string(), z.number()).openapi({ description: "every retriever's score and rank and every stage's feature" }),
    explanation: z
      .array(z.object({ stage: z.string(), detail: z.string(), score: z.number().optional() }))
      .optional()
      .openapi({ description: "with explain=true: what each retriever and stage did to the hit" }),
  })
  .openapi("PipelineHit");

export function registerPipelineRoutes(router: RadarRouter, services: RadarServices): void {
  const { pipelines, search } = services;

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/pipelines",
      tags: TAG,
      summary: "Named search pipelines",
      description: "The presets the papers' fields allow (bm25; dense, hybrid-rrf and hybrid-convex when papers have a vector field) and the operator's pipeline files (<data>/pipelines/<name>.json), each described as JSON.",
      responses: { 200: jsonResponse("the pipelines", z.object({ items: z.array(z.object({ name: z.string(), pipeline: z.record(z.string(), z.unknown()) })) })) },
    }),
    async (c) => c.json({ items: pipelines.describe() }, 200),
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/pipelines/{name}/search",
      tags: TAG,
      summary: "Search papers with a named pipeline",
      description: "The query is read as plain words. total is the number of candidates the pipeline ranked (at most its retrievers' depth).",
      request: {
        params: z.object({ name: z.string().min(1).max(100).openapi({ description: "a name from GET /api/pipelines", example: "bm25" }) }),
        query: z.strictObject({
          q: z.string().trim().min(1, { error: "must not be empty" }).max(1000, { error: "must be at most 1000 characters" }),
          explain: z.enum(["true", "false"]).default("false").openapi({ description: "attach each hit's trace through the stages" }),
          ...paperFilterQuery,
          ...paginationQuery,
        }),
      },
      responses: { 200: jsonResponse("a page of hits", pageSchema(pipelineHitSchema, "PipelineSearchPage")), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const filter = search.filterNode({ categories: query.category, authors: query.author, from: query.from, to: query.to });
      const { items, total } = await pipelines.search(c.req.valid("param").name, query.q, filter, query, query.explain === "true");
      return c.json(pageOf(items.map((hit) => ({ ...hit, paper: asPaper(hit.paper) })), total, query), 200);
    },
  );
}
