/**
 * A reader's papers in and out of Paper Radar.
 *
 * Out: BibTeX (`@misc` entries as arXiv suggests for preprints: eprint,
 * archivePrefix, primaryClass, and the DOI when there is one; the reader's
 * note as `note`) and CSV (RFC 4180: every field quoted, quotes doubled,
 * CRLF line ends, a header row; cells that a spreadsheet would run as a
 * formula get a leading apostrophe).
 *
 * In: a reader's library as BibTeX or as a list of arXiv ids, arXiv URLs or
 * DOIs (one or more a line). From BibTeX, each entry's `eprint`, `arxivid`,
 * `doi`, `url` and `journal` fields are looked at for a paper reference
 * (paper-reference.ts); an entry with none is reported by its key, as is a
 * reference to a paper Paper Radar does not hold.
 */
import type { Paper } from "../papers.js";
import { paperReference, type PaperReference } from "../search/paper-reference.js";

export const LIBRARY_FORMATS = ["bibtex", "csv"] as const;
export type LibraryFormat = (typeof LIBRARY_FORMATS)[number];

export interface ExportPaper {
  paper: Paper;
  note?: string;
  /** When it was saved or added to the collection (ISO). */
  addedAt?: string;
}

/** Braces and backslashes cannot appear raw inside a braced BibTeX value; accents and symbols pass as UTF-8 (biber reads it). */
function bibValue(text: string): string {
  return text.replace(/[\\{}]/g, (c) => (c === "\\" ? "\\textbackslash{}" : `\\${c}`)).replace(/[#%&$_^~]/g, (c) => (c === "^" || c === "~" ? `\\${c}{}` : `\\${c}`));
}

/** A citation key: first author's family name, year, first title word ("vaswani2017attention"), made unique by a letter. */
function citationKey(paper: Paper, used: Set<string>): string {
  const family = (paper.authors[0] ?? "anon").trim().split(/\s+/).pop() ?? "anon";
  const word = paper.title.split(/\s+/).find((w) => w.replace(/[^A-Za-z]/g, "").length > 3) ?? "paper";
  const base = `${family}${paper.date.slice(0, 4)}${word}`.normalize("NFKD").replace(/[^A-Za-z0-9]/g, "").toLowerCase() || "paper";
  let key = base;
  for (let i = 0; used.has(key); i++) key = `${base}${String.fromCharCode(97 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ""}`;
  used.add(key);
  return key;
}

export function toBibtex(entries: readonly ExportPaper[]): string {
  const used = new Set<string>();
  return entries
    .map(({ paper, note }) => {
      const fields: Array<[string, string]> = [
        ["title", `{${bibValue(paper.title)}}`],
        ["author", bibValue(paper.authors.join(" and ") || "Anonymous")],
        ["year", paper.date.slice(0, 4)],
        ["month", String(Number(paper.date.slice(5, 7)))],
      ];
      if (/^\d{4}\.\d{4,5}$|\//.test(paper.id)) {
        fields.push(["eprint", paper.id], ["archivePrefix", "arXiv"]);
        if (paper.primaryCategory) fields.push(["primaryClass", paper.primaryCategory]);
        fields.push(["url", `https://arxiv.org/abs/${paper.id}`]);
      }
      if (paper.doi) fields.push(["doi", bibValue(paper.doi)]);
      if (paper.journalRef) fields.push(["journal", bibValue(paper.journalRef)]);
      if (note) fields.push(["note", bibValue(note.replace(/\s+/g, " ").trim())]);
      const width = Math.max(...fields.map(([k]) => k.length));
      return `@misc{${citationKey(paper, used)},\n${fields.map(([k, v]) => `  ${k.padEnd(width)} = {${v}}`).join(",\n")}\n}\n`;
    })
    .join("\n");
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export const CSV_COLUMNS = ["id", "title", "authors", "date", "categories", "doi", "url", "added", "note"] as const;

export function toCsv(entries: readonly ExportPaper[]): string {
  const rows = entries.map(({ paper, note, addedAt }) => [
    paper.id,
    paper.title,
    paper.authors.join("; "),
    paper.date,
    paper.categories.join(" "),
    paper.doi ?? "",
    paper.links?.abs ?? (/^\d{4}\.\d{4,5}$|\//.test(paper.id) ? `https://arxiv.org/abs/${paper.id}` : ""),
    addedAt ?? "",
    note ?? "",
  ]);
  return [CSV_COLUMNS as readonly string[], ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** One paper the reader's library names, and where. */
export interface LibraryReference {
  reference: PaperReference;
  /** "line 3" or "entry smith2020 (line 12)". */
  source: string;
}

export interface ParsedLibrary {
  format: "bibtex" | "list";
  references: LibraryReference[];
  /** Entries or lines that name no paper, with why. */
  skipped: Array<{ source: string; reason: string }>;
}

const BIBTEX_ENTRY = /@([A-Za-z]+)\s*[{(]\s*([^,\s]*)\s*,/g;
const REFERENCE_FIELDS = ["eprint", "arxivid", "arxiv", "doi", "url", "journal", "note", "howpublished"];

/** The value of `name` in one entry's body (braced, quoted or bare), or undefined. */
function bibField(body: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|[,\\s])${name}\\s*=\\s*`, "i").exec(body);
  if (!m) return undefined;
  let i = m.index + m[0].length;
  const open = body[i];
  if (open === "{") {
    let depth = 0;
    const start = i + 1;
    for (; i < body.length; i++) {
      if (body[i] === "{") depth++;
      else if (body[i] === "}" && --depth === 0) return body.slice(start, i);
    }
    return body.slice(start);
  }
  if (open === '"') {
    const end = body.indexOf('"', i + 1);
    return body.slice(i + 1, end < 0 ? undefined : end);
  }
  return /^[^,}\s]+/.exec(body.slice(i))?.[0];
}

/** A reference in a field's text: the whole value, else any of its words ("arXiv:2401.01234 [cs.IR]"). */
function referenceIn(value: string): PaperReference | undefined {
  const clean = value.replace(/[{}]/g, "").replace(/\\_/g, "_").trim();
  return paperReference(clean) ?? clean.split(/[\s,;]+/).map((w) => paperReference(w.replace(/^\[|\]$/g, ""))).find(Boolean);
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split("\n").length;

/** Reads BibTeX (when the text holds an `@type{key,` entry) or a list of ids, URLs and DOIs. */
export function parseLibrary(text: string): ParsedLibrary {
  const entries = [...text.matchAll(BIBTEX_ENTRY)].filter((m) => !/^(comment|preamble|string)$/i.test(m[1]));
  if (entries.length > 0) {
    const references: LibraryReference[] = [];
    const skipped: ParsedLibrary["skipped"] = [];
    entries.forEach((m, i) => {
      const body = text.slice(m.index! + m[0].length, entries[i + 1]?.index ?? text.length);
      const source = `entry ${m[2] || "(no key)"} (line ${lineOf(text, m.index!)})`;
      for (const name of REFERENCE_FIELDS) {
        const value = bibField(body, name);
        const reference = value === undefined ? undefined : referenceIn(value);
        if (reference) {
          references.push({ reference, source });
          return;
        }
      }
      skipped.push({ source, reason: "no arXiv id, arXiv URL or DOI in its eprint, doi, url or journal fields" });
    });
    return { format: "bibtex", references, skipped };
  }
  const references: LibraryReference[] = [];
  const skipped: ParsedLibrary["skipped"] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const words = line.replace(/#.*$/, "").split(/[\s,;]+/).filter(Boolean);
    for (const word of words) {
      const reference = paperReference(word);
      if (reference) references.push({ reference, source: `line ${i + 1}` });
      else skipped.push({ source: `line ${i + 1}`, reason: `“${word.slice(0, 80)}” is not an arXiv id, arXiv URL or DOI` });
    }
  });
  return { format: "list", references, skipped };
}
