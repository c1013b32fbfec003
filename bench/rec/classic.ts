/**
 * Classic recommenders on leave-one-out splits: Amazon Beauty (S3-Rec/ICLRec
 * preprocessing and protocol: full ranking over all items, history masked,
 * test histories = train + validation, no refit) and MovieLens-100K
 * (leave-one-out by timestamp, same protocol).
 *
 *   npx tsc -p . && node dist/bench/rec/classic.js --dataset beauty [--models ease,als] [--tune] [--runs 3] [--out file.json]
 *                                                 [--grid '{"ease":[{"lambda":50}]}'] [--check]
 *
 * Without --tune each model runs with the configuration chosen earlier on the
 * validation split (TUNED below). With --tune a small grid is fitted, each
 * configuration scored on validation NDCG@10, and only the best one is
 * evaluated on test. Fit time is the median over --runs fits of the chosen
 * configuration (default 1). Prints a Markdown table with the published
 * reference figures beside ours.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateSplit, type RankingEvaluation } from "../../src/recommend/eval/protocol.js";
import { leaveOneOutSplit, type Split } from "../../src/recommend/eval/splits.js";
import { loadInteractions } from "../../src/recommend/io/load.js";
import type { BaseRecommender } from "../../src/recommend/recommender.js";
import { createRecommender, type RecommenderName } from "../../src/recommend/registry.js";

const SHARED = join(import.meta.dirname, "../../../../shared/datasets");
const DATASETS: Record<string, string> = {
  beauty: join(SHARED, "amazon-beauty/Beauty.txt.gz"),
  ml100k: join(SHARED, "movielens-100k/u.data.gz"),
};

type Config = Record<string, unknown>;

/** Configurations picked on the validation split with --tune (see docs/recommendation.md). */
const TUNED: Record<string, Partial<Record<RecommenderName, Config>>> = {
  beauty: {
    "most-popular": {},
    "recent-popular": { windowFraction: 0.3 },
    "item-knn": { neighbours: 1000, shrinkage: 10 },
    ease: { lambda: 50 },
    als: { factors: 64, alpha: 30, regularization: 1, iterations: 15 },
    bpr: { factors: 64, learningRate: 0.1, regularization: 0.03, epochs: 400 },
    item2vec: { factors: 64, window: 8, epochs: 30, recencyDecay: 0.05, userScoring: "similar" },
  },
  ml100k: {
    "most-popular": {},
    "recent-popular": { windowFraction: 0.3 },
    "item-knn": { neighbours: 1000, shrinkage: 0 },
    ease: { lambda: 100 },
    als: { factors: 64, alpha: 1, regularization: 10, iterations: 15 },
    bpr: { factors: 64, learningRate: 0.05, regularization: 0.01, epochs: 40 },
    item2vec: { factors: 64, window: 3, epochs: 10, recencyDecay: 0.2, userScoring: "complementary" },
  },
};

/** Small grids: fit-time options × score-time options (the latter need no refit). */
function grids(dataset: string): Partial<Record<RecommenderName, { fit: Config[]; score?: Config[] }>> {
  return {
    "most-popular": { fit: [{}] },
    "recent-popular": { fit: [{ windowFraction: 0.05 }, { windowFraction: 0.1 }, { windowFraction: 0.3 }] },
    "item-knn": { fit: cross({ neighbours: [50, 200, 1000] }, { shrinkage: [0, 10, 100] }) },
    // Each Beauty EASE fit is minutes, so its grid is short.
    ease: { fit: (dataset === "beauty" ? [100, 250, 500, 1000] : [10, 30, 100, 300, 1000]).map((lambda) => ({ lambda })) },
    als: { fit: cross({ factors: [64] }, { alpha: [1, 3, 10] }, { regularization: [1, 10, 50] }, { iterations: [15] }) },
    bpr: { fit: cross({ factors: [64] }, { learningRate: [0.05, 0.1] }, { regularization: [0.002, 0.01, 0.03] }, { epochs: [40] }) },
    item2vec: {
      fit: cross({ factors: [64] }, { window: [1, 3, 8] }, { epochs: [10] }),
      score: cross({ recencyDecay: [1, 0.5, 0.2, 0.05] }, { userScoring: ["complementary", "similar"] }),
    },
  };
}

/**
 * Our own figures for the TUNED configurations (test split), checked by --check:
 * every fit is seeded and deterministic, so they must not move.
 */
const EXPECTED: Record<string, Partial<Record<RecommenderName, { "ndcg@10": number; "recall@10": number }>>> = {
  ml100k: {
    "most-popular": { "ndcg@10": 0.044885, "recall@10": 0.085896 },
    "recent-popular": { "ndcg@10": 0.039605, "recall@10": 0.084836 },
    "item-knn": { "ndcg@10": 0.055813, "recall@10": 0.108165 },
    ease: { "ndcg@10": 0.071084, "recall@10": 0.14316 },
    als: { "ndcg@10": 0.072736, "recall@10": 0.137858 },
    bpr: { "ndcg@10": 0.068604, "recall@10": 0.136797 },
    item2vec: { "ndcg@10": 0.08051, "recall@10": 0.160127 },
  },
  beauty: {
    "most-popular": { "ndcg@10": 0.005456, "recall@10": 0.011537 },
    "recent-popular": { "ndcg@10": 0.005536, "recall@10": 0.010911 },
    "item-knn": { "ndcg@10": 0.036249, "recall@10": 0.063319 },
    ease: { "ndcg@10": 0.038631, "recall@10": 0.069937 },
    als: { "ndcg@10": 0.024858, "recall@10": 0.048965 },
    bpr: { "ndcg@10": 0.021699, "recall@10": 0.045343 },
    item2vec: { "ndcg@10": 0.025947, "recall@10": 0.042928 },
  },
};

/** Published reference figures (same split, same protocol). */
const REFERENCES: Record<string, { name: string; source: string; metrics: Record<string, number> }[]> = {
  beauty: [
    { name: "SASRec (published)", source: "TIGER paper (Rajput et al., NeurIPS 2023) Table 1", metrics: { "recall@10": 0.0605, "ndcg@10": 0.0318 } },
    { name: "S3-Rec (published)", source: "TIGER paper Table 1", metrics: { "ndcg@10": 0.0327 } },
  ],
  ml100k: [],
};

function cross(...axes: Record<string, unknown[]>[]): Config[] {
  let out: Config[] = [{}];
  for (const axis of axes) {
    const [key, values] = Object.entries(axis)[0];
    out = out.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return out;
}

interface Row {
  model: string;
  options: Config;
  validation: Record<string, number>;
  test: Record<string, number>;
  fitSeconds: number[];
  evalSeconds: number;
  tried: number;
  protocol: string;
}

function parseArgs(argv: string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) out[a.slice(2)] = true;
    else {
      out[a.slice(2)] = next;
      i++;
    }
  }
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function runModel(
  name: RecommenderName,
  split: Split,
  dataset: string,
  tune: boolean,
  runs: number,
  log: (s: string) => void,
  override?: Config[],
): Promise<Row> {
  const grid = override ? { fit: override, score: undefined } : tune ? (grids(dataset)[name] ?? { fit: [{}], score: undefined }) : { fit: [TUNED[dataset]?.[name] ?? {}], score: undefined };
  let best: { model: BaseRecommender<object>; options: Config; validation: RankingEvaluation; fitSeconds: number } | undefined;
  let tried = 0;
  for (const fitConfig of grid.fit) {
    const model = createRecommender(name, fitConfig);
    await model.fit(split.train);
    const fitSeconds = model.trainingSeconds;
    for (const scoreConfig of grid.score ?? [{}]) {
      Object.assign(model.options, scoreConfig);
      const validation = evaluateSplit(model, split, "validation", { ks: [5, 10, 20] });
      tried++;
      const options = { ...fitConfig, ...scoreConfig };
      log(`  ${name} ${JSON.stringify(options)}: val ndcg@10 ${validation.metrics["ndcg@10"].toFixed(4)} (fit ${fitSeconds.toFixed(1)} s)`);
      if (!best || validation.metrics["ndcg@10"] > best.validation.metrics["ndcg@10"]) {
        best = { model, options, validation, fitSeconds };
      }
    }
  }
  if (!best) throw new Error("no configuration ran");
  Object.assign(best.model.options, best.options);
  const test = evaluateSplit(best.model, split, "test", { ks: [5, 10, 20] });
  const fitSeconds = [best.fitSeconds];
  for (let r = 1; r < runs; r++) {
    const again = createRecommender(name, best.options);
    await again.fit(split.train);
    fitSeconds.push(again.trainingSeconds);
  }
  return { model: name, options: best.options, validation: best.validation.metrics, test: test.metrics, fitSeconds, evalSeconds: test.seconds, tried, protocol: test.protocol };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dataset = String(args.dataset ?? "beauty");
  const path = typeof args.path === "string" ? args.path : DATASETS[dataset];
  if (!path) throw new Error(`unknown dataset ${dataset}; pass --path`);
  const models = String(args.models ?? "most-popular,recent-popular,item-knn,ease,als,bpr,item2vec").split(",") as RecommenderName[];
  const tune = args.tune === true;
  // --grid '{"ease":[{"lambda":50}]}': fit exactly these configurations (follow-up tuning beyond a grid edge).
  const gridOverride = typeof args.grid === "string" ? (JSON.parse(args.grid) as Partial<Record<RecommenderName, Config[]>>) : {};
  const runs = Number(args.runs ?? 1);
  const log = (s: string): void => console.error(s);
  const t0 = performance.now();
  const data = await loadInteractions({ path });
  const split = leaveOneOutSplit(data);
  log(`${dataset}: ${data.numUsers} users, ${data.numItems} items, ${data.length} events; loaded and split in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const rows: Row[] = [];
  for (const name of models) {
    log(`${name}${tune ? " (tuning on validation)" : ""}`);
    rows.push(await runModel(name, split, dataset, tune, runs, log, gridOverride[name]));
    const r = rows[rows.length - 1];
    log(`  -> test ndcg@10 ${r.test["ndcg@10"].toFixed(4)} recall@10 ${r.test["recall@10"].toFixed(4)}, fit ${median(r.fitSeconds).toFixed(1)} s`);
  }
  const protocol = rows[0]?.protocol ?? "";
  const f = (x: number | undefined): string => (x === undefined ? "" : x.toFixed(4));
  const lines = [
    `Dataset: ${dataset} (${data.numUsers} users, ${data.numItems} items, ${data.length} interactions)`,
    `Protocol: ${protocol}; model fit on train only`,
    "",
    "| model | options | val NDCG@10 | Recall@5 | NDCG@5 | Recall@10 | NDCG@10 | MRR@10 | Recall@20 | NDCG@20 | Coverage@10 | fit s (median) | eval s |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.model} | \`${JSON.stringify(r.options)}\` | ${f(r.validation["ndcg@10"])} | ${f(r.test["recall@5"])} | ${f(r.test["ndcg@5"])} | ${f(r.test["recall@10"])} | ${f(r.test["ndcg@10"])} | ${f(r.test["mrr@10"])} | ${f(r.test["recall@20"])} | ${f(r.test["ndcg@20"])} | ${f(r.test["coverage@10"])} | ${median(r.fitSeconds).toFixed(1)} (${r.fitSeconds.length} run${r.fitSeconds.length > 1 ? "s" : ""}) | ${r.evalSeconds.toFixed(1)} |`,
    ),
    ...(REFERENCES[dataset] ?? []).map(
      (ref) => `| ${ref.name} | ${ref.source} | | ${f(ref.metrics["recall@5"])} | ${f(ref.metrics["ndcg@5"])} | ${f(ref.metrics["recall@10"])} | ${f(ref.metrics["ndcg@10"])} | | | | | | |`,
    ),
  ];
  console.log(lines.join("\n"));
  if (args.check === true) {
    let failed = 0;
    for (const r of rows) {
      const expected = EXPECTED[dataset]?.[r.model as RecommenderName];
      if (!expected) continue;
      for (const metric of ["ndcg@10", "recall@10"] as const) {
        const ok = Math.abs(r.test[metric] - expected[metric]) < 5e-5;
        if (!ok) failed++;
        log(`check ${r.model} ${metric}: ${r.test[metric].toFixed(4)} vs expected ${expected[metric].toFixed(4)} ${ok ? "ok" : "MOVED"}`);
      }
    }
    if (failed > 0) process.exitCode = 1;
  }
  if (typeof args.out === "string") {
    writeFileSync(args.out, JSON.stringify({ dataset, path, protocol, tuned: tune, rows, references: REFERENCES[dataset] ?? [], date: new Date().toISOString(), node: process.version }, null, 2) + "\n");
  }
}

await main();
