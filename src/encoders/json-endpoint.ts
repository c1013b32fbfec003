/**
 * One JSON POST to an OpenAI-compatible endpoint, with the conventions every
 * HTTP client of Trove shares (embeddings, chat): a bearer key from the spec
 * or an environment variable, a timeout per attempt, and retries with
 * exponential backoff after 429, 5xx, timeouts and network errors
 * (Retry-After, when sent, sets the wait); other 4xx answers fail at once.
 * The answer is parsed by the caller, who may reject it (`AttemptError`,
 * retried or not). Errors name the endpoint, the status and the server's own
 * message.
 */
import { InterruptedError, UnavailableError } from "../core/errors.js";

/** No single wait is longer than this, whatever Retry-After says. */
const MAX_RETRY_DELAY_MS = 60_000;

export interface EndpointOptions {
  apiKey?: string;
  /** Named in the hint after 401/403. */
  keyVariable: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  /** What the endpoint is, for messages ("embeddings endpoint", "chat endpoint"). */
  what: string;
  /** Aborting stops before the next attempt (and cancels the current one). */
  signal?: AbortSignal;
}

/** A failed attempt: `retry` says whether another attempt may succeed. */
export class AttemptError extends Error {
  constructor(message: string, readonly retry: boolean, readonly retryAfterMs?: number) {
    super(message);
  }
}

/** POSTs `body`, retrying as described above, and returns `parse(answer)`. */
export async function postJson<T>(url: string, body: unknown, options: EndpointOptions, parse: (json: unknown) => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return parse(await attemptPost(url, body, options));
    } catch (error) {
      if (!(error instanceof AttemptError)) throw error;
      if (!error.retry || attempt >= options.retries) {
        const tries = attempt + 1;
        throw new UnavailableError(`${options.what} ${url}: ${error.message}${tries > 1 ? ` (after ${tries} attempts)` : ""}`);
      }
      const delay = Math.min(MAX_RETRY_DELAY_MS, error.retryAfterMs ?? options.retryDelayMs * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (options.signal?.aborted) throw new InterruptedError(`${options.what} ${url}: stopped`);
    }
  }
}

async function attemptPost(url: string, payload: unknown, options: EndpointOptions): Promise<unknown> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let response: Response;
  let body: string;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(payload),
      signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
    });
    body = await response.text();
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (options.signal?.aborted) throw new InterruptedError(`${options.what} ${url}: stopped`);
    if (e.name === "TimeoutError") throw new AttemptError(`no answer within ${options.timeoutMs} ms`, true);
    throw new AttemptError(`cannot be reached: ${e.cause?.code ?? e.cause?.message ?? e.message}`, true);
  }
  if (!response.ok) {
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    const detail = errorMessage(body);
    const retry = response.status === 429 || response.status >= 500;
    const hint = response.status === 401 || response.status === 403 ? ` (check the API key: spec apiKey or ${options.keyVariable})` : "";
    throw new AttemptError(`${status}${detail ? `: ${detail}` : ""}${hint}`, retry, retryAfterMs(response.headers.get("retry-after")));
  }
  try {
    return JSON.parse(body);
  } catch {
    throw new AttemptError(`answered with something that is not JSON: ${JSON.stringify(body.slice(0, 120))}`, false);
  }
}

/** The error text of an OpenAI ({error: {message}}), TEI ({error}) or Ollama ({error}) answer, else the body's start. */
function errorMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = json.error;
    if (typeof error === "string") return error;
    if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") return (error as { message: string }).message;
    if (typeof json.message === "string") return json.message;
    if (typeof json.detail === "string") return json.detail;
  } catch {
    // not JSON: fall through
  }
  return body.trim().slice(0, 200);
}

/** Retry-After as seconds or an HTTP date. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
