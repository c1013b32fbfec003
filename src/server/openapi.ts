/**
 * The OpenAPI 3.1 document. Routes are declared with `createRoute` and zod
 * schemas (@hono/zod-openapi); the schemas that validate requests are the ones
 * the document describes, so the two cannot drift. This file holds the shared
 * pieces: the error (problem) schema, the error responses a route lists, the
 * security schemes, and the document's installation at `/openapi.json`.
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";

export const problemSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: "stable error code", example: "INVALID_ARGUMENT" }),
      message: z.string().openapi({ description: "what is wrong, naming the input", example: "query.limit: must be an integer between 1 and 100" }),
      field: z.string().optional().openapi({ description: "the input at fault: query.<name>, body.<path>, path.<name>", example: "query.limit" }),
    }),
  })
  .openapi("Problem");

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: "invalid input; `error.field` names it",
  401: "not signed in (no valid session cookie or API key)",
  403: "signed in, but not allowed",
  404: "no such resource (or not yours)",
  409: "conflicts with existing data",
  413: "request body too large",
  415: "request body is not JSON",
  429: "too many attempts; `Retry-After` says when to try again",
  503: "the server is busy or a dependency is unavailable; `Retry-After` says when to try again",
};

/** The `responses` entries for the given error statuses, each with the Problem schema. */
export function errorResponses(...statuses: number[]): Record<number, { description: string; content: { "application/json": { schema: typeof problemSchema } } }> {
  const out: Record<number, { description: string; content: { "application/json": { schema: typeof problemSchema } } }> = {};
  for (const status of statuses) {
    out[status] = { description: ERROR_DESCRIPTIONS[status] ?? "error", content: { "application/json": { schema: problemSchema } } };
  }
  return out;
}

/** A JSON response entry: `jsonResponse("the paper", paperSchema)`. */
export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } };
}

/** A required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } };
}

export const SESSION_COOKIE_SCHEME = "sessionCookie";
export const BEARER_SCHEME = "apiKey";

/** `security` of a route that accepts a session cookie or an API key. */
export const signedIn: Array<Record<string, string[]>> = [{ [SESSION_COOKIE_SCHEME]: [] }, { [BEARER_SCHEME]: [] }];

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/**
 * Declares the two ways to authenticate (a session cookie named `cookieName`,
 * or an API key as a bearer token) as security schemes of `app`'s document;
 * routes then list `security: signedIn`.
 */
export function registerAuthSchemes<E extends Env>(app: OpenAPIHono<E>, cookieName: string): void {
  app.openAPIRegistry.registerComponent("securitySchemes", SESSION_COOKIE_SCHEME, {
    type: "apiKey",
    in: "cookie",
    name: cookieName,
    description: "session cookie set by sign-in (HttpOnly, SameSite=Lax)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "an API key: 'Authorization: Bearer <key>'",
  });
}

/** Serves the OpenAPI 3.1 document of every route registered on `app` (and the routers mounted on it) at `/openapi.json`. */
export function installOpenApi<E extends Env>(app: OpenAPIHono<E>, info: OpenApiInfo): void {
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: info.title, version: info.version, description: info.description },
  });
}
