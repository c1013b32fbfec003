/**
 * The digest and trending routes end to end: a Radar server on 127.0.0.1
 * over a temporary store, readers signed up over HTTP, and a local SMTP sink
 * (smtp-server) that records what the server sends.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { SMTPServer } from "smtp-server";
import { openStore } from "../../../src/store/open-store.js";
import type { RunningServer } from "../../../src/server/start-server.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA } from "../papers.js";
import { startRadarServer } from "../radar-server.js";
import { TEST_PAPERS, WEEK } from "../test-support/test-radar.js";

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let dataDir: string;
let server: RunningServer;
let smtp: SMTPServer;
const received: Received[] = [];

interface Res {
  status: number;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

async function call(base: string, method: string, path: string, options: { cookie?: string; key?: string; body?: unknown } = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  // as a browser does on writes: the page's origin (the server checks it on cookie-authenticated writes)
  headers.origin = base;
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}${path}`, { method, headers, body: options.body !== undefined ? JSON.stringify(options.body) : undefined });
  const text = await response.text();
  let body: unknown = null;
  if ((response.headers.get("content-type") ?? "").includes("json") && text) body = JSON.parse(text);
  return { status: response.status, text, body, headers: response.headers };
}

async function signUp(base: string, email: string): Promise<string> {
  const res = await call(base, "POST", "/api/auth/signup", { body: { email, password: "correct horse battery" } });
  assert.equal(res.status, 201, res.text);
  const m = /radar_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "");
  assert.ok(m);
  return `radar_session=${m[1]}`;
}

async function seed(dir: string): Promise<void> {
  const store = await openStore(dir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(
    PAPERS_COLLECTION,
    TEST_PAPERS.map((p) => ({ ...p })),
  );
  await store.close();
}

/** A header value with its RFC 2047 encoded words (=?UTF-8?Q?...?= / ?B?) decoded and its folding undone. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/\r?\n[ \t]+/g, " ")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
    );
}

/** The decoded bodies of a MIME message's text/plain and text/html parts. */
function mimeParts(raw: string): { text: string; html: string; contentType: string } {
  const contentType = /^content-type:\s*([^;\r\n]+)/im.exec(raw)?.[1] ?? "";
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  assert.ok(boundary, "a multipart message");
  const out = { text: "", html: "", contentType };
  for (const part of raw.split(`--${boundary}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const head = part.slice(0, split);
    let body = part.slice(split + 4);
    if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
      body = Buffer.from(
        body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        "latin1",
      ).toString("utf8");
    } else if (/content-transfer-encoding:\s*base64/i.test(head)) {
      body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    }
    if (/content-type:\s*text\/plain/i.test(head)) out.text = body;
    if (/content-type:\s*text\/html/i.test(head)) out.html = body;
  }
  return out;
}

let alice: string;
let admin: string;
let bob: string;
let carol: string;
let aliceKey: string;

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      // a mailbox that refuses mail: the digest-mail job must not record carol's digest as issued
      if (address.address === "carol@example.org") return callback(new Error("550 mailbox unavailable"));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const smtpPort = (smtp.server.address() as { port: number }).port;

  dataDir = mkdtempSync(join(tmpdir(), "radar-digest-api-"));
  await seed(dataDir);
  server = await startRadarServer({
    port: 0,
    host: "127.0.0.1",
    dataDir,
    radar: {
      accounts: { scrypt: { N: 1024, r: 8, p: 1 } },
      digest: { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, mailFrom: "Paper Radar <radar@example.org>" },
    },
  });
  admin = await signUp(server.url, "admin@example.org");
  alice = await signUp(server.url, "alice@example.org");
  bob = await signUp(server.url, "bob@example.org");
  carol = await signUp(server.url, "carol@example.org");
  const key = await call(server.url, "POST", "/api/keys", { cookie: alice, body: { name: "feed reader" } });
  assert.equal(key.status, 201, key.text);
  aliceKey = key.body.key;
});

after(async () => {
  await server?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/digest", () => {
  test("needs a reader: session, bearer key or ?key=; a bad key is refused", async () => {
    assert.equal((await call(server.url, "GET", "/api/digest")).status, 401);
    assert.equal((await call(server.url, "GET", "/api/digest?key=not-a-key")).status, 401);
    const bySession = await call(server.url, "GET", "/api/digest", { cookie: alice });
    assert.equal(bySession.status, 200, bySession.text);
    const byHeader = await call(server.url, "GET", "/api/digest", { key: aliceKey });
    assert.equal(byHeader.status, 200);
    const byQuery = await call(server.url, "GET", `/api/digest?format=rss&key=${encodeURIComponent(aliceKey)}`);
    assert.equal(byQuery.status, 200);
    assert.match(byQuery.headers.get("content-type") ?? "", /^application\/rss\+xml/);
    assert.equal(XMLValidator.validate(byQuery.text), true);
    const rss = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === "item" }).parse(byQuery.text);
    assert.equal(rss.rss.channel.item.length, bySession.body.items.length);
  });

  test("defaults to the newest paper's week, with the JSON shape", async () => {
    const res = await call(server.url, "GET", "/api/digest", { cookie: alice });
    const d = res.body;
    assert.equal(d.week, WEEK);
    assert.equal(d.from, "2026-06-29");
    assert.ok(d.items.length > 0 && d.items.length <= 10);
    for (const item of d.items) {
      assert.equal(typeof item.paper.id, "string");
      assert.equal(typeof item.summary, "string");
      assert.ok(Array.isArray(item.topics) && Array.isArray(item.bestFor) && Array.isArray(item.reasons));
      assert.equal(typeof item.pinned, "boolean");
    }
    assert.equal(typeof d.takeaway, "string");
    assert.equal(d.generatedBy, "extractive");
  });

  test("400 naming the field for a bad week, format or parameter", async () => {
    for (const [query, field] of [
      ["week=2026-27", "query.week"],
      ["week=2026-W60", "query.week"],
      ["format=pdf", "query.format"],
      ["color=red", "query.color"],
    ]) {
      const res = await call(server.url, "GET", `/api/digest?${query}`, { cookie: alice });
      assert.equal(res.status, 400, `${query}: ${res.text}`);
      assert.equal(res.body.error.field, field);
    }
  });

  test("html and markdown with their content types", async () => {
    const html = await call(server.url, "GET", `/api/digest?week=${WEEK}&format=html`, { cookie: alice });
    assert.match(html.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(html.text, /^<!DOCTYPE html>/);
    const md = await call(server.url, "GET", `/api/digest?week=${WEEK}&format=markdown`, { cookie: alice });
    assert.match(md.headers.get("content-type") ?? "", /^text\/markdown/);
    assert.match(md.text, /^# /);
  });

  test("an admin's pin is the first item, an editor's pick, for every reader", async () => {
    const pin = await call(server.url, "POST", "/api/admin/pins", { cookie: admin, body: { paperId: "2605.10006", note: "a classic" } });
    assert.equal(pin.status, 201, pin.text);
    try {
      for (const reader of [alice, bob]) {
        const d = (await call(server.url, "GET", `/api/digest?week=${WEEK}`, { cookie: reader })).body;
        assert.equal(d.items[0].paper.id, "2605.10006");
        assert.equal(d.items[0].pinned, true);
        assert.ok(d.items.slice(1).every((i: { pinned: boolean }) => !i.pinned));
      }
      const html = await call(server.url, "GET", `/api/digest?week=${WEEK}&format=html`, { cookie: alice });
      assert.ok(html.text.includes("Editor&#39;s pick") || html.text.includes("Editor's pick"));
    } finally {
      await call(server.url, "DELETE", "/api/admin/pins/2605.10006", { cookie: admin });
    }
  });

  test("the OpenAPI document lists the digest and trending routes", async () => {
    const doc = (await call(server.url, "GET", "/openapi.json")).body;
    assert.ok(doc.paths["/api/digest"].get.responses["200"].content["application/rss+xml"]);
    assert.ok(doc.paths["/api/digest/send"].post.responses["503"]);
    assert.ok(doc.paths["/api/trending"].get.parameters.some((p: { name: string }) => p.name === "days"));
    assert.ok(doc.components.securitySchemes.apiKeyQuery);
  });
});

describe("POST /api/digest/send", () => {
  test("mails the digest as HTML with a text part to the reader's address", async () => {
    assert.equal((await call(server.url, "POST", "/api/digest/send")).status, 401);
    const res = await call(server.url, "POST", `/api/digest/send?week=${WEEK}`, { cookie: alice });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.to, "alice@example.org");
    assert.deepEqual(res.body.accepted, ["alice@example.org"]);
    assert.equal(received.length, 1);
    const mail = received[0];
    assert.deepEqual(mail.to, ["alice@example.org"]);
    assert.equal(mail.from, "radar@example.org");
    const subject = decodeHeader(/^subject:\s*(.*(?:\r?\n[ \t].*)*)/im.exec(mail.raw)?.[1] ?? "");
    assert.ok(subject.includes(WEEK), subject);
    const parts = mimeParts(mail.raw);
    assert.match(parts.contentType, /multipart\/alternative/);
    const digest = (await call(server.url, "GET", `/api/digest?week=${WEEK}`, { cookie: alice })).body;
    for (const item of digest.items) {
      const words = item.paper.title.split(" ").slice(0, 3).join(" ");
      assert.ok(parts.text.includes(words), `text part has "${words}"`);
      assert.ok(parts.html.includes(words), `html part has "${words}"`);
    }
  });

  test("503 naming the setting when SMTP is not configured", async () => {
    const dir = mkdtempSync(join(tmpdir(), "radar-digest-nosmtp-"));
    await seed(dir);
    const logged: string[] = [];
    const bare = await startRadarServer({
      port: 0,
      host: "127.0.0.1",
      dataDir: dir,
      radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } } },
      onInternalError: (error) => logged.push(String(error)),
    });
    try {
      const cookie = await signUp(bare.url, "dave@example.org");
      const res = await call(bare.url, "POST", "/api/digest/send", { cookie });
      assert.equal(res.status, 503, res.text);
      assert.match(res.body.error.message, /RADAR_SMTP_URL/);
      const mailOn = await call(bare.url, "PUT", "/api/digest/settings", { cookie, body: { mail: true } });
      assert.equal(mailOn.status, 503, mailOn.text);
      assert.equal((await call(bare.url, "GET", "/api/digest/settings", { cookie })).body.mailAvailable, false);
      const job = (await call(bare.url, "GET", "/api/admin/jobs/digest-mail", { cookie })).body; // dave is the first account: the admin
      assert.equal(job.state, "off");
      assert.match(job.reason, /RADAR_SMTP_URL/);
      assert.equal(logged.length, 0, "a missing setting is the answer, not an internal error: nothing in the error log");
    } finally {
      await bare.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the digest-mail job", () => {
  test("mails due digests to the readers who asked, records only what the mail server took, and waits a cadence", async () => {
    const job = async (cookie: string) => {
      const started = await call(server.url, "POST", "/api/admin/digest-mail", { cookie });
      if (started.status !== 202) return started;
      for (let i = 0; i < 200; i++) {
        const status = await call(server.url, "GET", "/api/admin/jobs/digest-mail", { cookie });
        if (status.body.state !== "running" && status.body.lastRun?.startedAt === started.body.startedAt) return status;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error("the digest-mail job did not finish");
    };
    const settings = await call(server.url, "PUT", "/api/digest/settings", { cookie: alice, body: { mail: true } });
    assert.equal(settings.status, 200, settings.text);
    assert.deepEqual([settings.body.cadence, settings.body.mail, settings.body.mailAvailable], ["weekly", true, true]);
    assert.equal((await call(server.url, "PUT", "/api/digest/settings", { cookie: carol, body: { mail: true } })).status, 200);
    assert.equal((await call(server.url, "PUT", "/api/digest/settings", { cookie: carol, body: { mail: "yes" } })).status, 400);
    assert.equal((await call(server.url, "GET", "/api/digest/settings", { cookie: bob })).body.mail, false, "off unless asked for");
    const preview = await call(server.url, "GET", "/api/digest/next", { cookie: alice });
    assert.ok(preview.body.items.length > 0, "alice has papers due");

    assert.equal((await job(alice)).status, 403, "admins only");
    const before = received.length;
    const first = (await job(admin)).body;
    assert.equal(first.lastRun.outcome, "succeeded", JSON.stringify(first.lastRun));
    assert.deepEqual({ ...first.lastRun.result, errors: first.lastRun.result.errors.length }, { subscribed: 2, due: 2, sent: 1, empty: 0, failed: 1, deferred: 0, errors: 1 });
    const mails = received.slice(before);
    assert.deepEqual(mails.map((m) => m.to), [["alice@example.org"]], "one mail, to alice; carol's mailbox refused it; bob did not ask");
    const subject = decodeHeader(/^subject:\s*(.*(?:\r?\n[ \t].*)*)/im.exec(mails[0].raw)?.[1] ?? "");
    assert.match(subject, /\(\d+ papers?\)/);
    assert.ok((await call(server.url, "GET", "/api/digest/settings", { cookie: alice })).body.lastIssuedAt, "alice's digest is issued");
    assert.equal((await call(server.url, "GET", "/api/digest/settings", { cookie: carol })).body.lastIssuedAt, undefined, "carol's is not: it goes out on a later run");

    // a week has not passed for alice; carol's mailbox still refuses: nothing got through, the run says why
    const second = (await job(admin)).body;
    assert.equal(received.length, before + 1, "no second mail to alice within her cadence");
    assert.equal(second.lastRun.outcome, "failed");
    assert.match(second.lastRun.error, /no digest could be mailed/);
  });
});

describe("GET /api/trending", () => {
  test("ranks papers by several readers' saves and likes; public; validated", async () => {
    const give = async (cookie: string, paperId: string, kind: string) => {
      const res = await call(server.url, "POST", "/api/feedback", { cookie, body: { paperId, kind } });
      assert.ok(res.status === 201 || res.status === 200, res.text);
    };
    for (const r of [alice, bob, carol]) await give(r, "2607.10003", "save");
    await give(alice, "2606.10001", "save");
    await give(bob, "2606.10001", "like");
    await give(carol, "2607.10004", "like");
    await give(alice, "2606.10002", "save");
    await give(bob, "2606.10002", "hide");
    await give(carol, "2606.10002", "hide");
    const res = await call(server.url, "GET", "/api/trending");
    assert.equal(res.status, 200, res.text);
    const ids = res.body.items.map((i: { paper: { id: string } }) => i.paper.id);
    assert.deepEqual(ids, ["2607.10003", "2606.10001", "2607.10004"]);
    assert.equal(res.body.items[0].saves, 3);
    assert.equal(res.body.items[1].likes, 1);
    assert.equal(res.body.total, 3);
    const cl = await call(server.url, "GET", "/api/trending?category=cs.CL&limit=1");
    assert.deepEqual(
      cl.body.items.map((i: { paper: { id: string } }) => i.paper.id),
      ["2607.10003"],
    );
    assert.equal(cl.body.total, 2);
    for (const [query, field] of [
      ["days=0", "query.days"],
      ["limit=500", "query.limit"],
      ["sort=new", "query.sort"],
    ]) {
      const bad = await call(server.url, "GET", `/api/trending?${query}`);
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.error.field, field);
    }
  });
});
