import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Bpr } from "./bpr.js";
import { Ease } from "./ease.js";
import { evaluateSplit } from "./eval/protocol.js";
import { leaveOneOutSplit, type Split } from "./eval/splits.js";
import { InteractionData } from "./interactions.js";
import { Item2Vec } from "./item2vec.js";
import type { BaseRecommender } from "./recommender.js";
import { createRecommender, loadRecommender, RECOMMENDER_NAMES, type RecommenderName } from "./registry.js";
import { plantedClusters, plantedItemContent } from "./testing.js";

const dir = mkdtempSync(join(tmpdir(), "trove-rec-models-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Small settings so that every fit takes milliseconds. */
const SMALL: Record<RecommenderName, Record<string, unknown>> = {
  "most-popular": {},
  "recent-popular": { windowFraction: 0.5 },
  "item-knn": { neighbours: 20, shrinkage: 1 },
  ease: { lambda: 5 },
  als: { factors: 8, iterations: 8, alpha: 5, regularization: 0.1 },
  bpr: { factors: 8, epochs: 60, learningRate: 0.05, regularization: 0.01 },
  item2vec: { factors: 8, epochs: 30, window: 0, negatives: 3, learningRate: 0.05 },
  sasrec: { hidden: 16, blocks: 1, maxLen: 8, dropout: 0.1, attnDropout: 0.1, epochs: 30, batchSize: 32, lr: 0.01 },
  generative: {
    hidden: 16, blocks: 1, heads: 1, maxLen: 6, dropout: 0.1, attnDropout: 0.1, epochs: 30, batchSize: 32, lr: 0.01,
    levels: 2, codebookSize: 8, embeddingDims: 8, beamSize: 10,
  },
  "content-knn": { embeddingDims: 8 },
  "sasrec-sid": {
    hidden: 16, blocks: 1, maxLen: 8, dropout: 0.1, attnDropout: 0.1, epochs: 30, batchSize: 32, lr: 0.01,
    levels: 2, codebookSize: 8, embeddingDims: 8, idEmbedding: "hashed",
  },
};

const planted = plantedClusters();
const split = leaveOneOutSplit(planted);
// Popularity cannot see clusters; it gets one skewed group (a global long tail).
const skewed = leaveOneOutSplit(plantedClusters({ clusters: 1, itemsPerCluster: 48, perUser: 4 }));
const splitFor = (name: RecommenderName): Split => (name.endsWith("popular") ? skewed : split);

/** Expected HR@5 of a random ranking: per user 5 / (unmasked items). */
function randomHitRate(split: Split): number {
  const planted = split.source;
  const seen = split.trainAndValidation().seenItems();
  const targets = split.test.userItems();
  let sum = 0;
  let users = 0;
  for (let u = 0; u < targets.rows; u++) {
    if (targets.indptr[u + 1] === targets.indptr[u]) continue;
    users++;
    sum += Math.min(1, 5 / (planted.numItems - (seen.indptr[u + 1] - seen.indptr[u])));
  }
  return sum / users;
}

const fitted = new Map<RecommenderName, BaseRecommender<object>>();
async function fit(name: RecommenderName): Promise<BaseRecommender<object>> {
  let model = fitted.get(name);
  if (!model) {
    model = createRecommender(name, SMALL[name]);
    const train = splitFor(name).train;
    await model.fit(train, model.usesItemContent ? { itemContent: plantedItemContent(train) } : {});
    fitted.set(name, model);
  }
  return model;
}

for (const name of RECOMMENDER_NAMES) {
  test(`${name} beats random on planted clusters`, async () => {
    const model = await fit(name);
    const hr = evaluateSplit(model, splitFor(name), "test", { ks: [5] }).metrics["hr@5"];
    const chance = randomHitRate(splitFor(name));
    const factor = name.endsWith("popular") ? 1.5 : 3;
    assert.ok(hr > factor * chance, `${name}: HR@5 ${hr.toFixed(3)} vs random ${chance.toFixed(3)}`);
  });

  test(`${name} save/load round trip gives identical scores`, async () => {
    const model = await fit(name);
    const path = join(dir, name);
    model.save(path);
    model.save(path); // a second generation replaces the first
    assert.ok(readdirSync(path).every((f) => f === "model.json" || f.includes(".g2.")), readdirSync(path).join(","));
    const loaded = loadRecommender(path);
    assert.equal(loaded.algorithm, model.algorithm);
    assert.deepEqual(loaded.options, model.options);
    for (const query of [0, 7, [3, 5, 1], { user: 2, history: [0, 1] }]) {
      assert.deepEqual(loaded.scoreAll(query), model.scoreAll(query));
      assert.deepEqual(loaded.recommend(query, 5), model.recommend(query, 5));
    }
    assert.deepEqual(loaded.similarItems(4, 5), model.similarItems(4, 5));
    assert.equal(loaded.itemId(3), splitFor(name).source.itemId(3));
  });
}

test("recommend excludes seen items and applies filters", async () => {
  const model = await fit("ease");
  const user = 5;
  const seen = new Set(model.seenBy(user));
  const recs = model.recommend(user, 10);
  assert.equal(recs.items.length, 10);
  for (const i of recs.items) assert.ok(!seen.has(i));
  const withSeen = model.recommend(user, planted.numItems, { excludeSeen: false });
  assert.equal(withSeen.items.length, planted.numItems);
  const even = model.recommend(user, 10, { filter: (i) => i % 2 === 0 });
  for (const i of even.items) assert.equal(i % 2, 0);
  const history = model.recommend([0, 1], 3);
  for (const i of history.items) assert.ok(i !== 0 && i !== 1);
  assert.throws(() => model.recommend(10_000, 3), /out of range/);
  assert.throws(() => model.recommend([99_999], 3), /out of range/);
});

test("similar items: item-item models find the planted cluster", async () => {
  for (const name of ["item-knn", "ease", "als", "item2vec"] as const) {
    const model = await fit(name);
    const similar = model.similarItems(0, 5);
    const cluster = (i: number) => Math.floor(i / 12);
    const same = [...similar.items].filter((i) => cluster(i) === cluster(0)).length;
    assert.ok(same >= 4, `${name}: ${same}/5 neighbours of item 0 in its cluster`);
    assert.ok(![...similar.items].includes(0));
  }
  const i2v = (await fit("item2vec")) as Item2Vec;
  assert.equal(i2v.complementaryItems(0, 3).items.length, 3);
});

test("EASE matches the closed form on a 3-item matrix", async () => {
  // X: u1 {0,1}, u2 {1,2}, u3 {0,1,2}; λ = 1 → P = (XᵀX + I)⁻¹ = [[.5,-.25,0],[-.25,.5,-.25],[0,-.25,.5]],
  // B = -P/diag(P) with zero diagonal = [[0,.5,0],[.5,0,.5],[0,.5,0]].
  const data = InteractionData.fromRecords([
    { user: "u1", item: "0" }, { user: "u1", item: "1" },
    { user: "u2", item: "1" }, { user: "u2", item: "2" },
    { user: "u3", item: "0" }, { user: "u3", item: "1" }, { user: "u3", item: "2" },
  ]);
  const ease = new Ease({ lambda: 1 });
  await ease.fit(data);
  const expected = [0, 0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0];
  ease.weightMatrix.forEach((v, p) => assert.ok(Math.abs(v - expected[p]) < 1e-6, `B[${p}] = ${v}`));
  assert.deepEqual([...ease.scoreAll(0)], [0.5, 0.5, 0.5]);
});

test("fits are deterministic by seed", async () => {
  const a = new Bpr({ ...SMALL.bpr, seed: 1 });
  const b = new Bpr({ ...SMALL.bpr, seed: 1 });
  const c = new Bpr({ ...SMALL.bpr, seed: 2 });
  await a.fit(split.train);
  await b.fit(split.train);
  await c.fit(split.train);
  assert.deepEqual(a.itemFactors, b.itemFactors);
  assert.notDeepEqual(a.itemFactors, c.itemFactors);
  const x = new Item2Vec({ ...(SMALL.item2vec as object), seed: 3 });
  const y = new Item2Vec({ ...(SMALL.item2vec as object), seed: 3 });
  await x.fit(split.train);
  await y.fit(split.train);
  assert.deepEqual(x.outputVectors, y.outputVectors);
  // A folded-in history gives the same vector every time.
  assert.deepEqual(a.foldIn([1, 2, 3]), b.foldIn([1, 2, 3]));
});

test("bad options are rejected", () => {
  assert.throws(() => createRecommender("nope"), /unknown recommender "nope"/);
  assert.rejects(new Ease({ lambda: -1 }).fit(split.train), /lambda must be > 0/);
  assert.rejects(createRecommender("als", { factors: 0 }).fit(split.train), /factors must be a positive integer/);
});
