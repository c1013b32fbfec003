/**
 * The scheduled arXiv fetch, run by the server (the papers' one writer):
 * for each configured category, the newest submissions down to `since`
 * (default: three days before the last successful run, a week on the first
 * run; arXiv announces papers a day or two after submission), at most
 * `maxPerCategory`, upserted page by page (ingest/arxiv-fetch.ts). Papers
 * already stored count as unchanged, so overlapping runs cost requests, not
 * writes. Also runs on demand: POST /api/admin/fetch, `trove radar fetch`
 * against a running server.
 */
import type { Collection } from "../../../src/engine/collection.js";
import { InvalidArgumentError } from "../../../src/core/errors.js";
import { ARXIV_CATEGORY } from "../papers.js";
import { fetchArxivPapers, type ArxivClientOptions, type ArxivFetchResult } from "../ingest/arxiv-fetch.js";
import type { Job, JobContext } from "./job.js";

export const ARXIV_FETCH_JOB = "arxiv-fetch";

export interface ArxivFetchInput {
  categories: string[];
  /** Keep papers submitted on or after this day (YYYY-MM-DD). */
  since?: string;
  /** Most papers per category (default 500). */
  maxPerCategory?: number;
}

export interface ArxivFetchJobResult {
  categories: ArxivFetchResult[];
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  searchable: number;
}

const DAY_MS = 86_400_000;

/** The categories of a comma-separated list ("cs.IR, cs.CL"), checked. */
export function parseCategories(text: string): string[] {
  const categories = text
    .split(/[,\s]+/)
    .map((c) => c.trim())
    .filter(Boolean);
  for (const c of categories) {
    if (!ARXIV_CATEGORY.test(c)) throw new InvalidArgumentError(`"${c}" is not an arXiv category (expected codes such as cs.IR or hep-th)`);
  }
  return [...new Set(categories)];
}

/** The `since` of a scheduled run: three days before the last successful run began, else `lookbackDays` (7) ago. */
export function scheduledSince(lastSuccessStartedAt: string | undefined, now: number, lookbackDays = 7): string {
  const from = lastSuccessStartedAt ? Date.parse(lastSuccessStartedAt) - 3 * DAY_MS : now - lookbackDays * DAY_MS;
  return new Date(from).toISOString().slice(0, 10);
}

export class ArxivFetchJob implements Job<ArxivFetchInput, ArxivFetchJobResult> {
  readonly name = ARXIV_FETCH_JOB;

  constructor(
    private readonly papers: Collection,
    /** Client settings (tests point baseUrl at a local server and set the delays to 0). */
    private readonly client: Omit<ArxivClientOptions, "signal"> = {},
  ) {}

  async run(input: ArxivFetchInput, context: JobContext): Promise<ArxivFetchJobResult> {
    if (input.categories.length === 0) throw new InvalidArgumentError("categories: give at least one arXiv category");
    const out: ArxivFetchJobResult = { categories: [], inserted: 0, updated: 0, unchanged: 0, rejected: 0, searchable: 0 };
    let received = 0;
    for (const category of input.categories) {
      const result = await fetchArxivPapers(this.papers, {
        ...this.client,
        category,
        since: input.since,
        max: input.maxPerCategory ?? 500,
        signal: context.signal,
        onPage: (page) => {
          received += page.papers.length;
          context.progress({
            done: received,
            message: `${category}: results ${page.start + 1}-${page.start + page.papers.length} of ${page.totalResults}`,
          });
        },
      });
      out.categories.push(result);
      out.inserted += result.inserted;
      out.updated += result.updated;
      out.unchanged += result.unchanged;
      out.rejected += result.rejected.length;
      out.searchable = result.searchable;
    }
    return out;
  }

  summarize(result: ArxivFetchJobResult): string {
    const names = result.categories.map((c) => c.category).join(", ");
    return `${names}: ${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged${result.rejected ? `, ${result.rejected} rejected` : ""}; ${result.searchable} papers searchable`;
  }
}
