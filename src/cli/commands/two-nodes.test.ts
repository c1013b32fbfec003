/**
 * Two `trove radar start` processes (nodes) on one PostgreSQL database, as
 * docs/deploying.md describes them: each with its own data directory (index
 * replicas, models), one store. A reader signed up and saving a paper through
 * one node sees the session and the save through the other within the
 * refresh interval.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PostgresStore } from "../../store/postgres-store.js";
import { postgresForTests } from "../../store/testing/disposable-postgres.js";
import { startNode, writeSampleCorpus, type RadarNode } from "./testing/radar-nodes.js";

const server = await postgresForTests();
const CORPUS = 40;
const ADMIN = "admin@example.org";
const LEASE_MS = 1500;

/** Polls `probe` until it returns a value, or fails after `ms`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface JobRunView {
  node: string;
  takenOver?: boolean;
  outcome?: string;
  progress?: { done: number };
  error?: string;
  result?: { read: number; inserted: number; updated: number; unchanged: number; searchable: number };
}

describe("two nodes on one PostgreSQL store", { skip: server ? undefined : "PostgreSQL is not installed" }, () => {
  let work: string;
  let nodes: RadarNode[] = [];
  let storeUrl: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "trove-nodes-"));
    storeUrl = await server!.createDatabase();
    const corpus = await writeSampleCorpus(join(work, "corpus.jsonl"), CORPUS);
    // short leases, and imports that pause every 5 records (a 2.4 s window for the kill), so that a node can be killed mid-import within seconds
    const env = { RADAR_ADMIN_EMAILS: ADMIN, RADAR_JOB_LEASE_MS: String(LEASE_MS), RADAR_IMPORT_PAUSE_MS: "200", RADAR_IMPORT_PAUSE_EVERY: "5" };
    // the first node imports the corpus into the empty store; the second finds it there
    nodes.push(await startNode({ storeUrl, dataDir: join(work, "a"), corpus, env }));
    nodes.push(await startNode({ storeUrl, dataDir: join(work, "b"), corpus, env }));
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    nodes = [];
    rmSync(work, { recursive: true, force: true });
  });

  test("a save written through one node is visible through the other within the refresh interval", async () => {
    const [a, b] = nodes;
    assert.match(a.readyLine, /store: postgres:\/\/trove@127\.0\.0\.1/);
    const signup = await a.request("POST", "/api/auth/signup", { email: "reader@example.org", password: "a long and unusual passphrase" });
    assert.equal(signup.status, 201);
    const cookie = signup.cookie!;
    // the session lives in the store: node b knows it at once
    assert.equal((await b.request("GET", "/api/me", undefined, cookie)).status, 200);

    const papers = await b.request("GET", "/api/search?q=learning%20OR%20model%20OR%20data&limit=5");
    assert.equal(papers.status, 200);
    const paperId = (papers.body as { items: Array<{ paper: { id: string } }> }).items[0].paper.id;
    const saved = await a.request("POST", "/api/feedback", { paperId, kind: "save" }, cookie);
    assert.equal(saved.status, 201);
    const savedAt = performance.now();
    let seenAfter: number | undefined;
    while (performance.now() - savedAt < 5000) {
      const list = await b.request("GET", "/api/feedback?kind=save", undefined, cookie);
      if ((list.body as { items: Array<{ item: string }> }).items.some((f) => f.item === paperId)) {
        seenAfter = performance.now() - savedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(seenAfter !== undefined, "node b never showed the save");
    console.log(`# a save through node a was listed by node b after ${seenAfter.toFixed(0)} ms`);
    assert.ok(seenAfter < 2000, `visible on node b after ${seenAfter.toFixed(0)} ms (refresh interval 1000 ms)`);
  });

  test("an import on a node killed with SIGKILL mid-way is finished by the other node, every paper stored exactly once", async () => {
    const [a, b] = nodes;
    const signup = await a.request("POST", "/api/auth/signup", { email: ADMIN, password: "a long and unusual admin passphrase" });
    assert.equal(signup.status, 201);
    const cookie = signup.cookie!;
    // papers the store does not have yet: the sample's next 60
    const all = readFileSync(await writeSampleCorpus(join(work, "all.jsonl"), CORPUS + 60), "utf8").trim().split("\n");
    const upload = all.slice(CORPUS);
    const ids = upload.map((line) => (JSON.parse(line) as { id: string }).id);
    const res = await fetch(`${a.url}/api/admin/import?name=more.jsonl`, {
      method: "POST",
      headers: { cookie, origin: a.url, "content-type": "application/octet-stream" },
      body: `${upload.join("\n")}\n`,
    });
    assert.equal(res.status, 202, await res.clone().text());
    const onA = `:${a.pid}`;
    const onB = `:${b.pid}`;
    const job = async () => (await b.request("GET", "/api/admin/jobs/import", undefined, cookie)).body as { state: string; current?: JobRunView; lastRun?: JobRunView };
    // node b sees node a's run progress through the store; kill a in the middle of it
    await until("node a's import to be under way", 15_000, async () => {
      const status = await job();
      return status.current?.node.endsWith(onA) && (status.current.progress?.done ?? 0) >= 5 ? status : undefined;
    });
    await a.kill();
    const killedAt = performance.now();
    const resumed = await until("node b to take the import over", 15_000, async () => {
      const status = await job();
      return status.current?.node.endsWith(onB) ? performance.now() - killedAt : undefined;
    });
    const finished = await until("the import to finish on node b", 20_000, async () => {
      const status = await job();
      return status.lastRun && status.state !== "running" ? status.lastRun : undefined;
    });
    const finishedAfter = performance.now() - killedAt;
    console.log(`# lease ${LEASE_MS} ms: node b took the import over ${resumed.toFixed(0)} ms after node a was killed, and finished it after ${finishedAfter.toFixed(0)} ms`);
    assert.equal(finished.outcome, "succeeded", finished.error);
    assert.ok(finished.node.endsWith(onB), `finished by node b (${finished.node})`);
    assert.equal(finished.takenOver, true);
    // node a's write was rolled back with its connection: b imported them all, none twice
    assert.equal(finished.result!.read, 60);
    assert.equal(finished.result!.inserted + finished.result!.unchanged, 60);
    assert.equal(finished.result!.searchable, CORPUS + 60);

    const store = await PostgresStore.open(storeUrl);
    try {
      assert.equal(await store.countRecords("papers"), CORPUS + 60, "no paper lost, none duplicated");
      assert.ok((await store.getRecords("papers", ids)).every((p) => p !== undefined));
      assert.equal(await store.countRecords("radar_uploads"), 0, "the upload is removed once the import ended");
    } finally {
      await store.close();
    }
    const search = await b.request("GET", `/api/papers/${encodeURIComponent(ids[59])}`);
    assert.equal(search.status, 200);
  });
});
