/**
 * The feed over HTTP, end to end on a real server (127.0.0.1, port 0): the
 * window anchored to the newest papers, the feed changing after saving
 * papers and after picking topics, hidden and viewed papers left out,
 * co-saves in the feed and in related papers, and 4xx on bad parameters.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../../src/store/open-store.js";
import type { RunningServer } from "../../../src/server/start-server.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA } from "../papers.js";
import { startRadarServer } from "../radar-server.js";
import { radarHttpClient, type ApiResponse } from "../test-support/radar-http-client.js";

const TOPICS = {
  ir: { cat: "cs.IR", words: ["dense retrieval of passages with learned embeddings", "retrieval ranking of documents for search queries", "query expansion for document retrieval"] },
  cl: { cat: "cs.CL", words: ["neural machine translation of low resource languages", "translation of speech between languages", "multilingual translation models and languages"] },
  lg: { cat: "cs.LG", words: ["graph neural networks with message passing", "graph representation learning on molecules", "message passing networks for graph classification"] },
} as const;

interface TestPaper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  date: string;
}

const PAPERS: TestPaper[] = [];
for (const [key, topic] of Object.entries(TOPICS)) {
  topic.words.forEach((words, i) => {
    PAPERS.push({ id: `new-${key}-${i}`, title: `${words} (${key} ${i})`, abstract: `We study ${words}. Results on ${words}.`, authors: ["Someone"], categories: [topic.cat], date: `2026-06-${String(8 + i).padStart(2, "0")}` });
  });
  PAPERS.push({ id: `old-${key}`, title: `Earlier work: ${topic.words[0]}`, abstract: `A study of ${topic.words[0]}.`, authors: ["Someone"], categories: [topic.cat], date: "2026-03-01" });
}

let dataDir: string;
let server: RunningServer;

type Res = ApiResponse;
const { call, signUp } = radarHttpClient(() => server.url);

async function feedback(cookie: string, paperId: string, kind: string): Promise<void> {
  const res = await call("POST", "/api/feedback", cookie, { paperId, kind });
  assert.ok(res.status === 201 || res.status === 200, JSON.stringify(res.body));
}

const ids = (res: Res): string[] => res.body.items.map((item: { paper: { id: string } }) => item.paper.id);

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "radar-feed-"));
  const store = await openStore(dataDir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(PAPERS_COLLECTION, PAPERS);
  await store.close();
  server = await startRadarServer({ port: 0, host: "127.0.0.1", dataDir, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } }, limits: { signUpPerAddress: { limit: 100, windowMs: 60_000 } } } });
});

after(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/feed", () => {
  test("needs a reader, and is in the OpenAPI document", async () => {
    assert.equal((await call("GET", "/api/feed")).status, 401);
    const doc = (await call("GET", "/openapi.json")).body;
    assert.ok(doc.paths["/api/feed"].get.responses["200"]);
    assert.ok(doc.paths["/api/feed"].get.parameters.some((p: { name: string }) => p.name === "since"));
  });

  test("cold start: the window anchors at the newest papers; recency and diversity, with reasons", async () => {
    const cookie = await signUp("cold@example.org");
    const res = await call("GET", "/api/feed?limit=3", cookie);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.window.anchoredTo, "2026-06-10");
    assert.equal(res.body.window.until, "2026-06-10");
    assert.equal(res.body.window.since, "2026-06-04");
    assert.equal(res.body.total, 9, "the 9 new papers, not the March ones");
    assert.equal(res.body.items.length, 3);
    assert.equal(res.body.next, 3);
    const cats = new Set(res.body.items.map((item: { paper: { categories: string[] } }) => item.paper.categories[0]));
    assert.equal(cats.size, 3, `the three newest are all from 2026-06-10, one per topic: ${ids(res)}`);
    for (const item of res.body.items) {
      assert.ok(item.reasons.length > 0);
      assert.equal(typeof item.paper.title, "string");
    }
  });

  test("saving papers changes the feed: similar papers first, with the saved paper named", async () => {
    const cookie = await signUp("saver@example.org");
    await feedback(cookie, "old-cl", "save");
    await feedback(cookie, "new-cl-2", "like");
    const res = await call("GET", "/api/feed?limit=9", cookie);
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 8, "the liked paper is left out");
    assert.ok(!ids(res).includes("new-cl-2"));
    assert.ok(ids(res)[0].startsWith("new-cl-"), `a translation paper leads: ${ids(res)}`);
    const similar = res.body.items[0].reasons.find((r: { kind: string }) => r.kind === "similar-to-saved");
    assert.ok(similar, JSON.stringify(res.body.items[0].reasons));
    assert.ok(["old-cl", "new-cl-2"].includes(similar.paperId));
    assert.match(similar.text, /^similar to “.+” you saved: both about .*translation/);
    assert.ok(similar.words.length > 0 && similar.words.length <= 3, JSON.stringify(similar.words));
    for (const word of similar.words) assert.ok(`${res.body.items[0].paper.title} ${res.body.items[0].paper.abstract}`.toLowerCase().includes(word), `"${word}" is in the paper`);
  });

  test("picking topics changes the feed; a disliked topic pushes its papers down", async () => {
    const cookie = await signUp("topics@example.org");
    const put = await call("PUT", "/api/topics", cookie, {
      topics: [
        { kind: "category", value: "cs.LG", level: "like" },
        { kind: "category", value: "cs.IR", level: "dislike" },
      ],
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const res = await call("GET", "/api/feed?limit=9", cookie);
    const order = ids(res);
    assert.ok(order[0].startsWith("new-lg-"), `a liked-topic paper leads: ${order}`);
    assert.ok(res.body.items[0].reasons.some((r: { kind: string; topic?: string }) => r.kind === "topic" && r.topic === "cs.LG"));
    assert.deepEqual(order.slice(-3).map((id) => id.slice(0, 6)), ["new-ir", "new-ir", "new-ir"], `disliked papers last: ${order}`);
  });

  test("hidden papers are left out; opened papers stay, marked seen (unseen=true leaves them out)", async () => {
    const cookie = await signUp("hider@example.org");
    await feedback(cookie, "new-ir-0", "hide");
    await feedback(cookie, "new-lg-1", "view");
    const res = await call("GET", "/api/feed?limit=20", cookie);
    assert.equal(res.body.total, 8);
    assert.ok(!ids(res).includes("new-ir-0"));
    const opened = res.body.items.find((item: { paper: { id: string } }) => item.paper.id === "new-lg-1");
    assert.ok(opened, "the opened paper is still in the feed");
    assert.match(opened.seen, /^\d{4}-\d{2}-\d{2}T/);
    assert.ok(res.body.items.filter((item: { seen?: string }) => item.seen).length === 1);
    const unseen = await call("GET", "/api/feed?limit=20&unseen=true", cookie);
    assert.equal(unseen.body.total, 7);
    assert.ok(!ids(unseen).includes("new-lg-1"));
  });

  test("less like this leaves the paper out and pushes papers like it down", async () => {
    const cookie = await signUp("less@example.org");
    await feedback(cookie, "old-ir", "save");
    const before = ids(await call("GET", "/api/feed?limit=9", cookie));
    assert.equal(before[0], "new-ir-0", `an IR paper leads for an IR saver: ${before}`);
    await feedback(cookie, "new-ir-1", "less");
    const after = ids(await call("GET", "/api/feed?limit=9", cookie));
    assert.ok(!after.includes("new-ir-1"));
    // the other IR papers are close to the one marked: they move down
    const places = (list: string[]) => ["new-ir-0", "new-ir-2"].reduce((sum, id) => sum + list.indexOf(id), 0);
    assert.ok(places(after) > places(before), `IR papers move down: ${before} -> ${after}`);
  });

  test("a reader who follows no category gets the categories of most of their saves, named in the reasons", async () => {
    const cookie = await signUp("inferred@example.org");
    for (const id of ["old-lg", "new-lg-0", "new-lg-1"]) await feedback(cookie, id, "save");
    const res = await call("GET", "/api/feed?limit=9", cookie);
    assert.deepEqual(res.body.inferredTopics, ["cs.LG"]);
    const reason = res.body.items[0].reasons.find((r: { kind: string }) => r.kind === "topic");
    assert.ok(reason, JSON.stringify(res.body.items[0]));
    assert.equal(reason.text, "in cs.LG, like 3 of your 3 saved papers");
  });

  test("new since your last visit: papers that arrived after the previous visit", async () => {
    const cookie = await signUp("visitor@example.org");
    const first = await call("GET", "/api/feed?new=true", cookie);
    assert.equal(first.status, 200);
    assert.equal(first.body.total, 12, "a first visit: everything that arrived so far");
    assert.equal(first.body.arrivedAfter, undefined);
  });

  test("reading history and paper states: opened papers, most recent first, with how often", async () => {
    const cookie = await signUp("reader-history@example.org");
    await feedback(cookie, "old-cl", "view");
    await feedback(cookie, "new-ir-2", "view");
    await feedback(cookie, "old-cl", "view");
    await feedback(cookie, "new-ir-2", "save");
    const history = await call("GET", "/api/history", cookie);
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.items.map((e: { paper: { id: string }; views: number }) => [e.paper.id, e.views]),
      [
        ["old-cl", 2],
        ["new-ir-2", 1],
      ],
    );
    const states = await call("GET", "/api/feedback-states?paperId=old-cl&paperId=new-ir-2&paperId=new-lg-2", cookie);
    assert.equal(states.status, 200);
    assert.ok(states.body.states["old-cl"].seen && !states.body.states["old-cl"].save);
    assert.ok(states.body.states["new-ir-2"].save && states.body.states["new-ir-2"].seen);
    assert.equal(states.body.states["new-lg-2"], undefined);
    assert.equal((await call("GET", "/api/history")).status, 401);
  });

  test("an explicit window is used as given", async () => {
    const cookie = await signUp("window@example.org");
    const res = await call("GET", "/api/feed?since=2026-06-09&until=2026-06-10", cookie);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.window, { since: "2026-06-09", until: "2026-06-10" });
    assert.equal(res.body.total, 6);
    const empty = await call("GET", "/api/feed?since=2020-01-01&until=2020-01-31", cookie);
    assert.equal(empty.body.total, 0);
    assert.equal(empty.body.window.anchoredTo, undefined);
  });

  test("bad parameters answer 400 naming the field", async () => {
    const cookie = await signUp("bad@example.org");
    for (const [query, field] of [
      ["limit=0", "query.limit"],
      ["offset=-1", "query.offset"],
      ["since=2026-02-30", "query.since"],
      ["until=yesterday", "query.until"],
      ["since=2026-06-10&until=2026-06-01", "query.since"],
      ["sinse=2026-06-01", "query.sinse"],
    ] as const) {
      const res = await call("GET", `/api/feed?${query}`, cookie);
      assert.equal(res.status, 400, `${query}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.field, field, query);
    }
  });
});

describe("co-saves", () => {
  test("once readers save papers together, related papers and the feed show it", async () => {
    // before: no co-saves for old-ir
    const plain = await call("GET", "/api/papers/old-ir/related");
    assert.ok(plain.body.items.every((p: { relatedBy?: string }) => p.relatedBy === undefined));
    const savers: string[] = [];
    for (const email of ["c1@example.org", "c2@example.org", "c3@example.org"]) {
      const cookie = await signUp(email);
      savers.push(cookie);
      await feedback(cookie, "old-ir", "save");
      // views are written too; they never make papers co-saved
      await feedback(cookie, "new-cl-0", "view");
      await feedback(cookie, "new-lg-0", "save");
    }
    const related = await call("GET", "/api/papers/old-ir/related");
    assert.equal(related.status, 200);
    assert.equal(related.body.items[0].id, "new-lg-0");
    assert.equal(related.body.items[0].relatedBy, "co-saves");
    assert.equal(new Set(related.body.items.map((p: { id: string }) => p.id)).size, related.body.items.length, "no paper twice");

    const cookie = await signUp("follower@example.org");
    await feedback(cookie, "old-ir", "save");
    const res = await call("GET", "/api/feed?limit=9", cookie);
    const item = res.body.items.find((x: { paper: { id: string } }) => x.paper.id === "new-lg-0");
    assert.ok(item, `co-saved paper in the feed: ${ids(res)}`);
    const reason = item.reasons.find((r: { kind: string }) => r.kind === "co-saved");
    assert.ok(reason, JSON.stringify(item.reasons));
    assert.equal(reason.paperId, "old-ir");
    assert.match(reason.text, /^saved by readers who saved “Earlier work/);

    // views alone leave the co-saves as they were; un-saving (a deletion) takes them away
    await feedback(cookie, "new-cl-1", "view");
    assert.equal((await call("GET", "/api/papers/old-ir/related")).body.items[0].relatedBy, "co-saves");
    for (const saver of savers) {
      const saves = await call("GET", "/api/feedback?kind=save&paperId=new-lg-0", saver);
      for (const record of saves.body.items) assert.equal((await call("DELETE", `/api/feedback/${record.id}`, saver)).status, 204);
    }
    const after = await call("GET", "/api/papers/old-ir/related");
    assert.ok(after.body.items.every((p: { relatedBy?: string }) => p.relatedBy === undefined), JSON.stringify(after.body.items.map((p: { id: string; relatedBy?: string }) => [p.id, p.relatedBy])));
  });
});
