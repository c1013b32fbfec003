/**
 * Search with named engine pipelines over HTTP: the presets the papers'
 * fields allow and the operator's pipeline files, BM25 through the pipeline
 * equal to the search endpoint's relevance order, explanations, filters,
 * second-stage kinds (RM3, a cross-encoder from a local model folder, a
 * learned ranker from a model file), and 404/400 for unknown pipelines and
 * bad parameters.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "../../../src/store/open-store.js";
import type { RunningServer } from "../../../src/server/start-server.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA } from "../papers.js";
import { startRadarServer } from "../radar-server.js";
import { TEST_PAPERS } from "../test-support/test-radar.js";
import { closeSharedModels } from "../../../src/pipeline/rerankers/shared-models.js";

const CROSS = fileURLToPath(new URL("../../../../src/rerank/fixtures/tiny-cross-encoder", import.meta.url));

let dataDir: string;
let server: RunningServer;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "radar-pipelines-"));
  const store = await openStore(dataDir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(PAPERS_COLLECTION, TEST_PAPERS as never[]);
  await store.close();
  mkdirSync(join(dataDir, "pipelines"));
  writeFileSync(join(dataDir, "pipelines", "titles.json"), JSON.stringify({ description: "titles only", retrievers: [{ type: "bm25", fields: { title: 1 }, syntax: "plain", depth: 50 }] }));
  // second-stage kinds over HTTP: query expansion, and a cross-encoder from a local model folder (the tests' tiny one)
  writeFileSync(join(dataDir, "pipelines", "rm3.json"), JSON.stringify({ rewriters: [{ type: "rm3", syntax: "plain", fbDocs: 3 }], retrievers: [{ type: "bm25", syntax: "plain" }] }));
  // a learned ranker from a model file: one tree that puts papers whose title matches the query below the others
  const model = {
    format: "trove-ltr-model",
    version: 1,
    featureNames: ["bm25:title"],
    features: [{ type: "bm25", fields: ["title"], syntax: "plain" }],
    trees: [{ feature: [0, -1, -1], threshold: [0, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, 1, -1], gain: [1, 0, 0] }],
  };
  writeFileSync(join(dataDir, "title-last.json"), JSON.stringify(model));
  writeFileSync(join(dataDir, "pipelines", "ltr.json"), JSON.stringify({ retrievers: [{ type: "bm25", syntax: "plain", depth: 20 }], stages: [{ type: "ltr", model: join(dataDir, "title-last.json"), depth: 20 }] }));
  writeFileSync(
    join(dataDir, "pipelines", "rerank.json"),
    JSON.stringify({ retrievers: [{ type: "bm25", syntax: "plain", depth: 20 }], stages: [{ type: "cross-encoder", path: CROSS, fields: ["title", "abstract"], depth: 5 }] }),
  );
  server = await startRadarServer({ port: 0, host: "127.0.0.1", dataDir, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } } } });
});

after(async () => {
  await server.close();
  await closeSharedModels();
  rmSync(dataDir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies are checked field by field
async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path);
  return { status: res.status, body: await res.json() };
}

test("GET /api/pipelines lists the presets the fields allow and the operator's files", async () => {
  const { status, body } = await get("/api/pipelines");
  assert.equal(status, 200);
  const names = body.items.map((p: { name: string }) => p.name);
  assert.deepEqual(names, ["bm25", "dense", "hybrid-rrf", "hybrid-convex", "ltr", "rerank", "rm3", "titles"], "the papers' vector field allows the dense and hybrid presets");
  assert.equal(body.items[7].pipeline.description, "titles only");
  // this server embeds nothing (no semantic search configured): the vector presets say so
  assert.equal((await get("/api/search/semantic")).body.state, "off");
  const dense = await get("/api/pipelines/dense/search?q=negatives");
  assert.equal(dense.status, 400);
  assert.match(dense.body.error.message, /vector field "embedding" has no encoder to embed query text/);
});

test("the bm25 pipeline ranks as the search endpoint does; explanations and filters", async () => {
  const plain = await get("/api/search?q=dense%20retrieval&limit=10");
  const piped = await get("/api/pipelines/bm25/search?q=dense%20retrieval&limit=10&explain=true");
  assert.equal(piped.status, 200);
  assert.ok(piped.body.items.length > 1);
  assert.deepEqual(
    piped.body.items.map((h: { paper: { id: string } }) => h.paper.id),
    plain.body.items.map((h: { paper: { id: string } }) => h.paper.id),
  );
  const first = piped.body.items[0];
  assert.equal(typeof first.features.bm25, "number");
  assert.match(first.explanation[0].detail, /^rank 1, score/);
  const filtered = await get("/api/pipelines/bm25/search?q=retrieval&category=cs.CL");
  assert.ok(filtered.body.items.length > 0);
  for (const hit of filtered.body.items) assert.ok(hit.paper.categories.includes("cs.CL"), hit.paper.id);
  const titles = await get("/api/pipelines/titles/search?q=negatives");
  assert.deepEqual(titles.body.items.map((h: { paper: { id: string } }) => h.paper.id), ["2606.10001"], "only the title matches");
});

test("stages beyond BM25 run over HTTP: RM3 expansion and a cross-encoder from a local model folder", async () => {
  const expanded = await get("/api/pipelines/rm3/search?q=negatives&explain=true");
  assert.equal(expanded.status, 200);
  assert.ok(expanded.body.items.length > 0);
  const reranked = await get("/api/pipelines/rerank/search?q=retrieval&explain=true&limit=10");
  assert.equal(reranked.status, 200);
  const top = reranked.body.items.slice(0, 5);
  assert.ok(top.length > 1);
  for (const hit of top) assert.equal(typeof hit.features["cross-encoder"], "number", "the top depth is scored by the model");
  const scores = top.map((h: { features: Record<string, number> }) => h.features["cross-encoder"]);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), "ordered by the model's score");
  assert.ok(top[0].explanation.some((e: { stage: string }) => e.stage === "cross-encoder"));

  const plain = await get("/api/pipelines/bm25/search?q=negatives");
  const learned = await get("/api/pipelines/ltr/search?q=negatives&explain=true");
  assert.equal(learned.status, 200);
  const ids = (page: { body: { items: Array<{ paper: { id: string } }> } }) => page.body.items.map((h) => h.paper.id);
  assert.equal(ids(plain)[0], "2606.10001", "BM25 puts the paper with negatives in its title first");
  assert.deepEqual([...ids(learned)].sort(), [...ids(plain)].sort(), "the same candidates");
  assert.equal(ids(learned).at(-1), "2606.10001", "the model file's ranker puts title matches last");
});

test("pasted text is words, unknown pipelines are 404, bad parameters 400", async () => {
  assert.equal((await get("/api/pipelines/bm25/search?q=" + encodeURIComponent("Scholar Inbox: (dense retrieval"))).status, 200);
  const unknown = await get("/api/pipelines/colbert/search?q=x");
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.error.message, /no pipeline named "colbert" \(known: bm25, dense, hybrid-rrf, hybrid-convex, ltr, rerank, rm3, titles\)/);
  assert.equal((await get("/api/pipelines/bm25/search?q=")).status, 400);
  assert.equal((await get("/api/pipelines/bm25/search?q=x&limit=1000")).status, 400);
});
