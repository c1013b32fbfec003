import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SearchIndex } from "../../engine/search-index.js";
import { defaultRegistry } from "../default-registry.js";
import { Pipeline } from "../pipeline.js";
import type { PipelineContext } from "../pipeline-context.js";
import { indexTarget } from "../pipeline-target.js";

test("the sequential dependence model scores terms, ordered and unordered pairs, worked by hand", async () => {
  const index = await SearchIndex.create(mkdtempSync(join(tmpdir(), "trove-sdm-")), { fields: { text: { type: "text" } } });
  index.addDocuments([
    { id: "adjacent", text: "alpha beta gamma delta" },
    { id: "apart", text: "alpha gamma delta beta" },
    { id: "reversed", text: "beta alpha gamma delta" },
    { id: "none", text: "gamma delta epsilon zeta" },
    { id: "alone", text: "alpha zeta epsilon gamma" },
  ]);
  await index.commit();
  const ctx: PipelineContext = { target: indexTarget(index), encoder: async () => assert.fail("no encoder") };
  const hits = (await Pipeline.compile({ retrievers: [{ type: "sdm", depth: 10 }] }, defaultRegistry).run({ query: "alpha beta", k: 10 }, ctx)).hits;
  // N = 5 documents of 4 terms each (dl = avgdl, so BM25's tf part is freq / (freq + k1), k1 = 0.9)
  const idf = (n: number) => Math.log(1 + (5 - n + 0.5) / (n + 0.5));
  const [a, b] = [idf(4), idf(3)];
  const tf = (freq: number) => freq / (freq + 0.9);
  // a pair scores as a phrase: idf summed over its terms, sloppy frequency 1 / (1 + distance moved)
  const expected: Record<string, number> = {
    adjacent: 0.85 * (a + b) * tf(1) + 0.1 * (a + b) * tf(1) + 0.05 * (a + b) * tf(1),
    apart: 0.85 * (a + b) * tf(1) + 0.05 * (a + b) * tf(1 / 3), // beta two positions late: too far for the ordered pair (slop 1)
    reversed: 0.85 * (a + b) * tf(1) + 0.05 * (a + b) * tf(1 / 3), // the reversed order costs two moves
    alone: 0.85 * a * tf(1),
  };
  assert.deepEqual(hits.map((h) => h.id), ["adjacent", "apart", "reversed", "alone"]);
  for (const h of hits) assert.ok(Math.abs(h.score - expected[h.id]) < 1e-5, `${h.id}: ${h.score} vs ${expected[h.id]}`);
  assert.equal(hits[0].features.sdm, hits[0].score);
  // the proximity part alone (term weight 0): only documents where the pair is near
  const near = (await Pipeline.compile({ retrievers: [{ type: "sdm", weights: { term: 0 } }] }, defaultRegistry).run({ query: "alpha beta" }, ctx)).hits;
  assert.deepEqual(near.map((h) => h.id), ["adjacent", "apart", "reversed"]);
  await index.close();
});
