import assert from "node:assert/strict";
import { test } from "node:test";
import { InteractionData, type InteractionRecord } from "../interactions.js";
import { MostPopular } from "../popularity.js";
import { evaluateSplit } from "./protocol.js";
import { runRecEvaluation } from "./run.js";
import { coldItemSplit, leaveOneOutSplit } from "./splits.js";
import { plantedClusters, plantedItemContent } from "../testing.js";

const seq = (user: string, items: string[]): InteractionRecord[] => items.map((item, t) => ({ user, item, timestamp: t }));
// Item indices in first-seen order: a=0, b=1, c=2, d=3, e=4.
const data = InteractionData.fromRecords([
  ...seq("u1", ["a", "b", "c"]),
  ...seq("u2", ["a", "d", "e", "b"]),
  ...seq("u3", ["b", "a", "c"]),
  ...seq("u4", ["a", "b"]),
]);
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

test("full ranking with history masked, by hand", async () => {
  const split = leaveOneOutSplit(data);
  const model = new MostPopular();
  await model.fit(split.train);
  // Training popularity: a 3, b 1, d 1, c 0, e 0 -> order a, b, d, c, e.
  // Test lists after masking train+validation: u1 [d c e] (c at 2), u2 [b c] (b at 1),
  // u3 [d c e] (c at 2), u4 [b d c e] (b at 1).
  const result = evaluateSplit(model, split, "test", { ks: [1, 5] });
  assert.equal(result.users, 4);
  assert.equal(result.candidates, "all");
  assert.match(result.protocol, /full ranking over all 5 items/);
  assert.match(result.protocol, /train\+validation histories/);
  close(result.metrics["hr@1"], 0.5);
  close(result.metrics["recall@5"], 1);
  close(result.metrics["ndcg@5"], (2 / Math.log2(3) + 2) / 4);
  close(result.metrics["mrr@5"], 0.75);
  close(result.metrics["coverage@1"], 2 / 5);
  // Validation: histories are train only. u1 [b d c e] target b rank 1; u2 [b c e] target e rank 3;
  // u3 [a d c e] target a rank 1 (u4 has no validation event).
  const validation = evaluateSplit(model, split, "validation", { ks: [1, 5] });
  assert.equal(validation.users, 3);
  close(validation.metrics["mrr@5"], (1 + 1 / 3 + 1) / 3);
});

test("a target already in the history is masked and counts as a miss", async () => {
  const repeat = InteractionData.fromRecords([...seq("u1", ["a", "c", "a"]), ...seq("u2", ["b", "c", "d"])]);
  const split = leaveOneOutSplit(repeat);
  const model = new MostPopular();
  await model.fit(split.train);
  const result = evaluateSplit(model, split, "test", { ks: [5] });
  assert.equal(result.targetsInHistory, 1);
  assert.equal(result.users, 2);
  close(result.metrics["hr@5"], 0.5);
});

test("the sampled protocol is labelled and seeded", async () => {
  const split = leaveOneOutSplit(data);
  const model = new MostPopular();
  await model.fit(split.train);
  const a = evaluateSplit(model, split, "test", { ks: [1], candidates: { sampledNegatives: 1, seed: 3 } });
  const b = evaluateSplit(model, split, "test", { ks: [1], candidates: { sampledNegatives: 1, seed: 3 } });
  assert.equal(a.candidates, "sampled-1");
  assert.match(a.protocol, /^leave-one-out.*SAMPLED ranking: targets among 1 negatives/);
  assert.deepEqual(a.metrics, b.metrics);
});

test("runRecEvaluation names the protocol and returns validation and test metrics", async () => {
  const result = await runRecEvaluation({ data, model: "pop", k: 3 });
  assert.match(result.protocol, /leave-one-out by timestamp/);
  assert.match(result.protocol, /full ranking/);
  assert.match(result.protocol, /not refit/);
  for (const name of ["recall@5", "ndcg@5", "recall@10", "ndcg@10", "mrr@10", "recall@3", "hr@20", "coverage@10", "gini@10", "novelty@10", "arp@10"]) {
    assert.equal(typeof result.metrics[name], "number", name);
  }
  assert.ok(result.validation);
  assert.equal(result.options.model, "most-popular");
  assert.deepEqual(result.options.ks, [3, 5, 10, 20]);
  assert.equal(result.split.test, 4);
});

test("cold-start protocol: cold and warm groups, ID models never rank cold items, content models can", async () => {
  const planted = plantedClusters({ users: 240, clusters: 4, itemsPerCluster: 25, perUser: 8 });
  const content = plantedItemContent(planted);
  const pop = await runRecEvaluation({ data: planted, model: "pop", split: { strategy: "cold-items", coldFraction: 0.2, seed: 3 }, k: [10] });
  assert.equal(pop.split.coldItems, 20);
  assert.ok(pop.split.coldTestUsers! > 0 && pop.split.warmTestUsers! > 0);
  assert.equal(pop.split.coldTestUsers! + pop.split.warmTestUsers!, pop.test.users);
  assert.match(pop.protocol, /cold items: 20 of 100 items/);
  assert.match(pop.protocol, /cannot rank/);
  for (const key of ["recall@10", "ndcg@10", "mrr@10"]) {
    assert.equal(pop.cold![key], 0, `popularity never recommends a cold item (${key})`);
    assert.ok(pop.warm![key] > 0);
    // the overall figure is the users' mix of the two groups
    close(pop.metrics[key], (pop.cold![key] * pop.split.coldTestUsers! + pop.warm![key] * pop.split.warmTestUsers!) / pop.test.users);
  }
  assert.ok(pop.validationCold && pop.validationWarm);
  const knn = await runRecEvaluation({ data: planted, model: "content-knn", modelOptions: { embeddingDims: 8 }, itemContent: content, split: { strategy: "cold-items", coldFraction: 0.2, seed: 3 } });
  assert.ok(knn.cold!["recall@10"] > 0, "content kNN reaches cold items");
  // per-user values for paired comparisons
  const split = coldItemSplit(planted, { coldFraction: 0.2, seed: 3 });
  const model = new MostPopular();
  await model.fit(split.train);
  const perUser = evaluateSplit(model, split, "test", { keepPerUser: ["ndcg@10"] }).perUser!;
  assert.equal(perUser.cold!.users.length, pop.split.coldTestUsers);
  assert.ok(perUser.cold!.values["ndcg@10"].every((v) => v === 0));
  assert.equal(perUser.all.values["ndcg@10"].length, pop.test.users);
});
