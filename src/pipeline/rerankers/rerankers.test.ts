/**
 * The second-stage kinds run from pipeline configurations: the sparse retriever over a sparse_vector
 * field filled by the tiny SPLADE model (a text query through the same model, an explicit sparse
 * vector, an item), the cross-encoder and late-interaction stages on the tiny fixtures (their scores
 * equal the models' own), the LLM stages against a fake chat server with a hidden oracle, and the
 * validation of their settings.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { SearchIndex } from "../../engine/search-index.js";
import { openCrossEncoder } from "../../rerank/cross-encoder.js";
import { maxSim, openLateInteractionModel } from "../../rerank/late-interaction.js";
import { oracleAnswer, startFakeChatServer, type FakeChatServer } from "../../rerank/llm/testing.js";
import { openSparseEncoder } from "../../sparse/sparse-encoder.js";
import { defaultRegistry } from "../default-registry.js";
import { Pipeline } from "../pipeline.js";
import type { PipelineContext } from "../pipeline-context.js";
import { indexTarget } from "../pipeline-target.js";
import { closeSharedModels } from "./shared-models.js";

const root = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));
const SPLADE = root("src/sparse/fixtures/tiny-splade");
const CROSS = root("src/rerank/fixtures/tiny-cross-encoder");
const COLBERT = root("src/rerank/fixtures/tiny-colbert");

const WORDS = ["semantic", "search", "dense", "sparse", "retrieval", "model", "neural", "hybrid", "vector", "query", "passage", "document"];
/** 40 documents; document n's hidden relevance for the LLM oracle is (n * 13) mod 40. */
const docs = Array.from({ length: 40 }, (_, n) => ({
  id: `d${n}`,
  title: `doc-${n}`,
  text: `${WORDS[n % 12]} ${WORDS[(n * 5) % 12]} ${WORDS[(n * 7) % 12]} retrieval text`,
}));
const relevance = (doc: number) => (doc * 13) % 40;

let dir: string;
let index: SearchIndex;
let ctx: PipelineContext;
let server: FakeChatServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "trove-rerankers-"));
  const splade = await openSparseEncoder({ type: "splade", path: SPLADE });
  const vectors = await splade.encode(docs.map((d) => `${d.title} ${d.text}`));
  await splade.close();
  index = await SearchIndex.create(dir, { fields: { title: { type: "text" }, text: { type: "text" }, splade: { type: "sparse_vector" } } });
  index.addDocuments(docs.map((d, i) => ({ ...d, splade: vectors[i] })));
  await index.commit();
  const records = new Map(docs.map((d) => [d.id, { id: d.id, title: d.title, text: d.text }]));
  ctx = { target: indexTarget(index, async (ids) => ids.map((id) => records.get(id))), encoder: async () => assert.fail("no dense encoder here") };
  server = await startFakeChatServer(oracleAnswer(relevance));
});

after(async () => {
  await closeSharedModels();
  await index.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (config: unknown, request: Record<string, unknown>) => Pipeline.compile(config, defaultRegistry, "test.json").run(request, ctx);
const bm25 = { type: "bm25", depth: 40, fields: ["title", "text"] };

describe("sparse retriever", () => {
  test("a text query encoded by the field's SPLADE model finds what searchSparse finds with the same vector", async () => {
    const encoder = await openSparseEncoder({ type: "splade", path: SPLADE });
    const [vector] = await encoder.encode(["dense retrieval"], { kind: "query" });
    await encoder.close();
    const direct = index.searchSparse({ field: "splade", vector, k: 10, exact: true }).hits;
    for (const exact of [true, false]) {
      const { hits } = await run({ retrievers: [{ type: "sparse", field: "splade", exact, encoder: { type: "splade", path: SPLADE } }], k: 10 }, { query: "dense retrieval" });
      assert.deepEqual(hits.map((h) => h.id), direct.map((h) => h.id));
      assert.equal(hits[0].features.sparse, direct[0].score);
      assert.equal(hits[0].features["sparse.rank"], 1);
    }
  });

  test("an explicit sparse vector, an item's stored vector (the item left out), fusion with BM25", async () => {
    const { hits } = await run({ retrievers: [{ type: "sparse", field: "splade" }], k: 5 }, { sparse: { retrieval: 1, dense: 2 } });
    assert.deepEqual(hits.map((h) => h.id), index.searchSparse({ field: "splade", vector: { retrieval: 1, dense: 2 }, k: 5 }).hits.map((h) => h.id));
    const similar = await run({ retrievers: [{ type: "sparse", field: "splade", exact: true }], k: 5 }, { item: "d3" });
    assert.ok(!similar.hits.some((h) => h.id === "d3"));
    assert.equal(similar.hits.length, 5);
    const hybrid = await run({ retrievers: [bm25, { type: "sparse", field: "splade", encoder: { type: "splade", path: SPLADE } }], fusion: { type: "rrf" }, k: 5 }, { query: "sparse model" });
    assert.ok(hybrid.hits.every((h) => h.features.bm25 !== undefined || h.features.sparse !== undefined));
    await assert.rejects(run({ retrievers: [{ type: "sparse", field: "splade" }] }, { query: "text without an encoder" }), /has no "encoder" to encode it/);
  });
});

describe("model rerankers", () => {
  test("cross-encoder: the top depth ordered by the model's own scores, the rest after and below", async () => {
    const base = await run({ retrievers: [bm25], k: 40 }, { query: "semantic search" });
    const { hits } = await run({ retrievers: [bm25], stages: [{ type: "cross-encoder", path: CROSS, depth: 8, fields: ["title", "text"] }], k: 40 }, { query: "semantic search", explain: true });
    const model = await openCrossEncoder({ path: CROSS });
    const scores = await model.score("semantic search", base.hits.slice(0, 8).map((h) => `${docs[Number(h.id.slice(1))].title} ${docs[Number(h.id.slice(1))].text}`));
    await model.close();
    const expected = base.hits.slice(0, 8).map((h, i) => ({ id: h.id, score: scores[i] })).sort((a, b) => b.score - a.score);
    assert.deepEqual(hits.slice(0, 8).map((h) => h.id), expected.map((e) => e.id));
    hits.slice(0, 8).forEach((h, i) => assert.ok(Math.abs(h.features["cross-encoder"] - expected[i].score) < 1e-9));
    assert.deepEqual(hits.slice(8).map((h) => h.id), base.hits.slice(8).map((h) => h.id), "below the depth: incoming order");
    assert.ok(hits[8].score < hits[7].score, "and scored below");
    assert.ok(hits[0].features.bm25 !== undefined, "earlier features are kept");
    assert.match(hits[0].explanation!.at(-1)!.detail, /cross-encoder score .*; rank 1 \(was \d+\)/);
  });

  test("late interaction: MaxSim of the model's token vectors", async () => {
    const base = await run({ retrievers: [bm25], k: 6 }, { query: "neural model" });
    const { hits } = await run({ retrievers: [bm25], stages: [{ type: "late-interaction", path: COLBERT, depth: 6 }], k: 6 }, { query: "neural model" });
    const model = await openLateInteractionModel({ path: COLBERT });
    const [q] = await model.encodeQueries(["neural model"]);
    // default fields: the index's text fields (title, text)
    const d = await model.encodeDocuments(base.hits.map((h) => `${docs[Number(h.id.slice(1))].title} ${docs[Number(h.id.slice(1))].text}`));
    await model.close();
    const expected = base.hits.map((h, i) => ({ id: h.id, score: maxSim(q, d[i]) })).sort((a, b) => b.score - a.score);
    assert.deepEqual(hits.map((h) => h.id), expected.map((e) => e.id));
  });
});

describe("LLM rerankers", () => {
  const endpoint = () => ({ url: server.url, model: "oracle", retryDelayMs: 1 });

  test("listwise: the sliding window puts the oracle's best candidates first", async () => {
    const base = await run({ retrievers: [bm25], k: 40 }, { query: "retrieval" });
    const { hits } = await run({ retrievers: [bm25], stages: [{ type: "llm-listwise", endpoint: endpoint(), depth: 30 }], k: 40 }, { query: "retrieval", explain: true });
    const oracle = base.hits.slice(0, 30).map((h) => Number(h.id.slice(1))).sort((a, b) => relevance(b) - relevance(a));
    assert.deepEqual(hits.slice(0, 10).map((h) => h.id), oracle.slice(0, 10).map((n) => `d${n}`));
    assert.deepEqual(hits.slice(30).map((h) => h.id), base.hits.slice(30).map((h) => h.id));
    assert.match(hits[0].explanation!.at(-1)!.detail, /model oracle: 2 calls/);
    assert.equal(hits[0].features["llm-listwise.rank"], 1);
  });

  test("listwise with a garbage answer and a budget: explained fallbacks", async () => {
    const garbage = await startFakeChatServer(() => ({ content: "[1] > [1] > [77]" }));
    try {
      const { hits } = await run(
        { retrievers: [bm25], stages: [{ type: "llm-listwise", endpoint: { url: garbage.url, model: "m" }, depth: 30, budget: { calls: 1 } }], k: 30 },
        { query: "retrieval", explain: true },
      );
      const details = hits.flatMap((h) => h.explanation!.map((e) => e.detail));
      assert.ok(details.some((d) => /window 1-20 not ranked \(the budget of 1 calls is spent\)/.test(d)));
      assert.ok(details.some((d) => /window 11-30: the answer had unknown ids 77 and repeated ids 1 \(ignored\)/.test(d)));
      assert.ok(details.some((d) => /left out of the answer, kept in incoming order/.test(d)));
    } finally {
      await garbage.close();
    }
  });

  test("pairwise: PRP-Sliding-3 sorts the oracle's top 3", async () => {
    const base = await run({ retrievers: [bm25], k: 12 }, { query: "retrieval" });
    const { hits } = await run({ retrievers: [bm25], stages: [{ type: "llm-pairwise", endpoint: endpoint(), depth: 12, passes: 3 }], k: 12 }, { query: "retrieval" });
    const oracle = base.hits.map((h) => Number(h.id.slice(1))).sort((a, b) => relevance(b) - relevance(a));
    assert.deepEqual(hits.slice(0, 3).map((h) => h.id), oracle.slice(0, 3).map((n) => `d${n}`));
  });

  test("settings are checked with the path named; keys are not echoed by describe", () => {
    assert.throws(() => Pipeline.compile({ retrievers: [bm25], stages: [{ type: "llm-listwise", endpoint: endpoint(), window: 10, step: 10 }] }, defaultRegistry, "p.json"), /p\.json: stages\[0\]\.step: step must be smaller than window/);
    assert.throws(() => Pipeline.compile({ retrievers: [bm25], stages: [{ type: "cross-encoder", path: CROSS, batch: 3 }] }, defaultRegistry, "p.json"), /p\.json: stages\[0\]: unknown setting "batch"/);
    assert.throws(() => Pipeline.compile({ retrievers: [{ type: "sparse", field: "splade", encoder: { type: "splade" } }] }, defaultRegistry, "p.json"), /p\.json: retrievers\[0\]\.encoder: path/);
    assert.throws(() => Pipeline.compile({ retrievers: [bm25], stages: [{ type: "llm-pairwise", endpoint: { url: "ftp://x", model: "m" } }] }, defaultRegistry, "p.json"), /stages\[0\]\.endpoint\.url/);
    const described = Pipeline.compile({ retrievers: [bm25], stages: [{ type: "llm-pairwise", endpoint: { ...endpoint(), apiKey: "secret" } }] }, defaultRegistry).describe();
    assert.ok(!JSON.stringify(described).includes("secret"));
    assert.deepEqual(Object.keys(defaultRegistry.describe().stages).filter((k) => /cross|late|llm/.test(k)), ["cross-encoder", "late-interaction", "llm-listwise", "llm-pairwise"]);
  });
});
