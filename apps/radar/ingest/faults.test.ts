/**
 * A short slice of `npm run test:faults` (seconds, for CI): import, indexing
 * and merging, each once to time it and once killed at a random moment inside
 * that time; every check applied; zero inconsistencies. Training and the
 * PostgreSQL restart run in the full harness.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatFaultReport, runFaultTrials } from "../test-support/fault-harness.js";

test("kill -9 during import, indexing, merging and training: reopen, integrity, counts and rerun all hold", async () => {
  const report = await runFaultTrials({ trials: 6, seed: 3, papers: 150, phases: ["import", "indexing", "merging"] });
  console.log(formatFaultReport(report).replace(/^/gm, "# "));
  assert.equal(report.trials.length, 6);
  assert.equal(report.inconsistencies, 0, formatFaultReport(report));
});
