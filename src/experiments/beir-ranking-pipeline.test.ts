/**
 * `trove eval search --pipeline file.json` with the second-stage kinds: on a small BEIR directory
 * written here, a pipeline file whose sparse retriever fills its field with the tiny SPLADE model, fused
 * with BM25, then reranked by the tiny cross-encoder and the tiny ColBERT model, evaluates end to end
 * (records for the rerankers come from the corpus) and reuses its cached index the second time.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { closeSharedModels } from "../pipeline/rerankers/shared-models.js";
import { runBeirPipeline } from "./beir-pipeline.js";

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const WORDS = ["semantic", "search", "dense", "sparse", "retrieval", "model", "neural", "hybrid", "vector", "query", "passage", "document"];

test("a pipeline file with a sparse retriever and model rerankers evaluates on a BEIR directory", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-beir-rank-"));
  try {
    const dataset = join(dir, "tiny");
    mkdirSync(join(dataset, "qrels"), { recursive: true });
    const docs = Array.from({ length: 30 }, (_, n) => ({ _id: `d${n}`, title: WORDS[n % 12], text: `${WORDS[(n * 5) % 12]} ${WORDS[(n * 7) % 12]} text` }));
    writeFileSync(join(dataset, "corpus.jsonl"), docs.map((d) => JSON.stringify(d)).join("\n") + "\n");
    const queries = Array.from({ length: 6 }, (_, q) => ({ _id: `q${q}`, text: `${WORDS[q]} ${WORDS[q + 3]}` }));
    writeFileSync(join(dataset, "queries.jsonl"), queries.map((q) => JSON.stringify(q)).join("\n") + "\n");
    const qrels = queries.map((q, i) => `${q._id}\td${i}\t1\n${q._id}\td${i + 12}\t1`).join("\n");
    writeFileSync(join(dataset, "qrels", "test.tsv"), `query-id\tcorpus-id\tscore\n${qrels}\n`);
    const pipeline = join(dir, "pipeline.json");
    writeFileSync(
      pipeline,
      JSON.stringify({
        name: "sparse-hybrid-reranked",
        retrievers: [
          { type: "bm25", depth: 30 },
          { type: "sparse", field: "splade", depth: 30, encoder: { type: "splade", path: root("src/sparse/fixtures/tiny-splade") } },
        ],
        fusion: { type: "rrf" },
        stages: [
          { type: "cross-encoder", path: root("src/rerank/fixtures/tiny-cross-encoder"), depth: 20 },
          { type: "late-interaction", path: root("src/rerank/fixtures/tiny-colbert"), depth: 10 },
        ],
      }),
    );
    const options = { dataset, pipeline, cacheDir: join(dir, "cache"), hits: 30 };
    const first = await runBeirPipeline(options);
    assert.equal(first.queries, 6);
    assert.deepEqual(first.encoders.map((e) => [e.field, e.encoder]), [["splade", "splade:tiny-splade maxLength=64"]]);
    const ndcg = first.evaluation.mean.ndcg_cut_10;
    assert.ok(ndcg >= 0 && ndcg <= 1);
    assert.equal((first.pipeline.stages as unknown[]).length, 2);
    const again = await runBeirPipeline(options);
    assert.equal(again.indexReused, true);
    assert.deepEqual(again.perQuery, first.perQuery, "the same figures from the cached index");
    await assert.rejects(
      runBeirPipeline({ ...options, pipeline: writePipeline(dir, { retrievers: [{ type: "sparse", field: "splade" }] }) }),
      /fills sparse field "splade" from the corpus, so the retriever needs an "encoder" or "documentEncoder"/,
    );
  } finally {
    await closeSharedModels();
    rmSync(dir, { recursive: true, force: true });
  }
});

function writePipeline(dir: string, config: unknown): string {
  const file = join(dir, "bad.json");
  writeFileSync(file, JSON.stringify(config));
  return file;
}
