/**
 * Trove's HTTP plumbing (feature routes, such as Paper Radar's, live with
 * their feature and are mounted as modules):
 * app factory, JSON problem errors, request validation naming the field,
 * pagination, the OpenAPI 3.1 document, and a server with graceful shutdown.
 */
export { createApp, createRouter, DEFAULT_BODY_LIMIT_BYTES } from "./app.js";
export type { AppOptions } from "./app.js";
export { startServer } from "./start-server.js";
export { AdmissionQueue } from "./admission.js";
export type { AdmissionOptions } from "./admission.js";
export { clientOf, compileTrust, resolveClient } from "./client-info.js";
export type { ClientInfo, TrustProxy } from "./client-info.js";
export { RateLimiter } from "./rate-limiter.js";
export type { RateDecision, RateLimit } from "./rate-limiter.js";
export { crossOriginProblem, isSafeMethod } from "./same-origin.js";
export type { RunningServer, ServerContext, ServerModule, StartServerOptions } from "./start-server.js";
export { HttpError, badRequest, conflict, forbidden, notFound, statusForCode, toProblem, tooManyRequests, unauthenticated } from "./problem.js";
export type { HttpErrorCode, Problem, ProblemBody } from "./problem.js";
export { describeIssue, formatPath, isoDay, queryInt, queryList, validationError, validationHook } from "./validation.js";
export { DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, pageOf, pageSchema, paginate, paginationQuery } from "./pagination.js";
export type { Page, PageRequest } from "./pagination.js";
export {
  BEARER_SCHEME,
  SESSION_COOKIE_SCHEME,
  errorResponses,
  installOpenApi,
  jsonBody,
  jsonResponse,
  problemSchema,
  registerAuthSchemes,
  signedIn,
} from "./openapi.js";
export type { OpenApiInfo } from "./openapi.js";
