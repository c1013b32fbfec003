import { test } from "node:test";
import assert from "node:assert/strict";
import { SmallestRunMergePolicy } from "./merge-policy.js";

const seg = (byteLength: number, i: number) => ({ name: `seg_${i}`, docCount: 1, deletedCount: 0, delGen: 0, byteLength });

test("merges nothing under the limit, then the adjacent run with the fewest bytes", () => {
  const policy = new SmallestRunMergePolicy(3);
  assert.equal(policy.findMerge([100, 1, 1].map(seg)), null);
  // 4 segments, limit 3: a run of 2; the cheapest adjacent pair is (1, 2)
  assert.deepEqual(policy.findMerge([100, 1, 2, 50].map(seg)), { start: 1, count: 2 });
  // far over the limit: longer runs, still adjacent and cheapest
  const spec = policy.findMerge([9, 1, 1, 1, 1, 1, 1, 9].map(seg))!;
  assert.ok(spec.count > 6 - 1, `run of ${spec.count}`);
  assert.ok(spec.start >= 0 && spec.start + spec.count <= 8);
});
