import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidFileError } from "../core/errors.js";
import { SeededRandom } from "../core/random.js";
import { binFeatures, binOf } from "./feature-bins.js";
import { idealDcgs, lambdaGradients } from "./lambda-gradients.js";
import { DEFAULT_LAMBDAMART, meanNdcg, trainLambdaMart } from "./lambdamart.js";
import { LtrModel } from "./ltr-model.js";
import { datasetFromQueries, type RankingDataset } from "./ranking-dataset.js";
import { fromSvmLight, toSvmLight } from "./svmlight.js";
import { trainRanker } from "./train-ranker.js";

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test("LambdaRank gradients, worked by hand: the relevant document at rank 2 of 3", () => {
  const labels = Float32Array.of(0, 1, 0);
  const scores = Float64Array.of(2, 1, 0);
  const gradient = new Float64Array(3);
  const hessian = new Float64Array(3);
  lambdaGradients(scores, { labels, groups: Int32Array.of(0, 3), idealDcg: idealDcgs([[1]], Infinity) }, 1, Infinity, gradient, hessian);
  // swapping with rank 1 changes nDCG by 1 - 1/log2(3); with rank 3 by 1/log2(3) - 1/2
  const d01 = 1 - 1 / Math.log2(3);
  const d12 = 1 / Math.log2(3) - 0.5;
  const rho01 = 1 / (1 + Math.exp(1 - 2));
  const rho12 = 1 / (1 + Math.exp(1 - 0));
  close(gradient[1], rho01 * d01 + rho12 * d12, 1e-12, "relevant document pushed up");
  close(gradient[0], -rho01 * d01, 1e-12, "rank 1 pushed down");
  close(gradient[2], -rho12 * d12, 1e-12, "rank 3 pushed down");
  close(hessian[1], rho01 * (1 - rho01) * d01 + rho12 * (1 - rho12) * d12, 1e-12, "second derivative");
  // with a cutoff of 1, only the swap that changes the first place counts
  lambdaGradients(scores, { labels, groups: Int32Array.of(0, 3), idealDcg: idealDcgs([[1]], 1) }, 1, 1, gradient, hessian);
  close(gradient[1], rho01 * 1, 1e-12, "cutoff 1");
  assert.equal(gradient[2], 0);
});

test("LambdaRank gradients are the slope of the pairwise surrogate (finite differences)", () => {
  const random = new SeededRandom(3);
  const n = 12;
  const labels = Float32Array.from({ length: n }, () => random.int(3));
  const scores = Float64Array.from({ length: n }, () => random.normal());
  const input = { labels, groups: Int32Array.of(0, n), idealDcg: idealDcgs([labels], Infinity) };
  const sigma = 1.5;
  // the surrogate with the |dNDCG| weights of the current ranking held fixed
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const rank = new Int32Array(n);
  order.forEach((i, r) => (rank[i] = r));
  const disc = (r: number) => 1 / Math.log2(r + 2);
  const surrogate = (s: Float64Array) => {
    let c = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (labels[i] <= labels[j]) continue;
        const dz = Math.abs((labels[i] - labels[j]) * (disc(rank[i]) - disc(rank[j]))) / input.idealDcg[0];
        c += dz * Math.log1p(Math.exp(-sigma * (s[i] - s[j])));
      }
    }
    return c;
  };
  const gradient = new Float64Array(n);
  const hessian = new Float64Array(n);
  lambdaGradients(scores, input, sigma, Infinity, gradient, hessian);
  const eps = 1e-6;
  for (let i = 0; i < n; i++) {
    const up = Float64Array.from(scores);
    const down = Float64Array.from(scores);
    up[i] += eps;
    down[i] -= eps;
    close(gradient[i], -(surrogate(up) - surrogate(down)) / (2 * eps), 1e-6, `gradient ${i}`);
    close(hessian[i], (surrogate(up) - 2 * surrogate(scores) + surrogate(down)) / (eps * eps), 1e-3, `second derivative ${i}`);
  }
});

/** Queries of 20 candidates; feature "signal" tracks relevance, the others are noise. */
function toyData(queries: number, seed: number): RankingDataset {
  const random = new SeededRandom(seed);
  return datasetFromQueries(
    ["noise1", "signal", "noise2"],
    Array.from({ length: queries }, (_, q) => {
      const rows = Array.from({ length: 20 }, (_, d) => {
        const label = random.next() < 0.15 ? (random.next() < 0.5 ? 2 : 1) : 0;
        return { docId: `q${q}d${d}`, label, features: [random.normal(), label + 0.9 * random.normal(), random.normal() * 3] };
      });
      return { id: `q${q}`, rows, judged: rows.map((r) => r.label).filter((l) => l > 0) };
    }),
  );
}

test("training raises nDCG on a toy problem and finds the one informative feature", () => {
  const train = toyData(80, 1);
  const test = toyData(40, 2);
  const result = trainLambdaMart(train, { ...DEFAULT_LAMBDAMART, trees: 60, maxLeaves: 7, minDataInLeaf: 10, patience: 15 }, { validation: test });
  // early stopping keeps the trees up to the best validation score, and the training score is theirs
  const best = Math.max(...result.history.map((h) => h.validation!));
  assert.equal(result.history[result.bestIteration - 1].validation, best);
  const model = new LtrModel({ featureNames: [...train.featureNames] }, result.trees);
  const learned = meanNdcg(test, model.predict(test.features, test.labels.length), 10);
  const noise = meanNdcg(test, Float64Array.from({ length: test.labels.length }, (_, r) => test.features[r * 3]), 10);
  const oracle = meanNdcg(test, Float64Array.from({ length: test.labels.length }, (_, r) => test.features[r * 3 + 1]), 10);
  assert.ok(learned > noise + 0.2, `learned ${learned} vs noise ${noise}`);
  assert.ok(learned > oracle - 0.03, `learned ${learned} vs the signal feature alone ${oracle}`);
  assert.equal(model.importance()[0].name, "signal");
  // the scores training accumulated equal the model's predictions on the training data
  const all = trainLambdaMart(train, { ...DEFAULT_LAMBDAMART, trees: 20, maxLeaves: 7, minDataInLeaf: 10 });
  const trained = new LtrModel({ featureNames: [...train.featureNames] }, all.trees);
  close(meanNdcg(train, trained.predict(train.features, train.labels.length), 10), all.trainNdcg, 1e-12, "train nDCG");
  // the grid-and-validation driver keeps to the training queries and reports its choice
  const { model: ranked, report } = trainRanker(train, { validationFraction: 0.25, seed: 4, grid: { maxLeaves: [3, 7] }, params: { trees: 40, patience: 10, minDataInLeaf: 10 } });
  assert.deepEqual(report.queries, { fit: 60, validation: 20 });
  assert.equal(report.grid.length, 2);
  assert.ok(meanNdcg(test, ranked.predict(test.features, test.labels.length), 10) > noise + 0.2);
});

test("features are binned so that a split on bins is the same rule on raw values", () => {
  const random = new SeededRandom(9);
  const rows = 5000;
  const values = Float32Array.from({ length: rows * 2 }, (_, i) => (i % 2 ? random.int(5) : random.normal()));
  const bins = binFeatures(values, rows, 2);
  assert.equal(bins.upper[1].length, 5, "five distinct values, five bins");
  assert.ok(bins.upper[0].length <= 256);
  for (let f = 0; f < 2; f++) {
    for (let r = 0; r < rows; r++) {
      const v = values[r * 2 + f];
      const b = bins.codes[f * rows + r];
      assert.ok(v <= bins.upper[f][b] && (b === 0 || v > bins.upper[f][b - 1]), `value ${v} in bin ${b}`);
    }
  }
  assert.equal(binOf(bins.upper[0], Number.NaN), 0);
});

test("SVMlight export reads back to the same numbers; bad lines are named", () => {
  const data = toyData(5, 7);
  const text = toSvmLight(data);
  assert.match(text.split("\n")[1], /^[0-2] qid:q0 1:\S+ 2:\S+ 3:\S+ # q0d0$/);
  const back = fromSvmLight(text);
  assert.deepEqual(back.featureNames, data.featureNames);
  assert.deepEqual(back.queryIds, data.queryIds);
  assert.deepEqual(back.docIds, data.docIds);
  assert.deepEqual(Array.from(back.groups), Array.from(data.groups));
  assert.deepEqual(Array.from(back.labels), Array.from(data.labels));
  assert.deepEqual(Array.from(back.features), Array.from(data.features), "float32 values survive the text form");
  assert.throws(() => fromSvmLight("1 qid:a 1:0.5\nx qid:a 1:1\n", "f.txt"), (e: unknown) => e instanceof InvalidFileError && e.message === 'f.txt:2: the label "x" is not a number');
  assert.throws(() => fromSvmLight("1 qid:a 0:0.5\n", "f.txt"), /f\.txt:1: "0:0.5" is not <feature>:<number>/);
  assert.throws(() => fromSvmLight("1 qid:a 1:1\n0 qid:b 1:1\n0 qid:a 1:1\n", "f.txt"), /lines of query a are not together/);
});

test("a model file round-trips, predicts the same, and broken files are refused", () => {
  const data = toyData(30, 5);
  const { trees } = trainLambdaMart(data, { ...DEFAULT_LAMBDAMART, trees: 15, maxLeaves: 5, minDataInLeaf: 5 });
  const model = new LtrModel({ featureNames: [...data.featureNames], features: [{ type: "bm25" }], training: { note: "toy" } }, trees);
  const dir = mkdtempSync(join(tmpdir(), "trove-ltr-model-"));
  const path = join(dir, "model.json");
  model.save(path);
  const loaded = LtrModel.load(path);
  assert.deepEqual(Array.from(loaded.predict(data.features, data.labels.length)), Array.from(model.predict(data.features, data.labels.length)));
  assert.deepEqual(loaded.info.features, [{ type: "bm25" }]);
  const json = model.toJSON() as { trees: Array<{ left: number[] }> };
  const write = (value: unknown) => (writeFileSync(path, JSON.stringify(value)), path);
  assert.throws(() => LtrModel.load(write({ ...json, version: 99 })), /version: this Trove reads version 1/);
  assert.throws(() => LtrModel.load(write({ ...json, format: "xgboost" })), /format: expected "trove-ltr-model"/);
  const cyclic = structuredClone(json);
  cyclic.trees[0].left[0] = 0;
  assert.throws(() => LtrModel.load(write(cyclic)), /trees\[0\]: node 0 has a child 0 outside the tree/);
  writeFileSync(path, "{");
  assert.throws(() => LtrModel.load(path), InvalidFileError);
});
