import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import type { Encoder } from "../encoders/encoder.js";
import { SearchIndex } from "../engine/search-index.js";
import { defaultRegistry } from "./default-registry.js";
import { DEFAULT_RRF_K } from "./fusion/fuse.js";
import { Pipeline } from "./pipeline.js";
import type { PipelineContext } from "./pipeline-context.js";
import { indexTarget } from "./pipeline-target.js";
import { presetPipeline } from "./presets.js";

// four "topics" as 4-d directions; each doc's vector points at its topic, its text says it in words
const TOPICS = ["retrieval ranking", "speech audio", "vision images", "graphs networks"];
const docs = Array.from({ length: 24 }, (_, i) => {
  const t = i % 4;
  const v = [0.05, 0.05, 0.05, 0.05];
  v[t] = 1 + i / 100;
  return { id: `d${i}`, text: `${TOPICS[t]} paper number ${i} ${i % 3 === 0 ? "retrieval" : ""}`, topic: `t${t}`, emb: v };
});

/** A toy encoder: a query's vector points at the topics its words name. */
const toyEncoder: Encoder = {
  id: "toy",
  dimensions: 4,
  normalized: false,
  async encode(texts) {
    return texts.map((t) => Float32Array.from(TOPICS.map((topic) => (topic.split(" ").some((w) => t.includes(w)) ? 1 : 0.01))));
  },
  async close() {},
};

async function setup(): Promise<{ index: SearchIndex; ctx: PipelineContext }> {
  const index = await SearchIndex.create(mkdtempSync(join(tmpdir(), "trove-pipe-")), {
    fields: { text: { type: "text" }, topic: { type: "keyword" }, emb: { type: "vector", dimensions: 4, metric: "cosine" } },
  });
  index.addDocuments(docs);
  await index.commit();
  const records = new Map(docs.map((d) => [d.id, { id: d.id, text: d.text }]));
  const ctx: PipelineContext = { target: indexTarget(index, async (ids) => ids.map((id) => records.get(id))), encoder: async () => toyEncoder };
  return { index, ctx };
}

test("the bm25 preset returns exactly the index's BM25 ranking and scores", async () => {
  const { index, ctx } = await setup();
  const pipeline = Pipeline.compile(presetPipeline("bm25", index.config, { depth: 50 }), defaultRegistry);
  const result = await pipeline.run({ query: "retrieval ranking", k: 20 }, ctx);
  const direct = index.search("retrieval ranking", { k: 20 });
  assert.deepEqual(result.hits.map((h) => [h.id, h.score]), direct.hits.map((h) => [h.id, h.score]));
  await index.close();
});

test("reciprocal rank fusion and convex combination follow their formulas", async () => {
  const { index, ctx } = await setup();
  const lexical = (await Pipeline.compile({ retrievers: [{ type: "bm25", depth: 10 }] }, defaultRegistry).run({ query: "retrieval", k: 10 }, ctx)).hits;
  const dense = (await Pipeline.compile({ retrievers: [{ type: "vector", field: "emb", depth: 10 }] }, defaultRegistry).run({ query: "retrieval", k: 10 }, ctx)).hits;
  const rrf = await Pipeline.compile({ retrievers: [{ type: "bm25", depth: 10 }, { type: "vector", field: "emb", depth: 10 }], fusion: { type: "rrf", weights: { vector: 2 } } }, defaultRegistry).run({ query: "retrieval", k: 30 }, ctx);
  for (const hit of rrf.hits) {
    const rl = lexical.findIndex((h) => h.id === hit.id);
    const rd = dense.findIndex((h) => h.id === hit.id);
    const expected = (rl >= 0 ? 1 / (DEFAULT_RRF_K + rl + 1) : 0) + (rd >= 0 ? 2 / (DEFAULT_RRF_K + rd + 1) : 0);
    assert.ok(Math.abs(hit.score - expected) < 1e-12, `${hit.id}: ${hit.score} vs ${expected}`);
  }
  assert.equal(rrf.candidates, new Set([...lexical, ...dense].map((h) => h.id)).size);
  const convex = await Pipeline.compile({ retrievers: [{ type: "bm25", depth: 10 }, { type: "vector", field: "emb", depth: 10 }], fusion: { type: "convex", weights: { bm25: 0.3, vector: 0.7 } } }, defaultRegistry).run({ query: "retrieval", k: 30 }, ctx);
  const mm = (list: typeof lexical, id: string) => {
    const scores = list.map((h) => h.score);
    const [lo, hi] = [Math.min(...scores), Math.max(...scores)];
    const h = list.find((x) => x.id === id);
    return h ? (h.score - lo) / (hi - lo) : 0;
  };
  for (const hit of convex.hits) assert.ok(Math.abs(hit.score - (0.3 * mm(lexical, hit.id) + 0.7 * mm(dense, hit.id))) < 1e-9, hit.id);
  assert.ok(convex.hits.every((h, i) => i === 0 || convex.hits[i - 1].score >= h.score));
  await index.close();
});

test("item requests: neighbours of the item's vector and of its text, never the item itself; filters and exclusions hold", async () => {
  const { index, ctx } = await setup();
  const pipeline = Pipeline.compile(
    { retrievers: [{ type: "bm25", itemFields: ["text"], depth: 10 }, { type: "vector", field: "emb", depth: 10 }], fusion: { type: "rrf" } },
    defaultRegistry,
  );
  // d1's topic has six documents; without d1 and the excluded d5, four remain, and both retrievers put them first
  const related = await pipeline.run({ item: "d1", k: 4, exclude: ["d5"] }, ctx);
  assert.equal(related.hits.length, 4);
  for (const h of related.hits) {
    assert.notEqual(h.id, "d1");
    assert.notEqual(h.id, "d5");
    assert.equal(Number(h.id.slice(1)) % 4, 1, `${h.id} shares d1's topic`);
  }
  const filtered = await pipeline.run({ query: "retrieval ranking", filter: "topic:t2", k: 10 }, ctx);
  assert.ok(filtered.hits.length > 0 && filtered.hits.every((h) => Number(h.id.slice(1)) % 4 === 2));
  await index.close();
});

test("explanations follow a hit through retrievers, fusion and stages; MMR spreads near-duplicates apart", async () => {
  const { index, ctx } = await setup();
  const pipeline = Pipeline.compile(
    { retrievers: [{ type: "vector", field: "emb", depth: 24 }], stages: [{ type: "mmr", field: "emb", lambda: 0.3, depth: 8 }] },
    defaultRegistry,
  );
  const plain = await Pipeline.compile({ retrievers: [{ type: "vector", field: "emb", depth: 24 }] }, defaultRegistry).run({ vector: [1, 0.6, 0, 0], k: 4 }, ctx);
  const topics = (hits: Array<{ id: string }>) => new Set(hits.map((h) => Number(h.id.slice(1)) % 4)).size;
  assert.equal(topics(plain.hits), 1, "without MMR the top 4 are one topic");
  const diverse = await pipeline.run({ vector: [1, 0.6, 0, 0], k: 4, explain: true }, ctx);
  assert.ok(topics(diverse.hits) >= 2, "MMR brings a second topic into the top 4");
  const moved = diverse.hits.find((h) => h.explanation!.some((e) => e.stage === "mmr"));
  assert.ok(moved, "a moved hit says so");
  assert.match(moved.explanation![0].detail, /^rank \d+, score/);
  assert.ok(diverse.timings.vector >= 0 && diverse.timings.mmr >= 0);
  await index.close();
});

test("the linear stage combines features with weights", async () => {
  const { index, ctx } = await setup();
  const pipeline = Pipeline.compile(
    { retrievers: [{ type: "bm25", depth: 20 }, { type: "vector", field: "emb", depth: 20 }], fusion: { type: "rrf" }, stages: [{ type: "linear", weights: { "bm25.rank": -1 }, normalization: "none" }] },
    defaultRegistry,
  );
  const result = await pipeline.run({ query: "retrieval", k: 5 }, ctx);
  // ordered by BM25 rank; hits BM25 did not retrieve come after those it did
  const ranks = result.hits.map((h) => h.features["bm25.rank"]).filter((r) => r !== undefined);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  await index.close();
});

test("the linear stage normalizes per feature and can keep each feature's contribution", async () => {
  const { index, ctx } = await setup();
  const config = (featureNormalization?: Record<string, string>) => ({
    retrievers: [{ type: "bm25", depth: 20 }, { type: "vector", field: "emb", depth: 20 }],
    fusion: { type: "rrf" },
    stages: [{ type: "linear", name: "mix", weights: { bm25: 2, vector: 1 }, normalization: "z-score", ...(featureNormalization ? { featureNormalization } : {}), contributions: true }],
  });
  const zScored = await Pipeline.compile(config(), defaultRegistry).run({ query: "retrieval", k: 24 }, ctx);
  const both = zScored.hits.filter((h) => h.features.bm25 !== undefined);
  // z-scores over the candidates that have the feature: weighted, they average 0 (times the weight)
  const mean = both.reduce((a, h) => a + h.features["mix.bm25"], 0) / both.length;
  assert.ok(Math.abs(mean) < 1e-9, `z-scored bm25 contributions average 0, got ${mean}`);
  for (const h of zScored.hits) assert.ok(Math.abs(h.score - h.features["mix.bm25"] - h.features["mix.vector"]) < 1e-9, "the score is the sum of the contributions");
  const raw = await Pipeline.compile(config({ bm25: "none" }), defaultRegistry).run({ query: "retrieval", k: 24 }, ctx);
  for (const h of raw.hits.filter((x) => x.features.bm25 !== undefined)) assert.ok(Math.abs(h.features["mix.bm25"] - 2 * h.features.bm25) < 1e-9, "bm25 kept raw");
  await index.close();
});

test("MMR may choose only the first positions of its pool and leave the rest in score order", async () => {
  const { index, ctx } = await setup();
  const run = (stages: unknown[]) => Pipeline.compile({ retrievers: [{ type: "vector", field: "emb", depth: 24 }], stages }, defaultRegistry).run({ vector: [1, 0.9, 0.1, 0.1], k: 24 }, ctx);
  const plain = (await run([])).hits.map((h) => h.id);
  const picked = (await run([{ type: "mmr", field: "emb", lambda: 0.3, depth: 12, pick: 3 }])).hits.map((h) => h.id);
  const topicOf = (id: string) => docs.find((d) => d.id === id)!.topic;
  assert.equal(picked[0], plain[0]);
  assert.notEqual(topicOf(picked[1]), topicOf(picked[0]), "the second pick is of another topic");
  const rest = picked.slice(3, 12);
  assert.deepEqual(rest, plain.slice(0, 12).filter((id) => !picked.slice(0, 3).includes(id)), "the pool's other candidates keep their order");
  assert.deepEqual(picked.slice(12), plain.slice(12));
  await index.close();
});

test("bad pipelines are refused with the path of the problem", async () => {
  const { index } = await setup();
  const where = "p.json";
  const bad = (config: unknown, pattern: RegExp) => assert.throws(() => Pipeline.compile(config, defaultRegistry, where), (e: unknown) => e instanceof InvalidArgumentError && pattern.test(e.message), JSON.stringify(config));
  bad({}, /^p\.json: retrievers: /);
  bad({ retrievers: [{ type: "bm25", deph: 10 }] }, /^p\.json: retrievers\[0\]: unknown setting "deph"/);
  bad({ retrievers: [{ type: "bm25", depth: 0 }] }, /retrievers\[0\]\.depth: /);
  bad({ retrievers: [{ type: "bm42" }] }, /unknown retriever type "bm42" \(known: bm25, sdm, vector, sparse\)/);
  bad({ retrievers: [{ type: "bm25" }, { type: "vector", field: "emb" }] }, /need a "fusion"/);
  bad({ retrievers: [{ type: "bm25" }, { type: "bm25" }], fusion: { type: "rrf" } }, /two retrievers are named "bm25"/);
  bad({ retrievers: [{ type: "bm25" }, { type: "vector", field: "emb" }], fusion: { type: "rrf", weights: { dense: 1 } } }, /weights names "dense", which is not a retriever/);
  bad({ retrievers: [{ type: "bm25" }], stages: [{ type: "mmr" }] }, /stages\[0\]\.field: /);
  const textOnly = { ...index.config, fields: { text: index.config.fields.text } };
  assert.throws(() => presetPipeline("dense", textOnly), /needs a vector field/);
  await index.close();
});
