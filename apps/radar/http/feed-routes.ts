/**
 * The feed over HTTP: `GET /api/feed` (signed-in reader; `since`, `until`,
 * `limit`, `offset`) answers the FeedService's FeedResult, with paper objects
 * as the paper routes return them and `next` as on every other page.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { StoredRecord } from "../../../src/core/schema.js";
import { errorResponses, jsonResponse, signedIn } from "../../../src/server/openapi.js";
import { pageOf, pageSchema, paginationQuery } from "../../../src/server/pagination.js";
import { badRequest } from "../../../src/server/problem.js";
import { isoDay } from "../../../src/server/validation.js";
import { currentReader, requireReader } from "./authorization.js";
import { asPaper, paperSchema } from "./schemas.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";

export const feedReasonSchema = z
  .object({
    kind: z.enum(["similar-to-saved", "topic", "co-saved", "recent", "pinned", "svm"]),
    text: z.string().openapi({ description: "why the paper is in the feed, for people" }),
    paperId: z.string().optional().openapi({ description: "the saved paper the reason names" }),
    topic: z.string().optional().openapi({ description: "the topic the reason names" }),
  })
  .openapi("FeedReason");

export const feedItemSchema = z
  .object({
    paper: paperSchema,
    score: z.number().openapi({ description: "combined score (standardized scorer sums; higher is better)" }),
    reasons: z.array(feedReasonSchema),
  })
  .openapi("FeedItem");

export const feedSchema = pageSchema(feedItemSchema, "FeedItemPage")
  .extend({
    total: z.number().int().min(0).openapi({ description: "papers in the window after leaving out saved, liked, hidden and viewed ones" }),
    window: z.object({
      since: z.string().openapi({ format: "date" }),
      until: z.string().openapi({ format: "date" }),
      anchoredTo: z.string().optional().openapi({ format: "date", description: "present when no paper fell in the default window and it was moved to end at the newest paper's day" }),
    }),
    lastVisit: z.string().optional().openapi({ format: "date-time", description: "your previous visit (feed request), which the default window starts from when it was more than a week ago" }),
  })
  .openapi("Feed");

export function registerFeedRoutes(router: RadarRouter, services: RadarServices): void {
  router.openapi(
    createRoute({
      method: "get",
      path: "/api/feed",
      tags: ["feed"],
      summary: "Your personalized feed of new papers",
      description:
        "Papers of the window (default: the last 7 days, or since your previous visit when that was earlier; moved to the newest " +
        "papers when the default window is empty), ranked by similarity to your saved and liked papers, a per-reader linear SVM, " +
        "other readers' co-saves, your topics and recency, diversified with MMR; saved, liked, hidden and viewed papers are left out. " +
        "Each item says why it is there.",
      security: signedIn,
      middleware: [requireReader] as const,
      request: {
        query: z.strictObject({
          since: isoDay("first day of the window, YYYY-MM-DD (inclusive)").optional(),
          until: isoDay("last day of the window, YYYY-MM-DD (inclusive; default today)").optional(),
          ...paginationQuery,
        }),
      },
      responses: { 200: jsonResponse("the feed page", feedSchema), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const reader = currentReader(c);
      const query = c.req.valid("query");
      if (query.since !== undefined && query.until !== undefined && query.since > query.until) throw badRequest("query.since", "must not be after query.until");
      const result = await services.feed.feed(reader.id, query);
      const { next } = pageOf(result.items, result.total, query);
      return c.json({ ...result, next, items: result.items.map((item) => ({ ...item, paper: asPaper(item.paper as unknown as StoredRecord) })) }, 200);
    },
  );
}
