/**
 * Errors as HTTP responses. Every failure leaves the server as one JSON shape,
 *
 *   { "error": { "code": "INVALID_ARGUMENT", "message": "query.limit: must be ...", "field": "query.limit" } }
 *
 * with a status chosen from the error's code: the engine's TroveError codes
 * (INVALID_* -> 400, NOT_FOUND -> 404, CONFLICT -> 409, UNAVAILABLE -> 503 with its message, anything else -> 500)
 * and the HTTP-only codes of HttpError (401, 403, 413, 415, ...). Messages of
 * unexpected errors (500) are not shown to the client; the server logs them.
 */
import { TroveError, type TroveErrorCode } from "../core/errors.js";

/** Codes the HTTP layer adds to the engine's TroveErrorCode. */
export type HttpErrorCode =
  | TroveErrorCode
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RATE_LIMITED"
  | "INTERNAL";

export interface ProblemBody {
  error: {
    code: string;
    message: string;
    /** The input at fault, as `<where>.<path>`: `query.limit`, `body.topics[2].level`, `path.id`. */
    field?: string;
  };
}

/** An error that knows its HTTP status. Throw it from a handler; the app's error handler answers with it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly field?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** 400 naming the field: `badRequest("query.q", "must not be empty")` -> message "query.q: must not be empty". */
export function badRequest(field: string, problem: string): HttpError {
  return new HttpError(400, "INVALID_ARGUMENT", `${field}: ${problem}`, field);
}

export function notFound(message: string, field?: string): HttpError {
  return new HttpError(404, "NOT_FOUND", message, field);
}

export function conflict(message: string, field?: string): HttpError {
  return new HttpError(409, "CONFLICT", message, field);
}

export function unauthenticated(message = "sign in, or send an API key as 'Authorization: Bearer <key>'"): HttpError {
  return new HttpError(401, "UNAUTHENTICATED", message, undefined, { "www-authenticate": 'Bearer realm="trove"' });
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, "FORBIDDEN", message);
}

/** 429 with Retry-After: too many attempts of something limited (sign-ins, sign-ups). */
export function tooManyRequests(message: string, retryAfterSeconds: number): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new HttpError(429, "RATE_LIMITED", `${message}; try again in ${seconds} s`, undefined, { "retry-after": String(seconds) });
}

/** HTTP status for an engine error code. */
export function statusForCode(code: string): number {
  if (code.startsWith("INVALID_")) return 400;
  switch (code) {
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
      return 409;
    case "UNAUTHENTICATED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "RATE_LIMITED":
      return 429;
    case "UNAVAILABLE":
      return 503;
    default:
      return 500;
  }
}

/** Code used for a bare HTTP status (errors raised by the framework). */
function codeForStatus(status: number): HttpErrorCode {
  switch (status) {
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "CONFLICT";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 415:
      return "UNSUPPORTED_MEDIA_TYPE";
    case 429:
      return "RATE_LIMITED";
    default:
      return status >= 400 && status < 500 ? "INVALID_ARGUMENT" : "INTERNAL";
  }
}

export interface Problem {
  status: number;
  body: ProblemBody;
  headers?: Record<string, string>;
  /** True for unexpected errors, which the server logs. */
  internal: boolean;
}

/** Something with an HTTP status, as the framework's HTTPException (duck-typed so this file needs no framework). */
interface StatusError {
  status: number;
  message: string;
}

function isStatusError(error: unknown): error is StatusError {
  if (!(error instanceof Error)) return false;
  const status = (error as unknown as { status?: unknown }).status;
  return typeof status === "number" && status >= 400 && status < 600;
}

/** Turns any thrown value into the response that reports it. */
export function toProblem(error: unknown): Problem {
  if (error instanceof HttpError) {
    const body: ProblemBody = { error: { code: error.code, message: error.message } };
    if (error.field !== undefined) body.error.field = error.field;
    return { status: error.status, body, headers: error.headers, internal: error.status >= 500 };
  }
  if (error instanceof TroveError) {
    const status = statusForCode(error.code);
    // 503 says what is missing (a mail server, an upstream API); other 5xx hide their details
    if (status >= 500 && status !== 503) return internalProblem();
    const body: ProblemBody = { error: { code: error.code, message: error.message } };
    const field = (error as { field?: unknown }).field;
    if (typeof field === "string") body.error.field = field;
    return { status, body, internal: false };
  }
  if (isStatusError(error)) {
    if (error.status >= 500) return internalProblem();
    const code = codeForStatus(error.status);
    const message = error.status === 413 ? "request body is too large" : error.message || "bad request";
    return { status: error.status, body: { error: { code, message } }, internal: false };
  }
  return internalProblem();
}

function internalProblem(): Problem {
  return { status: 500, body: { error: { code: "INTERNAL", message: "internal server error (the server log has the details)" } }, internal: true };
}
