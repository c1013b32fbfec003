/**
 * Relevance judgments ("qrels"): query id -> document id -> relevance.
 *
 * Two file formats:
 *  - TREC: `qid iter docid rel`, whitespace separated, the iteration column
 *    ignored (trec_eval get_qrels.c). Lines starting with '#' are comments.
 *  - BEIR: `query-id<TAB>corpus-id<TAB>score` after a header line.
 *
 * Both accept CRLF line endings, a UTF-8 byte order mark, blank lines, and
 * plain or .gz files. Relevance must be an integer (trec_eval reads it with
 * atol; negative values mean "judged as not relevant / unjudged" there). A
 * (query, document) pair judged twice is an error, since trec_eval refuses
 * such qrels ("duplicate docs").
 */
import { InvalidArgumentError, InvalidFileError } from "../core/errors.js";
import { readLines } from "../io/lines.js";

/** Query id -> (document id -> relevance). */
export type Qrels = Map<string, Map<string, number>>;

export type QrelsFormat = "trec" | "beir";

const INTEGER = /^[+-]?\d+$/;

type LineParser = (line: string, lineNumber: number) => void;

class QrelsBuilder {
  readonly qrels: Qrels = new Map();
  /** Where each judgment came from, for duplicate messages; dropped after parsing. */
  private readonly lines = new Map<string, Map<string, number>>();

  constructor(readonly source: string) {}

  add(qid: string, docId: string, relText: string, lineNumber: number, relField: string): void {
    if (!INTEGER.test(relText)) {
      throw new InvalidFileError(this.source, `relevance "${relText}" (${relField}) is not an integer`, lineNumber);
    }
    const rel = Number(relText);
    if (!Number.isSafeInteger(rel)) throw new InvalidFileError(this.source, `relevance "${relText}" (${relField}) is out of range`, lineNumber);
    let docs = this.qrels.get(qid);
    let where = this.lines.get(qid);
    if (docs === undefined || where === undefined) {
      docs = new Map();
      where = new Map();
      this.qrels.set(qid, docs);
      this.lines.set(qid, where);
    }
    const previous = where.get(docId);
    if (previous !== undefined) {
      throw new InvalidFileError(
        this.source,
        `document "${docId}" is judged twice for query "${qid}" (first at line ${previous}); trec_eval refuses duplicate judgments`,
        lineNumber,
      );
    }
    docs.set(docId, rel);
    where.set(docId, lineNumber);
  }
}

function trecParser(builder: QrelsBuilder): LineParser {
  return (line, lineNumber) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const fields = trimmed.split(/\s+/);
    if (fields.length !== 4) {
      throw new InvalidFileError(
        builder.source,
        `expected 4 whitespace-separated fields "query-id iteration doc-id relevance", got ${fields.length}`,
        lineNumber,
      );
    }
    builder.add(fields[0], fields[2], fields[3], lineNumber, "field 4");
  };
}

function beirParser(builder: QrelsBuilder): LineParser {
  let sawHeader = false;
  return (line, lineNumber) => {
    if (line.trim() === "") return;
    const fields = line.split("\t").map((f) => f.trim());
    if (!sawHeader) {
      sawHeader = true;
      // BEIR's loader skips the first line unconditionally; we accept a file
      // without header too, recognised by an integer in the score column.
      if (fields.length === 3 && !INTEGER.test(fields[2])) return;
    }
    if (fields.length !== 3) {
      throw new InvalidFileError(builder.source, `expected 3 tab-separated fields "query-id<TAB>corpus-id<TAB>score", got ${fields.length}`, lineNumber);
    }
    if (fields[0] === "" || fields[1] === "") {
      throw new InvalidFileError(builder.source, `empty ${fields[0] === "" ? "query-id" : "corpus-id"}`, lineNumber);
    }
    builder.add(fields[0], fields[1], fields[2], lineNumber, "score column");
  };
}

function parserFor(format: QrelsFormat, builder: QrelsBuilder): LineParser {
  return format === "trec" ? trecParser(builder) : beirParser(builder);
}

/** Guesses the format from a file name: `.tsv` (optionally `.gz`) is BEIR, anything else TREC. */
export function qrelsFormatOf(path: string): QrelsFormat {
  return /\.tsv(\.gz)?$/i.test(path) ? "beir" : "trec";
}

/** Reads a qrels file; the format defaults to the one its name suggests (qrelsFormatOf). */
export async function readQrels(path: string, format: QrelsFormat = qrelsFormatOf(path)): Promise<Qrels> {
  if (format !== "trec" && format !== "beir") throw new InvalidArgumentError(`unknown qrels format "${format}"; expected "trec" or "beir"`);
  const builder = new QrelsBuilder(path);
  const parse = parserFor(format, builder);
  let first = true;
  for await (const { line, lineNumber } of readLines(path)) {
    parse(first ? stripBom(line) : line, lineNumber);
    first = false;
  }
  return builder.qrels;
}

/** Reads a TREC qrels file (`qid iter docid rel`). */
export function readTrecQrels(path: string): Promise<Qrels> {
  return readQrels(path, "trec");
}

/** Reads a BEIR qrels TSV file (`query-id<TAB>corpus-id<TAB>score` with a header line). */
export function readBeirQrels(path: string): Promise<Qrels> {
  return readQrels(path, "beir");
}

/** Parses qrels text; `source` names it in error messages. */
export function parseQrels(text: string, format: QrelsFormat, source = "<qrels>"): Qrels {
  const builder = new QrelsBuilder(source);
  const parse = parserFor(format, builder);
  const lines = stripBom(text).split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => parse(line.endsWith("\r") ? line.slice(0, -1) : line, i + 1));
  return builder.qrels;
}

/** Counts for a summary line: queries, judgments, and judgments with relevance >= relevanceLevel. */
export function qrelsStats(qrels: Qrels, relevanceLevel = 1): { queries: number; judgments: number; relevant: number } {
  let judgments = 0;
  let relevant = 0;
  for (const docs of qrels.values()) {
    judgments += docs.size;
    for (const rel of docs.values()) if (rel >= relevanceLevel) relevant++;
  }
  return { queries: qrels.size, judgments, relevant };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
