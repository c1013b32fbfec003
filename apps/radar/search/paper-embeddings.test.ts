/**
 * The papers' vectors from a data directory made before papers had an
 * embedding field: the schema gains the field, the index rebuilds, Trove's
 * own encoder (tiny settings) is trained on the papers in the background,
 * every paper is embedded, search turns hybrid, a paper that arrives later is
 * embedded too, and a restart reuses the encoder without training.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Collection } from "../../../src/engine/collection.js";
import { encoderMarkField } from "../../../src/engine/collection-embedder.js";
import { openStore } from "../../../src/store/open-store.js";
import { readRawPapers } from "../ingest/import.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA, ensurePapersCollection, normalizePaper, paperSchema, storePapers, type Paper } from "../papers.js";
import { bundledSampleFile } from "../test-support/sample-server.js";
import { PaperEmbeddings } from "./paper-embeddings.js";
import { PaperSearch } from "./paper-search.js";

const SMALL = { training: { dimensions: 16, epochs: 2, batchSize: 32, patience: 0, validationDocuments: 0 } };

async function samplePapers(n: number): Promise<Paper[]> {
  const file = bundledSampleFile();
  const out: Paper[] = [];
  for await (const { raw, line } of readRawPapers(file, "jsonl")) {
    out.push(normalizePaper(raw, { file, line }));
    if (out.length === n) break;
  }
  return out;
}

async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("an old data directory gains the embedding field; the papers are embedded in the background, then new ones as they arrive", async () => {
  const dir = mkdtempSync(join(tmpdir(), "radar-embeddings-"));
  const indexes = join(dir, "indexes");
  try {
    const store = await openStore(dir);
    const papers = await samplePapers(80);
    // the schema before semantic search, with its index
    const { embedding: _embedding, ...oldFields } = PAPER_SCHEMA.fields;
    await store.createCollection(PAPERS_COLLECTION, { fields: oldFields });
    await store.putRecords(PAPERS_COLLECTION, papers.slice(0, 79));
    const old = await Collection.open(store, PAPERS_COLLECTION, indexes, { quiet: true });
    assert.equal(old.index.config.fields.embedding, undefined);
    await old.close();

    await ensurePapersCollection(store, 16);
    assert.equal((await store.getCollection(PAPERS_COLLECTION)).schema.fields.embedding?.type, "vector");
    await assert.rejects(ensurePapersCollection(store, 32), /hold 16-dimensional vectors in "embedding"; the configured encoder makes 32-dimensional ones/);
    const collection = await Collection.open(store, PAPERS_COLLECTION, indexes, { quiet: true });
    assert.equal(collection.index.config.fields.embedding?.type, "vector", "the index was rebuilt with the new field");
    assert.equal(collection.index.documentCount, 79);

    const options = { cacheDir: join(dir, "models"), training: SMALL, progress: false, batchSize: 32 };
    const embeddings = PaperEmbeddings.start(collection, options);
    const search = new PaperSearch(collection, { semantic: embeddings });
    assert.equal(embeddings.ready, false);
    assert.equal((await search.search("retrieval", {}, "relevance", { offset: 0, limit: 5 })).mode, "lexical", "lexical until the vectors exist");
    const settled = await embeddings.whenSettled();
    assert.equal(settled.state, "ready", settled.message);
    assert.equal(settled.embedded, 79);
    const one = await store.getRecord(PAPERS_COLLECTION, papers[3].id);
    assert.equal((one?.embedding as number[]).length, 16);
    assert.equal(one?.[encoderMarkField("embedding")], settled.encoder);
    const hybrid = await search.search("retrieval", {}, "relevance", { offset: 0, limit: 5 });
    assert.equal(hybrid.mode, "hybrid");
    assert.ok(hybrid.items.length > 0);

    // a paper arriving later (an import, the scheduled fetch) is embedded as the store announces it
    const late = papers[79];
    await storePapers(collection, [late]);
    await until("the late paper's vector", async () => Array.isArray((await store.getRecord(PAPERS_COLLECTION, late.id))?.embedding));
    // storing the same paper again changes nothing (its vector does not make it "different")
    assert.deepEqual(await storePapers(collection, [late]), { inserted: 0, updated: 0, unchanged: 1 });
    await embeddings.close();
    await collection.close();

    // a restart: hybrid at once with the remembered encoder, nothing trained or embedded again
    const reopened = await Collection.open(store, PAPERS_COLLECTION, indexes, { quiet: true });
    const again = PaperEmbeddings.start(reopened, options);
    const status = await again.whenSettled();
    assert.equal(status.embedded, 0);
    assert.equal(status.encoder, settled.encoder);
    await again.close();
    await reopened.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a configured model (a local ONNX folder: the tests' tiny BERT, 32 dimensions) embeds the papers instead of a trained encoder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "radar-embeddings-onnx-"));
  const bert = fileURLToPath(new URL("../../../../src/encoders/fixtures/tiny-bert", import.meta.url));
  try {
    const store = await openStore(dir);
    await store.createCollection(PAPERS_COLLECTION, paperSchema(32));
    await store.putRecords(PAPERS_COLLECTION, await samplePapers(12));
    const collection = await Collection.open(store, PAPERS_COLLECTION, join(dir, "indexes"), { quiet: true });
    const embeddings = PaperEmbeddings.start(collection, { cacheDir: join(dir, "models"), encoder: { type: "onnx", path: bert }, progress: false });
    const status = await embeddings.whenSettled();
    assert.equal(status.state, "ready", status.message);
    assert.equal(status.embedded, 12);
    assert.match(status.encoder ?? "", /onnx/);
    const vector = await embeddings.embedQuery("dense retrieval");
    assert.equal(vector?.length, 32, "queries go through the same model");
    const hybrid = await new PaperSearch(collection, { semantic: embeddings }).search("retrieval", {}, "relevance", { offset: 0, limit: 5 });
    assert.equal(hybrid.mode, "hybrid");
    await embeddings.close();
    await collection.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
