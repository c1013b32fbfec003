/** `GET /api/trending`: papers rising by readers' saves and likes (public; see docs/radar-digest.md). */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonResponse } from "../../../src/server/openapi.js";
import { pageSchema, paginationQuery } from "../../../src/server/pagination.js";
import { queryInt, queryList } from "../../../src/server/validation.js";
import { paperSchema } from "./schemas.js";
import type { RadarRouter } from "./radar-services.js";
import { DEFAULT_TRENDING_DAYS, MAX_TRENDING_DAYS, type Trending } from "../trending/trending.js";

export const trendingItemSchema = z
  .object({
    paper: paperSchema,
    score: z.number().openapi({ description: "Σ weight(kind)·2^(−age in days / half-life) over the window's saves (2), likes (1) and hides (−1)" }),
    saves: z.number().int().openapi({ description: "readers who saved the paper in the window" }),
    likes: z.number().int().openapi({ description: "readers who liked the paper in the window" }),
  })
  .openapi("TrendingItem");

export function registerTrendingRoutes(router: RadarRouter, trending: Trending): void {
  router.openapi(
    createRoute({
      method: "get",
      path: "/api/trending",
      tags: ["papers"],
      summary: "Trending papers: rising by readers' saves and likes",
      description:
        "Each save (weight 2) and like (1) of the last `days` days counts, a hide subtracts 1, and every signal halves in weight " +
        "every half-life (2 days by default). Only papers with a positive score are listed, best first.",
      request: {
        query: z.strictObject({
          days: queryInt({ min: 1, max: MAX_TRENDING_DAYS, fallback: DEFAULT_TRENDING_DAYS, description: `feedback of the last N days counts (1-${MAX_TRENDING_DAYS}, default ${DEFAULT_TRENDING_DAYS})` }),
          category: queryList(z.string().min(1).max(64), { max: 20, description: "only papers in any of these categories (repeat for several)" }),
          ...paginationQuery,
        }),
      },
      responses: { 200: jsonResponse("a page of trending papers", pageSchema(trendingItemSchema, "TrendingPage")), ...errorResponses(400) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      return c.json(await trending.list({ days: query.days, categories: query.category, limit: query.limit, offset: query.offset }), 200);
    },
  );
}
