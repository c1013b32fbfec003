/**
 * `npm run bench:ltr`: Trove's LambdaMART against XGBoost's rank:ndcg
 * (Debian's python3-xgboost, run by /usr/bin/python3) on the same SVMlight
 * feature files: training seconds and nDCG@10 of the test file's candidates.
 *
 * The files are the ltr stage's features of pipelines/scifact/bm25-ltr.json
 * (BM25's top 100 of every SciFact train query, and of every test query),
 * written by `trove ltr export` once and reused (bench/ranking/data/); or
 * give --train and --test. Both learners get the same settings and no
 * validation: --trees 300, --learning-rate 0.1, --leaves 31, histogram of
 * 256 bins, trees grown best leaf first, one thread each. nDCG@10 here is
 * over the candidates in the file, the ideal from their labels (a reranking
 * measure, not trec_eval's over the whole corpus), the same for both.
 *
 * Timing: `--rounds` rounds (default 3) alternating the two learners;
 * medians reported, with the load average before and after (the machine may
 * be shared). XGBoost's time excludes Python start-up and file parsing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { formatTable } from "../../src/cli/output.js";
import { DEFAULT_LAMBDAMART, meanNdcg, trainLambdaMart } from "../../src/ltr/lambdamart.js";
import { LtrModel } from "../../src/ltr/ltr-model.js";
import { fromSvmLight } from "../../src/ltr/svmlight.js";
import { exportBeirFeatures } from "../../src/experiments/beir-ltr.js";
import { median } from "../lexical/stats.js";

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

async function featureFiles(): Promise<{ train: string; test: string }> {
  const given = { train: option("train", ""), test: option("test", "") };
  if (given.train && given.test) return given;
  const dataset = option("dataset", join("..", "shared", "datasets", "scifact"));
  const pipeline = option("pipeline", join("pipelines", "scifact", "bm25-ltr.json"));
  const dir = join("bench", "ranking", "data");
  mkdirSync(dir, { recursive: true });
  const files = { train: join(dir, "scifact-train.svm"), test: join(dir, "scifact-test.svm") };
  for (const split of ["train", "test"] as const) {
    if (existsSync(files[split])) continue;
    process.stderr.write(`writing ${files[split]} (trove ltr export --split ${split})\n`);
    await exportBeirFeatures({ dataset, pipeline, split, out: files[split] });
  }
  return files;
}

async function main(): Promise<void> {
  const { train: trainPath, test: testPath } = await featureFiles();
  const train = fromSvmLight(readFileSync(trainPath, "utf8"), trainPath);
  const test = fromSvmLight(readFileSync(testPath, "utf8"), testPath);
  const trees = Number(option("trees", "300"));
  const learningRate = Number(option("learning-rate", "0.1"));
  const leaves = Number(option("leaves", "31"));
  const rounds = Number(option("rounds", "3"));
  const python = option("python", "/usr/bin/python3");
  const script = join("bench", "ranking", "xgboost_rank.py");
  const scratch = mkdtempSync(join(tmpdir(), "trove-ltr-bench-"));
  const loadBefore = load();
  const times = { trove: [] as number[], xgboost: [] as number[] };
  let troveNdcg = 0;
  let xgbNdcg = 0;
  let xgbVersion = "";
  try {
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      const result = trainLambdaMart(train, { ...DEFAULT_LAMBDAMART, trees, learningRate, maxLeaves: leaves, minDataInLeaf: 1, minHessianInLeaf: 1e-3 });
      times.trove.push((performance.now() - started) / 1000);
      const model = new LtrModel({ featureNames: [...train.featureNames] }, result.trees);
      troveNdcg = meanNdcg(test, model.predict(test.features, test.labels.length), 10);

      const out = join(scratch, "predictions.txt");
      const line = execFileSync(python, [script, trainPath, testPath, out, String(trees), String(learningRate), String(leaves), "0.001", "1"], { encoding: "utf8" }).trim().split("\n").pop()!;
      const report = JSON.parse(line) as { trainSeconds: number; xgboost: string };
      times.xgboost.push(report.trainSeconds);
      xgbVersion = report.xgboost;
      const predictions = Float64Array.from(readFileSync(out, "utf8").trim().split("\n"), Number);
      xgbNdcg = meanNdcg(test, predictions, 10);
      process.stderr.write(`round ${round + 1}: trove ${times.trove[round].toFixed(2)} s, xgboost ${times.xgboost[round].toFixed(2)} s\n`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const loadAfter = load();
  process.stdout.write(`train ${trainPath}: ${train.queryIds.length} queries, ${train.labels.length} rows, ${train.featureNames.length} features; test ${testPath}: ${test.queryIds.length} queries, ${test.labels.length} rows\n`);
  process.stdout.write(`${trees} trees, learning rate ${learningRate}, ${leaves} leaves, 256 bins, one thread; ${rounds} rounds alternating; load average before ${loadBefore}, after ${loadAfter}\n\n`);
  process.stdout.write(
    `${formatTable(
      ["learner", "train s (median)", "train s (all)", "test nDCG@10 (candidates)"],
      [
        ["Trove LambdaMART", median(times.trove).toFixed(2), times.trove.map((t) => t.toFixed(2)).join(" "), troveNdcg.toFixed(4)],
        [`XGBoost ${xgbVersion} rank:ndcg`, median(times.xgboost).toFixed(2), times.xgboost.map((t) => t.toFixed(2)).join(" "), xgbNdcg.toFixed(4)],
      ],
    )}\n`,
  );
  process.stdout.write(`\nTrove / XGBoost training time: ${(median(times.trove) / median(times.xgboost)).toFixed(2)}x\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
