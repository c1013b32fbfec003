import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import { reservedQueries } from "../eval/held-out-splits.js";
import { runBeirPipeline } from "./beir-pipeline.js";
import { SCIFACT, sliceScifact } from "./scifact-slice.js";

test("hybrid-rrf on a fresh machine: Trove trains its own encoder on the corpus and train judgments, then reuses it", { skip: !existsSync(SCIFACT) && "../shared/datasets/scifact is missing" }, async () => {
  const root = mkdtempSync(join(tmpdir(), "trove-beir-pipe-"));
  try {
    const dataset = join(root, "scifact-slice");
    await sliceScifact(dataset);
    const options = {
      dataset,
      cacheDir: join(root, "indexes"),
      trainedEncoder: { cacheDir: join(root, "models"), config: { training: { dimensions: 32, epochs: 3, batchSize: 64, patience: 0, validationDocuments: 0 } } },
    };
    const hybrid = await runBeirPipeline({ ...options, pipeline: "hybrid-rrf" });
    assert.equal(hybrid.encoders.length, 1);
    assert.equal(hybrid.encoders[0].field, "embedding");
    assert.equal(hybrid.encoders[0].trainedNow, true);
    assert.match(hybrid.encoders[0].encoder, /^trove:/);
    const ndcg = hybrid.evaluation.mean.ndcg_cut_10;
    assert.ok(ndcg > 0 && ndcg <= 1);
    assert.equal(Object.keys(hybrid.perQuery).length, hybrid.queries);
    const again = await runBeirPipeline({ ...options, pipeline: "dense" });
    assert.equal(again.encoders[0].trainedNow, false, "the encoder is reused");
    assert.equal(again.indexReused, true, "so is the index with its vectors");
    const bm25 = await runBeirPipeline({ ...options, pipeline: "bm25" });
    assert.deepEqual(bm25.encoders, []);
    // fusing dense retrieval into BM25 changes the ranking
    assert.notDeepEqual(bm25.perQuery, hybrid.perQuery);
    await assert.rejects(runBeirPipeline({ ...options, pipeline: "hybrid-rrf", split: "train" }), (e: unknown) => e instanceof InvalidArgumentError && /memorization/.test(e.message));
    // the train split's reserved queries are exactly the ones the encoder held out, so pipelines can be compared on them
    const trainIds = readFileSync(join(dataset, "qrels", "train.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t")[0]);
    const reserved = reservedQueries(trainIds);
    const held = (JSON.parse(readFileSync(join(hybrid.encoders[0].path!, "config.json"), "utf8")) as { training: { report: { validationQueryIds: string[] } } }).training.report.validationQueryIds;
    assert.deepEqual([...held].sort(), [...reserved].sort());
    const chosen = await runBeirPipeline({ ...options, pipeline: "hybrid-rrf", split: "train", reserved: true });
    assert.deepEqual(Object.keys(chosen.perQuery).sort(), [...reserved].sort());
    await assert.rejects(runBeirPipeline({ ...options, pipeline: "bm25", reserved: true }), /refusing to train on the "test" judgments/);
    await assert.rejects(runBeirPipeline({ ...options, pipeline: "no-such-pipeline" }), /not a preset \(bm25, dense, hybrid-rrf, hybrid-convex\) and no such file/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
