import assert from "node:assert/strict";
import { test } from "node:test";
import { InteractionData } from "../interactions.js";
import { plantedClusters } from "../testing.js";
import { coldItemSplit, globalTemporalSplit, leaveOneOutSplit, randomHoldoutSplit, userTemporalSplit } from "./splits.js";

// Timestamps deliberately out of input order.
const data = InteractionData.fromRecords([
  { user: "u1", item: "a", timestamp: 3 },
  { user: "u1", item: "b", timestamp: 1 },
  { user: "u1", item: "c", timestamp: 4 },
  { user: "u1", item: "d", timestamp: 2 },
  { user: "u1", item: "e", kind: "hide", timestamp: 5 },
  { user: "u2", item: "a", timestamp: 9 },
  { user: "u2", item: "b", timestamp: 8 },
  { user: "u3", item: "c", timestamp: 1 },
  { user: "u4", item: "b", timestamp: 7 },
  { user: "u4", item: "c", timestamp: 7 }, // tie in time: input order decides
  { user: "u4", item: "d", timestamp: 7 },
]);

const items = (d: InteractionData, user: string): string[] => {
  const u = d.userIndex(user);
  const out: string[] = [];
  for (let e = 0; e < d.length; e++) if (d.users[e] === u) out.push(d.itemId(d.items[e]));
  return out.sort();
};

test("leave-one-out: last positive by time is test, second-last validation", () => {
  const split = leaveOneOutSplit(data);
  assert.deepEqual(items(split.test, "u1"), ["c", "e"]); // the later hide goes with the test part
  assert.deepEqual(items(split.validation, "u1"), ["a"]);
  assert.deepEqual(items(split.train, "u1"), ["b", "d"]);
  // Two positives: train + test, no validation.
  assert.deepEqual(items(split.test, "u2"), ["a"]);
  assert.deepEqual(items(split.validation, "u2"), []);
  assert.deepEqual(items(split.train, "u2"), ["b"]);
  // One positive stays in train.
  assert.deepEqual(items(split.train, "u3"), ["c"]);
  assert.deepEqual(items(split.test, "u3"), []);
  // Ties in time keep input order: d is last.
  assert.deepEqual(items(split.test, "u4"), ["d"]);
  assert.deepEqual(items(split.validation, "u4"), ["c"]);
  assert.equal(split.trainEvents.length + split.validationEvents.length + split.testEvents.length, data.length);
  assert.equal(split.trainAndValidation().length, split.trainEvents.length + split.validationEvents.length);
  assert.equal(split.train.numItems, data.numItems);
});

test("leave-one-out without validation", () => {
  const split = leaveOneOutSplit(data, { validation: false });
  assert.equal(split.validationEvents.length, 0);
  assert.deepEqual(items(split.test, "u1"), ["c", "e"]);
});

test("per-user temporal fraction keeps at least one training event", () => {
  const split = userTemporalSplit(data, { testFraction: 0.5, validationFraction: 0 });
  assert.deepEqual(items(split.test, "u1"), ["a", "c", "e"]);
  assert.deepEqual(items(split.train, "u1"), ["b", "d"]);
  assert.deepEqual(items(split.test, "u2"), ["a"]);
  assert.deepEqual(items(split.train, "u3"), ["c"]);
});

test("global temporal cut by time", () => {
  const split = globalTemporalSplit(data, { testFrom: 7, validationFrom: 4 });
  assert.deepEqual(items(split.test, "u4"), ["b", "c", "d"]);
  assert.deepEqual(items(split.test, "u2"), ["a", "b"]);
  assert.deepEqual(items(split.validation, "u1"), ["c", "e"]);
  assert.deepEqual(items(split.train, "u1"), ["a", "b", "d"]);
});

test("random holdout is reproducible by seed and holds out whole pairs", () => {
  const planted = plantedClusters({ users: 60 });
  const a = randomHoldoutSplit(planted, { seed: 5, testFraction: 0.2, validationFraction: 0.1 });
  const b = randomHoldoutSplit(planted, { seed: 5, testFraction: 0.2, validationFraction: 0.1 });
  const c = randomHoldoutSplit(planted, { seed: 6, testFraction: 0.2, validationFraction: 0.1 });
  assert.deepEqual(a.testEvents, b.testEvents);
  assert.deepEqual(a.validationEvents, b.validationEvents);
  assert.notDeepEqual(a.testEvents, c.testEvents);
  assert.equal(a.testEvents.length, Math.round(0.2 * planted.userItems().indices.length));
});

test("leave-one-out is deterministic", () => {
  const planted = plantedClusters();
  assert.deepEqual(leaveOneOutSplit(planted).testEvents, leaveOneOutSplit(planted).testEvents);
});

test("cold items: a seeded share of the items never appears in training or in any history, only as targets", () => {
  const planted = plantedClusters({ users: 300, clusters: 4, itemsPerCluster: 25, perUser: 8 });
  const split = coldItemSplit(planted, { coldFraction: 0.2, seed: 5 });
  const cold = split.coldItems!;
  assert.equal(cold.reduce((a, b) => a + b, 0), 20);
  assert.deepEqual(coldItemSplit(planted, { coldFraction: 0.2, seed: 5 }).coldItems, cold);
  assert.notDeepEqual(coldItemSplit(planted, { coldFraction: 0.2, seed: 6 }).coldItems, cold);
  for (const part of [split.train, split.trainAndValidation()]) {
    for (let e = 0; e < part.length; e++) assert.equal(cold[part.items[e]], 0, "a cold item in a history");
  }
  // targets are those of leave-one-out: the same test events, cold or warm
  const loo = leaveOneOutSplit(planted);
  assert.deepEqual(split.testEvents, loo.testEvents);
  assert.deepEqual(split.validationEvents, loo.validationEvents);
  let coldTargets = 0;
  for (const e of split.testEvents) coldTargets += cold[planted.items[e]];
  assert.ok(coldTargets > 0, "some test targets are cold");
  // training = leave-one-out's training minus the cold items' events
  const warmTrain = [...loo.trainEvents].filter((e) => !cold[planted.items[e]]);
  assert.deepEqual([...split.trainEvents], warmTrain);
  assert.throws(() => coldItemSplit(planted, { coldFraction: 1 }), /coldFraction/);
});
