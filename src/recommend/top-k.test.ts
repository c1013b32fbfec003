import assert from "node:assert/strict";
import { test } from "node:test";
import { SeededRandom } from "../core/random.js";
import { TopKSelector, topK } from "./top-k.js";

test("top-k orders by score, then by item index; skips -Infinity and NaN", () => {
  const scores = Float32Array.from([0.5, 2, -Infinity, 2, NaN, 1, 0.5]);
  const top = topK(scores, 4);
  assert.deepEqual([...top.items], [1, 3, 5, 0]);
  assert.deepEqual([...top.scores], [2, 2, 1, 0.5]);
  assert.deepEqual([...topK(scores, 10).items], [1, 3, 5, 0, 6]);
  assert.deepEqual([...topK(scores, 0).items], []);
});

test("top-k agrees with a full sort on random ties", () => {
  const rng = new SeededRandom(3);
  const selector = new TopKSelector();
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + rng.int(200);
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) scores[i] = rng.int(10);
    const k = rng.int(n + 3);
    const expected = [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
    assert.deepEqual([...selector.select(scores, k).items], expected);
    // selectFrom over a shuffled candidate list gives the same order.
    const candidates = rng.shuffle(Int32Array.from(scores.keys()));
    assert.deepEqual([...selector.selectFrom(candidates, n, scores, k).items], expected);
  }
});

test("an allow-mask restricts the candidates", () => {
  const scores = Float32Array.from([3, 2, 1]);
  assert.deepEqual([...topK(scores, 2, Uint8Array.from([0, 1, 1])).items], [1, 2]);
});
