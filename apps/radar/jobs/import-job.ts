/**
 * An import of an uploaded papers file, run by the server in the background
 * (POST /api/admin/import saves the upload to a file under the data
 * directory, then starts this job): the same all-or-nothing, streamed import
 * as `trove radar import` (ingest/import.ts), with the records read so far as
 * progress and errors naming the uploaded file's name and line. The upload
 * is removed when the run ends, whatever the outcome.
 */
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { InvalidFileError } from "../../../src/core/errors.js";
import type { Collection } from "../../../src/engine/collection.js";
import { importPapers, type ImportFormat, type ImportResult } from "../ingest/import.js";
import type { Job, JobContext } from "./job.js";

export const IMPORT_JOB = "import";

export interface ImportInput {
  /** The saved upload (its directory is removed afterwards). */
  path: string;
  /** The name the uploader gave it (what errors and results name). */
  name: string;
  format: ImportFormat;
  skipInvalid?: boolean;
}

export class ImportJob implements Job<ImportInput, ImportResult> {
  readonly name = IMPORT_JOB;

  constructor(private readonly papers: Collection) {}

  async run(input: ImportInput, context: JobContext): Promise<ImportResult> {
    try {
      const result = await importPapers(this.papers, input.path, {
        format: input.format,
        skipInvalid: input.skipInvalid,
        progress: false,
        signal: context.signal,
        onProgress: (read) => context.progress({ done: read, message: `${input.name}: ${read} records read` }),
      });
      return { ...result, file: input.name };
    } catch (error) {
      if (error instanceof InvalidFileError && error.file === input.path) {
        const prefix = error.line !== undefined ? `${error.file}:${error.line}: ` : `${error.file}: `;
        throw new InvalidFileError(input.name, error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message, error.line);
      }
      throw error;
    } finally {
      rmSync(dirname(input.path), { recursive: true, force: true });
    }
  }

  summarize(result: ImportResult): string {
    return `${result.file}: ${result.read} read, ${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected.length} rejected; ${result.searchable} papers searchable`;
  }
}
