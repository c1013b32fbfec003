/**
 * The server as the papers' writer: the scheduled arXiv fetch against a
 * local fixture server (never the network), its status when arXiv cannot be
 * reached or nothing is configured, imports of uploaded files (streamed,
 * all-or-nothing, errors naming the file and line), one run per job at a
 * time, and `trove radar import|fetch` handing their work to a running
 * server instead of opening its index.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Command } from "commander";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { RunningServer } from "../../../src/server/start-server.js";
import { openStore } from "../../../src/store/open-store.js";
import { registerRadarCommands } from "../../../src/cli/commands/radar-commands.js";
import { startRadarServer, type RadarApiOptions } from "../radar-server.js";
import { findRunningServer } from "../server-info.js";
import { fixtureServer, recordedArxiv, type FixtureServer } from "../test-support/arxiv-fixture-server.js";
import { PostgresJobQueue } from "../../../src/jobs/postgres-job-queue.js";
import { PostgresStore } from "../../../src/store/postgres-store.js";
import { postgresForTests } from "../../../src/store/testing/disposable-postgres.js";
import { JobRunner } from "./job-runner.js";
import { QueueJobClaim } from "./queue-job-claim.js";
import type { JobStatus } from "./job.js";

const FAST = { delayMs: 0, retryDelayMs: 1, timeoutMs: 2000, retries: 1 };
const postgres = await postgresForTests();

interface Radar {
  server: RunningServer;
  dataDir: string;
  admin: string;
  reader: string;
  call(method: string, path: string, init?: { key?: string; body?: unknown; raw?: Uint8Array | string }): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  waitFor(name: string, done: (status: JobStatus) => boolean): Promise<JobStatus>;
  close(): Promise<void>;
}

async function startRadar(radar: RadarApiOptions = {}): Promise<Radar> {
  const dataDir = mkdtempSync(join(tmpdir(), "radar-jobs-"));
  const server = await startRadarServer({ port: 0, dataDir, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } }, ...radar } });
  const call: Radar["call"] = async (method, path, init = {}) => {
    const headers: Record<string, string> = {};
    if (init.key) headers.authorization = `Bearer ${init.key}`;
    let body: string | Uint8Array | undefined;
    if (init.raw !== undefined) {
      headers["content-type"] = "application/octet-stream";
      body = init.raw;
    } else if (init.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.body);
    }
    const res = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const keyOf = async (email: string): Promise<string> => {
    const signup = await fetch(`${server.url}/api/auth/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: "jobs test passphrase 7" }) });
    const cookie = signup.headers.get("set-cookie")!.split(";")[0];
    const key = await fetch(`${server.url}/api/keys`, { method: "POST", headers: { "content-type": "application/json", cookie, origin: server.url }, body: JSON.stringify({ name: "test" }) });
    return ((await key.json()) as { key: string }).key;
  };
  const admin = await keyOf("admin@example.org");
  const reader = await keyOf("reader@example.org");
  return {
    server,
    dataDir,
    admin,
    reader,
    call,
    async waitFor(name, done) {
      for (let i = 0; i < 400; i++) {
        const res = await call("GET", `/api/admin/jobs/${name}`, { key: admin });
        if (done(res.body as JobStatus)) return res.body as JobStatus;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`job ${name} did not reach the expected state`);
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe("the scheduled arXiv fetch", () => {
  let arxiv: FixtureServer;
  before(async () => {
    arxiv = await fixtureServer(recordedArxiv);
  });
  after(() => arxiv.close());

  test("runs on its schedule, stores the papers, and shows its last and next run to admins only", async () => {
    // the fixture's papers are from 2025: look back far enough to keep them
    const radar = await startRadar({ fetch: { categories: ["cs.IR"], everyHours: 6, firstDelayMs: 20, lookbackDays: 5000, client: { ...FAST, baseUrl: arxiv.baseUrl } } });
    try {
      const status = await radar.waitFor("arxiv-fetch", (s) => s.lastRun?.outcome === "succeeded");
      assert.equal(status.state, "idle");
      assert.match(status.lastRun!.summary!, /^cs\.IR: 6 new, 0 updated, 0 unchanged; 6 papers searchable$/);
      assert.ok(Date.parse(status.nextRun!) > Date.now() + 5 * 3_600_000, "the next run is about six hours away");
      assert.equal(status.everyMs, 6 * 3_600_000);
      const search = await radar.call("GET", "/api/search?q=retrieval");
      assert.ok(search.body.total > 0, "fetched papers are searchable at once");
      assert.equal((await radar.call("GET", "/api/admin/jobs", { key: radar.reader })).status, 403);
      assert.equal((await radar.call("GET", "/api/admin/jobs")).status, 401);
      // on demand too; the same papers again are unchanged
      const started = await radar.call("POST", "/api/admin/fetch", { key: radar.admin, body: { categories: ["cs.IR"], since: "2020-01-01" } });
      assert.equal(started.status, 202);
      const again = await radar.waitFor("arxiv-fetch", (s) => s.lastRun?.startedAt === started.body.startedAt);
      assert.match(again.lastRun!.summary!, /0 new, 0 updated, 6 unchanged/);
      assert.equal((await radar.call("POST", "/api/admin/fetch", { key: radar.admin, body: { categories: ["not a category"] } })).status, 400);
    } finally {
      await radar.close();
    }
  });

  test("without network it is off, says why, and tries again later; unconfigured it says how to turn it on", async () => {
    const offline = await startRadar({ fetch: { categories: ["cs.IR"], everyHours: 6, firstDelayMs: 10, client: { ...FAST, baseUrl: "http://127.0.0.1:9/api/query" } } });
    try {
      const status = await offline.waitFor("arxiv-fetch", (s) => s.state === "off");
      assert.match(status.reason!, /cannot reach the network service .*arXiv API unavailable/);
      assert.equal(status.lastRun!.outcome, "failed");
      assert.equal(status.lastRun!.errorCode, "UNAVAILABLE");
      assert.ok(Date.parse(status.nextRun!) <= Date.now() + 61_000, "retried within a minute");
    } finally {
      await offline.close();
    }
    const unconfigured = await startRadar();
    try {
      const jobs = (await unconfigured.call("GET", "/api/admin/jobs", { key: unconfigured.admin })).body.items as JobStatus[];
      const fetchJob = jobs.find((j) => j.name === "arxiv-fetch")!;
      assert.equal(fetchJob.state, "off");
      assert.match(fetchJob.reason!, /set RADAR_FETCH_CATEGORIES/);
      assert.equal(fetchJob.nextRun, undefined);
      assert.equal((await unconfigured.call("POST", "/api/admin/fetch", { key: unconfigured.admin, body: {} })).status, 400);
    } finally {
      await unconfigured.close();
    }
  });
});

describe("imports of uploaded files", () => {
  let radar: Radar;
  before(async () => {
    radar = await startRadar();
  });
  after(() => radar.close());

  const line = (id: string, title: string) => JSON.stringify({ id, title, abstract: "Dense retrieval with hard negatives.", authors: ["Ada Lovelace"], categories: ["cs.IR"], date: "2025-01-02" });

  test("a JSONL upload is imported in the background, gzip too; the result and progress show in the job", async () => {
    const started = await radar.call("POST", "/api/admin/import?name=papers.jsonl", { key: radar.admin, raw: `${line("2501.00001", "First upload")}\n${line("2501.00002", "Second upload")}\n` });
    assert.equal(started.status, 202);
    const done = await radar.waitFor("import", (s) => s.lastRun?.startedAt === started.body.startedAt);
    assert.equal(done.lastRun!.outcome, "succeeded");
    assert.equal(done.lastRun!.summary, "papers.jsonl: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected; 2 papers searchable");
    const gz = await radar.call("POST", "/api/admin/import?name=more.jsonl", { key: radar.admin, raw: gzipSync(`${line("2501.00003", "Third upload")}\n`) });
    const gzDone = await radar.waitFor("import", (s) => s.lastRun?.startedAt === gz.body.startedAt);
    assert.equal(gzDone.lastRun!.outcome, "succeeded", gzDone.lastRun!.error);
    assert.equal((await radar.call("GET", `/api/papers/2501.00003`)).status, 200);
    const csv = await radar.call("POST", "/api/admin/import?name=papers.csv", { key: radar.admin, raw: "id,title,date\n2501.00004,A CSV paper,2025-01-05\n" });
    assert.equal((await radar.waitFor("import", (s) => s.lastRun?.startedAt === csv.body.startedAt)).lastRun!.outcome, "succeeded");
  });

  test("a bad record fails the whole upload, naming the file and line; nothing is stored", async () => {
    const started = await radar.call("POST", "/api/admin/import?name=broken.jsonl", {
      key: radar.admin,
      raw: `${line("2502.00001", "Would be fine")}\n${JSON.stringify({ id: "2502.00002", date: "2025-01-02" })}\n`,
    });
    const done = await radar.waitFor("import", (s) => s.lastRun?.startedAt === started.body.startedAt);
    assert.equal(done.lastRun!.outcome, "failed");
    assert.equal(done.lastRun!.errorCode, "INVALID_FILE");
    assert.match(done.lastRun!.error!, /^broken\.jsonl:2: id "2502\.00002", field "title": required/);
    assert.equal((await radar.call("GET", "/api/papers/2502.00001")).status, 404, "all or nothing");
  });

  test("uploads need an admin, a known format, and a body", async () => {
    assert.equal((await radar.call("POST", "/api/admin/import?name=x.jsonl", { key: radar.reader, raw: "{}" })).status, 403);
    const unknown = await radar.call("POST", "/api/admin/import?name=papers.xml", { key: radar.admin, raw: "<x/>" });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /give the format \(jsonl or csv\)/);
  });
});

test("one run of a job at a time; close() stops a running job", async () => {
  const dir = mkdtempSync(join(tmpdir(), "radar-runner-"));
  const store = await openStore(dir);
  try {
    const runner = new JobRunner({ store });
    let release!: () => void;
    let gate = new Promise<void>((resolve) => (release = resolve));
    runner.register({
      name: "slow",
      run: async (_input: void, { signal, progress }) => {
        progress({ done: 1, message: "working" });
        await Promise.race([gate, new Promise((resolve) => signal.addEventListener("abort", resolve))]);
        if (signal.aborted) throw new Error("stopped");
        return 42;
      },
    });
    const run = runner.runNow<void, number>("slow", undefined);
    await new Promise((r) => setTimeout(r, 10));
    const status = await runner.status("slow");
    assert.equal(status.state, "running");
    assert.equal(status.current!.progress!.message, "working");
    await assert.rejects(runner.start("slow", undefined), /running already/);
    release();
    assert.equal(await run, 42);
    assert.equal((await runner.status("slow")).lastRun!.outcome, "succeeded");
    gate = new Promise<void>(() => undefined); // the second run waits until it is stopped
    const second = runner.runNow("slow", undefined);
    await new Promise((r) => setTimeout(r, 10));
    await runner.close();
    await assert.rejects(second, /stopped/);
    assert.equal((await runner.status("slow")).lastRun!.outcome, "cancelled");
    // a process killed mid-run leaves its run recorded as unfinished: the next process on the store says so instead of "running" forever
    await store.setMeta("radar.job.slow", { current: { startedAt: new Date().toISOString(), node: "gone:1", progress: { done: 3 } } });
    const next = new JobRunner({ store });
    next.register({ name: "slow", run: async () => 1 });
    const after = await next.status("slow");
    assert.equal(after.state, "idle");
    assert.equal(after.lastRun!.outcome, "cancelled");
    assert.match(after.lastRun!.error!, /stopped during this run/);
    assert.equal(await next.runNow("slow", undefined), 1);
    await next.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("trove radar import and fetch hand their work to the server running on the data directory", async () => {
  const arxiv = await fixtureServer(recordedArxiv);
  const radar = await startRadar({ fetch: { categories: ["cs.IR"], everyHours: 6, firstDelayMs: 3_600_000, client: { ...FAST, baseUrl: arxiv.baseUrl } } });
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command().exitOverride();
  registerRadarCommands(program, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  try {
    assert.equal(findRunningServer(radar.dataDir)?.url, radar.server.url.replace("localhost", "127.0.0.1"));
    const file = join(radar.dataDir, "cli.jsonl");
    writeFileSync(file, JSON.stringify({ id: "2503.00001", title: "Handed over", date: "2025-03-01" }) + "\n");
    await program.parseAsync(["radar", "import", file, "--data", radar.dataDir], { from: "user" });
    assert.match(err.join(""), /handing the import to the Paper Radar server at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out.join(""), /cli\.jsonl \(jsonl\): 1 read, 1 inserted, 0 updated, 0 unchanged, 0 rejected; 1 papers searchable on http/);
    assert.equal((await radar.call("GET", "/api/papers/2503.00001")).status, 200);
    out.length = 0;
    await program.parseAsync(["radar", "fetch", "--category", "cs.IR", "--since", "2020-01-01", "--data", radar.dataDir], { from: "user" });
    assert.match(out.join(""), /^arXiv cs\.IR: 6 papers \(2025-11-14 \.\. 2025-11-21\) in 2 requests, 6 inserted, 0 updated, 0 unchanged, 0 rejected; stopped: end of the results; 7 papers searchable on http/);
  } finally {
    await radar.close();
    await arxiv.close();
  }
  assert.equal(findRunningServer(radar.dataDir), undefined, "the info file goes with the server");
});

test("two nodes on one PostgreSQL store: one run of a job at a time; a run handed back at shutdown is finished by the other node with its input", { skip: postgres ? undefined : "PostgreSQL is not installed" }, async () => {
  const url = await postgres!.createDatabase();
  const [storeA, storeB] = [await PostgresStore.open(url), await PostgresStore.open(url)];
  const runs: Array<{ node: string; input: unknown }> = [];
  const node = (store: PostgresStore, name: string) => {
    const runner = new JobRunner({ store, claim: new QueueJobClaim(new PostgresJobQueue(store)), leaseMs: 1000, takeoverPollMs: 50 });
    runner.register({
      name: "slow",
      run: async (input: { n: number }, { signal }) => {
        runs.push({ node: name, input });
        // node a never finishes on its own; node b does
        if (name === "a") await new Promise((resolve) => signal.addEventListener("abort", resolve));
        if (signal.aborted) throw new Error("stopped");
        return input.n * 2;
      },
    });
    return runner;
  };
  const a = node(storeA, "a");
  const b = node(storeB, "b");
  try {
    await a.start("slow", { n: 21 });
    await assert.rejects(b.start("slow", { n: 1 }), /running already/, "the other node is told no");
    assert.equal((await b.status("slow")).state, "running", "and sees the run in progress");
    await new Promise((r) => setTimeout(r, 1200)); // past one lease: a's heartbeats keep it
    assert.deepEqual(runs, [{ node: "a", input: { n: 21 } }], "not taken over while its node renews the lease");
    await a.close(); // shutdown mid-run: handed back
    let status = await b.status("slow");
    for (const end = Date.now() + 5000; status.lastRun?.outcome !== "succeeded" && Date.now() < end; status = await b.status("slow")) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status.lastRun?.outcome, "succeeded");
    assert.equal(status.lastRun?.result, 42);
    assert.equal(status.lastRun?.takenOver, true);
    assert.deepEqual(runs, [
      { node: "a", input: { n: 21 } },
      { node: "b", input: { n: 21 } },
    ]);
    assert.equal(await b.runNow("slow", { n: 5 }), 10, "once it ended, a new run may start");
    // a run recorded as unfinished that no node holds (the queue gave up on it) is not shown as running forever
    await storeA.setMeta("radar.job.slow", { current: { startedAt: new Date().toISOString(), node: "gone:1", progress: { done: 3 } } });
    const stale = await b.status("slow");
    assert.equal(stale.state, "idle");
    assert.equal(stale.lastRun!.outcome, "cancelled");
  } finally {
    await a.close();
    await b.close();
    await storeA.close();
    await storeB.close();
  }
});
