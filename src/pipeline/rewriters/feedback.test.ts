import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "../../core/errors.js";
import type { Encoder } from "../../encoders/encoder.js";
import { SearchIndex } from "../../engine/search-index.js";
import { defaultRegistry } from "../default-registry.js";
import { Pipeline } from "../pipeline.js";
import type { PipelineContext } from "../pipeline-context.js";
import { indexTarget } from "../pipeline-target.js";
import { relevanceModel, rm3, rocchio } from "./feedback-models.js";

const near = (actual: number | undefined, expected: number, what: string) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 5e-6, `${what}: ${actual} vs ${expected}`);

test("RM3 term weights follow the relevance model, worked by hand", () => {
  // d1 = {a:3, b:1} scored 2, d2 = {b:2, c:2} scored 1; both have 4 terms
  const docs = [
    { terms: new Map([["a", 3], ["b", 1]]), score: 2 },
    { terms: new Map([["b", 2], ["c", 2]]), score: 1 },
  ];
  // P(a) = 3/4*2 = 1.5, P(b) = 1/4*2 + 2/4*1 = 1, P(c) = 2/4*1 = 0.5; scaled to sum 1
  const model = relevanceModel(docs, 10);
  near(model.get("a"), 0.5, "a");
  near(model.get("b"), 1 / 3, "b");
  near(model.get("c"), 1 / 6, "c");
  // the query "a d d": a 1/3, d 2/3; interpolated half and half
  const expanded = rm3(["a", "d", "d"], docs, { fbTerms: 10, originalQueryWeight: 0.5 });
  near(expanded.get("a"), 0.5 * (1 / 3) + 0.5 * 0.5, "a");
  near(expanded.get("b"), 0.5 * (1 / 3), "b");
  near(expanded.get("c"), 0.5 * (1 / 6), "c");
  near(expanded.get("d"), 0.5 * (2 / 3), "d");
  // fbTerms 2: each document keeps its 2 heaviest terms (d2's tie b = c keeps both), then the model its 2 heaviest: a 1.5, b 1
  const pruned = relevanceModel(docs, 2);
  assert.deepEqual([...pruned.keys()], ["a", "b"]);
  near(pruned.get("a"), 0.6, "a");
  near(pruned.get("b"), 0.4, "b");
});

test("Rocchio term weights: alpha query + beta mean of unit-length document vectors, worked by hand", () => {
  const top = [new Map([["a", 3], ["b", 1]]), new Map([["b", 2], ["c", 2]])];
  // query a:1, d:2 over sqrt(5); mean of d1/sqrt(10) and d2/sqrt(8), scaled to unit length
  const meanA = 3 / Math.sqrt(10) / 2;
  const meanB = (1 / Math.sqrt(10) + 2 / Math.sqrt(8)) / 2;
  const meanC = 2 / Math.sqrt(8) / 2;
  const len = Math.hypot(meanA, meanB, meanC);
  const weights = rocchio(["a", "d", "d"], top, [], { alpha: 1, beta: 0.75, gamma: 0.15, topFbTerms: 10, bottomFbTerms: 10 });
  near(weights.get("a"), 1 / Math.sqrt(5) + (0.75 * meanA) / len, "a");
  near(weights.get("b"), (0.75 * meanB) / len, "b");
  near(weights.get("c"), (0.75 * meanC) / len, "c");
  near(weights.get("d"), 2 / Math.sqrt(5), "d");
  // negative feedback subtracts; terms that end at or below 0 are dropped
  const negative = rocchio(["a"], top, [new Map([["c", 5]])], { alpha: 1, beta: 0.75, gamma: 1, topFbTerms: 10, bottomFbTerms: 10 });
  assert.equal(negative.has("c"), false);
  near(negative.get("a"), 1 + (0.75 * meanA) / len, "a");
});

// 100 documents: "common" is in all of them (too frequent to be a feedback term), "seed" in four, "sprout" in ten
const DOCS = Array.from({ length: 100 }, (_, i) => {
  const words = ["common"];
  if (i < 4) words.push("seed", "seed", "sprout", i % 2 ? "growth" : "soil");
  else if (i < 10) words.push("sprout", "garden", i % 3 ? "soil" : "rain");
  else words.push("stone", `filler${i}`, "road");
  return { id: `d${i}`, text: words.join(" "), emb: [i < 4 ? 1 : 0.1, i < 10 ? 0.5 : 0.05, i / 100] };
});

async function setup(): Promise<{ index: SearchIndex; ctx: PipelineContext }> {
  const index = await SearchIndex.create(mkdtempSync(join(tmpdir(), "trove-prf-")), {
    fields: { text: { type: "text" }, emb: { type: "vector", dimensions: 3, metric: "cosine" } },
  });
  index.addDocuments(DOCS);
  await index.commit();
  const records = new Map(DOCS.map((d) => [d.id, { id: d.id, text: d.text }]));
  const encoder: Encoder = { id: "toy", dimensions: 3, normalized: false, encode: async (texts) => texts.map(() => Float32Array.from([1, 0, 0])), close: async () => {} };
  return { index, ctx: { target: indexTarget(index, async (ids) => ids.map((id) => records.get(id))), encoder: async () => encoder } };
}

test("the rm3 rewriter expands from the first pass, BM25 searches the expansion, and explanations show its terms", async () => {
  const { index, ctx } = await setup();
  const pipeline = Pipeline.compile({ rewriters: [{ type: "rm3", fbDocs: 4, fbTerms: 3 }], retrievers: [{ type: "bm25", depth: 100 }] }, defaultRegistry);
  const result = await pipeline.run({ query: "seed", k: 100, explain: true }, ctx);
  // by hand: the four "seed" documents are the feedback; "common" is in every document, so it is no feedback term
  const first = index.search("seed", { k: 4 }).hits;
  const vectors = first.map((h) => {
    const i = Number(h.id.slice(1));
    return { terms: new Map([["seed", 2], ["sprout", 1], [i % 2 ? "growth" : "soil", 1]]), score: h.score };
  });
  const weights = rm3(["seed"], vectors, { fbTerms: 3, originalQueryWeight: 0.5 });
  const expanded = { kind: "analyzed" as const, clauses: [...weights].map(([term, weight]) => ({ field: "text", terms: [term], weight })) };
  assert.deepEqual(result.hits.map((h) => [h.id, h.score]), index.search(expanded, { k: 100 }).hits.map((h) => [h.id, h.score]));
  assert.ok(result.hits.some((h) => Number(h.id.slice(1)) >= 4), "expansion terms find documents without the query word");
  assert.match(result.expansion!.terms!, /^text:seed\^0\.\d+ text:sprout\^/);
  assert.doesNotMatch(result.expansion!.terms!, /common/);
  assert.equal(result.hits[0].explanation![0].stage, "rm3");
  assert.match(result.hits[0].explanation![0].detail, /^expanded query: text:seed\^/);
  // "expanded": false keeps the original query beside the expansion
  const both = Pipeline.compile(
    { rewriters: [{ type: "rm3", fbDocs: 4 }], retrievers: [{ type: "bm25", name: "original", expanded: false }, { type: "bm25", name: "expanded" }], fusion: { type: "rrf" } },
    defaultRegistry,
  );
  const fused = await both.run({ query: "seed", k: 100 }, ctx);
  assert.equal(fused.hits.filter((h) => h.features.original !== undefined).length, 4);
  assert.ok(fused.hits.filter((h) => h.features.expanded !== undefined).length > 4);
  await index.close();
});

test("rocchio and vector-prf rewriters; a feedback pipeline of one's own; clear errors", async () => {
  const { index, ctx } = await setup();
  const roc = await Pipeline.compile({ rewriters: [{ type: "rocchio", topFbDocs: 4 }], retrievers: [{ type: "bm25", depth: 100 }] }, defaultRegistry).run({ query: "seed", k: 100, explain: true }, ctx);
  assert.match(roc.expansion!.terms!, /text:seed\^/);
  assert.ok(roc.hits.length > 4);
  // vector PRF: the query vector moves toward the mean of the top documents' vectors
  const prf = Pipeline.compile({ rewriters: [{ type: "vector-prf", field: "emb", fbDocs: 2 }], retrievers: [{ type: "vector", field: "emb", depth: 5, exact: true }] }, defaultRegistry);
  const moved = await prf.run({ vector: [0, 0, 1], k: 5, explain: true }, ctx);
  const top2 = index.searchVector({ field: "emb", vector: [0, 0, 1], k: 2, exact: true }).hits;
  const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
  const mean = [0, 1, 2].map((d) => (unit(DOCS[Number(top2[0].id.slice(1))].emb)[d] + unit(DOCS[Number(top2[1].id.slice(1))].emb)[d]) / 2);
  const expected = index.searchVector({ field: "emb", vector: [mean[0], mean[1], 1 + mean[2]], k: 5, exact: true }).hits;
  assert.deepEqual(moved.hits.map((h) => h.id), expected.map((h) => h.id));
  assert.match(moved.hits[0].explanation![0].detail, /query vector for "emb"/);
  // feedback from a pipeline of one's own (here: BM25 on "sprout", so "seed" documents need not lead)
  const own = Pipeline.compile({ rewriters: [{ type: "rm3", fbDocs: 3, feedback: { retrievers: [{ type: "vector", field: "emb", depth: 3 }] } }], retrievers: [{ type: "bm25" }] }, defaultRegistry);
  assert.ok((await own.run({ query: "seed", k: 10 }, ctx)).hits.length > 0);
  assert.deepEqual(own.needs().vectors, [{ field: "emb" }]);
  const bad = (config: unknown, pattern: RegExp) => assert.throws(() => Pipeline.compile(config, defaultRegistry, "p.json"), (e: unknown) => e instanceof InvalidArgumentError && pattern.test(e.message), JSON.stringify(config));
  bad({ rewriters: [{ type: "rm3", fbDoc: 3 }], retrievers: [{ type: "bm25" }] }, /^p\.json: rewriters\[0\]: unknown setting "fbDoc"/);
  bad({ rewriters: [{ type: "rm3", originalQueryWeight: 2 }], retrievers: [{ type: "bm25" }] }, /rewriters\[0\]\.originalQueryWeight/);
  bad({ rewriters: [{ type: "expand" }], retrievers: [{ type: "bm25" }] }, /unknown rewriter type "expand" \(known: rm3, rocchio, vector-prf\)/);
  bad({ rewriters: [{ type: "rm3", feedback: { retrievers: [] } }], retrievers: [{ type: "bm25" }] }, /^p\.json: rewriters\[0\]\.feedback: retrievers: /);
  await assert.rejects(Pipeline.compile({ rewriters: [{ type: "rm3", fields: ["emb"] }], retrievers: [{ type: "bm25" }] }, defaultRegistry, "p.json").run({ query: "seed" }, ctx), /"emb" is not a text field/);
  const bare = { ...ctx, target: indexTarget(index) };
  await assert.rejects(Pipeline.compile({ rewriters: [{ type: "rm3" }], retrievers: [{ type: "bm25" }] }, defaultRegistry).run({ query: "seed" }, bare), /keeps no records/);
  await index.close();
});
