/**
 * `trove radar import`: loads papers from a JSONL or CSV file (gzip accepted)
 * into the papers collection. The file is streamed record by record into one
 * store transaction, so a large corpus is never held in memory and an import
 * is all-or-nothing: the first bad record stops it with an error naming
 * file:line and the field, and nothing is stored. With `skipInvalid`, bad
 * records are collected and reported instead.
 *
 * Re-importing is idempotent: records are upserted by id, and a record equal
 * to the stored one is not written again (it counts as "unchanged"), so the
 * index does not redo work for it.
 */
import { parse as parseCsv, CsvError } from "csv-parse";
import { createReadStream, existsSync, statSync } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { InvalidArgumentError, InvalidFileError, InvalidRecordError, NotFoundError, TroveError } from "../../../src/core/errors.js";
import { Progress } from "../../../src/core/progress.js";
import type { Collection } from "../../../src/engine/collection.js";
import { searchableCount } from "../search/index-statistics.js";
import { readLines } from "../../../src/io/lines.js";
import { describeProblem, normalizePaper, problemReason, samePaper, type Paper } from "../papers.js";

export type ImportFormat = "jsonl" | "csv";

export const IMPORT_FORMATS: readonly ImportFormat[] = ["jsonl", "csv"];

export interface ImportOptions {
  /** Default: from the file name (.jsonl/.ndjson/.json or .csv, optionally .gz). */
  format?: ImportFormat;
  /** Collect invalid records in `rejected` and import the rest (default false: the first one aborts the import). */
  skipInvalid?: boolean;
  /** Show a progress line on stderr (default: when stderr is a terminal). */
  progress?: boolean;
  /** Aborting stops the import at the next batch boundary; nothing is stored (InterruptedError). */
  signal?: AbortSignal;
  /**
   * Told the number of records read so far, every `progressEvery` records
   * (the server's import job shows it to admins); reading waits for a
   * returned promise.
   */
  onProgress?: (read: number) => void | Promise<void>;
  /** Records between onProgress calls (default 256). */
  progressEvery?: number;
}

/** A record left out by `skipInvalid`. */
export interface ImportRejection {
  /** 1-based line where the record starts. */
  line: number;
  id?: string;
  field?: string;
  reason: string;
}

export interface ImportResult {
  file: string;
  format: ImportFormat;
  /** Records read from the file (valid and rejected). */
  read: number;
  inserted: number;
  updated: number;
  /** Records equal to the stored ones, not written again. */
  unchanged: number;
  /** In file order; empty unless skipInvalid. */
  rejected: ImportRejection[];
  /** Papers searchable after the import (the whole collection). */
  searchable: number;
  /** Seconds spent reading, validating and storing. */
  storeSeconds: number;
  /** Seconds spent bringing the index up to date afterwards. */
  indexSeconds: number;
}

/** The format a file name implies, or undefined. */
export function detectFormat(file: string): ImportFormat | undefined {
  const name = file.toLowerCase().replace(/\.gz$/, "");
  if (/\.(jsonl|ndjson|json)$/.test(name)) return "jsonl";
  if (name.endsWith(".csv")) return "csv";
  return undefined;
}

/** One raw record with the line it starts on. */
export interface RawPaperRecord {
  raw: Record<string, unknown>;
  line: number;
}

/**
 * Streams the raw records of a JSONL or CSV file. Malformed lines (bad JSON,
 * wrong CSV column count) throw InvalidFileError naming file:line, or, when
 * `rejected` is given, are appended to it and skipped.
 */
export async function* readRawPapers(file: string, format: ImportFormat, rejected?: ImportRejection[]): AsyncGenerator<RawPaperRecord> {
  if (!existsSync(file)) throw new NotFoundError(`file not found: ${file}`);
  if (statSync(file).isDirectory()) throw new InvalidArgumentError(`${file} is a directory; give a .jsonl or .csv file`);
  if (format === "jsonl") yield* readJsonlPapers(file, rejected);
  else if (format === "csv") yield* readCsvPapers(file, rejected);
  else throw new InvalidArgumentError(`unknown format ${JSON.stringify(format)}: use ${IMPORT_FORMATS.join(" or ")}`);
}

async function* readJsonlPapers(file: string, rejected?: ImportRejection[]): AsyncGenerator<RawPaperRecord> {
  for await (const { line, lineNumber } of readLines(file)) {
    if (line.trim() === "") continue;
    let value: unknown;
    let problem: string | undefined;
    try {
      value = JSON.parse(line);
      if (Array.isArray(value)) problem = "expected a JSON object on this line, got an array (JSONL holds one paper object per line)";
      else if (value === null || typeof value !== "object") problem = "expected a JSON object on this line";
    } catch (error) {
      problem = `invalid JSON: ${(error as Error).message}`;
    }
    if (problem !== undefined) {
      if (!rejected) throw new InvalidFileError(file, problem, lineNumber);
      rejected.push({ line: lineNumber, reason: problem });
      continue;
    }
    yield { raw: value as Record<string, unknown>, line: lineNumber };
  }
}

/** CSV header names, case and "_"/"-"/space insensitive, mapped to the paper fields they hold. */
const CSV_COLUMN_NAMES: Record<string, string> = {
  id: "id",
  arxivid: "id",
  title: "title",
  abstract: "abstract",
  summary: "abstract",
  authors: "authors",
  categories: "categories",
  primarycategory: "primaryCategory",
  date: "date",
  published: "date",
  updated: "updated",
  comment: "comment",
  comments: "comment",
  doi: "doi",
  journalref: "journalRef",
};

const REQUIRED_CSV_COLUMNS = ["id", "title", "date"];

function csvColumns(file: string) {
  return (header: string[]): string[] => {
    const names = header.map((h) => {
      const trimmed = h.trim();
      return CSV_COLUMN_NAMES[trimmed.toLowerCase().replace(/[\s_-]/g, "")] ?? trimmed;
    });
    const missing = REQUIRED_CSV_COLUMNS.filter((c) => !names.includes(c));
    if (missing.length) {
      throw new InvalidFileError(file, `the header row has no ${missing.map((c) => `"${c}"`).join(", ")} column (found: ${header.join(", ")})`, 1);
    }
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new InvalidFileError(file, `the header row names the column "${duplicate}" twice`, 1);
    return names;
  };
}

async function* readCsvPapers(file: string, rejected?: ImportRejection[]): AsyncGenerator<RawPaperRecord> {
  const raw = createReadStream(file);
  const input: Readable = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  // csv-parse's own line count is off by one for CRLF files, so lines are counted
  // here from each record's raw text, in parse order (the header is line 1).
  const lines = new LineCounter(2);
  const parser = parseCsv({
    columns: csvColumns(file),
    bom: true,
    raw: true,
    skip_empty_lines: true,
    skip_records_with_error: rejected !== undefined,
    // with `raw`, csv-parse hands on_record { record, raw }; what it returns is what the iteration yields
    on_record: (entry: { record: Record<string, string>; raw: string }) => ({ record: entry.record, line: lines.advance(entry.raw) }),
    on_skip: (error, rawText) => {
      const line = lines.advance(rawText ?? "");
      if (error) rejected?.push({ line, reason: csvReason(error) });
    },
  });
  // gzip and read errors surface on the parser, which then ends the iteration with them
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const entry of parser as AsyncIterable<{ record: Record<string, string>; line: number }>) {
      yield { raw: entry.record, line: entry.line };
    }
  } catch (error) {
    if (error instanceof TroveError) throw error;
    if (error instanceof CsvError) throw new InvalidFileError(file, csvReason(error), lines.peek(typeof error.raw === "string" ? error.raw : ""));
    throw new InvalidFileError(file, `cannot be read: ${(error as Error).message}`);
  } finally {
    parser.destroy();
    raw.destroy();
  }
}

function csvReason(error: CsvError): string {
  // csv-parse appends "on line N", which counts CRLF files differently; the line is in our prefix
  return `invalid CSV: ${error.message.replace(/,? (?:on|at) line \d+\.?$/, "")}`;
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** Tracks the line where the next record starts, from the records' raw text. */
class LineCounter {
  constructor(private next: number) {}

  /** The line `rawText` starts on (after blank lines), moving past it. */
  advance(rawText: string): number {
    const start = this.peek(rawText);
    this.next += (rawText.match(LINE_BREAK) ?? []).length;
    // a last record without a final line break still ends its line
    if (!/[\r\n]$/.test(rawText)) this.next++;
    return start;
  }

  /** The line `rawText` starts on, without moving. */
  peek(rawText: string): number {
    const blank = /^(?:\r\n|\r|\n)*/.exec(rawText)![0];
    return this.next + (blank.match(LINE_BREAK) ?? []).length;
  }
}

/** Records compared with the stored ones per round trip. */
const COMPARE_BATCH = 500;

/**
 * Imports papers from `file` into `papers` (see the module comment for the
 * guarantees), then brings the index up to date so that they are searchable.
 */
export async function importPapers(papers: Collection, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const format = options.format ?? detectFormat(file);
  if (format === undefined) {
    throw new InvalidArgumentError(`cannot tell the format of ${file} from its name: use --format ${IMPORT_FORMATS.join(" or --format ")}`);
  }
  if (!IMPORT_FORMATS.includes(format)) {
    throw new InvalidArgumentError(`unknown format ${JSON.stringify(format)}: use ${IMPORT_FORMATS.join(" or ")}`);
  }
  const skipInvalid = options.skipInvalid === true;
  const progressEvery = options.progressEvery ?? 256;
  if (!Number.isInteger(progressEvery) || progressEvery < 1) throw new InvalidArgumentError(`progressEvery must be a positive integer, got ${progressEvery}`);
  const rejected: ImportRejection[] = [];
  const progress = new Progress(`importing ${file}`, undefined, { enabled: options.progress });
  const store = papers.store;
  let read = 0;
  let unchanged = 0;
  /** Line of the record most recently handed to the store (the store validates as it pulls). */
  let lastLine = 0;

  async function* valid(): AsyncGenerator<{ paper: Paper; line: number }> {
    for await (const { raw, line } of readRawPapers(file, format!, skipInvalid ? rejected : undefined)) {
      read++;
      if (read % progressEvery === 0) {
        progress.update(read);
        await options.onProgress?.(read);
      }
      let paper: Paper;
      try {
        paper = normalizePaper(raw, { recordNumber: read });
      } catch (error) {
        if (!(error instanceof InvalidRecordError)) throw error;
        if (!skipInvalid) throw new InvalidFileError(file, describeProblem(error), line);
        rejected.push(rejectionOf(error, line));
        continue;
      }
      yield { paper, line };
    }
  }

  // Leaves out papers equal to their stored version. An id seen earlier in this
  // file is always written: the store's committed state does not show that write yet.
  const seen = new Set<string>();
  async function* changed(): AsyncGenerator<Paper> {
    let batch: Array<{ paper: Paper; line: number }> = [];
    const flush = async function* (): AsyncGenerator<Paper> {
      const stored = await store.getRecords(
        papers.name,
        batch.map((b) => b.paper.id),
      );
      for (let i = 0; i < batch.length; i++) {
        const { paper, line } = batch[i];
        const repeated = seen.has(paper.id);
        seen.add(paper.id);
        if (!repeated && samePaper(stored[i], paper)) {
          unchanged++;
          continue;
        }
        lastLine = line;
        yield paper;
      }
      batch = [];
    };
    for await (const item of valid()) {
      batch.push(item);
      if (batch.length >= COMPARE_BATCH) yield* flush();
    }
    if (batch.length) yield* flush();
  }

  const started = performance.now();
  let result;
  try {
    result = await store.putRecords(papers.name, changed(), { signal: options.signal });
  } catch (error) {
    progress.done("stopped; nothing was stored");
    // normalized papers always satisfy the schema; this would be a bug, but name the line anyway
    if (error instanceof InvalidRecordError) throw new InvalidFileError(file, describeProblem(error), lastLine);
    throw error;
  }
  const stored = performance.now();
  progress.done(`${read} records`);
  await papers.sync({ quiet: options.progress === undefined ? undefined : !options.progress });
  const indexed = performance.now();
  rejected.sort((a, b) => a.line - b.line);
  return {
    file,
    format,
    read,
    inserted: result.inserted,
    updated: result.updated,
    unchanged,
    rejected,
    searchable: searchableCount(papers),
    storeSeconds: (stored - started) / 1000,
    indexSeconds: (indexed - stored) / 1000,
  };
}

function rejectionOf(error: InvalidRecordError, line: number): ImportRejection {
  const entry: ImportRejection = { line, reason: problemReason(error) };
  if (error.recordId !== undefined) entry.id = error.recordId;
  if (error.field !== undefined) entry.field = error.field;
  return entry;
}
