/**
 * TREC run files: one line per retrieved document,
 *
 *     qid Q0 docid rank score tag
 *
 * whitespace separated. Reading follows trec_eval (get_trec_results.c): the
 * second and fourth columns are ignored (trec_eval ranks by score, not by the
 * rank column), fields after the tag are ignored, blank lines and lines
 * starting with '#' are skipped. Unlike trec_eval we reject an unparsable
 * score (atof would silently read it as 0) and report a duplicate docno with
 * both line numbers (trec_eval refuses the run without saying where).
 *
 * Writing follows Anserini/Pyserini: scores with six decimals ("%.6f").
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../core/atomic-file.js";
import { InvalidArgumentError, InvalidFileError } from "../core/errors.js";
import { readLines } from "../io/lines.js";
import { formatFixed } from "./format.js";

/** One retrieved document and its score. */
export interface ScoredDoc {
  docId: string;
  score: number;
}

/** Query id -> retrieved documents (in the system's order; evaluation re-ranks by score). */
export type Run = Map<string, ScoredDoc[]>;

const SCORE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Incremental run parser shared by readRun and parseRun. */
class RunBuilder {
  readonly run: Run = new Map();
  private readonly lineNumbers = new Map<string, number[]>();

  constructor(private readonly source: string) {}

  add(line: string, lineNumber: number): void {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const fields = trimmed.split(/\s+/);
    if (fields.length < 6) {
      throw new InvalidFileError(
        this.source,
        `expected 6 whitespace-separated fields "query-id Q0 doc-id rank score tag", got ${fields.length}`,
        lineNumber,
      );
    }
    const [qid, , docId, , scoreText] = fields;
    if (!SCORE.test(scoreText)) {
      throw new InvalidFileError(this.source, `score "${scoreText}" (field 5) is not a decimal number`, lineNumber);
    }
    const score = Number(scoreText);
    if (!Number.isFinite(score)) throw new InvalidFileError(this.source, `score "${scoreText}" (field 5) is out of range`, lineNumber);
    let docs = this.run.get(qid);
    let lines = this.lineNumbers.get(qid);
    if (docs === undefined || lines === undefined) {
      docs = [];
      lines = [];
      this.run.set(qid, docs);
      this.lineNumbers.set(qid, lines);
    }
    docs.push({ docId, score });
    lines.push(lineNumber);
  }

  /** Duplicate check per query by sorting indices, so no per-document map is kept for large runs. */
  finish(): Run {
    for (const [qid, docs] of this.run) {
      const lines = this.lineNumbers.get(qid) as number[];
      const order = Uint32Array.from(docs.keys()).sort((a, b) => (docs[a].docId < docs[b].docId ? -1 : docs[a].docId > docs[b].docId ? 1 : a - b));
      for (let i = 1; i < order.length; i++) {
        const prev = order[i - 1];
        const cur = order[i];
        if (docs[prev].docId === docs[cur].docId) {
          throw new InvalidFileError(
            this.source,
            `document "${docs[cur].docId}" is listed twice for query "${qid}" (first at line ${lines[prev]}); trec_eval refuses duplicate docnos`,
            lines[cur],
          );
        }
      }
    }
    return this.run;
  }
}

/** Reads a TREC run file (plain or .gz). */
export async function readRun(path: string): Promise<Run> {
  const builder = new RunBuilder(path);
  let first = true;
  for await (const { line, lineNumber } of readLines(path)) {
    builder.add(first ? stripBom(line) : line, lineNumber);
    first = false;
  }
  return builder.finish();
}

/** Parses run text; `source` names it in error messages. */
export function parseRun(text: string, source = "<run>"): Run {
  const builder = new RunBuilder(source);
  const lines = stripBom(text).split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => builder.add(line.endsWith("\r") ? line.slice(0, -1) : line, i + 1));
  return builder.finish();
}

/**
 * Formats a score as C's printf("%.6f") and Python's "{:.6f}" do (Pyserini's
 * run writer; Anserini's Java "%f" agrees except on exact binary ties): the
 * exact binary value rounded to six decimals, ties to even. Non-finite scores
 * are refused.
 */
export function formatScore(score: number): string {
  return formatFixed(score, 6);
}

/**
 * The run with every score replaced by its six-decimal written value, i.e.
 * what evaluating the run after writeRun/readRun would see. Rounding can
 * create ties that trec_eval then breaks by docno, so use this to reproduce
 * numbers obtained from a written run file.
 */
export function roundRunScores(run: Run): Run {
  const out: Run = new Map();
  for (const [qid, docs] of run) out.set(qid, docs.map((d) => ({ docId: d.docId, score: Number(formatScore(d.score)) })));
  return out;
}

/** The run-file lines for one query, documents in the order given, ranks 1, 2, ... */
export function formatRunLines(queryId: string, docs: readonly ScoredDoc[], tag: string): string {
  checkToken("query id", queryId);
  checkToken("run tag", tag);
  let out = "";
  for (let i = 0; i < docs.length; i++) {
    checkToken(`document id (query "${queryId}", rank ${i + 1})`, docs[i].docId);
    out += `${queryId} Q0 ${docs[i].docId} ${i + 1} ${formatScore(docs[i].score)} ${tag}\n`;
  }
  return out;
}

/**
 * Writes a run file atomically (temporary file, fsync, rename): queries in
 * the Map's order, each query's documents in the order given with ranks 1, 2,
 * ... (sort them first if they are not already best first). Creates the
 * parent directory if needed.
 */
export function writeRun(path: string, run: Run, tag: string): void {
  checkToken("run tag", tag);
  const chunks: Buffer[] = [];
  for (const [qid, docs] of run) chunks.push(Buffer.from(formatRunLines(qid, docs, tag), "utf8"));
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, chunks);
}

function checkToken(what: string, value: string): void {
  if (typeof value !== "string" || value === "" || /\s/.test(value)) {
    throw new InvalidArgumentError(`${what} ${JSON.stringify(value)} cannot be written to a run file: it must be non-empty and contain no whitespace`);
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
