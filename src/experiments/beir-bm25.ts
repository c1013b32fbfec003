/**
 * BM25 on a BEIR dataset, exactly as Anserini's BEIR regressions run it:
 * "flat" indexes title and text as one field; "multifield" indexes them as
 * two fields searched with weight 1.0 each. Queries are plain text (bag of
 * words), 1,000 hits per query, a hit whose id equals the query id is removed
 * (Anserini's -removeQuery), and metrics are trec_eval's with -c.
 *
 * The index is cached under `cacheDir` (see beir-index.ts).
 */
import { join } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import { Progress } from "../core/progress.js";
import { openBeirDataset, readBeirQueries, readBeirSplitQrels } from "../eval/beir.js";
import { evaluateRun, type EvaluationResult } from "../eval/metrics.js";
import { roundRunScores, writeRun, type Run } from "../eval/run.js";
import type { Bm25Params } from "../lexical/bm25.js";
import { openBeirIndex, type BeirFieldMode } from "./beir-index.js";

export type { BeirFieldMode } from "./beir-index.js";

export interface BeirBm25Options {
  dataset: string;
  split?: string;
  fields?: BeirFieldMode;
  bm25?: Bm25Params;
  hits?: number;
  analyzer?: string;
  cacheDir?: string;
  /** Write the run in TREC format here. */
  runPath?: string;
  /** Drop a hit whose id equals the query id (Anserini's -removeQuery); default true. */
  removeQuery?: boolean;
  /** Rebuild the index even if a cached one exists. */
  rebuild?: boolean;
  measures?: string[];
}

export interface BeirBm25Result {
  dataset: string;
  split: string;
  fields: BeirFieldMode;
  bm25: Bm25Params;
  analyzer: string;
  queries: number;
  documents: number;
  indexReused: boolean;
  indexPath: string;
  evaluation: EvaluationResult;
  timings: { indexSeconds: number; searchSeconds: number; queriesPerSecond: number; evalSeconds: number };
}

export const BEIR_MEASURES = ["ndcg_cut.10", "recall.100,1000", "map", "recip_rank", "P.10"];

export async function runBeirBm25(options: BeirBm25Options): Promise<BeirBm25Result> {
  const dataset = openBeirDataset(options.dataset);
  const split = options.split ?? "test";
  const mode = options.fields ?? "flat";
  const analyzer = options.analyzer ?? "english";
  const bm25 = options.bm25 ?? { k1: 0.9, b: 0.4 };
  const hits = options.hits ?? 1000;
  const cacheDir = options.cacheDir ?? join(".trove", "cache", "beir");
  const qrels = await readBeirSplitQrels(dataset.dir, split);
  const allQueries = await readBeirQueries(dataset.queriesPath);
  const queries = [...allQueries].filter(([id]) => qrels.has(id));
  if (queries.length === 0) throw new InvalidArgumentError(`no query of ${dataset.queriesPath} has judgments in split "${split}"`);

  const opened = await openBeirIndex(dataset, { mode, analyzer, bm25, cacheDir, rebuild: options.rebuild });
  const { index, reused, path: indexPath } = opened;
  const indexSeconds = opened.seconds;

  const run: Run = new Map();
  const searchStarted = performance.now();
  const removeQuery = options.removeQuery ?? true;
  const progress = new Progress("searching", queries.length);
  queries.forEach(([qid, text], i) => {
    const result = index.search(text, { k: hits, syntax: "plain", bm25 });
    run.set(
      qid,
      result.hits.filter((h) => !(removeQuery && h.id === qid)).map((h) => ({ docId: h.id, score: h.score })),
    );
    progress.update(i + 1);
  });
  const searchSeconds = (performance.now() - searchStarted) / 1000;
  progress.done();
  // evaluate what a TREC run file would hold: scores as Anserini prints them (6 decimals)
  const rounded = roundRunScores(run);
  if (options.runPath) writeRun(options.runPath, rounded, `trove-bm25-${mode}`);
  const evalStarted = performance.now();
  const evaluation = evaluateRun(rounded, qrels, { measures: options.measures ?? BEIR_MEASURES, complete: true });
  const evalSeconds = (performance.now() - evalStarted) / 1000;
  const documents = index.documentCount;
  await index.close();
  return {
    dataset: dataset.dir,
    split,
    fields: mode,
    bm25,
    analyzer,
    queries: queries.length,
    documents,
    indexReused: reused,
    indexPath,
    evaluation,
    timings: { indexSeconds, searchSeconds, queriesPerSecond: queries.length / searchSeconds, evalSeconds },
  };
}
