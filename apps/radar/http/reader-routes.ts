/**
 * A reader's own data over HTTP: feedback on papers (save, like, hide, less
 * like this, view), the state of a page of papers, the reading history and
 * topics. Every route needs a signed-in reader and touches only that
 * reader's records: another reader's feedback answers 404, as a missing one.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, signedIn } from "../../../src/server/openapi.js";
import { pageOf, pageSchema, paginationQuery } from "../../../src/server/pagination.js";
import { notFound } from "../../../src/server/problem.js";
import { assertOwner, currentReader, requireReader } from "./authorization.js";
import { asPaper, feedbackBody, feedbackIdParam, feedbackKind, feedbackSchema, historyEntrySchema, paperStateSchema, topicsBody, topicsSchema } from "./schemas.js";
import { queryList } from "../../../src/server/validation.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";

export function registerReaderRoutes(router: RadarRouter, services: RadarServices): void {
  const { feedback, topics, search } = services;

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/feedback",
      tags: ["feedback"],
      summary: "Save, like, hide or record a view of a paper",
      description: "save, like and hide are states: posting the same one again returns it with 200. Each view is a new event (201).",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { body: jsonBody(feedbackBody) },
      responses: {
        201: jsonResponse("recorded", feedbackSchema),
        200: jsonResponse("already recorded (save, like, hide)", feedbackSchema),
        ...errorResponses(400, 401, 404, 413, 415),
      },
    }),
    async (c) => {
      const reader = currentReader(c);
      const body = c.req.valid("json");
      const paper = await search.papers.store.getRecord(search.papers.name, body.paperId);
      if (!paper) throw notFound(`body.paperId: no paper with id "${body.paperId}"`, "body.paperId");
      const { feedback: record, created } = await feedback.add(reader.id, body.paperId, body.kind, body.note);
      return created ? c.json(record, 201) : c.json(record, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/feedback",
      tags: ["feedback"],
      summary: "Your feedback, newest first",
      security: signedIn,
      middleware: [requireReader] as const,
      request: {
        query: z.strictObject({
          kind: feedbackKind.optional().openapi({ description: "only this kind" }),
          paperId: z.string().min(1).max(512).optional().openapi({ description: "only feedback on this paper" }),
          ...paginationQuery,
        }),
      },
      responses: { 200: jsonResponse("a page of your feedback", pageSchema(feedbackSchema, "FeedbackPage")), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const reader = currentReader(c);
      const query = c.req.valid("query");
      const { items, total } = await feedback.list(reader.id, { kind: query.kind, paperId: query.paperId }, query);
      return c.json(pageOf(items, total, query), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/feedback/{id}",
      tags: ["feedback"],
      summary: "One of your feedback records",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { params: feedbackIdParam },
      responses: { 200: jsonResponse("the record", feedbackSchema), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const reader = currentReader(c);
      const { id } = c.req.valid("param");
      const record = await feedback.get(id);
      assertOwner(reader, record?.user, `feedback "${id}" of yours`);
      return c.json(record!, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "delete",
      path: "/api/feedback/{id}",
      tags: ["feedback"],
      summary: "Delete one of your feedback records (unsave, unlike, unhide)",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { params: feedbackIdParam },
      responses: { 204: { description: "deleted" }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      const reader = currentReader(c);
      const { id } = c.req.valid("param");
      const record = await feedback.get(id);
      assertOwner(reader, record?.user, `feedback "${id}" of yours`);
      await feedback.remove(id);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/feedback-states",
      tags: ["feedback"],
      summary: "Your state on some papers: saved, liked, hidden, less like this, last opened",
      description: "For a page of papers (search results, a listing): each paper's save/like/hide/less record ids and when you last opened it. Papers you never touched are absent.",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { query: z.strictObject({ paperId: queryList(z.string().min(1).max(512), { max: 200, description: "the papers (repeat the parameter)" }) }) },
      responses: { 200: jsonResponse("your state per paper id", z.object({ states: z.record(z.string(), paperStateSchema) })), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const reader = currentReader(c);
      const states = await feedback.states(reader.id, c.req.valid("query").paperId ?? []);
      return c.json({ states: Object.fromEntries(states) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/history",
      tags: ["feedback"],
      summary: "Your reading history: the papers you opened, the most recent first",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { query: z.strictObject(paginationQuery) },
      responses: { 200: jsonResponse("a page of your reading history", pageSchema(historyEntrySchema, "HistoryPage")), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const reader = currentReader(c);
      const query = c.req.valid("query");
      const { items, total } = await feedback.history(reader.id, query);
      const papers = await search.papers.store.getRecords(
        search.papers.name,
        items.map((e) => e.item),
      );
      const entries = items.flatMap((entry, i) => (papers[i] ? [{ paper: asPaper(papers[i]!), lastSeen: entry.lastSeen, views: entry.views }] : []));
      return c.json(pageOf(entries, total, query), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/topics",
      tags: ["topics"],
      summary: "Your topics",
      security: signedIn,
      middleware: [requireReader] as const,
      responses: { 200: jsonResponse("your topics", topicsSchema), ...errorResponses(401) },
    }),
    async (c) => c.json(await topics.get(currentReader(c).id), 200),
  );

  router.openapi(
    createRoute({
      method: "put",
      path: "/api/topics",
      tags: ["topics"],
      summary: "Replace your topics",
      description: "arXiv categories (kind category, e.g. cs.IR) and free keywords (kind keyword), each liked, neutral or disliked.",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { body: jsonBody(topicsBody) },
      responses: { 200: jsonResponse("your topics as saved", topicsSchema), ...errorResponses(400, 401, 413, 415) },
    }),
    async (c) => c.json(await topics.put(currentReader(c).id, c.req.valid("json").topics), 200),
  );
}
