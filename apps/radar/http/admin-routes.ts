/** Admin routes: pin papers into everyone's digest. 401 when not signed in, 403 for readers who are not admins. */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, signedIn } from "../../../src/server/openapi.js";
import { pageSchema, paginate, paginationQuery } from "../../../src/server/pagination.js";
import { HttpError, notFound } from "../../../src/server/problem.js";
import { TroveError } from "../../../src/core/errors.js";
import { currentReader, requireAdmin } from "./authorization.js";
import { pinBody, pinIdParam, pinSchema } from "./schemas.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";

const TAG = ["admin"];

export function registerAdminRoutes(router: RadarRouter, services: RadarServices): void {
  const { pins, search } = services;

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/admin/pins",
      tags: TAG,
      summary: "Pin a paper into everyone's digest",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { body: jsonBody(pinBody) },
      responses: { 201: jsonResponse("the pin", pinSchema), ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
    }),
    async (c) => {
      const admin = currentReader(c);
      const body = c.req.valid("json");
      const paper = await search.papers.store.getRecord(search.papers.name, body.paperId);
      if (!paper) throw notFound(`body.paperId: no paper with id "${body.paperId}"`, "body.paperId");
      try {
        return c.json(await pins.pin(body.paperId, admin.id, { note: body.note, until: body.until }), 201);
      } catch (error) {
        if (error instanceof TroveError && error.code === "CONFLICT") throw new HttpError(409, "CONFLICT", `body.paperId: ${error.message}`, "body.paperId");
        throw error;
      }
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/admin/pins",
      tags: TAG,
      summary: "List pins, newest first",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { query: z.strictObject(paginationQuery) },
      responses: { 200: jsonResponse("a page of pins", pageSchema(pinSchema, "PinPage")), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(paginate(await pins.list(), c.req.valid("query")), 200),
  );

  router.openapi(
    createRoute({
      method: "delete",
      path: "/api/admin/pins/{paperId}",
      tags: TAG,
      summary: "Unpin a paper",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: pinIdParam },
      responses: { 204: { description: "unpinned" }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const { paperId } = c.req.valid("param");
      if (!(await pins.unpin(paperId))) throw notFound(`paper "${paperId}" is not pinned`, "path.paperId");
      return c.body(null, 204);
    },
  );
}
