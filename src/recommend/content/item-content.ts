/**
 * What is known about an item besides its interactions: text and attributes
 * (title, description, brand, categories, price, other attributes). Read from
 * JSONL, CSV/TSV or RecBole `.item` files; several files may describe the same
 * items (Amazon Beauty's `Beauty_item_text.jsonl.gz` has titles, brands and
 * category paths, `Beauty_item_meta.jsonl.gz` S3-Rec's attributes) and are
 * merged by item id: a later file fills fields an earlier one left empty and
 * adds attributes.
 *
 * Field names are matched case-insensitively against the usual spellings
 * (`item_id`/`id`/`item`, `title`/`name`, `categories`/`category`/`genre`...);
 * `mapping` names them explicitly. Every malformed line raises
 * InvalidFileError naming the file, the line and the field.
 */
import { basename } from "node:path";
import { InvalidArgumentError, InvalidFileError } from "../../core/errors.js";
import { readJsonLines, readLines } from "../../io/lines.js";
import type { IdDictionary } from "../interactions.js";
import { parseCsvLine } from "../io/tabular.js";

export interface ItemContent {
  id: string;
  title?: string;
  description?: string;
  brand?: string;
  /** Category names (each element of each category path, deduplicated, in order). */
  categories?: string[];
  price?: number;
  /** Other attribute values, e.g. "color:red" or S3-Rec attribute names. */
  attributes?: string[];
}

export type ItemContentFormat = "jsonl" | "csv" | "recbole";

/** Source field names per content field (the first one a file has is used). */
export interface ItemContentMapping {
  id: string[];
  title: string[];
  description: string[];
  brand: string[];
  categories: string[];
  price: string[];
  attributes: string[];
}

export const DEFAULT_ITEM_CONTENT_MAPPING: ItemContentMapping = {
  id: ["item_id", "id", "item", "itemid"],
  title: ["title", "name", "movie_title", "item_name"],
  description: ["description", "desc", "abstract", "summary", "text"],
  brand: ["brand", "manufacturer", "author"],
  categories: ["categories", "category", "genre", "genres", "class"],
  price: ["price"],
  attributes: ["attributes", "tags", "keywords"],
};

export interface ReadItemContentOptions {
  format?: ItemContentFormat;
  /** Field names to use instead of the defaults (a string or a list, per content field). */
  mapping?: Partial<Record<keyof ItemContentMapping, string | string[]>>;
  /** CSV delimiter (default "," or a tab for .tsv). */
  delimiter?: string;
}

/** The format a content file would be read as, by its name. */
export function detectItemContentFormat(path: string): ItemContentFormat {
  const name = basename(path).toLowerCase().replace(/\.gz$/, "");
  if (name.endsWith(".item")) return "recbole";
  if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) return "jsonl";
  if (name.endsWith(".csv") || name.endsWith(".tsv")) return "csv";
  throw new InvalidArgumentError(`cannot tell the item content format of "${path}" from its name (expected .jsonl, .csv, .tsv or RecBole .item)`);
}

/** Item content keyed by item id. */
export class ItemContentTable {
  private readonly byId = new Map<string, ItemContent>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): ItemContent | undefined {
    return this.byId.get(id);
  }

  ids(): IterableIterator<string> {
    return this.byId.keys();
  }

  /** Adds an item, merging with what is already known about it. */
  add(item: ItemContent): void {
    const old = this.byId.get(item.id);
    this.byId.set(item.id, old ? mergeContent(old, item) : { ...item });
  }

  /** Merges another table into this one (its values fill fields left empty here). */
  merge(other: ItemContentTable): this {
    for (const item of other.byId.values()) this.add(item);
    return this;
  }

  /** Content per item index of a dictionary (undefined where nothing is known). */
  alignTo(items: IdDictionary | readonly string[]): (ItemContent | undefined)[] {
    const ids = Array.isArray(items) ? (items as readonly string[]) : (items as IdDictionary).toArray();
    return ids.map((id) => this.byId.get(id));
  }

  static fromItems(items: Iterable<ItemContent>): ItemContentTable {
    const table = new ItemContentTable();
    for (const item of items) table.add(item);
    return table;
  }
}

function mergeContent(a: ItemContent, b: ItemContent): ItemContent {
  const union = (x?: string[], y?: string[]) => (x || y ? [...new Set([...(x ?? []), ...(y ?? [])])] : undefined);
  const out: ItemContent = {
    id: a.id,
    title: a.title ?? b.title,
    description: a.description ?? b.description,
    brand: a.brand ?? b.brand,
    categories: union(a.categories, b.categories),
    price: a.price ?? b.price,
    attributes: union(a.attributes, b.attributes),
  };
  for (const key of Object.keys(out) as (keyof ItemContent)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/** Reads one content file. */
export async function readItemContent(path: string, options: ReadItemContentOptions = {}): Promise<ItemContentTable> {
  const format = options.format ?? detectItemContentFormat(path);
  const mapping = resolveMapping(options.mapping);
  const table = new ItemContentTable();
  if (format === "jsonl") {
    for await (const { record, lineNumber } of readJsonLines(path)) {
      table.add(contentFromRecord(record, mapping, (field, message) => new InvalidFileError(path, `field "${field}": ${message}`, lineNumber)));
    }
  } else if (format === "csv") {
    await readCsvContent(path, mapping, options.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? "\t" : ","), table);
  } else if (format === "recbole") {
    await readRecBoleItems(path, mapping, table);
  } else {
    throw new InvalidArgumentError(`unknown item content format "${String(format)}" (expected jsonl, csv or recbole)`);
  }
  return table;
}

/** Reads and merges several content files, in order. */
export async function loadItemContent(paths: readonly string[], options: ReadItemContentOptions = {}): Promise<ItemContentTable> {
  if (paths.length === 0) throw new InvalidArgumentError("no item content file given");
  const table = new ItemContentTable();
  for (const path of paths) table.merge(await readItemContent(path, options));
  return table;
}

function resolveMapping(mapping: ReadItemContentOptions["mapping"]): ItemContentMapping {
  const out = { ...DEFAULT_ITEM_CONTENT_MAPPING };
  for (const [key, value] of Object.entries(mapping ?? {})) {
    if (!(key in out)) throw new InvalidArgumentError(`item content mapping: unknown field "${key}" (fields: ${Object.keys(out).join(", ")})`);
    if (value !== undefined) out[key as keyof ItemContentMapping] = Array.isArray(value) ? value : [value as string];
  }
  return out;
}

type Fail = (field: string, message: string) => Error;

const HTML_ENTITIES: Readonly<Record<string, string>> = { amp: "&", quot: '"', apos: "'", lt: "<", gt: ">", nbsp: " " };

/** Decodes the HTML entities common in scraped catalog text (`&amp;`, `&#39;`, `&#x27;`). */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return HTML_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

function pick(record: Record<string, unknown>, names: readonly string[]): { name: string; value: unknown } | undefined {
  for (const name of names) {
    if (name in record) return { name, value: record[name] };
    const lower = name.toLowerCase();
    for (const key of Object.keys(record)) if (key.toLowerCase() === lower) return { name: key, value: record[key] };
  }
  return undefined;
}

function text(field: { name: string; value: unknown } | undefined, fail: Fail): string | undefined {
  if (!field || field.value === null || field.value === undefined) return undefined;
  if (typeof field.value === "number") return String(field.value);
  if (typeof field.value !== "string") throw fail(field.name, `expected a string, got ${JSON.stringify(field.value).slice(0, 60)}`);
  const s = decodeHtmlEntities(field.value).trim();
  return s === "" ? undefined : s;
}

/** Strings, lists of strings or lists of lists (category paths), flattened and deduplicated. */
function stringList(field: { name: string; value: unknown } | undefined, fail: Fail, separator: RegExp): string[] | undefined {
  if (!field || field.value === null || field.value === undefined) return undefined;
  const out: string[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === "string") {
      for (const part of v.split(separator)) {
        const s = decodeHtmlEntities(part).trim();
        if (s !== "") out.push(s);
      }
    } else if (typeof v === "number") out.push(String(v));
    else if (Array.isArray(v) && depth < 3) for (const x of v) visit(x, depth + 1);
    else throw fail(field.name, `expected a string or a list of strings, got ${JSON.stringify(v).slice(0, 60)}`);
  };
  visit(field.value, 0);
  const unique = [...new Set(out)];
  return unique.length > 0 ? unique : undefined;
}

function price(field: { name: string; value: unknown } | undefined, fail: Fail): number | undefined {
  if (!field || field.value === null || field.value === undefined || field.value === "") return undefined;
  const raw = typeof field.value === "string" ? field.value.replace(/[$€£,\s]/g, "") : field.value;
  const n = typeof raw === "number" ? raw : Number(raw);
  if (typeof raw === "string" && raw === "") return undefined;
  if (!Number.isFinite(n) || n < 0) throw fail(field.name, `expected a non-negative number, got ${JSON.stringify(field.value)}`);
  return n;
}

function contentFromRecord(record: Record<string, unknown>, m: ItemContentMapping, fail: Fail, listSeparator = /\|/): ItemContent {
  const idField = pick(record, m.id);
  if (!idField || idField.value === null || idField.value === undefined || idField.value === "") throw fail(m.id[0], "missing item id");
  if (typeof idField.value !== "string" && typeof idField.value !== "number") throw fail(idField.name, `item id must be a string or a number, got ${JSON.stringify(idField.value)}`);
  const item: ItemContent = { id: String(idField.value) };
  const title = text(pick(record, m.title), fail);
  const description = text(pick(record, m.description), fail);
  const brand = text(pick(record, m.brand), fail);
  const categories = stringList(pick(record, m.categories), fail, listSeparator);
  const cost = price(pick(record, m.price), fail);
  const attributes = stringList(pick(record, m.attributes), fail, listSeparator);
  if (title !== undefined) item.title = title;
  if (description !== undefined) item.description = description;
  if (brand !== undefined) item.brand = brand;
  if (categories !== undefined) item.categories = categories;
  if (cost !== undefined) item.price = cost;
  if (attributes !== undefined) item.attributes = attributes;
  return item;
}

async function readCsvContent(path: string, mapping: ItemContentMapping, delimiter: string, table: ItemContentTable): Promise<void> {
  let header: string[] | undefined;
  for await (const { line, lineNumber } of readLines(path)) {
    if (line.trim() === "") continue;
    const fields = parseCsvLine(line, delimiter);
    if (fields === null) throw new InvalidFileError(path, "unterminated quoted field (a quoted field may not span lines)", lineNumber);
    if (!header) {
      header = fields.map((f) => f.trim());
      continue;
    }
    if (fields.length !== header.length) throw new InvalidFileError(path, `expected ${header.length} fields as in the header, got ${fields.length}`, lineNumber);
    const record: Record<string, unknown> = {};
    header.forEach((name, c) => (record[name] = fields[c]));
    table.add(contentFromRecord(record, mapping, (field, message) => new InvalidFileError(path, `field "${field}": ${message}`, lineNumber)));
  }
}

/**
 * RecBole `.item`: a `name:type` header (token, token_seq, float, float_seq);
 * token_seq values are space-separated. Columns that are no known content
 * field become attributes `name:value` (token and token_seq columns only).
 */
async function readRecBoleItems(path: string, mapping: ItemContentMapping, table: ItemContentTable): Promise<void> {
  let columns: { name: string; type: string }[] | undefined;
  const known = new Set(Object.values(mapping).flat().map((n) => n.toLowerCase()));
  for await (const { line, lineNumber } of readLines(path)) {
    if (columns === undefined) {
      columns = line.split("\t").map((spec, c) => {
        const colon = spec.lastIndexOf(":");
        const name = colon > 0 ? spec.slice(0, colon).trim() : "";
        const type = colon > 0 ? spec.slice(colon + 1).trim() : "";
        if (!name || !["token", "token_seq", "float", "float_seq"].includes(type)) {
          throw new InvalidFileError(path, `header column ${c + 1} must be "name:type" with type token, token_seq, float or float_seq; got ${JSON.stringify(spec)}`, lineNumber);
        }
        return { name, type };
      });
      continue;
    }
    if (line.trim() === "") continue;
    const fields = line.split("\t");
    if (fields.length !== columns.length) throw new InvalidFileError(path, `expected ${columns.length} tab-separated fields as in the header, got ${fields.length}`, lineNumber);
    const record: Record<string, unknown> = {};
    const extra: string[] = [];
    columns.forEach((col, c) => {
      const value = fields[c];
      const isList = col.type === "token_seq" && !mapping.title.includes(col.name) && !mapping.description.includes(col.name);
      record[col.name] = isList ? value.split(" ").filter((s) => s !== "") : value;
      if (!known.has(col.name.toLowerCase()) && (col.type === "token" || col.type === "token_seq") && value.trim() !== "") {
        for (const v of col.type === "token" ? [value.trim()] : value.split(" ").filter((s) => s !== "")) extra.push(`${col.name}:${v}`);
      }
    });
    const fail: Fail = (field, message) => new InvalidFileError(path, `field "${field}": ${message}`, lineNumber);
    const item = contentFromRecord(record, mapping, fail);
    if (extra.length > 0) item.attributes = [...new Set([...(item.attributes ?? []), ...extra])];
    table.add(item);
  }
}
