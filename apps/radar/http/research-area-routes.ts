/**
 * GET /api/papers/{id}/research-area: the paper's semantic ID and its trail
 * of research areas (papers sharing the first 1, 2, 3 codes). The areas are
 * learned from every stored paper on first use and relearned when the paper
 * count changes; readable without signing in, like the other paper routes.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonResponse } from "../../../src/server/openapi.js";
import { paperIdParam } from "./schemas.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";
import type { PaperSearch } from "../search/paper-search.js";
import { ResearchAreas, type AreaPaper } from "../semantic-ids/research-areas.js";

const PAGE = 500;

const researchAreaSchema = z
  .object({
    id: z.string(),
    semanticId: z.string().openapi({ description: "codes from broad to narrow, then a digit that tells apart papers with the same codes" }),
    trail: z.array(z.object({
      depth: z.number().int(),
      prefix: z.string(),
      size: z.number().int(),
      category: z.string().optional(),
      papers: z.array(z.object({ id: z.string(), title: z.string(), date: z.string() })),
    })),
  })
  .openapi("ResearchArea");

/** The areas of the stored papers, learned once per paper count (concurrent requests share one fit). */
function areasOf(search: PaperSearch): () => Promise<ResearchAreas> {
  let cached: { count: number; areas: Promise<ResearchAreas> } | undefined;
  return async () => {
    const { total } = await search.list({}, { offset: 0, limit: 1 });
    if (cached?.count !== total) {
      const fit = (async () => {
        const papers: AreaPaper[] = [];
        for (let offset = 0; offset < total; offset += PAGE) {
          const { items } = await search.list({}, { offset, limit: PAGE });
          for (const r of items) {
            const p = r as unknown as AreaPaper;
            papers.push({ id: p.id, title: p.title ?? "", abstract: p.abstract ?? "", categories: p.categories ?? [], date: p.date ?? "" });
          }
        }
        return ResearchAreas.fit(papers);
      })();
      cached = { count: total, areas: fit };
      fit.catch(() => {
        if (cached?.areas === fit) cached = undefined;
      });
    }
    return cached.areas;
  };
}

export function registerResearchAreaRoutes(router: RadarRouter, services: Pick<RadarServices, "search">): void {
  const areas = areasOf(services.search);
  router.openapi(
    createRoute({
      method: "get",
      path: "/api/papers/{id}/research-area",
      tags: ["papers"],
      summary: "A paper's research areas from its semantic ID",
      description: "Papers get semantic IDs learned from their text (tf-idf + SVD of title, abstract and categories, residual k-means). Papers sharing the first k codes form the area at depth k; the trail lists each depth with its size, most common category and up to 5 of its newest papers.",
      request: { params: paperIdParam },
      responses: { 200: jsonResponse("the paper's semantic ID and areas", researchAreaSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await services.search.get(id); // 404 for an unknown paper
      const a = await areas();
      return c.json({ id, semanticId: a.idOf(id), trail: a.trail(id) }, 200);
    },
  );
}
