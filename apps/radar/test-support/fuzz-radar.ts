/**
 * Test helper (for `npm run test:fuzz` and the short slice in `npm test`):
 * fuzzes a running Paper Radar server from its own /openapi.json (see
 * src/server/testing/openapi-fuzzer.ts), signed out, with a session cookie
 * (and its Origin) and with an API key. The reader and key are created
 * first, through the API.
 */
import { OpenApiFuzzer, type FuzzReport } from "../../../src/server/testing/openapi-fuzzer.js";

export async function fuzzRadar(baseUrl: string, options: { cases: number; seed?: number; onProgress?: (done: number) => void }): Promise<FuzzReport> {
  const signup = await fetch(`${baseUrl}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email: `fuzzer${options.seed ?? 1}@example.org`, password: "a long and unusual passphrase" }),
  });
  if (signup.status !== 201) throw new Error(`fuzz: sign-up failed (${signup.status}): ${await signup.text()}`);
  const cookie = /radar_session=[^;]+/.exec(signup.headers.get("set-cookie") ?? "")![0];
  const key = (await (
    await fetch(`${baseUrl}/api/keys`, { method: "POST", headers: { "content-type": "application/json", cookie, origin: baseUrl }, body: JSON.stringify({ name: "fuzz" }) })
  ).json()) as { key: string };
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as ConstructorParameters<typeof OpenApiFuzzer>[0];
  const fuzzer = new OpenApiFuzzer(document, {
    baseUrl,
    cases: options.cases,
    seed: options.seed,
    auths: [{ headers: { cookie, origin: baseUrl } }, { headers: { authorization: `Bearer ${key.key}` } }],
    // these would end the fuzzer's own session or key, not find bugs
    skip: ["POST /api/auth/signout", "DELETE /api/keys/{id}"],
    onProgress: options.onProgress,
  });
  return fuzzer.run();
}

/** The report as the lines `npm run test:fuzz` prints. */
export function formatFuzzReport(report: FuzzReport): string {
  const classes = Object.entries(report.byClass)
    .sort()
    .map(([cls, n]) => `${cls} ${n}`)
    .join(", ");
  const statuses = Object.entries(report.byStatus)
    .sort()
    .map(([status, n]) => `${status}: ${n}`)
    .join(", ");
  const lines = [`fuzz: ${report.cases} cases; ${classes}; slowest answer ${report.slowestMs.toFixed(0)} ms`, `  by status: ${statuses}`, `  failures (5xx other than 503, or no answer): ${report.failures.length}`];
  for (const f of report.failures.slice(0, 20)) lines.push(`    ${f.status} ${f.request}\n      ${f.body.replace(/\s+/g, " ").slice(0, 200)}`);
  return lines.join("\n");
}
