/**
 * Daily and weekly digests of the papers arrived since the last one, through
 * the HTTP API of a real server holding the test corpus (its papers' arrival
 * times are backfilled from their submission days, the newest on 2026-07-05).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../../src/store/open-store.js";
import type { RunningServer } from "../../../src/server/start-server.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA } from "../papers.js";
import { startRadarServer } from "../radar-server.js";
import { TEST_PAPERS } from "../test-support/test-radar.js";

let dataDir: string;
let server: RunningServer;

async function call(method: string, path: string, cookie: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers: Record<string, string> = { origin: server.url, cookie };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text && (res.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : text };
}

async function signUp(email: string): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: "correct horse battery" }) });
  assert.equal(res.status, 201);
  return /radar_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")![0];
}

const ids = (digest: { items: Array<{ paper: { id: string } }> }) => digest.items.map((i) => i.paper.id).sort();

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "radar-digest-cadence-"));
  const store = await openStore(dataDir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(PAPERS_COLLECTION, TEST_PAPERS);
  await store.close();
  server = await startRadarServer({ port: 0, host: "127.0.0.1", dataDir, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } } } });
});

after(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test("daily or weekly, the reader's choice: the papers arrived since the last digest, each paper in one digest only", async () => {
  const admin = await signUp("admin@example.org"); // the first account is the admin
  const weekly = await signUp("weekly@example.org");
  assert.equal((await call("GET", "/api/digest/settings", admin)).body.cadence, "weekly", "weekly by default");
  assert.equal((await call("PUT", "/api/digest/settings", admin, { cadence: "daily" })).body.cadence, "daily");
  assert.equal((await call("PUT", "/api/digest/settings", admin, { cadence: "hourly" })).status, 400);
  assert.equal((await call("POST", "/api/admin/pins", admin, { paperId: "2605.10006", note: "a classic" })).status, 201);

  // the first daily digest: one day back from the newest arrival (2026-07-05), and the editor's pick
  const preview = await call("GET", "/api/digest/next", admin);
  assert.equal(preview.status, 200, JSON.stringify(preview.body));
  assert.deepEqual(ids(preview.body), ["2605.10006", "2607.10005"]);
  assert.equal(preview.body.period.cadence, "daily");
  assert.deepEqual(ids((await call("GET", "/api/digest/next", admin)).body), ids(preview.body), "a preview records nothing");

  // a weekly reader's first digest reaches a week back
  assert.deepEqual(ids((await call("GET", "/api/digest/next", weekly)).body), ["2605.10006", "2606.10001", "2606.10002", "2607.10003", "2607.10004", "2607.10005"]);

  const issued = await call("POST", "/api/digest/issue", admin);
  assert.deepEqual(ids(issued.body), ids(preview.body));
  const settings = (await call("GET", "/api/digest/settings", admin)).body;
  assert.ok(settings.lastIssuedAt >= issued.body.period.arrivedUntil.slice(0, 19), "the next digest starts where this one ended");

  // nothing arrived since, and the pick was shown already: an empty digest that says why
  const next = (await call("GET", "/api/digest/next", admin)).body;
  assert.deepEqual(next.items, []);
  assert.match(next.notes[0], /No new papers for you arrived since/);
  const markdown = await call("GET", "/api/digest/next?format=markdown", admin);
  assert.equal(markdown.status, 200);
  assert.equal(typeof markdown.body, "string");
});
