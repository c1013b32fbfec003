/**
 * The security review's findings on accounts and search, each over a real
 * server: weak passwords, sign-in and sign-up without rate limits, cookies
 * without Secure behind a TLS proxy, no way to close sign-up, cross-site
 * writes with the session cookie, queries that cost seconds. Each test failed
 * before its fix.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../../src/store/open-store.js";
import type { RunningServer } from "../../../src/server/start-server.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA } from "../papers.js";
import { startRadarServer, type StartRadarServerOptions } from "../radar-server.js";

const FAST = { N: 1024, r: 8, p: 1 };
const GOOD = "violet tram under the lantern";

interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
  cookie?: string;
}

async function call(server: RunningServer, method: string, path: string, options: { body?: unknown; cookie?: string; key?: string; headers?: Record<string, string> } = {}): Promise<Res> {
  const headers: Record<string, string> = { origin: server.url, ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.cookie) headers.cookie = options.cookie;
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  for (const [name, value] of Object.entries(headers)) if (value === "") delete headers[name]; // "" means: no such header
  const res = await fetch(`${server.url}${path}`, { method, headers, body: options.body !== undefined ? JSON.stringify(options.body) : undefined });
  const text = await res.text();
  const session = /radar_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "");
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers, cookie: session ? `radar_session=${session[1]}` : undefined };
}

const started: Array<{ server: RunningServer; dir: string }> = [];

async function serve(radar: StartRadarServerOptions["radar"] = {}, extra: Partial<StartRadarServerOptions> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "radar-abuse-"));
  const store = await openStore(dir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(PAPERS_COLLECTION, [{ id: "2401.00001", title: "A paper", abstract: "", authors: [], categories: ["cs.IR"], date: "2024-01-01" }]);
  await store.close();
  const server = await startRadarServer({ port: 0, host: "127.0.0.1", dataDir: dir, ...extra, radar: { ...radar, accounts: { scrypt: FAST, ...radar.accounts } } });
  started.push({ server, dir });
  return server;
}

after(async () => {
  for (const { server, dir } of started) {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("passwords (NIST SP 800-63B: a blocklist, sequences, repetition, context words)", () => {
  let server: RunningServer;
  before(async () => {
    server = await serve({ limits: { signUpPerAddress: { limit: 100, windowMs: 60_000 } } });
  });

  test("common passwords and their variants are refused with the reason; good passphrases pass", async () => {
    const refused: Array<[string, RegExp]> = [
      ["1234567890", /sequence/],
      ["qwertyuiop", /sequence/],
      ["0987654321", /sequence/],
      ["abcdefghijk", /sequence/],
      ["iloveyou123", /common password/],
      ["Password2024!", /common password/],
      ["p@ssw0rd123", /common password/],
      ["123456789012", /sequence/],
      ["abcabcabcabc", /pattern repeated/],
      ["paperradar2024", /site's name|common/],
      ["jonathan.q.public!!", /email/],
      ["correct horse battery staple", /common password/],
    ];
    for (const [password, reason] of refused) {
      const res = await call(server, "POST", "/api/auth/signup", { body: { email: "jonathan.q.public@example.org", password } });
      assert.equal(res.status, 400, password);
      assert.equal(res.body.error.field, "body.password", password);
      assert.match(res.body.error.message, reason, password);
    }
    for (const password of [GOOD, "correct horse battery", "Maple-Gravel-Ninety-Two"]) {
      const res = await call(server, "POST", "/api/auth/signup", { body: { email: `ok${password.length}@example.org`, password } });
      assert.equal(res.status, 201, `${password}: ${JSON.stringify(res.body)}`);
    }
  });
});

describe("rate limits on sign-in and sign-up", () => {
  test("failed sign-ins per account: 429 with Retry-After after the limit, even for the right password, whatever the address", async () => {
    const trusting = await serve(
      { limits: { failedSignInsPerAccount: { limit: 5, windowMs: 60_000 }, signInPerAddress: { limit: 1000, windowMs: 60_000 } } },
      { trustProxy: ["127.0.0.1"] },
    );
    assert.equal((await call(trusting, "POST", "/api/auth/signup", { body: { email: "victim@example.org", password: GOOD } })).status, 201);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      // each guess from another address (behind the trusted proxy): the per-account limit still holds
      const res = await call(trusting, "POST", "/api/auth/signin", { body: { email: "victim@example.org", password: `wrong guess ${i}` }, headers: { "x-forwarded-for": `198.51.100.${i}` } });
      statuses.push(res.status);
      if (res.status === 429) {
        assert.ok(Number(res.headers.get("retry-after")) >= 1);
        assert.equal(res.body.error.code, "RATE_LIMITED");
      }
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    const right = await call(trusting, "POST", "/api/auth/signin", { body: { email: "VICTIM@example.org", password: GOOD } });
    assert.equal(right.status, 429, "the right password waits too: the guesser must not learn it");
    const other = await call(trusting, "POST", "/api/auth/signup", { body: { email: "other@example.org", password: GOOD } });
    assert.equal(other.status, 201, "other accounts are not affected");
  });

  test("sign-in and sign-up attempts per address", async () => {
    const server = await serve({ limits: { signInPerAddress: { limit: 4, windowMs: 60_000 }, signUpPerAddress: { limit: 2, windowMs: 3_600_000 } } });
    const signups = [];
    for (let i = 0; i < 3; i++) signups.push((await call(server, "POST", "/api/auth/signup", { body: { email: `r${i}@example.org`, password: GOOD } })).status);
    assert.deepEqual(signups, [201, 201, 429]);
    const signins = [];
    for (let i = 0; i < 5; i++) signins.push((await call(server, "POST", "/api/auth/signin", { body: { email: `nobody${i}@example.org`, password: GOOD } })).status);
    assert.deepEqual(signins, [401, 401, 401, 401, 429], "spread over many accounts, one address still meets its limit");
  });
});

describe("cookies and proxies", () => {
  test("Secure is set when the client's connection is https: directly, through a trusted proxy, or forced; never on a forged header", async () => {
    const direct = await serve();
    const forged = await call(direct, "POST", "/api/auth/signup", { body: { email: "a@example.org", password: GOOD }, headers: { "x-forwarded-proto": "https" } });
    assert.equal(forged.status, 201);
    assert.doesNotMatch(forged.headers.get("set-cookie") ?? "", /Secure/i, "an untrusted peer cannot claim https");

    const proxied = await serve({}, { trustProxy: ["127.0.0.1/32"] });
    const viaTls = await call(proxied, "POST", "/api/auth/signup", { body: { email: "b@example.org", password: GOOD }, headers: { "x-forwarded-proto": "https", origin: "https://radar.example.org", "x-forwarded-host": "radar.example.org" } });
    assert.equal(viaTls.status, 201, JSON.stringify(viaTls.body));
    assert.match(viaTls.headers.get("set-cookie") ?? "", /;\s*Secure/i);
    const plain = await call(proxied, "POST", "/api/auth/signin", { body: { email: "b@example.org", password: GOOD }, headers: { "x-forwarded-proto": "http" } });
    assert.doesNotMatch(plain.headers.get("set-cookie") ?? "", /Secure/i);

    const forced = await serve({ secureCookies: true });
    const res = await call(forced, "POST", "/api/auth/signup", { body: { email: "c@example.org", password: GOOD } });
    assert.match(res.headers.get("set-cookie") ?? "", /;\s*Secure/i);
  });
});

describe("closing sign-up", () => {
  test("invite-only: the first account bootstraps, then an admin's invite admits exactly one sign-up", async () => {
    const server = await serve({ accounts: { signup: "invite", scrypt: FAST } });
    const admin = await call(server, "POST", "/api/auth/signup", { body: { email: "admin@example.org", password: GOOD } });
    assert.equal(admin.status, 201, "the first account may sign up (else nobody could invite)");
    assert.equal(admin.body.reader.role, "admin");
    const uninvited = await call(server, "POST", "/api/auth/signup", { body: { email: "x@example.org", password: GOOD } });
    assert.equal(uninvited.status, 400);
    assert.equal(uninvited.body.error.field, "body.invite");
    assert.match(uninvited.body.error.message, /needs an invite/);

    const invite = await call(server, "POST", "/api/admin/invites", { cookie: admin.cookie, body: {} });
    assert.equal(invite.status, 201);
    assert.match(invite.body.link, /\/signup\?invite=/);
    const code = invite.body.code as string;
    assert.equal((await call(server, "GET", "/api/admin/invites", { cookie: admin.cookie })).body.items.length, 1);
    assert.equal((await call(server, "POST", "/api/auth/signup", { body: { email: "y@example.org", password: GOOD, invite: "not-a-code-of-this-server-at-all" } })).status, 400);
    // two sign-ups racing with one code: exactly one gets in
    const race = await Promise.all(
      ["first@example.org", "second@example.org"].map((email) => call(server, "POST", "/api/auth/signup", { body: { email, password: GOOD, invite: code } })),
    );
    assert.deepEqual(race.map((r) => r.status).sort(), [201, 400]);
    assert.equal((await call(server, "POST", "/api/auth/signup", { body: { email: "z@example.org", password: GOOD, invite: code } })).status, 400, "used up");
    assert.equal((await call(server, "GET", "/api/admin/invites", { cookie: admin.cookie })).body.items.length, 0);

    const forBob = await call(server, "POST", "/api/admin/invites", { cookie: admin.cookie, body: { email: "bob@example.org" } });
    const wrongEmail = await call(server, "POST", "/api/auth/signup", { body: { email: "mallory@example.org", password: GOOD, invite: forBob.body.code } });
    assert.match(wrongEmail.body.error.message, /another email/);
    assert.equal((await call(server, "POST", "/api/auth/signup", { body: { email: "bob@example.org", password: GOOD, invite: forBob.body.code } })).status, 201);
  });

  test("closed: 403 for everyone but the first account", async () => {
    const server = await serve({ accounts: { signup: "closed", adminEmails: ["boss@example.org"], scrypt: FAST } });
    const stranger = await call(server, "POST", "/api/auth/signup", { body: { email: "stranger@example.org", password: GOOD } });
    assert.equal(stranger.status, 403, "with admin emails set, only they may open an empty server");
    assert.equal((await call(server, "POST", "/api/auth/signup", { body: { email: "boss@example.org", password: GOOD } })).status, 201);
    const later = await call(server, "POST", "/api/auth/signup", { body: { email: "later@example.org", password: GOOD } });
    assert.equal(later.status, 403);
    assert.match(later.body.error.message, /closed/);
  });
});

describe("Origin check on cookie-authenticated writes", () => {
  test("a cross-site page cannot write with the reader's cookie; same-site pages and API keys can", async () => {
    const server = await serve();
    const reader = await call(server, "POST", "/api/auth/signup", { body: { email: "reader@example.org", password: GOOD } });
    const save = { paperId: "2401.00001", kind: "like" };
    const evil = await call(server, "POST", "/api/feedback", { cookie: reader.cookie, body: save, headers: { origin: "https://evil.example" } });
    assert.equal(evil.status, 403);
    assert.match(evil.body.error.message, /cross-site request refused/);
    const bare = await call(server, "POST", "/api/feedback", { cookie: reader.cookie, body: save, headers: { origin: "" } });
    assert.equal(bare.status, 403, "a write with the cookie and neither Origin nor Referer");
    const referer = await call(server, "POST", "/api/feedback", { cookie: reader.cookie, body: save, headers: { origin: "", referer: `${server.url}/paper/2401.00001` } });
    assert.equal(referer.status, 201);
    assert.equal((await call(server, "DELETE", `/api/feedback/${referer.body.id}`, { cookie: reader.cookie })).status, 204);
    assert.equal((await call(server, "GET", "/api/feedback", { cookie: reader.cookie, headers: { origin: "https://evil.example" } })).status, 200, "reads are not writes");
    const key = await call(server, "POST", "/api/keys", { cookie: reader.cookie, body: { name: "script" } });
    const byKey = await call(server, "POST", "/api/feedback", { key: key.body.key, body: save, headers: { origin: "https://evil.example" } });
    assert.equal(byKey.status, 201, "API keys are not sent by browsers on their own");
    const loginCsrf = await call(server, "POST", "/api/auth/signin", { body: { email: "reader@example.org", password: GOOD }, headers: { origin: "https://evil.example" } });
    assert.equal(loginCsrf.status, 403, "a cross-site page cannot sign the browser in either");
  });
});

describe("expensive queries", () => {
  test("333 single-letter prefixes are refused at once with a 400 naming the limit; the limits are configurable", async () => {
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const q = Array.from({ length: 333 }, (_, i) => `${letters[i % 26]}*`).join(" ");
    assert.ok(q.length <= 1000);
    const server = await serve();
    const started = performance.now();
    const res = await call(server, "GET", `/api/search?sort=date&q=${encodeURIComponent(q)}`);
    const ms = performance.now() - started;
    assert.equal(res.status, 400);
    assert.equal(res.body.error.field, "query.q");
    assert.match(res.body.error.message, /333 prefix terms.*limit is 32 \(maxPrefixes\)/);
    assert.ok(ms < 1000, `refused in ${ms.toFixed(0)} ms`);
    assert.equal((await call(server, "GET", `/api/search?q=${encodeURIComponent("retriev* OR dense")}`)).status, 200);

    const lenient = await serve({ search: { limits: { maxPrefixes: 400 } } });
    assert.equal((await call(lenient, "GET", `/api/search?q=${encodeURIComponent(q)}`)).status, 200, "an operator may allow more");
    const strict = await serve({ search: { limits: { maxClauses: 100 } } });
    const words = Array.from({ length: 150 }, (_, i) => `w${i}`).join(" ");
    const many = await call(strict, "GET", `/api/search?q=${encodeURIComponent(words)}`);
    assert.equal(many.status, 400);
    assert.match(many.body.error.message, /150 terms and phrases; the limit is 100 \(maxClauses\)/);
  });
});
