import assert from "node:assert/strict";
import { test } from "node:test";
import { runEpochLoop } from "./epoch-loop.js";

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: a batch that takes time
  }
}

test("the time budget stops before an epoch that would end past it, keeping the best weights", async () => {
  let weights: Float32Array = Float32Array.of(0);
  const result = await runEpochLoop({
    count: 4, batchSize: 2, epochs: 100, shuffleSeed: 1, patience: 100, evalEvery: 1, progress: false, handleSigint: false,
    timeBudgetSeconds: 0.25,
    trainBatch: () => {
      busy(30);
      weights = Float32Array.of(weights[0] + 1);
      return { loss: 1, targets: 1, examples: 2 };
    },
    validate: () => ({ ndcg: weights[0] === 4 ? 1 : 0, recall: 0, users: 1, k: 10, at: {} }),
    snapshot: () => weights.slice(),
    restore: (w) => (weights = w),
  });
  assert.equal(result.stoppedBy, "time-budget");
  assert.ok(result.history.length >= 2 && result.history.length <= 4, `${result.history.length} epochs`);
  assert.equal(result.bestEpoch, 2);
  assert.equal(weights[0], 4, "the best epoch's weights are restored");
});
