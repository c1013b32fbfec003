/**
 * `npm run bench:encoder`: does Trove's self-trained encoder add to BM25 on
 * SciFact? Trains the encoder on the corpus and the TRAIN judgments only
 * (minus a validation share of the train queries), then reports on the TEST
 * judgments: BM25 flat (Anserini's setting), the encoder alone (exact search
 * over all 5,183 documents), reciprocal rank fusion (k=60) and a convex
 * combination of min-max normalised scores whose weight is chosen on the
 * validation queries. nDCG@10 and Recall@100, and for each fusion a paired
 * bootstrap 95% interval of its nDCG@10 minus BM25's.
 *
 *   npm run bench:encoder
 *   options: --dataset <beir dir> --set training.epochs=8,features.tf=raw,... --seed N --json
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { evaluateRun, type EvaluationResult } from "../../src/eval/metrics.js";
import { pairedBootstrap } from "../../src/eval/paired-bootstrap.js";
import { readBeirQueries, readBeirSplitQrels, readBeirCorpus } from "../../src/eval/beir.js";
import type { Qrels } from "../../src/eval/qrels.js";
import { readRun, type Run } from "../../src/eval/run.js";
import { runBeirBm25 } from "../../src/experiments/beir-bm25.js";
import { TopKSelector } from "../../src/recommend/top-k.js";
import { loadTrainingData } from "../../src/encoders/trained/training-data.js";
import { trainEncoder, trainingConfig, type EncoderTrainingOverrides } from "../../src/encoders/trained/train-encoder.js";
import type { TrainedModel } from "../../src/encoders/trained/trained-model.js";
import { convexFusion, reciprocalRankFusion, restrictRun } from "./fusion.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..", ".."); // dist/bench/encoder -> project root
const MEASURES = ["ndcg_cut.10", "recall.100"];

function parseArgs(argv: string[]): Record<string, string> {
  const opt: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) opt[argv[i].slice(2)] = "true";
    else opt[argv[i++].slice(2)] = next;
  }
  return opt;
}

/** "training.epochs=8,features.tf=raw" -> overrides (numbers and booleans parsed). */
function parseOverrides(text: string | undefined): EncoderTrainingOverrides {
  const out: { features: Record<string, unknown>; training: Record<string, unknown> } = { features: {}, training: {} };
  for (const part of (text ?? "").split(",").filter(Boolean)) {
    const [key, raw] = part.split("=");
    const [group, name] = key.split(".");
    if (group !== "features" && group !== "training") throw new Error(`--set: unknown group in "${part}"`);
    out[group][name] = raw === "true" ? true : raw === "false" ? false : Number.isNaN(Number(raw)) ? raw : Number(raw);
  }
  return out as EncoderTrainingOverrides;
}

/** Exact inner-product search of every query against every document; the query's own id is dropped (as BM25's run). */
function denseRun(model: TrainedModel, docIds: string[], docTexts: string[], queries: Map<string, string>, depth: number): { run: Run; docsPerSecond: number } {
  const dim = model.dimensions;
  const started = performance.now();
  const docVectors = model.encode(docTexts);
  const docsPerSecond = docTexts.length / ((performance.now() - started) / 1000);
  const matrix = new Float32Array(docIds.length * dim);
  docVectors.forEach((v, i) => matrix.set(v, i * dim));
  const ids = [...queries.keys()];
  const queryVectors = model.encode(ids.map((id) => queries.get(id)!));
  const scores = new Float32Array(docIds.length);
  const selector = new TopKSelector(depth + 1);
  const run: Run = new Map();
  ids.forEach((qid, qi) => {
    const q = queryVectors[qi];
    for (let d = 0; d < docIds.length; d++) {
      let s = 0;
      const o = d * dim;
      for (let j = 0; j < dim; j++) s += q[j] * matrix[o + j];
      scores[d] = s;
    }
    const top = selector.select(scores, depth + 1);
    const hits = Array.from(top.items, (d, r) => ({ docId: docIds[d], score: top.scores[r] })).filter((h) => h.docId !== qid);
    run.set(qid, hits.slice(0, depth));
  });
  return { run, docsPerSecond };
}

function perQuery(result: EvaluationResult, key: string, ids: string[]): number[] {
  return ids.map((id) => result.perQuery.get(id)?.[key] ?? 0);
}

async function main(): Promise<void> {
  const opt = parseArgs(process.argv.slice(2));
  const dataset = resolve(opt.dataset ?? join(root, "..", "shared", "datasets", "scifact"));
  const overrides = parseOverrides(opt.set);
  if (opt.seed) overrides.training = { ...overrides.training, seed: Number(opt.seed) };
  const config = trainingConfig(overrides);
  const tmp = mkdtempSync(join(tmpdir(), "trove-bench-encoder-"));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const load = loadavg().map((x) => x.toFixed(2)).join(" ");
    log(`bench:encoder on ${dataset} (load ${load})`);
    const bm25Test = await runBeirBm25({ dataset, split: "test", runPath: join(tmp, "bm25-test.run"), measures: MEASURES });
    const bm25TrainResult = await runBeirBm25({ dataset, split: "train", runPath: join(tmp, "bm25-train.run"), measures: MEASURES });
    const bm25TestRun = await readRun(join(tmp, "bm25-test.run"));
    const bm25TrainRun = await readRun(join(tmp, "bm25-train.run"));
    void bm25TrainResult;

    const data = await loadTrainingData({ type: "beir", dir: dataset, split: "train" });
    const trained = await trainEncoder(data, config, {
      onStage: log,
      onEpoch: (e) => log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, ${e.pairs} pairs, ${e.seconds.toFixed(1)} s${e.validation !== undefined ? `, validation ${e.validation.toFixed(4)}` : ""}`),
    });
    const report = trained.report;
    log(`trained in ${report.seconds.toFixed(1)} s; kept epoch ${report.bestEpoch}`);

    const testQrels: Qrels = await readBeirSplitQrels(dataset, "test");
    const trainQrels: Qrels = await readBeirSplitQrels(dataset, "train");
    const allQueries = await readBeirQueries(dataset);
    const validationIds = new Set(report.validationQueryIds);
    const validationQrels: Qrels = new Map([...trainQrels].filter(([qid]) => validationIds.has(qid)));
    const wanted = new Map([...allQueries].filter(([qid]) => testQrels.has(qid) || validationIds.has(qid)));
    const docIds: string[] = [];
    const docTexts: string[] = [];
    for await (const doc of readBeirCorpus(dataset)) {
      docIds.push(doc.id);
      docTexts.push(doc.title ? `${doc.title} ${doc.text}` : doc.text);
    }
    const { run: dense, docsPerSecond } = denseRun(trained.model, docIds, docTexts, wanted, 1000);

    const testIds = [...testQrels.keys()].sort();
    const denseTest = restrictRun(dense, new Set(testIds));
    const denseVal = restrictRun(dense, validationIds);
    const bm25Val = restrictRun(bm25TrainRun, validationIds);

    // convex weight of the encoder, chosen on the validation queries
    let bestWeight = 0;
    let bestVal = -1;
    const grid: Array<[number, number]> = [];
    for (let w = 0; w <= 1.0001; w += 0.05) {
      const weight = Math.round(w * 100) / 100;
      const v = evaluateRun(convexFusion(denseVal, bm25Val, weight), validationQrels, { measures: MEASURES, complete: true }).mean.ndcg_cut_10;
      grid.push([weight, v]);
      if (v > bestVal + 1e-12) {
        bestVal = v;
        bestWeight = weight;
      }
    }
    const evalTest = (run: Run) => evaluateRun(run, testQrels, { measures: MEASURES, complete: true });
    const rows: Array<{ name: string; result: EvaluationResult }> = [
      { name: "BM25 flat", result: bm25Test.evaluation },
      { name: "trove encoder alone", result: evalTest(denseTest) },
      { name: "RRF (k=60)", result: evalTest(reciprocalRankFusion(bm25TestRun, denseTest)) },
      { name: `convex (encoder weight ${bestWeight})`, result: evalTest(convexFusion(denseTest, bm25TestRun, bestWeight)) },
    ];
    const base = perQuery(rows[0].result, "ndcg_cut_10", testIds);
    const table = rows.map((row, i) => {
      const diff = i === 0 ? null : pairedBootstrap(perQuery(row.result, "ndcg_cut_10", testIds), base, { resamples: 10000, seed: 1 });
      return { method: row.name, ndcg10: row.result.mean.ndcg_cut_10, recall100: row.result.mean.recall_100, vsBm25: diff };
    });
    const summary = {
      dataset,
      load: `${load} -> ${loadavg().map((x) => x.toFixed(2)).join(" ")}`,
      testQueries: testIds.length,
      validationQueries: validationIds.size,
      trainingSeconds: report.seconds,
      epochs: report.epochs.length,
      bestEpoch: report.bestEpoch,
      pairsPerEpoch: report.pairsPerEpoch,
      validation: report.validation,
      convexGrid: grid,
      vocabulary: { words: trained.corpus.words, bigrams: trained.corpus.bigrams },
      encodeDocsPerSecond: docsPerSecond,
      config,
      table,
    };
    if (opt.json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    const fmt = (x: number) => x.toFixed(4);
    const lines = [
      `SciFact test (${testIds.length} queries); encoder trained on corpus + train judgments (${validationIds.size} train queries held out for validation)`,
      "",
      `${"method".padEnd(34)}  ndcg@10  recall@100  ndcg@10 - BM25 [95% CI]`,
      ...table.map((r) =>
        `${r.method.padEnd(34)}  ${fmt(r.ndcg10)}   ${fmt(r.recall100)}    ${r.vsBm25 ? `${r.vsBm25.difference >= 0 ? "+" : ""}${fmt(r.vsBm25.difference)} [${fmt(r.vsBm25.low)}, ${fmt(r.vsBm25.high)}]` : ""}`,
      ),
      "",
      `training: ${report.seconds.toFixed(1)} s (${report.epochs.length} epochs, kept ${report.bestEpoch}; pairs per epoch ${JSON.stringify(report.pairsPerEpoch)}); ` +
        `validation ${report.validation ? `${report.validation.metric} ${fmt(report.validation.value)} (untrained ${fmt(report.validation.initial)})` : "none"}`,
      `encoder: ${config.training.dimensions} dims, ${trained.corpus.words} words + ${trained.corpus.bigrams} bigrams; encoding ${docsPerSecond.toFixed(0)} docs/s; load average ${summary.load}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
