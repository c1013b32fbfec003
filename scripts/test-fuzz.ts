/**
 * `npm run test:fuzz [-- --cases 10000 --seed 1 --postgres]`: fuzzes a Paper
 * Radar node (a real `trove radar start` process over a slice of the bundled
 * sample; with --postgres, on a throwaway PostgreSQL) with requests generated
 * from its /openapi.json, then prints the answers per status class. Fails
 * (exit 1) on any 5xx other than a documented 503, a request without an
 * answer, or a node that died.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatFuzzReport, fuzzRadar } from "../apps/radar/test-support/fuzz-radar.js";
import { startNode, writeSampleCorpus } from "../src/cli/commands/testing/radar-nodes.js";
import { startDisposablePostgres } from "../src/store/testing/disposable-postgres.js";

const { values } = parseArgs({ options: { cases: { type: "string", default: "10000" }, seed: { type: "string", default: "1" }, postgres: { type: "boolean", default: false } } });
const cases = Number(values.cases);
const seed = Number(values.seed);
const work = mkdtempSync(join(tmpdir(), "trove-fuzz-"));
const pg = values.postgres ? await startDisposablePostgres() : undefined;
let exitCode = 1;
try {
  const corpus = await writeSampleCorpus(join(work, "corpus.jsonl"), 500);
  const node = await startNode({ dataDir: join(work, "data"), corpus, storeUrl: pg ? await pg.createDatabase() : undefined, args: ["--max-queued", "1000"] });
  try {
    const started = performance.now();
    process.stderr.write(`fuzzing ${node.url} (${pg ? "PostgreSQL" : "SQLite"} store) with ${cases} cases, seed ${seed}\n`);
    const report = await fuzzRadar(node.url, { cases, seed, onProgress: (done) => process.stderr.write(`  ${done} cases\n`) });
    const alive = node.process.exitCode === null && node.process.signalCode === null && (await fetch(`${node.url}/healthz`).then((r) => r.status === 200, () => false));
    process.stdout.write(`${formatFuzzReport(report)}\n  node alive afterwards: ${alive ? "yes" : "NO"}; ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    exitCode = report.failures.length === 0 && alive ? 0 : 1;
  } finally {
    await node.stop();
  }
} finally {
  await pg?.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = exitCode;
