/**
 * The arXiv API's wire format: the query URL of one page of a category's
 * papers, and the Atom feed that answers it (Atom 1.0 with `opensearch:`
 * paging elements and `arxiv:` extension elements, as documented in
 * https://info.arxiv.org/help/api/user-manual.html), parsed into raw paper
 * records for normalizePaper. Errors of the API live here too.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { TroveError, UnavailableError } from "../../../src/core/errors.js";

/** The arXiv API's query endpoint. */
export const ARXIV_API_URL = "http://export.arxiv.org/api/query";

/** arXiv asks clients to wait 3 seconds between requests. */
export const ARXIV_REQUEST_INTERVAL_MS = 3000;

/** The arXiv API refused the request (an error feed or a 4xx answer); retrying will not help. */
export class ArxivApiError extends TroveError {
  readonly url: string;
  readonly status: number | undefined;

  constructor(message: string, url: string, status?: number) {
    super("INVALID_ARGUMENT", message);
    this.name = "ArxivApiError";
    this.url = url;
    this.status = status;
  }
}

/**
 * The arXiv API could not be reached or kept failing after the retries.
 * Its code is "UNAVAILABLE" (exit status 1 in the CLI).
 */
export class ArxivUnavailableError extends UnavailableError {
  readonly url: string;

  constructor(message: string, url: string) {
    super(message);
    this.name = "ArxivUnavailableError";
    this.url = url;
  }
}

export interface ArxivPageRequest {
  /** An arXiv category such as "cs.IR". */
  category: string;
  /** 0-based index of the first result. */
  start: number;
  /** Results per page. */
  maxResults: number;
}

/** The URL of one page of a category's papers, newest submissions first. */
export function buildArxivQueryUrl(baseUrl: string, request: ArxivPageRequest): string {
  const url = new URL(baseUrl);
  url.searchParams.set("search_query", `cat:${request.category}`);
  url.searchParams.set("sortBy", "submittedDate");
  url.searchParams.set("sortOrder", "descending");
  url.searchParams.set("start", String(request.start));
  url.searchParams.set("max_results", String(request.maxResults));
  return url.toString();
}

/** One parsed page of results. */
export interface ArxivFeedPage {
  /** Size of the whole result set (opensearch:totalResults). */
  totalResults: number;
  /** Index of this page's first entry (opensearch:startIndex). */
  startIndex: number;
  /** Page size asked for (opensearch:itemsPerPage). */
  itemsPerPage: number;
  /** The entries as raw paper records (the input of normalizePaper), in feed order. */
  entries: Array<Record<string, unknown>>;
}

const ARRAY_ELEMENTS = new Set(["entry", "author", "category", "link"]);

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  // "arxiv:comment" -> "comment", "opensearch:totalResults" -> "totalResults": no Atom element shares those names
  removeNSPrefix: true,
  // keep every value a string: "2501.00010" must not become a number
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
});

export type XmlNode = Record<string, unknown>;

/**
 * Parses an arXiv API Atom feed. Throws ArxivApiError for arXiv's error feed
 * (a single entry whose id points at /api/errors) and ArxivUnavailableError
 * for a body that is not an Atom feed.
 */
export function parseArxivFeed(xml: string, source: string): ArxivFeedPage {
  const read = readFeed(xml);
  if (typeof read === "string") throw new ArxivUnavailableError(`${source}: ${read}`, source);
  return pageOf(read, source);
}

/** The <feed> element of an Atom document, or why `body` is not one. */
export function readFeed(body: string): XmlNode | string {
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    return `the answer is not an Atom feed (${valid.err.msg} at line ${valid.err.line}); it starts with ${JSON.stringify(body.slice(0, 80))}`;
  }
  const feed = (xmlParser.parse(body) as XmlNode).feed;
  if (!feed || typeof feed !== "object" || Array.isArray(feed)) return "the answer is XML but not an Atom feed (no <feed> element)";
  return feed as XmlNode;
}

export function pageOf(feed: XmlNode, source: string): ArxivFeedPage {
  const entries = (feed.entry as XmlNode[] | undefined) ?? [];
  const error = entries.find((e) => /\/api\/errors/.test(text(e.id)));
  if (error) {
    throw new ArxivApiError(`arXiv API error: ${oneLine(text(error.summary)) || "unspecified"} (${source})`, source);
  }
  return {
    totalResults: integer(feed.totalResults, entries.length),
    startIndex: integer(feed.startIndex, 0),
    itemsPerPage: integer(feed.itemsPerPage, entries.length),
    entries: entries.map(entryRecord),
  };
}

function entryRecord(entry: XmlNode): Record<string, unknown> {
  const links: Record<string, string> = {};
  for (const link of (entry.link as XmlNode[] | undefined) ?? []) {
    const href = attr(link, "href");
    if (!href) continue;
    const title = attr(link, "title");
    if (attr(link, "rel") === "alternate" && !links.abs) links.abs = href;
    else if (title === "pdf") links.pdf = href;
    else if (title === "doi") links.doi = href;
  }
  return {
    id: text(entry.id),
    title: text(entry.title),
    abstract: text(entry.summary),
    authors: ((entry.author as XmlNode[] | undefined) ?? []).map((a) => text(a.name)),
    primaryCategory: attr(entry.primary_category, "term"),
    categories: ((entry.category as XmlNode[] | undefined) ?? []).map((c) => attr(c, "term")).filter(Boolean),
    date: text(entry.published),
    updated: text(entry.updated),
    comment: text(entry.comment),
    doi: text(entry.doi),
    journalRef: text(entry.journal_ref),
    links,
  };
}

/** An element's text, whether the parser gave a string or an object with attributes. */
function text(node: unknown): string {
  if (typeof node === "string") return node;
  if (node !== null && typeof node === "object" && !Array.isArray(node)) {
    const t = (node as XmlNode)["#text"];
    return typeof t === "string" ? t : "";
  }
  return "";
}

function attr(node: unknown, name: string): string {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return "";
  const v = (node as XmlNode)[`@_${name}`];
  return typeof v === "string" ? v : "";
}

function integer(node: unknown, fallback: number): number {
  const n = Number.parseInt(text(node).trim(), 10);
  return Number.isFinite(n) ? n : fallback;
}

export function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
