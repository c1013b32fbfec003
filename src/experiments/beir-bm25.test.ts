import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBeirBm25 } from "./beir-bm25.js";
import { runBeirPipeline } from "./beir-pipeline.js";
import { readRun } from "../eval/run.js";

const SCIFACT = join(process.cwd(), "..", "shared", "datasets", "scifact");

// Anserini's published BEIR (v1.0.0) BM25 regressions for SciFact (docs/reproductions.md)
const ANSERINI = {
  flat: { ndcg_cut_10: 0.6789, recall_100: 0.9253 },
  multifield: { ndcg_cut_10: 0.6647, recall_100: 0.9076 },
} as const;

for (const fields of ["flat", "multifield"] as const) {
  test(`SciFact ${fields}: BM25 reproduces Anserini's nDCG@10 and Recall@100`, { skip: !existsSync(SCIFACT) && "../shared/datasets/scifact is missing" }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "trove-beir-"));
    try {
      const runPath = join(dir, "run.txt");
      const result = await runBeirBm25({ dataset: SCIFACT, fields, cacheDir: dir, runPath });
      assert.equal(result.queries, 300);
      assert.equal(result.documents, 5183);
      for (const [key, expected] of Object.entries(ANSERINI[fields])) {
        const got = result.evaluation.mean[key];
        assert.ok(Math.abs(got - expected) < 0.0001, `${key}: Trove ${got.toFixed(4)}, Anserini ${expected}`);
      }
      // the written run file holds at most 1000 hits per query, best first
      const run = await readRun(runPath);
      assert.equal(run.size, 300);
      for (const docs of run.values()) {
        assert.ok(docs.length > 0 && docs.length <= 1000);
        for (let i = 1; i < docs.length; i++) assert.ok(docs[i - 1].score >= docs[i].score);
      }
      // a second run reuses the cached index and gives the same numbers
      const again = await runBeirBm25({ dataset: SCIFACT, fields, cacheDir: dir });
      assert.equal(again.indexReused, true);
      assert.deepEqual(again.evaluation.mean, result.evaluation.mean);
      // the bm25 pipeline preset is the same ranking: the same figures, query for query
      const viaPipeline = await runBeirPipeline({ dataset: SCIFACT, fields, cacheDir: dir, pipeline: "bm25" });
      assert.equal(viaPipeline.indexReused, true);
      assert.deepEqual(viaPipeline.evaluation.mean, result.evaluation.mean);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
