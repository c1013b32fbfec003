/**
 * Two `trove radar start` processes (nodes) on one PostgreSQL database, as
 * docs/deploying.md describes them: each with its own data directory (index
 * replicas, models), one store. A reader signed up and saving a paper through
 * one node sees the session and the save through the other within the
 * refresh interval.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postgresForTests } from "../../store/testing/disposable-postgres.js";
import { startNode, writeSampleCorpus, type RadarNode } from "./testing/radar-nodes.js";

const server = await postgresForTests();

describe("two nodes on one PostgreSQL store", { skip: server ? undefined : "PostgreSQL is not installed" }, () => {
  let work: string;
  let nodes: RadarNode[] = [];
  let storeUrl: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "trove-nodes-"));
    storeUrl = await server!.createDatabase();
    const corpus = await writeSampleCorpus(join(work, "corpus.jsonl"), 40);
    // the first node imports the corpus into the empty store; the second finds it there
    nodes.push(await startNode({ storeUrl, dataDir: join(work, "a"), corpus }));
    nodes.push(await startNode({ storeUrl, dataDir: join(work, "b"), corpus }));
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
});
