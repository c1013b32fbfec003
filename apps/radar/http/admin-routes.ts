/** Admin routes: pin papers into everyone's digest; invite readers on invite-only servers. 401 when not signed in, 403 for readers who are not admins. */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, signedIn } from "../../../src/server/openapi.js";
import { pageSchema, paginate, paginationQuery } from "../../../src/server/pagination.js";
import { HttpError, notFound } from "../../../src/server/problem.js";
import { TroveError } from "../../../src/core/errors.js";
import { clientOf } from "../../../src/server/client-info.js";
import { AccountInputError } from "../accounts/accounts.js";
import { currentReader, requireAdmin } from "./authorization.js";
import { createdInviteSchema, inviteBody, inviteIdParam, inviteSchema, pinBody, pinIdParam, pinSchema } from "./schemas.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";

const TAG = ["admin"];

export function registerAdminRoutes(router: RadarRouter, services: RadarServices): void {
  const { pins, search, accounts } = services;

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

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/admin/invites",
      tags: TAG,
      summary: "Create an invite (for servers where sign-up is invite-only)",
      description: "The code (and the sign-up link holding it) is in this response only. It admits one sign-up before it expires.",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { body: jsonBody(inviteBody) },
      responses: { 201: jsonResponse("the invite, with its code shown once", createdInviteSchema), ...errorResponses(400, 401, 403, 413, 415) },
    }),
    async (c) => {
      const admin = currentReader(c);
      try {
        const invite = await accounts.createInvite(admin.id, { email: c.req.valid("json").email });
        return c.json({ ...invite, link: `${clientOf(c).origin}/signup?invite=${encodeURIComponent(invite.code)}` }, 201);
      } catch (error) {
        if (error instanceof AccountInputError) throw new HttpError(400, "INVALID_ARGUMENT", `body.${error.message}`, `body.${error.field}`);
        throw error;
      }
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/admin/invites",
      tags: TAG,
      summary: "Invites not used yet, newest first (never their codes)",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { query: z.strictObject(paginationQuery) },
      responses: { 200: jsonResponse("a page of invites", pageSchema(inviteSchema, "InvitePage")), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(paginate(await accounts.invites.list(), c.req.valid("query")), 200),
  );

  router.openapi(
    createRoute({
      method: "delete",
      path: "/api/admin/invites/{id}",
      tags: TAG,
      summary: "Revoke an invite",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: inviteIdParam },
      responses: { 204: { description: "revoked" }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await accounts.invites.revoke(id))) throw notFound(`no invite "${id}"`, "path.id");
      return c.body(null, 204);
    },
  );
}
