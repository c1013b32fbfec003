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
 * Then the same training, without judgments, on the Paper Radar corpus
 * (25,337 arXiv papers): training time, encoding docs/s, model size, load time.
 *
 *   npm run bench:encoder
 *   options: --dataset <beir dir> --arxiv <papers.jsonl.gz> --skip-arxiv --variant corpus|corpus+
 *            --set training.epochs=8,features.tf=raw,... --seed N --json
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
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
import { benchArxiv, type ArxivFigures } from "./arxiv.js";
import { convexFusion, reciprocalRankFusion, restrictRun } from "./fusion.js";
import { parseBenchArgs } from "../cli-args.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..", ".."); // dist/bench/encoder -> project root
const MEASURES = ["ndcg_cut.10", "recall.100"];

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

interface Row {
  method: string;
  ndcg10: number;
  recall100: number;
  vsBm25: ReturnType<typeof pairedBootstrap> | null;
}

interface Shared {
  dataset: string;
  testQrels: Qrels;
  trainQrels: Qrels;
  testIds: string[];
  queries: Map<string, string>;
  docIds: string[];
  docTexts: string[];
  bm25TestRun: Run;
  bm25TrainRun: Run;
  bm25Test: EvaluationResult;
  log: (line: string) => void;
}

/** Trains one variant and evaluates it alone and fused with BM25. */
async function evaluateVariant(label: string, overrides: EncoderTrainingOverrides, shared: Shared) {
  const { log } = shared;
  const config = trainingConfig(overrides);
  const data = await loadTrainingData({ type: "beir", dir: shared.dataset, split: "train" });
  log(`== ${label}`);
  const trained = await trainEncoder(data, config, {
    onStage: log,
    onEpoch: (e) => log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, ${e.pairs} pairs, ${e.seconds.toFixed(1)} s${e.validation !== undefined ? `, validation ${e.validation.toFixed(4)}` : ""}`),
  });
  const report = trained.report;
  log(`trained in ${report.seconds.toFixed(1)} s; kept epoch ${report.bestEpoch}`);
  const validationIds = new Set(report.validationQueryIds);
  const validationQrels: Qrels = new Map([...shared.trainQrels].filter(([qid]) => validationIds.has(qid)));
  const wanted = new Map([...shared.queries].filter(([qid]) => shared.testQrels.has(qid) || validationIds.has(qid)));
  const { run: dense, docsPerSecond } = denseRun(trained.model, shared.docIds, shared.docTexts, wanted, 1000);
  const denseTest = restrictRun(dense, new Set(shared.testIds));
  const denseVal = restrictRun(dense, validationIds);
  const bm25Val = restrictRun(shared.bm25TrainRun, validationIds);
  const evalVal = (run: Run) => evaluateRun(run, validationQrels, { measures: MEASURES, complete: true }).mean.ndcg_cut_10;

  // the encoder's convex weight, chosen on the validation queries (train split)
  let weight = 0;
  let bestVal = -1;
  for (let step = 0; step <= 20; step++) {
    const w = step / 20;
    const v = evalVal(convexFusion(denseVal, bm25Val, w));
    if (v > bestVal + 1e-12) {
      bestVal = v;
      weight = w;
    }
  }
  const validation = { bm25: evalVal(bm25Val), encoder: evalVal(denseVal), rrf: evalVal(reciprocalRankFusion(denseVal, bm25Val)), convex: bestVal };
  log(`validation ndcg@10 (${validationIds.size} train queries): BM25 ${validation.bm25.toFixed(4)}, encoder ${validation.encoder.toFixed(4)}, RRF ${validation.rrf.toFixed(4)}, convex ${validation.convex.toFixed(4)} (weight ${weight})`);
  const evalTest = (run: Run) => evaluateRun(run, shared.testQrels, { measures: MEASURES, complete: true });
  const base = perQuery(shared.bm25Test, "ndcg_cut_10", shared.testIds);
  const row = (method: string, result: EvaluationResult): Row => ({
    method,
    ndcg10: result.mean.ndcg_cut_10,
    recall100: result.mean.recall_100,
    vsBm25: pairedBootstrap(perQuery(result, "ndcg_cut_10", shared.testIds), base, { resamples: 10000, seed: 1 }),
  });
  const rows = [
    row(`encoder alone (${label})`, evalTest(denseTest)),
    row(`BM25 + encoder, RRF k=60`, evalTest(reciprocalRankFusion(denseTest, shared.bm25TestRun))),
    row(`BM25 + encoder, convex w=${weight}`, evalTest(convexFusion(denseTest, shared.bm25TestRun, weight))),
  ];
  return { label, rows, report, validation, weight, docsPerSecond, vocabulary: { words: trained.corpus.words, bigrams: trained.corpus.bigrams }, config };
}

type Variant = Awaited<ReturnType<typeof evaluateVariant>>;

const fmt = (x: number) => x.toFixed(4);
const signed = (x: number) => `${x >= 0 ? "+" : ""}${fmt(x)}`;

function scifactLines(queries: number, table: Row[], results: Variant[], load: string): string[] {
  return [
    `SciFact test, ${queries} queries. The encoder never sees the test judgments; the convex weight is chosen on train queries held out from training.`,
    "",
    `${"method".padEnd(40)}  ndcg@10  recall@100  ndcg@10 - BM25 [95% CI]`,
    ...table.map((r) => `${r.method.padEnd(40)}  ${fmt(r.ndcg10)}   ${fmt(r.recall100)}    ${r.vsBm25 ? `${signed(r.vsBm25.difference)} [${signed(r.vsBm25.low)}, ${signed(r.vsBm25.high)}]` : ""}`),
    "",
    ...results.map((r) => {
      const rep = r.report;
      return (
        `${r.label}: trained in ${rep.seconds.toFixed(1)} s (${rep.epochs.length} epochs, kept ${rep.bestEpoch}; pairs per epoch ${rep.pairsPerEpoch.titleBody} title-body, ` +
        `${rep.pairsPerEpoch.ict} inverse-cloze, ${rep.pairsPerEpoch.judgments} judgment); validation ndcg@10 encoder ${fmt(r.validation.encoder)}, ` +
        `convex ${fmt(r.validation.convex)} vs BM25 ${fmt(r.validation.bm25)}; ${r.config.training.dimensions} dims, ${r.vocabulary.words} words + ${r.vocabulary.bigrams} bigrams; ` +
        `encodes ${r.docsPerSecond.toFixed(0)} docs/s`
      );
    }),
    `load average ${load} (2 cores)`,
  ];
}

function arxivLines(arxiv: ArxivFigures, load: string): string[] {
  const v = arxiv.validation;
  return [
    "",
    `Paper Radar corpus (${arxiv.documents} arXiv papers, no judgments): trained in ${arxiv.trainingSeconds.toFixed(1)} s (${arxiv.epochs} epochs, kept ${arxiv.bestEpoch}; ` +
      `${arxiv.pairsPerEpoch.titleBody} title-abstract + ${arxiv.pairsPerEpoch.ict} inverse-cloze pairs per epoch); ` +
      `validation ${v ? `${v.metric} ${fmt(v.value)} on ${v.count} (untrained ${fmt(v.initial)})` : "none"}; ` +
      `encodes ${arxiv.encodeDocsPerSecond.toFixed(0)} docs/s; model ${(arxiv.modelBytes / 1e6).toFixed(1)} MB (${arxiv.words} words + ${arxiv.bigrams} bigrams), loads in ${arxiv.loadSeconds.toFixed(2)} s`,
    `load average ${load} (2 cores)`,
  ];
}

async function main(): Promise<void> {
  const opt = parseBenchArgs(process.argv.slice(2));
  const dataset = resolve(opt.dataset ?? join(root, "..", "shared", "datasets", "scifact"));
  const overrides = parseOverrides(opt.set);
  if (opt.seed) overrides.training = { ...overrides.training, seed: Number(opt.seed) };
  const tmp = mkdtempSync(join(tmpdir(), "trove-bench-encoder-"));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const load = loadavg().map((x) => x.toFixed(2)).join(" ");
    log(`bench:encoder on ${dataset} (load ${load})`);
    const bm25Test = await runBeirBm25({ dataset, split: "test", runPath: join(tmp, "bm25-test.run"), measures: MEASURES });
    await runBeirBm25({ dataset, split: "train", runPath: join(tmp, "bm25-train.run"), measures: MEASURES });
    const testQrels = await readBeirSplitQrels(dataset, "test");
    const docIds: string[] = [];
    const docTexts: string[] = [];
    for await (const doc of readBeirCorpus(dataset)) {
      docIds.push(doc.id);
      docTexts.push(doc.title ? `${doc.title} ${doc.text}` : doc.text);
    }
    const shared: Shared = {
      dataset,
      testQrels,
      trainQrels: await readBeirSplitQrels(dataset, "train"),
      testIds: [...testQrels.keys()].sort(),
      queries: await readBeirQueries(dataset),
      docIds,
      docTexts,
      bm25TestRun: await readRun(join(tmp, "bm25-test.run")),
      bm25TrainRun: await readRun(join(tmp, "bm25-train.run")),
      bm25Test: bm25Test.evaluation,
      log,
    };
    const only = opt.variant;
    const variants: Array<[string, EncoderTrainingOverrides]> = [
      ["corpus only", { features: overrides.features, training: { ...overrides.training, judgmentRepeats: 0 } }],
      ["corpus + train judgments", overrides],
    ];
    const results: Variant[] = [];
    for (const [label, o] of variants) if (!only || label.startsWith(only)) results.push(await evaluateVariant(label, o, shared));
    const bm25Row: Row = { method: "BM25 flat (Anserini setting)", ndcg10: bm25Test.evaluation.mean.ndcg_cut_10, recall100: bm25Test.evaluation.mean.recall_100, vsBm25: null };
    const table = [bm25Row, ...results.flatMap((r) => r.rows)];
    const scifactEnd = loadavg().map((x) => x.toFixed(2)).join(" ");
    if (!opt.json) process.stdout.write(`${scifactLines(shared.testIds.length, table, results, `${load} -> ${scifactEnd}`).join("\n")}\n`);
    const arxivPath = opt.arxiv ?? join(root, "..", "shared", "datasets", "arxiv-cs-cl-ir", "papers.jsonl.gz");
    const arxiv = opt["skip-arxiv"] || !existsSync(arxivPath) ? null : await benchArxiv(arxivPath, { features: overrides.features, training: { ...overrides.training, judgmentRepeats: 0 } }, log);
    const end = loadavg().map((x) => x.toFixed(2)).join(" ");
    if (opt.json) process.stdout.write(`${JSON.stringify({ dataset, load: `${load} -> ${end}`, table, variants: results, arxiv }, null, 2)}\n`);
    else if (arxiv) process.stdout.write(`${arxivLines(arxiv, `${scifactEnd} -> ${end}`).join("\n")}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
