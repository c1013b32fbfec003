/**
 * The search mode over HTTP: hybrid by default (a paper sharing no word with
 * the query but close to it in vector space is found), mode=lexical for BM25
 * alone, the answer's mode, a 400 for an unknown mode, and papers shown
 * without their vectors. The vectors and the query embedder are the test's
 * own (no model).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../../src/store/open-store.js";
import type { RunningServer } from "../../../src/server/start-server.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA } from "../papers.js";
import { startRadarServer } from "../radar-server.js";
import type { QueryEmbedder } from "../search/hybrid-search.js";
import { TEST_PAPERS } from "../test-support/test-radar.js";

const DIMENSIONS = PAPER_SCHEMA.fields.embedding.dimensions;

/** A unit vector along axis `axis`, nudged towards axis `towards`. */
function vector(axis: number, towards = axis, nudge = 0): number[] {
  const v = new Array<number>(DIMENSIONS).fill(0);
  v[axis] = 1;
  v[towards] += nudge;
  return v;
}

// "Graph Neural Networks for Molecules" shares no word with "dense retrieval", but this test puts its vector next to the query's
const GRAPH_PAPER = TEST_PAPERS.find((p) => p.title.startsWith("Graph Neural Networks"))!;

const semantic: QueryEmbedder = {
  field: "embedding",
  ready: true,
  embedQuery: async (text) => (/dense/i.test(text) ? vector(0) : vector(5)),
  status: () => ({ state: "ready", ready: true, embedded: TEST_PAPERS.length, message: "ready" }),
};

let dataDir: string;
let server: RunningServer;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "radar-search-mode-"));
  const store = await openStore(dataDir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(
    PAPERS_COLLECTION,
    TEST_PAPERS.map((p, i) => ({ ...p, embedding: p === GRAPH_PAPER ? vector(0, 1, 0.05) : vector(1 + (i % 4)), embedding_encoder: "test" })),
  );
  await store.close();
  server = await startRadarServer({ port: 0, host: "127.0.0.1", dataDir, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } }, search: { semantic } } });
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies are checked field by field
async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path);
  return { status: res.status, body: await res.json() };
}

const ids = (body: { items: Array<{ paper: { id: string } }> }) => body.items.map((h) => h.paper.id);

test("GET /api/search is hybrid by default and lexical with mode=lexical", async () => {
  const hybrid = await get("/api/search?q=dense%20retrieval&limit=20");
  assert.equal(hybrid.status, 200);
  assert.equal(hybrid.body.mode, "hybrid");
  assert.ok(ids(hybrid.body).includes(GRAPH_PAPER.id), `the close paper is found: ${ids(hybrid.body)}`);
  assert.ok(ids(hybrid.body).indexOf(GRAPH_PAPER.id) < 3, "and near the top");
  assert.equal(hybrid.body.total, ids(hybrid.body).length);

  const lexical = await get("/api/search?q=dense%20retrieval&limit=20&mode=lexical");
  assert.equal(lexical.status, 200);
  assert.equal(lexical.body.mode, "lexical");
  assert.ok(!ids(lexical.body).includes(GRAPH_PAPER.id), `words alone do not find it: ${ids(lexical.body)}`);
  assert.ok(lexical.body.total < hybrid.body.total);

  const byDate = await get("/api/search?q=dense%20retrieval&sort=date");
  assert.equal(byDate.body.mode, "lexical");
  assert.match(byDate.body.modeNotice, /Sorted by date/);

  const bad = await get("/api/search?q=dense&mode=semantic");
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /mode/);
});

test("GET /api/search/semantic says where semantic search stands", async () => {
  const { status, body } = await get("/api/search/semantic");
  assert.equal(status, 200);
  assert.deepEqual(body, { state: "ready", ready: true, embedded: TEST_PAPERS.length, message: "ready" });
});

test("papers are shown without their vectors", async () => {
  const hybrid = await get("/api/search?q=dense%20retrieval&limit=20");
  for (const hit of hybrid.body.items) {
    assert.equal(hit.paper.embedding, undefined);
    assert.equal(hit.paper.embedding_encoder, undefined);
  }
  const one = await get(`/api/papers/${GRAPH_PAPER.id}`);
  assert.equal(one.body.embedding, undefined);
  const related = await get(`/api/papers/${GRAPH_PAPER.id}/related`);
  assert.equal(related.status, 200);
  assert.ok(related.body.items.length > 0);
  for (const paper of related.body.items) assert.equal(paper.embedding, undefined);
  const listed = await get("/api/papers?limit=50");
  for (const paper of listed.body.items) assert.equal(paper.embedding, undefined);
});
