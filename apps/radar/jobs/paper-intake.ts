/**
 * How new papers reach a running Paper Radar: the scheduled arXiv fetch and
 * uploads an admin imports, both as jobs of the server's JobRunner (the
 * server is the papers' one writer). The HTTP routes (POST /api/admin/fetch,
 * POST /api/admin/import, GET /api/admin/jobs) and `trove radar fetch|import`
 * against a running server come through here.
 */
import { basename } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { InvalidArgumentError } from "../../../src/core/errors.js";
import { ConflictError } from "../../../src/store/errors.js";
import type { Collection } from "../../../src/engine/collection.js";
import type { ArxivClientOptions } from "../ingest/arxiv-fetch.js";
import { IMPORT_FORMATS, detectFormat, type ImportFormat } from "../ingest/import.js";
import { ARXIV_FETCH_JOB, ArxivFetchJob, scheduledSince, type ArxivFetchInput, type ArxivFetchJobResult } from "./arxiv-fetch-job.js";
import { IMPORT_JOB, ImportJob, type ImportInput, type ImportPace } from "./import-job.js";
import type { JobRun, JobStatus } from "./job.js";
import type { JobRunner } from "./job-runner.js";
import type { UploadStash } from "./upload-stash.js";

export interface FetchSchedule {
  /** arXiv categories fetched on the schedule (none: the schedule is off). */
  categories: string[];
  /** Hours between runs (default 6). */
  everyHours?: number;
  /** Delay before the first run after start, in ms (default one minute). */
  firstDelayMs?: number;
  /** Most papers per category and run (default 500). */
  maxPerCategory?: number;
  /** Days looked back on the first run (default 7; later runs: three days before the last successful one). */
  lookbackDays?: number;
  /** arXiv client settings (tests: a local fixture server and no pauses). */
  client?: Omit<ArxivClientOptions, "signal">;
}

export interface ImportUpload {
  /** The request body. */
  body: WebReadableStream<Uint8Array> | ReadableStream<Uint8Array> | null;
  /** The uploaded file's name (decides the format when `format` is not given; ".gz" is detected from the content). */
  name?: string;
  format?: string;
  skipInvalid?: boolean;
}

export class PaperIntake {
  private readonly schedule?: FetchSchedule;

  constructor(
    private readonly runner: JobRunner,
    papers: Collection,
    private readonly uploads: UploadStash,
    schedule?: FetchSchedule,
    importPace?: ImportPace,
  ) {
    runner.register(new ArxivFetchJob(papers, schedule?.client));
    runner.register(new ImportJob(papers, uploads, importPace));
    if (schedule && schedule.categories.length > 0) {
      this.schedule = schedule;
      runner.schedule<ArxivFetchInput>(ARXIV_FETCH_JOB, {
        everyMs: (schedule.everyHours ?? 6) * 3_600_000,
        firstDelayMs: schedule.firstDelayMs,
        input: async () => {
          const last = (await runner.status(ARXIV_FETCH_JOB)).lastRun;
          const lastSuccess = last?.outcome === "succeeded" ? last.startedAt : undefined;
          return { categories: schedule.categories, since: scheduledSince(lastSuccess, Date.now(), schedule.lookbackDays), maxPerCategory: schedule.maxPerCategory };
        },
      });
    } else {
      runner.setOff(
        ARXIV_FETCH_JOB,
        "not scheduled: set RADAR_FETCH_CATEGORIES (e.g. cs.IR,cs.CL) and optionally RADAR_FETCH_EVERY_HOURS (default 6) to fetch new arXiv papers while the server runs",
      );
    }
  }

  /** Categories of the schedule (empty when it is off). */
  get scheduledCategories(): string[] {
    return this.schedule?.categories ?? [];
  }

  /** Starts a fetch now: the given categories, else the scheduled ones. */
  async startFetch(request: { categories?: string[]; since?: string; max?: number }): Promise<JobRun> {
    const categories = request.categories?.length ? request.categories : this.scheduledCategories;
    if (categories.length === 0) throw new InvalidArgumentError("body.categories: no categories given and none scheduled (RADAR_FETCH_CATEGORIES)");
    const input: ArxivFetchInput = { categories, since: request.since, maxPerCategory: request.max ?? this.schedule?.maxPerCategory };
    return this.runner.start(ARXIV_FETCH_JOB, input);
  }

  /**
   * Saves an upload where every node that may run the import can read it
   * (streamed, never held in memory) and starts importing it; ConflictError
   * when an import runs already (checked before the upload is read).
   */
  async startImport(upload: ImportUpload): Promise<JobRun> {
    const name = safeName(upload.name);
    const format = (upload.format as ImportFormat | undefined) ?? detectFormat(name);
    if (format === undefined || !IMPORT_FORMATS.includes(format)) {
      throw new InvalidArgumentError(`query.format: give the format (${IMPORT_FORMATS.join(" or ")}), or a file name ending in .jsonl or .csv (optionally .gz)`);
    }
    if ((await this.runner.status(IMPORT_JOB)).state === "running") {
      throw new ConflictError("an import is running already; wait for it to finish (see GET /api/admin/jobs)");
    }
    if (!upload.body) throw new InvalidArgumentError("body: the file to import is missing (send it as the request body)");
    const ref = await this.uploads.save(Readable.fromWeb(upload.body as WebReadableStream<Uint8Array>), name);
    try {
      const input: ImportInput = { upload: ref, name, format, skipInvalid: upload.skipInvalid };
      return await this.runner.start(IMPORT_JOB, input);
    } catch (error) {
      await this.uploads.remove(ref);
      throw error;
    }
  }

  statuses(): Promise<JobStatus[]> {
    return this.runner.statuses();
  }

  status(name: string): Promise<JobStatus> {
    return this.runner.status(name);
  }
}

/** The base name of an uploaded file, limited to safe characters (default "upload.jsonl"). */
function safeName(name: string | undefined): string {
  const base = basename((name ?? "").replace(/\\/g, "/")).replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "");
  return base.slice(-120) || "upload.jsonl";
}

export type { ArxivFetchJobResult };
