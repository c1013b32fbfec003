/**
 * Paper Radar's papers: the collection schema, the normalization every paper
 * goes through before it is stored (whatever its source: a JSONL or CSV
 * import, an arXiv Atom feed), and `openPapers`, which opens (or creates) the
 * "papers" collection with its BM25 index under a data directory.
 *
 * One normalized shape means the index, the facets and the web app see the
 * same values whatever the source: an arXiv id without its version, titles and
 * abstracts on one line, authors and categories as lists (primary category
 * first), dates as YYYY-MM-DD.
 */
import { join } from "node:path";
import { InvalidArgumentError, InvalidFileError, InvalidRecordError } from "../../src/core/errors.js";
import type { CollectionSchema, StoredRecord } from "../../src/core/schema.js";
import { Collection } from "../../src/engine/collection.js";
import { ensureCollection } from "../../src/store/ensure-collection.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";

/** Where Paper Radar keeps its store and indexes unless told otherwise (CLI and web app). */
export const DEFAULT_RADAR_DATA_DIR = ".trove/radar";

/** Name of the collection that holds the papers. */
export const PAPERS_COLLECTION = "papers";

/**
 * The papers collection's schema. `links`, `doi` and `journalRef` are stored
 * but not indexed (undeclared fields are kept as they are).
 */
export const PAPER_SCHEMA = {
  fields: {
    title: { type: "text", boost: 2, required: true },
    abstract: { type: "text" },
    authors: { type: "keyword", multi: true },
    categories: { type: "keyword", multi: true },
    primaryCategory: { type: "keyword" },
    date: { type: "date", required: true },
    updated: { type: "date" },
    comment: { type: "text" },
    embedding: { type: "vector", dimensions: 256, metric: "cosine" },
  },
} as const satisfies CollectionSchema;

/**
 * The vector field of semantic search: each paper's title and abstract
 * embedded by Trove's own encoder trained on the papers, or by a configured
 * model (paper-embeddings.ts fills it; `<field>_encoder` names the encoder
 * of each vector). Never part of a paper as the API shows it.
 */
export const EMBEDDING_FIELD = "embedding";

/** The fields the embedding job adds to a stored paper (the vector and the id of its encoder). */
export const EMBEDDING_RECORD_FIELDS: readonly string[] = [EMBEDDING_FIELD, `${EMBEDDING_FIELD}_encoder`];

/** The papers schema with an embedding field of `dimensions` (default 256: Trove's own encoder). */
export function paperSchema(dimensions: number = PAPER_SCHEMA.fields.embedding.dimensions): CollectionSchema {
  return { fields: { ...PAPER_SCHEMA.fields, embedding: { ...PAPER_SCHEMA.fields.embedding, dimensions } } };
}

/** A stored paper as a Paper: without the embedding fields (what the API, feeds, digests and exports show). */
export function storedPaper(record: StoredRecord): Paper {
  return withoutEmbedding(record) as unknown as Paper;
}

/** A stored paper without the embedding fields (what the API and exports show). */
export function withoutEmbedding(record: StoredRecord): StoredRecord {
  if (!(EMBEDDING_FIELD in record) && !(EMBEDDING_RECORD_FIELDS[1] in record)) return record;
  const out: StoredRecord = { ...record };
  for (const f of EMBEDDING_RECORD_FIELDS) delete out[f];
  return out;
}

/**
 * Makes sure the papers collection exists with the current schema: creates
 * it, or, for a data directory made before papers had an embedding field,
 * adds the field (Store.updateSchema; the index rebuilds itself once when
 * Collection.open sees the new field). A field already there with other
 * dimensions is an error naming both.
 */
export async function ensurePapersCollection(store: Store, dimensions?: number): Promise<void> {
  const schema = paperSchema(dimensions);
  await ensureCollection(store, PAPERS_COLLECTION, schema);
  const info = await store.getCollection(PAPERS_COLLECTION);
  const stored = info.schema.fields[EMBEDDING_FIELD];
  const wanted = schema.fields[EMBEDDING_FIELD] as { dimensions: number };
  if (stored === undefined) {
    await store.updateSchema(PAPERS_COLLECTION, { ...info.schema, fields: { ...info.schema.fields, [EMBEDDING_FIELD]: schema.fields[EMBEDDING_FIELD] } });
  } else if (stored.type !== "vector" || stored.dimensions !== wanted.dimensions) {
    throw new InvalidArgumentError(
      `the papers in ${store.location} hold ${stored.type === "vector" ? `${stored.dimensions}-dimensional vectors` : `a ${stored.type} field`} in "${EMBEDDING_FIELD}"; the configured encoder makes ${wanted.dimensions}-dimensional ones (use an encoder of ${stored.type === "vector" ? stored.dimensions : wanted.dimensions} dimensions, or import the papers into a new data directory)`,
    );
  }
}

export interface PaperLinks {
  /** The abstract page. */
  abs?: string;
  pdf?: string;
  /** The resolved DOI. */
  doi?: string;
}

/** A paper as stored. Optional fields are absent (never null) when unknown. */
export interface Paper {
  /** arXiv id without version ("2503.12855", "hep-ex/0307015"), or the source's own id for other papers. */
  id: string;
  /** One line, whitespace collapsed. */
  title: string;
  /** One line, whitespace collapsed; "" when the source has none. */
  abstract: string;
  /** Author names in the order given. */
  authors: string[];
  /** Categories without duplicates, the primary one first. */
  categories: string[];
  /** The primary category (equal to categories[0]); absent when there are no categories. */
  primaryCategory?: string;
  /** Submission date of the first version, YYYY-MM-DD. */
  date: string;
  /** Date of the latest version, YYYY-MM-DD. */
  updated?: string;
  comment?: string;
  doi?: string;
  journalRef?: string;
  links?: PaperLinks;
}

/** Where a raw record came from, so that errors can name it. */
export interface PaperSource {
  /** File (or URL) the record was read from; when given, errors are InvalidFileError naming file:line. */
  file?: string;
  /** 1-based line of the record in `file`. */
  line?: number;
  /** 1-based position of the record in its input (used when there is no file). */
  recordNumber?: number;
}

const MAX_ID_LENGTH = 512;
const NEW_ARXIV_ID = /^\d{4}\.\d{4,5}$/;
const OLD_ARXIV_ID = /^[a-z][a-z-]*(\.[A-Z]{2})?\/\d{7}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
/** An arXiv category code: "cs.IR", "hep-ex", "physics.comp-ph" (ACM and MSC classes such as "H.3.3" or "68T50" are not). */
export const ARXIV_CATEGORY = /^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$/;

/**
 * Validates and normalizes one input record into a Paper.
 *
 * Accepted input (field aliases in brackets):
 * - `id`: a string; "arXiv:2503.12855v2", "https://arxiv.org/abs/2503.12855v2" and "2503.12855v2"
 *   all become "2503.12855". Other ids are kept as given (trimmed, no whitespace). Numbers are
 *   refused: a JSON number loses an id's trailing zeros.
 * - `title` (required), `abstract` [`summary`]: strings; whitespace runs become one space.
 * - `authors`: a list of names (or of `{ name }` objects), or one string holding a JSON array or
 *   names separated by ";" or "|".
 * - `categories`: a list, or one string holding a JSON array or codes separated by ";", "|", or
 *   whitespace; `primaryCategory` [`primary_category`] moves to the front (default: the first
 *   arXiv-style category).
 * - `date` [`published`] (required), `updated`: YYYY-MM-DD or an ISO 8601 timestamp; the calendar
 *   date as written is kept.
 * - `comment`, `doi`, `journalRef` [`journal_ref`]: optional strings; `links`: optional `{ abs, pdf, doi }`.
 * Other fields are dropped. Empty strings and null count as absent.
 *
 * Throws InvalidFileError (when `where.file` is given) or InvalidRecordError naming the field.
 */
export function normalizePaper(raw: unknown, where: PaperSource = {}): Paper {
  try {
    return normalize(raw, where.recordNumber);
  } catch (error) {
    if (where.file !== undefined && error instanceof InvalidRecordError) {
      throw new InvalidFileError(where.file, describeProblem(error), where.line);
    }
    throw error;
  }
}

/** `id "2503.1", field "date": expected ...` — an InvalidRecordError's message without its record number. */
export function describeProblem(error: InvalidRecordError): string {
  const place = [error.recordId !== undefined ? `id "${error.recordId}"` : undefined, error.field !== undefined ? `field "${error.field}"` : undefined]
    .filter(Boolean)
    .join(", ");
  const reason = problemReason(error);
  return place ? `${place}: ${reason}` : reason;
}

/** An InvalidRecordError's message without the "record N, id ..., field ...: " prefix. */
export function problemReason(error: InvalidRecordError): string {
  const prefix = new InvalidRecordError("", { recordNumber: error.recordNumber, recordId: error.recordId, field: error.field }).message;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

function normalize(raw: unknown, recordNumber: number | undefined): Paper {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new InvalidRecordError("expected an object with the paper's fields", { recordNumber });
  }
  const rec = raw as Record<string, unknown>;
  const id = normalizeId(rec.id, recordNumber);
  const fail = (field: string, message: string): never => {
    throw new InvalidRecordError(message, { recordNumber, recordId: id, field });
  };

  const title = oneLine(text(rec.title, "title", fail));
  if (!title) fail("title", "required: expected a non-empty string");
  const abstractField = present(rec.abstract) ? "abstract" : "summary";
  const abstract = oneLine(text(rec[abstractField], abstractField, fail));
  const authors = normalizeAuthors(rec.authors, fail);

  const primaryField = present(rec.primaryCategory) ? "primaryCategory" : "primary_category";
  const primaryRaw = oneLine(text(rec[primaryField], primaryField, fail));
  const categories = normalizeCategories(rec.categories, fail);
  const primaryCategory = primaryRaw || categories.find((c) => ARXIV_CATEGORY.test(c)) || categories[0];
  if (primaryCategory) {
    const at = categories.indexOf(primaryCategory);
    if (at >= 0) categories.splice(at, 1);
    categories.unshift(primaryCategory);
  }

  const dateField = present(rec.date) ? "date" : "published";
  const date = normalizeDate(rec[dateField], dateField, fail);
  if (date === undefined) fail("date", "required: expected a date YYYY-MM-DD (or an ISO 8601 timestamp)");
  const updated = normalizeDate(rec.updated, "updated", fail);

  const paper: Paper = { id, title, abstract, authors, categories, ...(primaryCategory ? { primaryCategory } : {}), date: date as string };
  if (updated !== undefined) paper.updated = updated;
  const comment = oneLine(text(rec.comment, "comment", fail));
  if (comment) paper.comment = comment;
  const doi = oneLine(text(rec.doi, "doi", fail));
  if (doi) paper.doi = doi;
  const journalField = present(rec.journalRef) ? "journalRef" : "journal_ref";
  const journalRef = oneLine(text(rec[journalField], journalField, fail));
  if (journalRef) paper.journalRef = journalRef;
  const links = normalizeLinks(rec.links, fail);
  if (links) paper.links = links;
  return paper;
}

/** Strips "arXiv:", an abs/pdf URL prefix and a version suffix from arXiv ids; other ids are kept. */
export function normalizeArxivId(value: string): string {
  let id = value.trim();
  const url = /^https?:\/\/(?:export\.|www\.)?arxiv\.org\/(?:abs|pdf)\/(.+?)(?:\.pdf)?$/i.exec(id);
  if (url) id = url[1];
  id = id.replace(/^arxiv:/i, "");
  const unversioned = id.replace(/v\d+$/, "");
  return NEW_ARXIV_ID.test(unversioned) || OLD_ARXIV_ID.test(unversioned) ? unversioned : id;
}

function normalizeId(value: unknown, recordNumber: number | undefined): string {
  const where = { recordNumber, field: "id" };
  if (typeof value === "number") {
    throw new InvalidRecordError(`expected the id as a string, got the number ${value} (a number loses trailing zeros: write "2501.10010", not 2501.1001)`, where);
  }
  if (typeof value !== "string" || value.trim() === "") throw new InvalidRecordError("required: expected a non-empty string", where);
  const id = normalizeArxivId(value);
  if (/\s/.test(id)) throw new InvalidRecordError(`expected an id without whitespace, got ${quote(id)}`, where);
  if (id.length > MAX_ID_LENGTH) throw new InvalidRecordError(`expected at most ${MAX_ID_LENGTH} characters, got ${id.length}`, where);
  return id;
}

type Fail = (field: string, message: string) => never;

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/** A string field's value, "" when absent. */
function text(value: unknown, field: string, fail: Fail): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") return fail(field, `expected a string, got ${kind(value)}`);
  return value;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

/** A list from an array, or from a string holding a JSON array or separated values. */
function listOf(value: unknown, field: string, fail: Fail, separators: RegExp): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (typeof value !== "string") return fail(field, `expected a list of strings, got ${kind(value)}`);
  const trimmed = value.trim();
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      return fail(field, `looks like a JSON array but is not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed)) return fail(field, "expected a JSON array");
    return parsed;
  }
  return trimmed.split(separators);
}

function normalizeAuthors(value: unknown, fail: Fail): string[] {
  const out: string[] = [];
  const items = listOf(value, "authors", fail, /[;|]/);
  items.forEach((item, i) => {
    const name = typeof item === "string" ? item : item !== null && typeof item === "object" && !Array.isArray(item) ? (item as { name?: unknown }).name : undefined;
    if (typeof name !== "string") fail("authors", `entry ${i + 1}: expected a name (a string or an object with a "name"), got ${kind(item)}`);
    const clean = oneLine(name as string);
    if (clean && !out.includes(clean)) out.push(clean);
  });
  return out;
}

function normalizeCategories(value: unknown, fail: Fail): string[] {
  const out: string[] = [];
  const separators = typeof value === "string" && /[;|]/.test(value) ? /[;|]/ : /\s+/;
  const items = listOf(value, "categories", fail, separators);
  items.forEach((item, i) => {
    if (typeof item !== "string") fail("categories", `entry ${i + 1}: expected a string, got ${kind(item)}`);
    const clean = oneLine(item as string);
    if (clean && !out.includes(clean)) out.push(clean);
  });
  return out;
}

/** YYYY-MM-DD from a date or timestamp, checking that the day exists; undefined when absent. */
function normalizeDate(value: unknown, field: string, fail: Fail): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return fail(field, `expected a date YYYY-MM-DD as a string, got ${kind(value)}`);
  const m = ISO_DATE.exec(value.trim());
  if (!m) return fail(field, `expected a date YYYY-MM-DD (or an ISO 8601 timestamp), got ${quote(value)}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return fail(field, `no such day: ${quote(value)}`);
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/**
 * `value` when it is an absolute http(s) URL (trimmed), else undefined. Links
 * are rendered as `href`, so `javascript:`, `data:` and other schemes must
 * never get that far: imports refuse them, and renderers check again for
 * what was stored before that rule.
 */
export function httpUrl(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" ? text : undefined;
  } catch {
    return undefined;
  }
}

function normalizeLinks(value: unknown, fail: Fail): PaperLinks | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) return fail("links", `expected an object { abs, pdf, doi }, got ${kind(value)}`);
  const links: PaperLinks = {};
  for (const key of ["abs", "pdf", "doi"] as const) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v !== "string") fail("links", `${key}: expected a URL string, got ${kind(v)}`);
    const url = httpUrl(v);
    if (url === undefined) fail("links", `${key}: expected an http:// or https:// URL, got ${quote(v as string)}`);
    links[key] = url!;
  }
  return Object.keys(links).length ? links : undefined;
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${quote(value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** The store and the searchable papers collection, opened together. */
export interface RadarPapers {
  store: Store;
  papers: Collection;
  /** Closes the index, then the store. */
  close(): Promise<void>;
}

/**
 * Opens the store (`options.store`, a postgres:// URL shared by several
 * nodes, or else the SQLite file under `dataDir`) and the "papers" collection
 * with its index under `<dataDir>/indexes`, creating the collection when it
 * is missing and bringing the index up to date with the store.
 */
export async function openPapers(dataDir: string = DEFAULT_RADAR_DATA_DIR, options: { quiet?: boolean; store?: string; embeddingDimensions?: number } = {}): Promise<RadarPapers> {
  const store = await openStore(options.store ?? dataDir);
  try {
    await ensurePapersCollection(store, options.embeddingDimensions);
    const papers = await Collection.open(store, PAPERS_COLLECTION, join(dataDir, "indexes"), { quiet: options.quiet });
    return {
      store,
      papers,
      async close() {
        try {
          await papers.close();
        } finally {
          await store.close();
        }
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** True when `stored` is exactly `paper` (both are plain JSON with keys in normalizePaper's order). */
export function samePaper(stored: StoredRecord | undefined, paper: Paper): boolean {
  return stored !== undefined && JSON.stringify(withoutEmbedding(stored)) === JSON.stringify(paper);
}

/**
 * Upserts normalized papers in one transaction, leaving out those equal to
 * their stored version. Does not update the index: call `papers.sync()` (or
 * search through a Collection opened later) to make them searchable.
 */
export async function storePapers(papers: Collection, list: readonly Paper[]): Promise<{ inserted: number; updated: number; unchanged: number }> {
  if (list.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const stored = await papers.store.getRecords(
    papers.name,
    list.map((p) => p.id),
  );
  const seen = new Set<string>();
  const changed: Paper[] = [];
  list.forEach((paper, i) => {
    const repeated = seen.has(paper.id);
    seen.add(paper.id);
    if (repeated || !samePaper(stored[i], paper)) changed.push(paper);
  });
  if (changed.length === 0) return { inserted: 0, updated: 0, unchanged: list.length };
  const result = await papers.store.putRecords(papers.name, changed);
  return { inserted: result.inserted, updated: result.updated, unchanged: list.length - changed.length };
}
