import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runRecEvaluation } from "../eval/run.js";
import { leaveOneOutSplit } from "../eval/splits.js";
import { createRecommender, loadRecommender } from "../registry.js";
import { plantedClusters } from "../testing.js";
import { evaluateNextItem, leaveOneOut } from "./evaluate.js";
import { SasRecRecommender } from "./sasrec-recommender.js";
import { trainSasRec } from "./sasrec.js";

const dir = mkdtempSync(join(tmpdir(), "trove-sasrec-rec-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = { hidden: 16, blocks: 1, maxLen: 8, dropout: 0.1, attnDropout: 0.1, epochs: 12, batchSize: 32, lr: 0.01, patience: 3 };
const data = plantedClusters({ users: 80 });

test("runRecEvaluation with sasrec follows the S3-Rec protocol of the sequence API (same numbers)", async () => {
  const result = await runRecEvaluation({ data, model: "sasrec", modelOptions: SMALL });
  // The same model trained and evaluated through the sequence API on leaveOneOut of the same sequences.
  const seqs = data.userSequences();
  const sequences = Array.from({ length: data.numUsers }, (_, u) => seqs.items.subarray(seqs.indptr[u], seqs.indptr[u + 1]));
  const split = leaveOneOut(sequences);
  const direct = await trainSasRec(split.train, data.numItems, {
    config: { hidden: 16, blocks: 1, maxLen: 8, dropout: 0.1, attnDropout: 0.1 },
    loss: "ce", examples: "multi", epochs: 12, batchSize: 32, lr: 0.01, patience: 3, seed: 42, beta2: 0.98, handleSigint: false,
    validation: { histories: split.validHistories, targets: split.validTargets },
  });
  const test = evaluateNextItem(direct.model, split.testHistories, split.testTargets);
  assert.equal(result.training?.bestEpoch, direct.bestEpoch);
  assert.equal(result.training?.epochs, direct.history.length);
  assert.ok(Math.abs(result.metrics["ndcg@10"] - test.ndcg) < 1e-9, `${result.metrics["ndcg@10"]} vs ${test.ndcg}`);
  assert.ok(Math.abs(result.metrics["recall@10"] - test.recall) < 1e-9);
  assert.ok(Math.abs((result.validation?.["ndcg@10"] ?? -1) - (direct.bestValid?.ndcg ?? -2)) < 1e-9);
  assert.match(String(result.training?.validatedOn), /80 validation targets/);
  assert.match(result.protocol, /full ranking/);
});

test("sasrec recommends from ids' histories, excludes seen items, and serves similar items after load", async () => {
  const split = leaveOneOutSplit(data);
  const model = createRecommender("sasrec", { ...SMALL, epochs: 15 });
  await model.fit(split.train, { validation: split.validation });
  const recs = model.recommend(3, 5);
  const seen = new Set(model.seenBy(3));
  assert.equal(recs.items.length, 5);
  for (const i of recs.items) assert.ok(!seen.has(i));
  const similar = model.similarItems(0, 5);
  assert.ok(![...similar.items].includes(0));
  const path = join(dir, "sasrec");
  model.save(path);
  const loaded = loadRecommender(path) as SasRecRecommender;
  assert.ok(loaded instanceof SasRecRecommender);
  assert.deepEqual(loaded.recommend(3, 5), recs);
  assert.deepEqual(loaded.similarItems(0, 5), similar);
  assert.equal(loaded.fitReport?.bestEpoch, model.fitReport?.bestEpoch);
  // An empty history falls back to training popularity instead of failing.
  assert.equal(loaded.recommend([], 3).items.length, 3);
});

test("an interrupt flag stops sasrec training early and keeps a usable model", async () => {
  const model = createRecommender("sasrec", { ...SMALL, epochs: 50 });
  await model.fit(leaveOneOutSplit(data).train, { interrupt: { interrupted: true } });
  assert.equal(model.fitReport?.stoppedBy, "interrupt");
  assert.equal(model.recommend(0, 3).items.length, 3);
});

test("bad sasrec options name the option", async () => {
  await assert.rejects(createRecommender("sasrec", { examples: "every" }).fit(data), /examples must be/);
  await assert.rejects(createRecommender("sasrec", { hidden: 10, heads: 3 }).fit(data), /hidden \(10\) must be divisible by heads/);
  await assert.rejects(createRecommender("sasrec", { loss: "mse", epochs: 1 }).fit(data), /loss must be/);
});

test("refitForTest retrains sasrec for the epochs validation chose", async () => {
  const plain = await runRecEvaluation({ data, model: "sasrec", modelOptions: SMALL, skipValidation: true });
  const refit = await runRecEvaluation({ data, model: "sasrec", modelOptions: SMALL, refitForTest: true, skipValidation: true });
  assert.equal(refit.training?.stoppedBy, "epochs");
  assert.match(String(refit.training?.validatedOn), /^none/);
  assert.equal(refit.training?.epochs, plain.training?.bestEpoch);
  assert.match(refit.protocol, /refit on train\+validation/);
});
