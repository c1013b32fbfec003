/**
 * `trove radar fetch`: pulls a category's newest papers from the arXiv API
 * into the papers collection. `arxivPages` asks for the category's papers,
 * newest submissions first, page after page through an ArxivClient (pacing,
 * timeouts, retries: arxiv-client.ts; URL and Atom parsing: arxiv-feed.ts),
 * normalizes the entries, and stops at the first paper submitted before
 * `since`, after `max` papers, or at the end of the results.
 * `fetchArxivPapers` upserts each page as it arrives, so papers fetched before
 * a failure are kept, and brings the index up to date at the end.
 *
 * This module is the entry point of the fetch: it re-exports the client and
 * the feed parser.
 */
import { InvalidArgumentError, InvalidRecordError } from "../../../src/core/errors.js";
import type { Collection } from "../../../src/engine/collection.js";
import { searchableCount } from "../search/index-statistics.js";
import { ARXIV_CATEGORY, normalizePaper, problemReason, storePapers, type Paper } from "../papers.js";
import { ArxivClient, type ArxivClientOptions } from "./arxiv-client.js";

export { ArxivClient, type ArxivClientOptions } from "./arxiv-client.js";
export {
  ARXIV_API_URL,
  ARXIV_REQUEST_INTERVAL_MS,
  ArxivApiError,
  ArxivUnavailableError,
  buildArxivQueryUrl,
  parseArxivFeed,
  type ArxivFeedPage,
  type ArxivPageRequest,
} from "./arxiv-feed.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface ArxivFetchOptions extends ArxivClientOptions {
  /** An arXiv category such as "cs.IR". */
  category: string;
  /** Keep papers submitted on or after this day (YYYY-MM-DD) and stop at the first older one. */
  since?: string;
  /** Most papers to keep (default: no limit with `since`, 100 without). */
  max?: number;
  /** Results asked for per request (default 100; arXiv allows up to 2000). */
  pageSize?: number;
}

/** A page of papers as the fetch keeps them. */
export interface ArxivFetchedPage {
  /** 0-based index of the page's first result. */
  start: number;
  totalResults: number;
  /** Valid papers within `since` and `max`, in feed order. */
  papers: Paper[];
  /** Entries that failed validation (they are skipped, not stored). */
  rejected: ArxivRejection[];
}

export interface ArxivRejection {
  /** 0-based position of the entry in the result set. */
  position: number;
  id?: string;
  field?: string;
  reason: string;
}

export type ArxivStopReason = "since" | "max" | "end";

/** Checks the fetch options and fills in the defaults. */
export function resolveFetchOptions(options: ArxivFetchOptions): { category: string; since?: string; max: number; pageSize: number } {
  const category = typeof options.category === "string" ? options.category.trim() : "";
  if (!ARXIV_CATEGORY.test(category)) {
    throw new InvalidArgumentError(`--category must be an arXiv category such as cs.IR or hep-ex, got ${JSON.stringify(options.category)}`);
  }
  let since: string | undefined;
  if (options.since !== undefined) {
    since = options.since.trim();
    const t = Date.parse(`${since}T00:00:00Z`);
    if (!DAY.test(since) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== since) {
      throw new InvalidArgumentError(`--since must be a date YYYY-MM-DD, got ${JSON.stringify(options.since)}`);
    }
  }
  const max = options.max ?? (since ? Number.POSITIVE_INFINITY : 100);
  if (!(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max >= 1))) {
    throw new InvalidArgumentError(`--max must be a positive integer, got ${max}`);
  }
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 2000) {
    throw new InvalidArgumentError(`page size must be an integer from 1 to 2000, got ${pageSize}`);
  }
  return { category, since, max, pageSize };
}

/**
 * Pages of normalized papers for a category, newest first, within `since`
 * and `max`. `stop.reason` tells why the pages ended.
 */
export async function* arxivPages(
  options: ArxivFetchOptions,
  client: ArxivClient = new ArxivClient(options),
  stop: { reason?: ArxivStopReason } = {},
): AsyncGenerator<ArxivFetchedPage> {
  const { category, since, max, pageSize } = resolveFetchOptions(options);
  let start = 0;
  let kept = 0;
  for (;;) {
    const maxResults = Math.min(pageSize, max - kept);
    const page = await client.fetchPage({ category, start, maxResults });
    const papers: Paper[] = [];
    const rejected: ArxivRejection[] = [];
    let olderThanSince = false;
    page.entries.forEach((raw, i) => {
      if (olderThanSince || kept + papers.length >= max) return;
      let paper: Paper;
      try {
        paper = normalizePaper(raw, { recordNumber: start + i + 1 });
      } catch (error) {
        if (!(error instanceof InvalidRecordError)) throw error;
        const entry: ArxivRejection = { position: start + i, reason: problemReason(error) };
        if (error.recordId !== undefined) entry.id = error.recordId;
        if (error.field !== undefined) entry.field = error.field;
        rejected.push(entry);
        return;
      }
      if (since !== undefined && paper.date < since) {
        olderThanSince = true;
        return;
      }
      papers.push(paper);
    });
    kept += papers.length;
    yield { start, totalResults: page.totalResults, papers, rejected };
    start += page.entries.length;
    const reason: ArxivStopReason | undefined = olderThanSince
      ? "since"
      : kept >= max
        ? "max"
        : page.entries.length === 0 || start >= page.totalResults
          ? "end"
          : undefined;
    if (reason) {
      stop.reason = reason;
      return;
    }
  }
}

export interface ArxivFetchResult {
  category: string;
  since?: string;
  /** HTTP requests made (retries included). */
  requests: number;
  pages: number;
  /** Papers kept (within since/max), stored or unchanged. */
  received: number;
  inserted: number;
  updated: number;
  /** Papers equal to their stored version, not written again. */
  unchanged: number;
  rejected: ArxivRejection[];
  /** Why fetching stopped. */
  stoppedBy: ArxivStopReason;
  /** Submission dates of the newest and oldest paper kept. */
  newest?: string;
  oldest?: string;
  /** Papers searchable afterwards (the whole collection). */
  searchable: number;
}

/**
 * Fetches a category's papers (see arxivPages) and upserts each page into
 * `papers` as it arrives; the index catches up at the end, also when a later
 * page fails.
 */
export async function fetchArxivPapers(
  papers: Collection,
  options: ArxivFetchOptions & { onPage?: (page: ArxivFetchedPage, stored: { inserted: number; updated: number; unchanged: number }) => void },
): Promise<ArxivFetchResult> {
  const resolved = resolveFetchOptions(options);
  const client = new ArxivClient(options);
  const stop: { reason?: ArxivStopReason } = {};
  const result: ArxivFetchResult = {
    category: resolved.category,
    ...(resolved.since ? { since: resolved.since } : {}),
    requests: 0,
    pages: 0,
    received: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: [],
    stoppedBy: "end",
    searchable: 0,
  };
  try {
    for await (const page of arxivPages(options, client, stop)) {
      const stored = await storePapers(papers, page.papers);
      result.pages++;
      result.received += page.papers.length;
      result.inserted += stored.inserted;
      result.updated += stored.updated;
      result.unchanged += stored.unchanged;
      result.rejected.push(...page.rejected);
      for (const p of page.papers) {
        if (!result.newest || p.date > result.newest) result.newest = p.date;
        if (!result.oldest || p.date < result.oldest) result.oldest = p.date;
      }
      options.onPage?.(page, stored);
    }
  } finally {
    await papers.sync({ quiet: true });
  }
  result.requests = client.requests;
  result.stoppedBy = stop.reason ?? "end";
  result.searchable = searchableCount(papers);
  return result;
}
