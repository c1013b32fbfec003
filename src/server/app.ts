/**
 * The app factory: a Hono app (via @hono/zod-openapi, so routes carry their
 * OpenAPI description) with the behaviour every Trove HTTP API shares:
 *
 * - errors of any kind leave as `{ error: { code, message, field? } }` with
 *   the status their code calls for (problem.ts); unexpected errors are
 *   logged and answered 500 without details;
 * - failed request validation answers 400 naming the field (validation.ts);
 * - request bodies above `bodyLimitBytes` (default 1 MiB; `bodyLimits` per
 *   path, for uploads) answer 413 before they are read in full;
 * - unknown routes answer 404 in the same JSON shape;
 * - one log line per request when `logRequests` is set (off by default; the
 *   line never holds headers, cookies or bodies);
 * - the OpenAPI 3.1 document at `/openapi.json`;
 * - `GET /healthz` (`{ "status": "ok" }`) for load balancers.
 *
 * Feature routes live on routers made by `createRouter()` and mounted with
 * `app.route("/", router)`; their OpenAPI entries join the app's document.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { HttpError, toProblem } from "./problem.js";
import { installOpenApi, type OpenApiInfo } from "./openapi.js";
import { validationHook } from "./validation.js";

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppOptions {
  /** Title, version and description of the OpenAPI document. */
  openapi?: Partial<OpenApiInfo>;
  /** Largest accepted request body in bytes (default 1 MiB); larger ones get 413. */
  bodyLimitBytes?: number;
  /** Larger (or smaller) limits for particular paths, e.g. an upload route: { "/api/admin/import": 2 ** 31 }. */
  bodyLimits?: Readonly<Record<string, number>>;
  /** true: one line per request to stderr; a function: one line per request to it. Default: off. */
  logRequests?: boolean | ((line: string) => void);
  /** Where unexpected errors (answered 500) are reported. Default: stderr. */
  onInternalError?: (error: unknown, request: { method: string; path: string }) => void;
}

/** A router whose failed validations answer 400 naming the field. Mount it on the app with `app.route("/", router)`. */
export function createRouter<E extends Env = Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({ defaultHook: validationHook });
}

function requestLogger(sink: (line: string) => void): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = (performance.now() - started).toFixed(1);
    sink(`${new Date().toISOString()} ${c.req.method} ${c.req.path} ${c.res.status} ${ms}ms`);
  };
}

function defaultInternalError(error: unknown, request: { method: string; path: string }): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`trove server: ${request.method} ${request.path} failed: ${detail}\n`);
}

/** Creates the root app; mount routers on it, then serve it with `startServer` or call `app.request()` in tests. */
export function createApp<E extends Env = Env>(options: AppOptions = {}): OpenAPIHono<E> {
  const app = createRouter<E>();
  const onInternalError = options.onInternalError ?? defaultInternalError;

  if (options.logRequests) {
    const sink = typeof options.logRequests === "function" ? options.logRequests : (line: string) => process.stderr.write(`${line}\n`);
    app.use("*", requestLogger(sink));
  }

  const limiter = (maxSize: number): MiddlewareHandler =>
    bodyLimit({
      maxSize,
      onError: () => {
        // the rest of the body is not read: the connection cannot carry another request
        throw new HttpError(413, "PAYLOAD_TOO_LARGE", `request body is larger than ${maxSize} bytes`, undefined, { connection: "close" });
      },
    });
  const defaultLimiter = limiter(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES);
  const pathLimiters = new Map(Object.entries(options.bodyLimits ?? {}).map(([path, bytes]) => [path, limiter(bytes)]));
  app.use("*", (c, next) => (pathLimiters.get(c.req.path) ?? defaultLimiter)(c, next));

  app.onError((error, c) => {
    let problem = toProblem(error);
    // the framework's own 400 for a body that is not JSON: name the body
    if (problem.status === 400 && error instanceof HTTPException && /JSON/i.test(problem.body.error.message)) {
      problem = { ...problem, body: { error: { code: "INVALID_ARGUMENT", message: "body: is not valid JSON", field: "body" } } };
    }
    if (problem.internal) onInternalError(error, { method: c.req.method, path: c.req.path });
    for (const [name, value] of Object.entries(problem.headers ?? {})) c.header(name, value);
    return c.json(problem.body, problem.status as 400);
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.notFound((c) => c.json({ error: { code: "NOT_FOUND", message: `no route for ${c.req.method} ${c.req.path}` } }, 404));

  installOpenApi(app, {
    title: options.openapi?.title ?? "Trove HTTP API",
    version: options.openapi?.version ?? "0.1.0",
    description: options.openapi?.description,
  });
  return app;
}
