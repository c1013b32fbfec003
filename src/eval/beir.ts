/**
 * BEIR dataset directories:
 *
 *     <dir>/corpus.jsonl[.gz]    {"_id", "title", "text", ...} one per line
 *     <dir>/queries.jsonl[.gz]   {"_id", "text", ...}
 *     <dir>/qrels/<split>.tsv    query-id<TAB>corpus-id<TAB>score, header line
 *
 * The corpus is streamed (an async iterator), so corpora of millions of
 * documents are never held in memory at once. Queries are small and are read
 * into a Map. Ids may be JSON strings or integers (some exports write numbers);
 * both become strings. Other fields ("metadata", ...) are ignored.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { InvalidFileError, NotFoundError } from "../core/errors.js";
import { readJsonLines } from "../io/lines.js";
import { readBeirQrels, type Qrels } from "./qrels.js";

export interface BeirDocument {
  id: string;
  title: string;
  text: string;
}

export interface BeirQuery {
  id: string;
  text: string;
}

/** The files of a BEIR dataset directory, resolved. */
export interface BeirDataset {
  dir: string;
  corpusPath: string;
  queriesPath: string;
  /** Splits that have a qrels file, e.g. ["test", "train"]. */
  splits: string[];
}

/** Resolves the files of a BEIR directory; NotFoundError names what is missing. */
export function openBeirDataset(dir: string): BeirDataset {
  if (!existsSync(dir)) throw new NotFoundError(`BEIR dataset directory not found: ${dir}`);
  const qrelsDir = join(dir, "qrels");
  const splits = existsSync(qrelsDir)
    ? readdirSync(qrelsDir)
        .filter((name) => name.endsWith(".tsv"))
        .map((name) => name.slice(0, -".tsv".length))
        .sort()
    : [];
  return { dir, corpusPath: findJsonl(dir, "corpus"), queriesPath: findJsonl(dir, "queries"), splits };
}

/** `<dir>/<name>.jsonl`, else `<dir>/<name>.jsonl.gz`. */
function findJsonl(dir: string, name: string): string {
  const plain = join(dir, `${name}.jsonl`);
  if (existsSync(plain)) return plain;
  const gz = `${plain}.gz`;
  if (existsSync(gz)) return gz;
  throw new NotFoundError(`BEIR ${name} file not found: expected ${plain} or ${gz}`);
}

/**
 * Streams the documents of a BEIR corpus. `source` is the dataset directory
 * or the corpus file itself. Bad JSON or a missing/invalid `_id` or `text`
 * raises InvalidFileError with the line number; `title` may be absent.
 */
export async function* readBeirCorpus(source: string): AsyncGenerator<BeirDocument> {
  const path = source.endsWith(".jsonl") || source.endsWith(".jsonl.gz") ? source : findJsonl(source, "corpus");
  for await (const { record, lineNumber } of readJsonLines(path)) {
    yield {
      id: idField(path, record, lineNumber),
      title: stringField(path, record, "title", lineNumber, false),
      text: stringField(path, record, "text", lineNumber, true),
    };
  }
}

/** Streams the queries of a BEIR dataset (directory or queries file). */
export async function* streamBeirQueries(source: string): AsyncGenerator<BeirQuery> {
  const path = source.endsWith(".jsonl") || source.endsWith(".jsonl.gz") ? source : findJsonl(source, "queries");
  for await (const { record, lineNumber } of readJsonLines(path)) {
    yield { id: idField(path, record, lineNumber), text: stringField(path, record, "text", lineNumber, true) };
  }
}

/**
 * Reads all queries into a Map id -> text, in file order. A query id listed
 * twice is an error.
 */
export async function readBeirQueries(source: string): Promise<Map<string, string>> {
  const path = source.endsWith(".jsonl") || source.endsWith(".jsonl.gz") ? source : findJsonl(source, "queries");
  const queries = new Map<string, string>();
  for await (const { record, lineNumber } of readJsonLines(path)) {
    const id = idField(path, record, lineNumber);
    if (queries.has(id)) throw new InvalidFileError(path, `query id "${id}" appears twice`, lineNumber);
    queries.set(id, stringField(path, record, "text", lineNumber, true));
  }
  return queries;
}

/** Reads `<dir>/qrels/<split>.tsv`. */
export async function readBeirSplitQrels(dir: string, split: string): Promise<Qrels> {
  const path = join(dir, "qrels", `${split}.tsv`);
  if (!existsSync(path)) {
    const available = openBeirDataset(dir).splits;
    throw new NotFoundError(`BEIR qrels for split "${split}" not found: ${path} (available splits: ${available.join(", ") || "none"})`);
  }
  return readBeirQrels(path);
}

function idField(path: string, record: Record<string, unknown>, lineNumber: number): string {
  const id = record._id;
  if (typeof id === "string" && id !== "") return id;
  if (typeof id === "number" && Number.isSafeInteger(id)) return String(id);
  throw new InvalidFileError(path, `expected "_id" to be a non-empty string, got ${describe(id)}`, lineNumber);
}

function stringField(path: string, record: Record<string, unknown>, field: string, lineNumber: number, required: boolean): string {
  const value = record[field];
  if (typeof value === "string") return value;
  if (!required && (value === undefined || value === null)) return "";
  throw new InvalidFileError(path, `expected "${field}" to be a string, got ${describe(value)}`, lineNumber);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (field missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`;
}
