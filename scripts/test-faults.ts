/**
 * `npm run test:faults [-- --trials 100 --seed 1 --postgres]`: kill -9 at
 * random moments of an import, indexing, a merge and model training (and,
 * with --postgres, a database crash and restart in the middle of an import,
 * the import itself on PostgreSQL), each followed by reopen, integrity
 * check, count check and a rerun (apps/radar/test-support/fault-harness.ts).
 * Prints trials, kills and inconsistencies; any inconsistency fails (exit 1).
 */
import { parseArgs } from "node:util";
import { formatFaultReport, runFaultTrials } from "../apps/radar/test-support/fault-harness.js";
import { startDisposablePostgres } from "../src/store/testing/disposable-postgres.js";

const { values } = parseArgs({ options: { trials: { type: "string", default: "100" }, seed: { type: "string", default: "1" }, postgres: { type: "boolean", default: false } } });
const postgres = values.postgres ? await startDisposablePostgres() : undefined;
try {
  const started = performance.now();
  const report = await runFaultTrials({
    trials: Number(values.trials),
    seed: Number(values.seed),
    postgres,
    onTrial: (trial, i) => process.stderr.write(`  trial ${i + 1}: ${trial.phase}, ${trial.killed ? "killed mid-way" : "finished before the kill"}${trial.problems.length ? `: ${trial.problems.join("; ")}` : ""}\n`),
  });
  process.stdout.write(`${formatFaultReport(report)}\n  (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  process.exitCode = report.inconsistencies === 0 ? 0 : 1;
} finally {
  await postgres?.stop();
}
