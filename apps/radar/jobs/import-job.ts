/**
 * An import of an uploaded papers file, run by the server in the background
 * (POST /api/admin/import saves the upload in an `UploadStash`, then starts
 * this job): the same all-or-nothing, streamed import as `trove radar import`
 * (ingest/import.ts), with the records read so far as progress and errors
 * naming the uploaded file's name and line. The input names the upload, not
 * a node's file, so that on several nodes another node can finish a run
 * whose node died: the import upserts by id, so a rerun after a kill neither
 * duplicates nor loses papers. The upload is removed when the run ends for
 * good, whatever the outcome.
 */
import { InvalidFileError } from "../../../src/core/errors.js";
import type { Collection } from "../../../src/engine/collection.js";
import { importPapers, type ImportFormat, type ImportResult } from "../ingest/import.js";
import type { Job, JobContext } from "./job.js";
import type { UploadRef, UploadStash } from "./upload-stash.js";

export const IMPORT_JOB = "import";

export interface ImportInput {
  /** Where the upload waits. */
  upload: UploadRef;
  /** The name the uploader gave it (what errors and results name). */
  name: string;
  format: ImportFormat;
  skipInvalid?: boolean;
}

/** A pause after every `everyRecords` records read, to spread a large import's load on a shared database (tests hold an import open with it). */
export interface ImportPace {
  everyRecords: number;
  pauseMs: number;
}

export class ImportJob implements Job<ImportInput, ImportResult> {
  readonly name = IMPORT_JOB;

  constructor(
    private readonly papers: Collection,
    private readonly uploads: UploadStash,
    private readonly pace?: ImportPace,
  ) {}

  async run(input: ImportInput, context: JobContext): Promise<ImportResult> {
    const local = await this.uploads.open(input.upload, context.signal);
    const pace = this.pace;
    try {
      const result = await importPapers(this.papers, local.path, {
        format: input.format,
        skipInvalid: input.skipInvalid,
        progress: false,
        signal: context.signal,
        progressEvery: pace?.everyRecords,
        onProgress: async (read) => {
          context.progress({ done: read, message: `${input.name}: ${read} records read` });
          if (pace && pace.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pace.pauseMs));
        },
      });
      return { ...result, file: input.name };
    } catch (error) {
      if (error instanceof InvalidFileError && error.file === local.path) {
        const prefix = error.line !== undefined ? `${error.file}:${error.line}: ` : `${error.file}: `;
        throw new InvalidFileError(input.name, error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message, error.line);
      }
      throw error;
    } finally {
      await local.close();
    }
  }

  async cleanup(input: ImportInput): Promise<void> {
    await this.uploads.remove(input.upload);
  }

  summarize(result: ImportResult): string {
    return `${result.file}: ${result.read} read, ${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected.length} rejected; ${result.searchable} papers searchable`;
  }
}
