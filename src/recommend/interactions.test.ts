import assert from "node:assert/strict";
import { test } from "node:test";
import { csrFromCoordinates, csrRow, csrRowData, csrTranspose } from "./csr.js";
import { InteractionData } from "./interactions.js";

const records = [
  { user: "alice", item: "b", kind: "view", timestamp: 30 },
  { user: "alice", item: "a", kind: "view", timestamp: 10 },
  { user: "bob", item: "a", kind: "like", timestamp: 5 },
  { user: "alice", item: "a", kind: "purchase", value: 19.5, timestamp: 20 },
  { user: "bob", item: "c", kind: "hide", timestamp: 6 },
  { user: "carol", item: "c", kind: "rating", value: 4, timestamp: 1 },
];

test("ids are dense in first-seen order and columns line up", () => {
  const data = InteractionData.fromRecords(records);
  assert.equal(data.numUsers, 3);
  assert.equal(data.numItems, 3);
  assert.equal(data.length, 6);
  assert.deepEqual([...data.userDictionary.toArray()], ["alice", "bob", "carol"]);
  assert.deepEqual([...data.itemDictionary.toArray()], ["b", "a", "c"]);
  assert.equal(data.userIndex("bob"), 1);
  assert.equal(data.itemIndex("zzz"), -1);
  assert.equal(data.kindNames[data.kinds[3]], "purchase");
  assert.equal(data.values[3], 19.5);
  assert.equal(data.timestamps[0], 30);
});

test("userItems sums event weights, drops hidden pairs; seenItems keeps them", () => {
  const data = InteractionData.fromRecords(records);
  const ui = data.userItems();
  // alice: b (1), a (2 events) ; bob: a (hide on c is not positive) ; carol: c
  assert.deepEqual([...csrRow(ui, 0)], [0, 1]);
  assert.deepEqual([...csrRowData(ui, 0)], [1, 2]);
  assert.deepEqual([...csrRow(ui, 1)], [1]);
  assert.deepEqual([...csrRow(ui, 2)], [2]);
  const seen = data.seenItems();
  assert.deepEqual([...csrRow(seen, 1)], [1, 2]);
  const iu = data.itemUsers();
  assert.deepEqual([...csrRow(iu, 1)], [0, 1]);
  assert.deepEqual([...data.itemPopularity()], [1, 2, 1]);
});

test("kind weights are configurable", () => {
  const data = InteractionData.fromRecords(records, { kindWeights: { hide: 1, purchase: 5 } });
  const ui = data.userItems();
  assert.deepEqual([...csrRowData(ui, 0)], [1, 6]);
  assert.deepEqual([...csrRow(ui, 1)], [1, 2]);
});

test("user sequences are in time order and skip non-positive kinds", () => {
  const data = InteractionData.fromRecords(records);
  const seq = data.userSequences();
  const items = (u: number) => [...seq.items.subarray(seq.indptr[u], seq.indptr[u + 1])].map((i) => data.itemId(i));
  assert.deepEqual(items(0), ["a", "a", "b"]);
  assert.deepEqual(items(1), ["a"]);
  assert.deepEqual(items(2), ["c"]);
});

test("subset shares dictionaries", () => {
  const data = InteractionData.fromRecords(records);
  const sub = data.subset(Int32Array.from([2, 5]));
  assert.equal(sub.numUsers, 3);
  assert.equal(sub.numItems, 3);
  assert.equal(sub.length, 2);
  assert.equal(sub.userId(sub.users[0]), "bob");
  assert.equal(sub.userDictionary, data.userDictionary);
});

test("CSR from coordinates merges duplicates and transposes", () => {
  const m = csrFromCoordinates(2, 3, Int32Array.from([1, 0, 1, 1]), Int32Array.from([2, 1, 0, 2]), Float32Array.from([1, 2, 3, 4]));
  assert.deepEqual([...m.indptr], [0, 1, 3]);
  assert.deepEqual([...m.indices], [1, 0, 2]);
  assert.deepEqual([...m.data], [2, 3, 5]);
  const t = csrTranspose(m);
  assert.deepEqual([...t.indptr], [0, 1, 2, 3]);
  assert.deepEqual([...t.indices], [1, 0, 1]);
  assert.deepEqual([...t.data], [3, 2, 5]);
});
