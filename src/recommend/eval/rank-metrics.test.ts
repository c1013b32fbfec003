import assert from "node:assert/strict";
import { test } from "node:test";
import { AccuracyAccumulator, BeyondAccuracyAccumulator, catalogCoverage, giniIndex } from "./rank-metrics.js";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

const one = (ranks: number[], relevant: number, ks = [2, 5, 10]) => {
  const acc = new AccuracyAccumulator(ks);
  acc.add(ranks, relevant);
  return acc.means();
};

test("single target (leave-one-out) at rank 3", () => {
  const m = one([3], 1);
  close(m["recall@5"], 1);
  close(m["recall@2"], 0);
  close(m["hr@5"], 1);
  close(m["ndcg@5"], 1 / Math.log2(4)); // 0.5
  close(m["ndcg@2"], 0);
  close(m["mrr@5"], 1 / 3);
  close(m["mrr@2"], 0);
  close(m["precision@5"], 0.2);
});

test("two relevant items at ranks 1 and 4, one unreachable", () => {
  // R = 3: ranks 1 and 4 found, the third relevant item was never ranked.
  const m = one([4, 1], 3, [2, 3, 5, 10]);
  close(m["recall@5"], 2 / 3);
  close(m["recall@3"], 1 / 3);
  const dcg = 1 + 1 / Math.log2(5);
  const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
  close(m["ndcg@5"], dcg / idcg);
  // At k=2 the ideal list has only 2 slots.
  close(m["ndcg@2"], 1 / (1 + 1 / Math.log2(3)));
  close(m["mrr@10"], 1);
  close(one([], 3)["ndcg@10"], 0);
});

test("accumulator averages over users", () => {
  const acc = new AccuracyAccumulator([1, 5]);
  acc.add([1], 1);
  acc.add([], 1);
  acc.add([2], 1);
  const m = acc.means();
  close(m["recall@1"], 1 / 3);
  close(m["recall@5"], 2 / 3);
  close(m["hr@5"], 2 / 3);
  close(m["mrr@5"], (1 + 0.5) / 3);
  close(m["ndcg@5"], (1 + 1 / Math.log2(3)) / 3);
});

test("coverage, Gini, popularity and novelty", () => {
  close(catalogCoverage([0, 2, 1, 0]), 0.5);
  close(giniIndex([1, 1, 1, 1]), 0);
  close(giniIndex([0, 0, 0, 4]), 0.75); // (n-1)/n for total concentration
  close(giniIndex([0, 0, 0, 0]), 0);
  const popularity = Int32Array.from([8, 4, 2, 1]);
  const acc = new BeyondAccuracyAccumulator([2], popularity, 8);
  acc.add([0, 1], 2);
  acc.add([0, 3], 2);
  const m = acc.means();
  close(m["coverage@2"], 3 / 4);
  close(m["arp@2"], (6 + 4.5) / 2);
  // self-information: item0 0 bits, item1 1 bit, item3 3 bits
  close(m["novelty@2"], (0.5 + 1.5) / 2);
  close(m["gini@2"], giniIndex([2, 1, 0, 1]));
});
