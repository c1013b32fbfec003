/**
 * JSONL and CSV/TSV interaction files with a column mapping: which field is
 * the user, the item, and optionally the kind, the value and the time.
 * Timestamps may be numbers (kept as they are) or date strings such as ISO
 * 8601 (converted to seconds since the epoch). CSV follows RFC 4180 within a
 * line: fields may be quoted with `"` and quotes doubled inside; a quoted
 * field may not span lines. The first CSV line is the header.
 */
import { InvalidFileError } from "../../core/errors.js";
import { readJsonLines, readLines } from "../../io/lines.js";
import { DEFAULT_KIND, InteractionBuilder, type InteractionData, type InteractionDataOptions } from "../interactions.js";

/** Which source field holds each part of an interaction. */
export interface ColumnMapping {
  user: string;
  item: string;
  kind?: string;
  value?: string;
  timestamp?: string;
}

export interface TabularOptions extends InteractionDataOptions {
  mapping?: Partial<ColumnMapping>;
  /** Kind for rows without a kind field (default "interaction"). */
  defaultKind?: string;
  /** CSV delimiter (default "," or, for .tsv files, a tab). */
  delimiter?: string;
}

export const DEFAULT_MAPPING: ColumnMapping = { user: "user", item: "item", kind: "kind", value: "value", timestamp: "timestamp" };

function resolveMapping(options: TabularOptions): { mapping: ColumnMapping; explicit: Set<string> } {
  const explicit = new Set(Object.keys(options.mapping ?? {}).filter((k) => (options.mapping as Record<string, unknown>)[k] !== undefined));
  return { mapping: { ...DEFAULT_MAPPING, ...(options.mapping ?? {}) } as ColumnMapping, explicit };
}

type Field = unknown;

function addRow(
  builder: InteractionBuilder,
  get: (name: string) => Field,
  mapping: ColumnMapping,
  defaultKind: string,
  fail: (message: string) => never,
): void {
  const id = (name: string): string => {
    const v = get(name);
    if (v === undefined || v === null || v === "") fail(`missing "${name}"`);
    if (typeof v !== "string" && typeof v !== "number") fail(`"${name}" must be a string or a number, got ${JSON.stringify(v)}`);
    return String(v);
  };
  const user = id(mapping.user);
  const item = id(mapping.item);
  let kind = defaultKind;
  if (mapping.kind !== undefined) {
    const k = get(mapping.kind);
    if (k !== undefined && k !== null && k !== "") {
      if (typeof k !== "string") fail(`"${mapping.kind}" must be a string, got ${JSON.stringify(k)}`);
      kind = k;
    }
  }
  let value = 1;
  if (mapping.value !== undefined) {
    const v = get(mapping.value);
    if (v !== undefined && v !== null && v !== "") {
      value = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
      if (!Number.isFinite(value)) fail(`"${mapping.value}" is not a number: ${JSON.stringify(v)}`);
    }
  }
  let timestamp: number | undefined;
  if (mapping.timestamp !== undefined) {
    const t = get(mapping.timestamp);
    if (t !== undefined && t !== null && t !== "") {
      timestamp = parseTimestamp(t);
      if (timestamp === undefined) fail(`"${mapping.timestamp}" is neither a number nor a date: ${JSON.stringify(t)}`);
    }
  }
  builder.add(user, item, kind, value, timestamp);
}

/** Numbers pass through; numeric strings become numbers; dates become epoch seconds. */
export function parseTimestamp(t: unknown): number | undefined {
  if (typeof t === "number") return Number.isFinite(t) ? t : undefined;
  if (typeof t !== "string") return undefined;
  const trimmed = t.trim();
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  if (Number.isFinite(n)) return n;
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

export async function readInteractionsJsonl(path: string, options: TabularOptions = {}): Promise<InteractionData> {
  const { mapping, explicit } = resolveMapping(options);
  const builder = new InteractionBuilder(options);
  const defaultKind = options.defaultKind ?? DEFAULT_KIND;
  for await (const { record, lineNumber } of readJsonLines(path)) {
    for (const part of explicit) {
      const field = mapping[part as keyof ColumnMapping]!;
      if (!(field in record) && (part === "user" || part === "item")) {
        throw new InvalidFileError(path, `missing field "${field}"`, lineNumber);
      }
    }
    addRow(builder, (name) => record[name], mapping, defaultKind, (message) => {
      throw new InvalidFileError(path, message, lineNumber);
    });
  }
  return builder.build();
}

export async function readInteractionsCsv(path: string, options: TabularOptions = {}): Promise<InteractionData> {
  const { mapping, explicit } = resolveMapping(options);
  const builder = new InteractionBuilder(options);
  const defaultKind = options.defaultKind ?? DEFAULT_KIND;
  const delimiter = options.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? "\t" : ",");
  let header: Map<string, number> | undefined;
  let width = 0;
  for await (const { line, lineNumber } of readLines(path)) {
    if (line.trim() === "") continue;
    const fields = parseCsvLine(line, delimiter);
    if (fields === null) throw new InvalidFileError(path, "unterminated quoted field (quoted fields may not span lines)", lineNumber);
    if (header === undefined) {
      header = new Map(fields.map((name, c) => [name.trim(), c]));
      width = fields.length;
      for (const part of ["user", "item", ...explicit]) {
        const name = mapping[part as keyof ColumnMapping];
        if (name !== undefined && !header.has(name)) {
          throw new InvalidFileError(path, `header has no "${name}" column for ${part} (columns: ${[...header.keys()].join(", ")})`, lineNumber);
        }
      }
      continue;
    }
    if (fields.length !== width) {
      throw new InvalidFileError(path, `expected ${width} fields as in the header, got ${fields.length}`, lineNumber);
    }
    const row = fields;
    const columns = header;
    addRow(builder, (name) => {
      const c = columns.get(name);
      return c === undefined ? undefined : row[c];
    }, mapping, defaultKind, (message) => {
      throw new InvalidFileError(path, message, lineNumber);
    });
  }
  if (header === undefined) throw new InvalidFileError(path, "empty file: expected a header line");
  return builder.build();
}

/** Splits one CSV line; returns null for an unterminated quote. */
export function parseCsvLine(line: string, delimiter = ","): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    if (line[i] === '"') {
      let value = "";
      i++;
      while (true) {
        if (i >= n) return null;
        const ch = line[i];
        if (ch === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += ch;
          i++;
        }
      }
      // Anything between the closing quote and the delimiter is kept verbatim.
      const next = line.indexOf(delimiter, i);
      value += next < 0 ? line.slice(i) : line.slice(i, next);
      out.push(value);
      if (next < 0) return out;
      i = next + delimiter.length;
    } else {
      const next = line.indexOf(delimiter, i);
      if (next < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, next));
      i = next + delimiter.length;
    }
  }
}
