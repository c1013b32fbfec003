/**
 * A short slice of `npm run test:fuzz` (which sends 10,000 cases): requests
 * generated from the server's own OpenAPI document with wrong types, huge
 * and deep values, invalid UTF-8 and query-language garbage. No 5xx other
 * than 503, no request without an answer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRadarServer } from "../radar-server.js";
import { formatFuzzReport, fuzzRadar } from "../test-support/fuzz-radar.js";
import { seedSample } from "../test-support/sample-server.js";

test("fuzzing from /openapi.json: 400 cases, no 5xx but documented 503s, every request answered", async () => {
  const dir = mkdtempSync(join(tmpdir(), "radar-fuzz-"));
  try {
    await seedSample(dir, 40);
    const server = await startRadarServer({ port: 0, host: "127.0.0.1", dataDir: dir, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } } }, onInternalError: () => undefined });
    try {
      const report = await fuzzRadar(server.url, { cases: 400, seed: 7 });
      console.log(formatFuzzReport(report).replace(/^/gm, "# "));
      assert.deepEqual(report.failures, []);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200, "the server still answers");
      assert.ok((report.byClass["2xx"] ?? 0) > 20 && (report.byClass["4xx"] ?? 0) > 100, "cases reach both the handlers and the validation");
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
