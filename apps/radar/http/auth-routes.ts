/**
 * Accounts over HTTP: sign-up, sign-in, sign-out, the current reader, and API
 * keys. Sign-up and sign-in set the session cookie (HttpOnly, SameSite=Lax);
 * API keys are shown once, at creation.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { TroveError } from "../../../src/core/errors.js";
import { errorResponses, jsonBody, jsonResponse, signedIn } from "../../../src/server/openapi.js";
import { paginate, paginationQuery, pageSchema } from "../../../src/server/pagination.js";
import { clientOf } from "../../../src/server/client-info.js";
import { HttpError, badRequest, forbidden, notFound, tooManyRequests, unauthenticated } from "../../../src/server/problem.js";
import { AccountInputError, SignUpClosedError } from "../accounts/accounts.js";
import { clearSessionCookie, currentReader, requireReader, requireSession, setSessionCookie } from "./authorization.js";
import {
  apiKeySchema,
  createKeyBody,
  createdApiKeySchema,
  keyIdParam,
  meSchema,
  sessionSchema,
  signInBody,
  signUpBody,
} from "./schemas.js";
import type { RadarRouter, RadarServices } from "./radar-services.js";

const TAG = ["accounts"];

/** Account errors as 400 naming `body.<field>`. */
function bodyError(error: unknown): unknown {
  if (error instanceof AccountInputError) return badRequest(`body.${error.field}`, error.message.slice(error.field.length + 2));
  if (error instanceof SignUpClosedError) return forbidden(error.message);
  if (error instanceof TroveError && error.code === "CONFLICT") return new HttpError(409, "CONFLICT", `body.email: ${error.message}`, "body.email");
  return error;
}

export function registerAuthRoutes(router: RadarRouter, services: RadarServices): void {
  const { accounts, limits } = services;

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/auth/signup",
      tags: TAG,
      summary: "Create an account and sign in",
      description:
        "The first account becomes the admin. Sets the session cookie. On an invite-only server, `invite` must hold a valid invite code (403 when sign-up is closed). Sign-ups per client address are limited (429 with Retry-After).",
      request: { body: jsonBody(signUpBody) },
      responses: { 201: jsonResponse("the new reader and session", sessionSchema), ...errorResponses(400, 403, 409, 413, 415, 429) },
    }),
    async (c) => {
      const { email, password, invite } = c.req.valid("json");
      const byAddress = limits.signUpByAddress.hit(clientOf(c).address);
      if (!byAddress.allowed) throw tooManyRequests("too many sign-ups from your address", byAddress.retryAfterSeconds);
      let reader;
      try {
        reader = await accounts.signUp(email, password, { invite });
      } catch (error) {
        throw bodyError(error);
      }
      const session = await accounts.createSession(reader.id);
      setSessionCookie(c, session.token, accounts.sessionTtl, services.cookie);
      return c.json({ reader, expiresAt: session.expiresAt }, 201);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/auth/signin",
      tags: TAG,
      summary: "Sign in with email and password",
      description:
        "Sets the session cookie. Attempts per client address, and failed attempts per account (across every node), are limited: beyond them the answer is 429 with Retry-After, even for the right password.",
      request: { body: jsonBody(signInBody) },
      responses: { 200: jsonResponse("the reader and session", sessionSchema), ...errorResponses(400, 401, 413, 415, 429) },
    }),
    async (c) => {
      const { email, password } = c.req.valid("json");
      const byAddress = limits.signInByAddress.hit(clientOf(c).address);
      if (!byAddress.allowed) throw tooManyRequests("too many sign-in attempts from your address", byAddress.retryAfterSeconds);
      const byAccount = await limits.failuresByAccount.check(email);
      if (!byAccount.allowed) throw tooManyRequests("too many failed sign-ins for this account", byAccount.retryAfterSeconds);
      const reader = await accounts.signIn(email, password);
      if (!reader) {
        await limits.failuresByAccount.recordFailure(email);
        throw unauthenticated("email or password is wrong");
      }
      await limits.failuresByAccount.clear(email);
      const session = await accounts.createSession(reader.id);
      setSessionCookie(c, session.token, accounts.sessionTtl, services.cookie);
      return c.json({ reader, expiresAt: session.expiresAt }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/auth/signout",
      tags: TAG,
      summary: "Sign out (end this session)",
      description: "Ends the session of the cookie and clears the cookie. Always succeeds.",
      responses: { 204: { description: "signed out" } },
    }),
    async (c) => {
      const token = c.get("sessionToken");
      if (token) await accounts.endSession(token);
      clearSessionCookie(c, services.cookie);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/me",
      tags: TAG,
      summary: "The signed-in reader",
      security: signedIn,
      middleware: [requireReader] as const,
      responses: { 200: jsonResponse("the reader", meSchema), ...errorResponses(401) },
    }),
    (c) => c.json({ ...currentReader(c), authMethod: c.get("authMethod") ?? "session" }, 200),
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api/keys",
      tags: TAG,
      summary: "Create an API key",
      description: "Needs a signed-in session (an API key cannot create keys). The key is in this response only.",
      security: signedIn,
      middleware: [requireSession] as const,
      request: { body: jsonBody(createKeyBody) },
      responses: { 201: jsonResponse("the new key, shown once", createdApiKeySchema), ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const reader = currentReader(c);
      try {
        return c.json(await accounts.createApiKey(reader.id, c.req.valid("json").name), 201);
      } catch (error) {
        if (error instanceof TroveError && error.code === "CONFLICT") throw new HttpError(409, "CONFLICT", error.message);
        throw bodyError(error);
      }
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api/keys",
      tags: TAG,
      summary: "List your API keys (never the keys themselves)",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { query: z.strictObject(paginationQuery) },
      responses: { 200: jsonResponse("a page of keys, oldest first", pageSchema(apiKeySchema, "ApiKeyPage")), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const reader = currentReader(c);
      return c.json(paginate(await accounts.listApiKeys(reader.id), c.req.valid("query")), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "delete",
      path: "/api/keys/{id}",
      tags: TAG,
      summary: "Revoke one of your API keys",
      security: signedIn,
      middleware: [requireReader] as const,
      request: { params: keyIdParam },
      responses: { 204: { description: "revoked" }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      const reader = currentReader(c);
      const { id } = c.req.valid("param");
      if (!(await accounts.revokeApiKey(reader.id, id))) throw notFound(`no API key "${id}" of yours`, "path.id");
      return c.body(null, 204);
    },
  );
}
