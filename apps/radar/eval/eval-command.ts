/**
 * `trove radar eval`: runs the feed's offline evaluation (feed-eval.ts) and
 * prints a table, or one JSON object with --json. Progress on a terminal;
 * the first Ctrl-C stops after the current reader (nothing is written).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InvalidArgumentError, NotFoundError } from "../../../src/core/errors.js";
import { InterruptSignal } from "../../../src/core/interrupt.js";
import { Progress } from "../../../src/core/progress.js";
import type { FeedWeights } from "../feed/ranker.js";
import { openPapers, storedPaper, type Paper } from "../papers.js";
import { READER_PROTOCOLS, formatFeedEval, runFeedEval, type FeedEvalResult, type ReaderProtocol } from "./feed-eval.js";

/** The shared full corpus when present, else the bundled sample. */
export function defaultEvalCorpus(cwd = process.cwd()): string {
  const shared = join(cwd, "..", "shared", "datasets", "arxiv-cs-cl-ir", "papers.jsonl.gz");
  return existsSync(shared) ? shared : join(cwd, "data", "arxiv-sample.jsonl.gz");
}

export interface EvalCommandOptions {
  json?: boolean;
  corpus?: string;
  /** A Paper Radar data directory whose stored papers are evaluated (instead of a file). */
  dataDir?: string;
  limitReaders?: number;
  seed?: number;
  split?: string;
  /** "all" (default) or "small-history" readers. */
  protocol?: string;
  cut?: string;
  validationCut?: string;
  weights?: string;
  mmrLambda?: number;
  tune?: boolean;
}

const WEIGHT_NAMES: ReadonlyArray<keyof FeedWeights> = ["content", "svm", "collaborative", "topic", "recency", "area"];

/** `content=1,svm=0.5` into weights, naming a bad entry. */
export function parseWeights(text: string): Partial<FeedWeights> {
  const out: Partial<FeedWeights> = {};
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [name, value] = part.split("=");
    if (!WEIGHT_NAMES.includes(name as keyof FeedWeights)) throw new InvalidArgumentError(`--weights: unknown weight "${name}" (known: ${WEIGHT_NAMES.join(", ")})`);
    const v = Number(value);
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`--weights: ${name} must be a number, got "${value}"`);
    out[name as keyof FeedWeights] = v;
  }
  return out;
}

export async function runEvalCommand(options: EvalCommandOptions, write: (text: string) => void): Promise<FeedEvalResult> {
  if (options.corpus !== undefined && options.dataDir !== undefined) throw new InvalidArgumentError("give --corpus or --data, not both");
  const corpus = options.dataDir ?? options.corpus ?? defaultEvalCorpus();
  if (!existsSync(corpus)) throw new NotFoundError(`${options.dataDir !== undefined ? "data directory" : "corpus"} not found: ${corpus}`);
  const papers = options.dataDir !== undefined ? await storedPapers(options.dataDir) : undefined;
  if (options.split !== undefined && options.split !== "test" && options.split !== "validation") {
    throw new InvalidArgumentError(`--split must be test or validation, got "${options.split}"`);
  }
  if (options.protocol !== undefined && !READER_PROTOCOLS.includes(options.protocol as ReaderProtocol)) {
    throw new InvalidArgumentError(`--protocol must be ${READER_PROTOCOLS.join(" or ")}, got "${options.protocol}"`);
  }
  for (const [name, day] of [["cut", options.cut], ["validation-cut", options.validationCut]] as const) {
    if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new InvalidArgumentError(`--${name} must be a day written YYYY-MM-DD, got "${day}"`);
  }
  const interrupt = new InterruptSignal();
  const progress = new Progress("evaluating readers");
  try {
    const result = await runFeedEval({
      corpus,
      papers,
      split: options.split as "test" | "validation" | undefined,
      protocol: options.protocol as ReaderProtocol | undefined,
      cut: options.cut,
      validationCut: options.validationCut,
      limitReaders: options.limitReaders,
      seed: options.seed,
      weights: options.weights ? parseWeights(options.weights) : undefined,
      mmrLambda: options.mmrLambda,
      tune: options.tune,
      onProgress: (done, total) => progress.update(done, `of ${total}`),
      interrupted: () => interrupt.interrupted,
    });
    progress.done();
    write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatFeedEval(result));
    return result;
  } finally {
    interrupt.dispose();
  }
}

/** Every paper stored in a Paper Radar data directory. */
async function storedPapers(dataDir: string): Promise<Paper[]> {
  const radar = await openPapers(dataDir, { quiet: true });
  try {
    const out: Paper[] = [];
    for await (const { record } of radar.store.scanRecords(radar.papers.name)) out.push(storedPaper(record));
    return out;
  } finally {
    await radar.close();
  }
}
