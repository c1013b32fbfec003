/**
 * An HTTP client for the arXiv API: one page per call, paced (arXiv asks for
 * 3 s between requests), with a timeout per request and retries with
 * exponential backoff for network failures, timeouts, 429/5xx answers, bodies
 * that are not a feed, and arXiv's occasional empty page in the middle of a
 * result set. An error feed (a bad query) is reported at once.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { InterruptedError, InvalidArgumentError } from "../../../src/core/errors.js";
import {
  ARXIV_API_URL,
  ARXIV_REQUEST_INTERVAL_MS,
  ArxivApiError,
  ArxivUnavailableError,
  buildArxivQueryUrl,
  oneLine,
  pageOf,
  readFeed,
  type ArxivFeedPage,
  type ArxivPageRequest,
} from "./arxiv-feed.js";

export interface ArxivClientOptions {
  /** API endpoint (default ARXIV_API_URL); tests point it at a local server. */
  baseUrl?: string;
  /** Minimum pause between the end of one request and the start of the next, in ms (default 3000). */
  delayMs?: number;
  /** Give up on a request that has not completed within this many ms (default 30,000). */
  timeoutMs?: number;
  /** Retries of a failed request (default 3). */
  retries?: number;
  /** First backoff pause in ms, doubled at each retry (default 5000; never less than delayMs). */
  retryDelayMs?: number;
  /** Longest backoff pause, also the cap on Retry-After (default 120,000 ms). */
  maxRetryDelayMs?: number;
  userAgent?: string;
  /** Aborting stops at once with InterruptedError (pages already stored stay stored). */
  signal?: AbortSignal;
  /** Told about each retry (for a log line). */
  onRetry?: (info: { url: string; attempt: number; waitMs: number; problem: string }) => void;
  /** The fetch implementation (default: global fetch). */
  fetch?: typeof fetch;
}

class RetryableProblem {
  constructor(
    readonly message: string,
    readonly retryAfterMs?: number,
  ) {}
}

/** Fetches and parses pages of the arXiv API with pacing, timeouts and retries. */
export class ArxivClient {
  readonly baseUrl: string;
  private readonly options: Required<Omit<ArxivClientOptions, "signal" | "onRetry" | "baseUrl">> & Pick<ArxivClientOptions, "signal" | "onRetry">;
  private lastRequestEnd = Number.NEGATIVE_INFINITY;
  /** HTTP requests made so far (retries included). */
  requests = 0;

  constructor(options: ArxivClientOptions = {}) {
    this.baseUrl = checkBaseUrl(options.baseUrl ?? ARXIV_API_URL);
    const delayMs = nonNegative("delayMs", options.delayMs ?? ARXIV_REQUEST_INTERVAL_MS);
    this.options = {
      delayMs,
      timeoutMs: positive("timeoutMs", options.timeoutMs ?? 30_000),
      retries: nonNegative("retries", options.retries ?? 3),
      retryDelayMs: nonNegative("retryDelayMs", options.retryDelayMs ?? 5000),
      maxRetryDelayMs: nonNegative("maxRetryDelayMs", options.maxRetryDelayMs ?? 120_000),
      userAgent: options.userAgent ?? "trove-paper-radar/0.1 (Trove search engine; https://info.arxiv.org/help/api/)",
      fetch: options.fetch ?? fetch,
      signal: options.signal,
      onRetry: options.onRetry,
    };
  }

  /** One page, retried as described in the module comment. */
  async fetchPage(request: ArxivPageRequest): Promise<ArxivFeedPage> {
    const url = buildArxivQueryUrl(this.baseUrl, request);
    const { retries, retryDelayMs, maxRetryDelayMs, delayMs } = this.options;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(url, request);
      if (!(outcome instanceof RetryableProblem)) return outcome;
      if (attempt >= retries) {
        throw new ArxivUnavailableError(`arXiv API unavailable: ${outcome.message} (${attempt + 1} attempt${attempt ? "s" : ""}; ${url})`, url);
      }
      const backoff = Math.max(delayMs, retryDelayMs * 2 ** attempt);
      const waitMs = Math.min(maxRetryDelayMs, Math.max(backoff, outcome.retryAfterMs ?? 0));
      this.options.onRetry?.({ url, attempt: attempt + 1, waitMs, problem: outcome.message });
      await this.pause(waitMs);
    }
  }

  private async attempt(url: string, request: ArxivPageRequest): Promise<ArxivFeedPage | RetryableProblem> {
    await this.pause(this.lastRequestEnd + this.options.delayMs - performance.now());
    this.requests++;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
    let status: number;
    let body: string;
    let retryAfterMs: number | undefined;
    try {
      const response = await this.options.fetch(url, {
        headers: { "User-Agent": this.options.userAgent, Accept: "application/atom+xml" },
        signal,
      });
      status = response.status;
      retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      body = await response.text();
    } catch (error) {
      if (this.options.signal?.aborted) throw new InterruptedError("fetch from arXiv interrupted; pages fetched before were stored");
      if (timeout.aborted) return new RetryableProblem(`no complete answer within ${this.options.timeoutMs / 1000} s`);
      return new RetryableProblem(`cannot reach ${new URL(url).host}: ${networkReason(error)}`);
    } finally {
      this.lastRequestEnd = performance.now();
    }

    if (status === 429 || status >= 500) {
      return new RetryableProblem(`HTTP ${status}${snippet(body)}`, retryAfterMs);
    }
    if (status < 200 || status >= 300) {
      // arXiv answers a bad query with 400 and an error feed, which pageOf reports as ArxivApiError
      const feed = readFeed(body);
      if (typeof feed !== "string") pageOf(feed, url);
      throw new ArxivApiError(`arXiv API answered HTTP ${status}${snippet(body)} (${url})`, url, status);
    }
    // a 200 with something else than a feed (a proxy's page, a truncated answer) is worth another try
    const feed = readFeed(body);
    if (typeof feed === "string") return new RetryableProblem(feed);
    const page = pageOf(feed, url);
    if (page.entries.length === 0 && request.start < page.totalResults) {
      // a known arXiv quirk: an empty page in the middle of a result set; asking again usually works
      return new RetryableProblem(`empty page at start=${request.start} of ${page.totalResults} results`);
    }
    return page;
  }

  private async pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    try {
      await sleep(ms, undefined, { signal: this.options.signal });
    } catch {
      throw new InterruptedError("fetch from arXiv interrupted; pages fetched before were stored");
    }
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const message = cause && typeof cause.message === "string" ? cause.message : undefined;
  const code = cause && typeof cause.code === "string" ? cause.code : undefined;
  if (message && code && !message.includes(code)) return `${message} (${code})`;
  if (message || code) return (message ?? code)!;
  return (error as Error).message ?? String(error);
}

function snippet(body: string): string {
  const s = oneLine(body.replace(/<[^>]*>/g, " "));
  return s ? `: ${JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s)}` : "";
}

function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`base URL must be an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError(`base URL must be an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  return url.toString();
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError(`${name} must be a non-negative number, got ${value}`);
  return value;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got ${value}`);
  return value;
}
