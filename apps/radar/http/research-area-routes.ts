/**
 * GET /api/papers/{id}/research-area: the paper's semantic ID and its trail
 * of research areas (papers sharing the first 1, 2, 3 codes), from the
 * stored papers' areas (apps/radar/semantic-ids/paper-areas.ts: fitted on
 * first use, later papers placed by the fitted code books); readable without
 * signing in, like the other paper routes.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonResponse } from "../../../src/server/openapi.js";
import { paperIdParam } from "./schemas.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";

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

export function registerResearchAreaRoutes(router: RadarRouter, services: Pick<RadarServices, "search" | "areas">): void {
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
      await services.areas.ready();
      await services.areas.place([id]); // a paper that arrived after the fit: its codes from the fitted code books
      const a = await services.areas.ready(); // (a refit may have been swapped in meanwhile)
      return c.json({ id, semanticId: a.idOf(id), trail: a.trail(id) }, 200);
    },
  );
}
