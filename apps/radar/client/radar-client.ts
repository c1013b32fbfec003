/**
 * A small client of a running Paper Radar's admin API, for command-line
 * tools: `trove radar import` uploads its file to the server (streamed from
 * disk) and `trove radar fetch` asks the server to fetch, when a server holds
 * the data directory (server-info.ts) or `--server` names one; both then
 * follow the job until it ends.
 */
import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { TroveError, UnavailableError, type TroveErrorCode } from "../../../src/core/errors.js";
import type { JobProgress, JobRun, JobStatus } from "../jobs/job.js";

const CODES: ReadonlySet<string> = new Set<TroveErrorCode>(["INVALID_ARGUMENT", "INVALID_SCHEMA", "INVALID_RECORD", "INVALID_QUERY", "INVALID_FILE", "NOT_FOUND", "CONFLICT", "CORRUPT_INDEX", "INTERRUPTED", "UNAVAILABLE"]);

/** The Trove error code of an API error (or of a failed job), so the CLI exits as it would have locally. */
export function errorCode(code: string | undefined, status = 500): TroveErrorCode {
  if (code !== undefined && CODES.has(code)) return code as TroveErrorCode;
  if (status === 400 || status === 413 || status === 415) return "INVALID_ARGUMENT";
  if (status === 401 || status === 403) return "INVALID_ARGUMENT";
  if (status === 404) return "NOT_FOUND";
  if (status === 409) return "CONFLICT";
  return "UNAVAILABLE";
}

export class RadarClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    /** An admin's API key, or the server's local token. */
    private readonly token: string,
  ) {
    this.base = baseUrl.replace(/\/+$/, "");
  }

  private async call<T>(method: string, path: string, init: { json?: unknown; body?: ReadableStream<Uint8Array>; contentType?: string } = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: "application/json" };
    let body: string | ReadableStream<Uint8Array> | undefined;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    } else if (init.body) {
      headers["content-type"] = init.contentType ?? "application/octet-stream";
      body = init.body;
    }
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { method, headers, body, ...(init.body ? { duplex: "half" } : {}) } as RequestInit);
    } catch (error) {
      throw new UnavailableError(`cannot reach the Paper Radar server at ${this.base}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const problem = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new TroveError(errorCode(problem?.code, response.status), `the server at ${this.base} answered ${response.status}: ${problem?.message ?? text.slice(0, 200)}`);
    }
    return data as T;
  }

  /** Uploads `file` (streamed) and starts its import. */
  startImport(file: string, options: { format?: string; skipInvalid?: boolean } = {}): Promise<JobRun> {
    statSync(file);
    const query = new URLSearchParams({ name: basename(file) });
    if (options.format) query.set("format", options.format);
    if (options.skipInvalid) query.set("skipInvalid", "true");
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    return this.call<JobRun>("POST", `/api/admin/import?${query}`, { body });
  }

  startFetch(request: { categories?: string[]; since?: string; max?: number }): Promise<JobRun> {
    return this.call<JobRun>("POST", "/api/admin/fetch", { json: request });
  }

  job(name: string): Promise<JobStatus> {
    return this.call<JobStatus>("GET", `/api/admin/jobs/${encodeURIComponent(name)}`);
  }

  /**
   * Follows the run of `name` that started at `startedAt` until it ends;
   * resolves to the finished run (whatever its outcome).
   */
  async waitFor(name: string, startedAt: string, onProgress?: (progress: JobProgress) => void, pollMs = 500): Promise<JobRun> {
    for (;;) {
      const status = await this.job(name);
      if (status.lastRun?.startedAt === startedAt && status.lastRun.finishedAt) return status.lastRun;
      if (status.current?.startedAt === startedAt && status.current.progress) onProgress?.(status.current.progress);
      await sleep(pollMs);
    }
  }
}
