import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import { reservedQueries } from "../eval/held-out-splits.js";
import { fromSvmLight } from "../ltr/svmlight.js";
import { exportBeirFeatures, trainBeirLtr } from "./beir-ltr.js";
import { runBeirPipeline } from "./beir-pipeline.js";
import { SCIFACT, sliceScifact } from "./scifact-slice.js";

const FEATURES = [
  { type: "bm25", syntax: "plain" },
  { type: "bm25", fields: ["title"], syntax: "plain" },
  { type: "sdm", name: "proximity", syntax: "plain" },
  { type: "expansion", name: "rm3" },
  { type: "length", field: "contents" },
  { type: "coverage", field: "title", syntax: "plain" },
  { type: "feature", name: "bm25.rank", missing: 31 },
];

test("an ltr stage trains on the train judgments on first use, caches its model, and `ltr train` / `ltr export` write the same model and its features", { skip: !existsSync(SCIFACT) && "../shared/datasets/scifact is missing" }, async () => {
  const root = mkdtempSync(join(tmpdir(), "trove-beir-ltr-"));
  try {
    const dataset = join(root, "scifact-slice");
    await sliceScifact(dataset, { testRows: 30, trainRows: 80, others: 150 });
    const train = { trees: 15, patience: 5, validationFraction: 0.25, minDataInLeaf: 5, grid: { learningRate: [0.1], maxLeaves: [3, 7] } };
    const stage = { type: "ltr", depth: 30, features: FEATURES, train };
    const firstUse = join(root, "first-use.json");
    writeFileSync(firstUse, JSON.stringify({ name: "bm25-ltr", rewriters: [{ type: "rm3", syntax: "plain" }], retrievers: [{ type: "bm25", name: "bm25", depth: 30, syntax: "plain", expanded: false }], stages: [stage] }));
    const options = { dataset, cacheDir: join(root, "indexes"), modelCacheDir: join(root, "models") };

    const learned = await runBeirPipeline({ ...options, pipeline: firstUse });
    const cached = readdirSync(join(root, "models", "ltr"));
    assert.equal(cached.length, 1, "the model is cached");
    const cachedPath = join(root, "models", "ltr", cached[0]);
    const savedAt = statSync(cachedPath).mtimeMs;
    const again = await runBeirPipeline({ ...options, pipeline: firstUse });
    assert.equal(statSync(cachedPath).mtimeMs, savedAt, "and reused, not retrained");
    assert.deepEqual(again.perQuery, learned.perQuery);
    const bm25 = await runBeirPipeline({ ...options, pipeline: "bm25" });
    assert.notDeepEqual(learned.perQuery, bm25.perQuery, "the learned ranker reorders BM25's top 30");

    // the command trains the same model (same data, same seed) and reports every feature's importance
    const out = join(root, "ranker.json");
    const trained = await trainBeirLtr({ ...options, pipeline: firstUse, out, exportPath: join(root, "train.svm") });
    assert.equal(trained.model, out);
    // it learns from the train queries but the reserved ones (kept for choosing between pipelines)
    const trainIds = new Set(readFileSync(join(dataset, "qrels", "train.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t")[0]));
    assert.equal(trained.queries, trainIds.size - reservedQueries(trainIds).size);
    assert.deepEqual(trained.features, ["bm25", "bm25:title", "proximity", "rm3", "length:contents", "coverage:title", "bm25.rank"]);
    assert.equal(trained.importance.length, FEATURES.length);
    assert.ok(Math.abs(trained.importance.reduce((s, f) => s + f.gain, 0) - 1) < 1e-9);
    assert.deepEqual(JSON.parse(readFileSync(out, "utf8")).trees, JSON.parse(readFileSync(cachedPath, "utf8")).trees);
    const exported = fromSvmLight(readFileSync(join(root, "train.svm"), "utf8"));
    assert.equal(exported.labels.length, trained.rows);
    assert.ok(exported.labels.some((l) => l > 0));
    // features see the request as the stage does: RM3's expansion is scored during training, not left at 0
    const rm3Column = exported.featureNames.indexOf("rm3");
    assert.ok(Array.from({ length: exported.labels.length }, (_, r) => exported.features[r * exported.featureNames.length + rm3Column]).some((v) => v > 0));

    // a pipeline that names the model file (features taken from it) ranks as the trained-on-first-use one
    const fromFile = join(root, "from-file.json");
    writeFileSync(fromFile, JSON.stringify({ name: "bm25-ltr-file", rewriters: [{ type: "rm3", syntax: "plain" }], retrievers: [{ type: "bm25", name: "bm25", depth: 30, syntax: "plain", expanded: false }], stages: [{ type: "ltr", depth: 30, model: out }] }));
    assert.deepEqual((await runBeirPipeline({ ...options, pipeline: fromFile })).perQuery, learned.perQuery);

    // test judgments are never learned from; export may label test candidates for other toolkits
    await assert.rejects(trainBeirLtr({ ...options, pipeline: firstUse, split: "test", out }), (e: unknown) => e instanceof InvalidArgumentError && /refusing to train on the "test" judgments/.test(e.message));
    const testSvm = await exportBeirFeatures({ ...options, pipeline: fromFile, split: "test", out: join(root, "test.svm") });
    assert.equal(testSvm.features.length, FEATURES.length);
    assert.equal(fromSvmLight(readFileSync(join(root, "test.svm"), "utf8")).labels.length, testSvm.rows);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
