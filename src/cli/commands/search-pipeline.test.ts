import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTrainedEncoder } from "../../encoders/trained/ensure-trained-encoder.js";
import { runCliInProcess as trove } from "../testing.js";

const TOPICS = [
  "dense retrieval with dual encoders and contrastive training",
  "speech recognition with acoustic models and audio features",
  "image classification with convolutional vision networks",
];
const docs = Array.from({ length: 60 }, (_, i) => ({ id: `p${i}`, title: `${TOPICS[i % 3]} study ${i}`, topic: `t${i % 3}` }));

test("an index whose vector field embeds its source text: index add fills vectors, trove search runs pipelines", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-cli-pipe-"));
  try {
    const model = await ensureTrainedEncoder(
      { type: "documents", name: "toy", documents: docs.map((d) => ({ id: d.id, text: d.title })) },
      { cacheDir: join(dir, "cache"), config: { training: { dimensions: 16, epochs: 2, batchSize: 32, patience: 0, validationDocuments: 0 } } },
    );
    const schema = join(dir, "schema.json");
    writeFileSync(
      schema,
      JSON.stringify({ fields: { title: { type: "text" }, topic: { type: "keyword" }, emb: { type: "vector", dimensions: 16, encoder: { type: "trove", path: model.path }, source: ["title"] } } }),
    );
    const idx = join(dir, "idx");
    assert.equal((await trove("index", "create", idx, "--schema", schema)).code, 0);
    const file = join(dir, "docs.jsonl");
    writeFileSync(file, docs.map((d) => JSON.stringify(d)).join("\n"));
    const added = await trove("index", "add", idx, file);
    assert.equal(added.code, 0, added.stderr);

    const hybrid = await trove("search", idx, "contrastive dual encoders", "--pipeline", "hybrid-rrf", "--json", "-k", "5", "--explain");
    assert.equal(hybrid.code, 0, hybrid.stderr);
    const result = JSON.parse(hybrid.stdout) as { hits: Array<{ id: string; features: Record<string, number>; explanation: Array<{ stage: string }> }>; pipeline: { name: string } };
    assert.equal(result.pipeline.name, "hybrid-rrf");
    assert.equal(result.hits.length, 5);
    assert.ok(result.hits.every((h) => Number(h.id.slice(1)) % 3 === 0), "the retrieval papers come first");
    assert.ok(result.hits.some((h) => h.features.dense !== undefined && h.features.bm25 !== undefined), "both retrievers contributed");
    assert.ok(result.hits[0].explanation.some((e) => e.stage === "fusion"));

    const related = await trove("search", idx, "", "--pipeline", "dense", "--item", "p4", "--json", "-k", "3");
    assert.equal(related.code, 0, related.stderr);
    const near = (JSON.parse(related.stdout) as { hits: Array<{ id: string }> }).hits.map((h) => h.id);
    assert.ok(!near.includes("p4") && near.length === 3);

    const table = await trove("search", idx, "speech audio", "--pipeline", "dense", "--filter", "topic:t1");
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^dense: \d+ candidates/);

    const bad = await trove("search", idx, "x", "--pipeline", "dense", "--sort", "year");
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--sort does not apply with --pipeline/);
    const noPipe = await trove("search", idx, "x", "--item", "p1");
    assert.match(noPipe.stderr, /--item needs --pipeline/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("trove search --records gives a bare index's pipeline the text that feedback stages read", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-cli-rm3-"));
  try {
    const schema = join(dir, "schema.json");
    writeFileSync(schema, JSON.stringify({ fields: { title: { type: "text" }, topic: { type: "keyword" } } }));
    const idx = join(dir, "idx");
    assert.equal((await trove("index", "create", idx, "--schema", schema)).code, 0);
    const file = join(dir, "docs.jsonl");
    writeFileSync(file, docs.map((d) => JSON.stringify(d)).join("\n"));
    assert.equal((await trove("index", "add", idx, file)).code, 0);
    const rm3 = join(dir, "rm3.json");
    writeFileSync(rm3, JSON.stringify({ rewriters: [{ type: "rm3", syntax: "plain" }], retrievers: [{ type: "bm25", syntax: "plain" }] }));

    const without = await trove("search", idx, "contrastive", "--pipeline", rm3);
    assert.notEqual(without.code, 0);
    assert.match(without.stderr, /feedback needs the documents' text/);

    const withRecords = await trove("search", idx, "contrastive", "--pipeline", rm3, "--records", file, "--json", "-k", "10");
    assert.equal(withRecords.code, 0, withRecords.stderr);
    const ids = (JSON.parse(withRecords.stdout) as { hits: Array<{ id: string }> }).hits.map((h) => h.id);
    assert.equal(ids.length, 10);
    assert.ok(ids.every((id) => Number(id.slice(1)) % 3 === 0), `expansion stays on the retrieval papers: ${ids}`);

    // without a pipeline the records give each hit its title
    const plain = await trove("search", idx, "contrastive", "--records", file, "-k", "2");
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /rank +id +score +title/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
