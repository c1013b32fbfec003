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
    text: z.string().openapi({ description: "why the paper is in the feed, for people: names the saved paper(s) and the words or topic that matched" }),
    paperId: z.string().optional().openapi({ description: "the saved paper the reason names (the first, when it names several)" }),
    paperIds: z.array(z.string()).optional().openapi({ description: "every saved paper the reason names" }),
    topic: z.string().optional().openapi({ description: "the topic the reason names" }),
    words: z.array(z.string()).optional().openapi({ description: "the words that matched, as the paper writes them" }),
  })
  .openapi("FeedReason");

export const feedItemSchema = z
  .object({
    paper: paperSchema,
    score: z.number().openapi({ description: "combined score (standardized scorer sums; higher is better)" }),
    reasons: z.array(feedReasonSchema),
    seen: z.string().optional().openapi({ format: "date-time", description: "when you last opened the paper; opened papers stay in the feed, marked" }),
  })
  .openapi("FeedItem");

export const feedSchema = pageSchema(feedItemSchema, "FeedItemPage")
  .extend({
    total: z.number().int().min(0).openapi({ description: "papers in the window after leaving out saved, liked, hidden and less-like-this ones" }),
    window: z.object({
      since: z.string().openapi({ format: "date" }),
      until: z.string().openapi({ format: "date" }),
      anchoredTo: z.string().optional().openapi({ format: "date", description: "present when no paper fell in the default window and it was moved to end at the newest paper's day" }),
    }),
    lastVisit: z.string().optional().openapi({ format: "date-time", description: "your previous visit (a visit ends after 30 minutes without a feed request): the default window and new=true start from it" }),
    arrivedAfter: z.string().optional().openapi({ format: "date-time", description: "with new=true: the papers arrived after this time" }),
    inferredTopics: z.array(z.string()).optional().openapi({ description: "categories taken from your saves because you follow none (6 of 8 saved papers in cs.IR)" }),
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
        "other readers' co-saves, your topics (or, when you follow no category, the categories of most of your saves) and recency, " +
        "diversified with MMR; saved, liked, hidden and less-like-this papers are left out, and papers close to the less-like-this ones lose points. " +
        "Papers you opened stay, marked seen. Each item says why it is there, naming the saved papers and words that matched.",
      security: signedIn,
      middleware: [requireReader] as const,
      request: {
        query: z.strictObject({
          since: isoDay("first day of the window, YYYY-MM-DD (inclusive)").optional(),
          until: isoDay("last day of the window, YYYY-MM-DD (inclusive; default today)").optional(),
          new: z.enum(["true", "false"]).optional().openapi({ description: "true: only papers that arrived (were fetched or imported) since your previous visit, instead of a window of days" }),
          unseen: z.enum(["true", "false"]).optional().openapi({ description: "true: leave out papers you have opened (by default they stay, marked seen)" }),
          ...paginationQuery,
        }),
      },
      responses: { 200: jsonResponse("the feed page", feedSchema), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const reader = currentReader(c);
      const query = c.req.valid("query");
      if (query.since !== undefined && query.until !== undefined && query.since > query.until) throw badRequest("query.since", "must not be after query.until");
      const { new: onlyNew, unseen, ...rest } = query;
      const result = await services.feed.feed(reader.id, { ...rest, newSinceLastVisit: onlyNew === "true", unseen: unseen === "true" });
      const { next } = pageOf(result.items, result.total, query);
      return c.json({ ...result, next, items: result.items.map((item) => ({ ...item, paper: asPaper(item.paper as unknown as StoredRecord) })) }, 200);
    },
  );
}
