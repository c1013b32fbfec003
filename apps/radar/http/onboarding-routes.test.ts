/**
 * Onboarding and the corpus map over HTTP on a real server (127.0.0.1, port
 * 0) holding a corpus of four separate topics: sign-in required, the routes
 * in the OpenAPI document, picks from distinct clusters, ratings that start
 * the feed, the map's compact columns with the reader's likes marked, a
 * cluster's and a rectangle's papers, and 400/404 with messages that name
 * the bad parameter.
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
import { radarHttpClient } from "../test-support/radar-http-client.js";
import { topicCorpus, topicOf } from "../test-support/topic-corpus.js";

const PAPERS = topicCorpus(8);
let dataDir: string;
let server: RunningServer;

const { call, signUp } = radarHttpClient(() => server.url);

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "radar-onboarding-"));
  const store = await openStore(dataDir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(PAPERS_COLLECTION, PAPERS.map((p) => ({ ...p })));
  await store.close();
  server = await startRadarServer({ port: 0, host: "127.0.0.1", dataDir, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } } } });
});

after(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("onboarding and the corpus map over HTTP", () => {
  test("every route needs a reader and is in the OpenAPI document", async () => {
    for (const [method, path] of [["GET", "/api/onboarding"], ["POST", "/api/onboarding/ratings"], ["GET", "/api/map"], ["GET", "/api/map/papers?cluster=0"]] as const) {
      assert.equal((await call(method, path, undefined, method === "POST" ? { ratings: [] } : undefined)).status, 401, path);
    }
    const doc = (await call("GET", "/openapi.json")).body;
    assert.ok(doc.paths["/api/onboarding"].get.responses["200"]);
    assert.ok(doc.paths["/api/onboarding/ratings"].post.requestBody);
    assert.ok(doc.paths["/api/map"].get.responses["200"]);
    assert.ok(doc.paths["/api/map/papers"].get.parameters.some((p: { name: string }) => p.name === "x0"));
  });

  test("a new reader rates papers from distinct clusters, and the feed starts from the ratings", async () => {
    const cookie = await signUp("newcomer@example.org");
    const offer = await call("GET", "/api/onboarding?count=4", cookie);
    assert.equal(offer.status, 200, JSON.stringify(offer.body));
    assert.equal(offer.body.needed, true);
    assert.equal(offer.body.clusters.length, 4, "√(32/2) = 4 clusters");
    const clusters = offer.body.picks.map((p: { cluster: number }) => p.cluster);
    assert.equal(new Set(clusters).size, 4);
    assert.equal(new Set(offer.body.picks.map((p: { paper: { id: string } }) => topicOf(p.paper.id))).size, 4);
    const irCluster: number = offer.body.picks.find((p: { paper: { id: string } }) => topicOf(p.paper.id) === "ir").cluster;

    // more IR papers to rate, the one already shown skipped
    const shown = offer.body.picks.map((p: { paper: { id: string } }) => p.paper.id);
    const more = await call("GET", `/api/onboarding?cluster=${irCluster}&count=3&${shown.map((id: string) => `exclude=${id}`).join("&")}`, cookie);
    assert.equal(more.status, 200, JSON.stringify(more.body));
    const irIds: string[] = more.body.picks.map((p: { paper: { id: string } }) => p.paper.id);
    assert.equal(irIds.length, 3);
    assert.ok(irIds.every((id) => topicOf(id) === "ir" && !shown.includes(id)));

    const others = shown.filter((id: string) => topicOf(id) !== "ir");
    const rated = await call("POST", "/api/onboarding/ratings", cookie, {
      ratings: [...irIds.map((paperId) => ({ paperId, rating: "up" })), ...others.map((paperId: string) => ({ paperId, rating: "down" }))],
    });
    assert.equal(rated.status, 200, JSON.stringify(rated.body));
    assert.deepEqual(rated.body, { up: 3, down: 3 });
    assert.equal((await call("GET", "/api/onboarding", cookie)).body.needed, false);

    const feed = await call("GET", "/api/feed?limit=3", cookie);
    assert.equal(feed.status, 200, JSON.stringify(feed.body));
    assert.deepEqual(feed.body.items.map((i: { paper: { id: string } }) => topicOf(i.paper.id)), ["ir", "ir", "ir"]);

    // the map marks the liked papers; the IR cluster lists IR papers
    const map = await call("GET", "/api/map", cookie);
    assert.equal(map.status, 200, JSON.stringify(map.body));
    const { points, saved } = map.body;
    assert.equal(points.ids.length, PAPERS.length);
    assert.equal(points.x.length, PAPERS.length);
    assert.equal(points.cluster.length, PAPERS.length);
    assert.deepEqual(saved.map((i: number) => points.ids[i]).sort(), [...irIds].sort());
    assert.equal(map.body.current, true);
    const irPapers = await call("GET", `/api/map/papers?cluster=${irCluster}&limit=20`, cookie);
    assert.equal(irPapers.status, 200);
    assert.equal(irPapers.body.total, 8);
    assert.ok(irPapers.body.items.every((p: { id: string }) => topicOf(p.id) === "ir"));
    // a small rectangle around one point lists that paper first
    const i = points.ids.indexOf(irIds[0]);
    const [x, y] = [points.x[i], points.y[i]];
    const region = await call("GET", `/api/map/papers?x0=${x - 0.001}&y0=${y - 0.001}&x1=${x + 0.001}&y1=${y + 0.001}`, cookie);
    assert.equal(region.status, 200, JSON.stringify(region.body));
    assert.equal(region.body.items[0].id, irIds[0]);
  });

  test("bad input answers 4xx naming the parameter; an unknown paper records no rating", async () => {
    const cookie = await signUp("careless@example.org");
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ["GET", "/api/onboarding?count=0", undefined, 400, /query\.count: must be an integer between 1 and 30/],
      ["GET", "/api/onboarding?count=500", undefined, 400, /query\.count/],
      ["GET", "/api/onboarding?cluster=11", undefined, 400, /cluster: the map has no cluster 11/],
      ["GET", "/api/onboarding?cluster=x", undefined, 400, /query\.cluster: expected number/],
      ["POST", "/api/onboarding/ratings", { ratings: [] }, 400, /body\.ratings: give at least one rating/],
      ["POST", "/api/onboarding/ratings", { ratings: [{ paperId: PAPERS[0].id, rating: "meh" }] }, 400, /body\.ratings\[0\]\.rating/],
      ["POST", "/api/onboarding/ratings", { ratings: [{ paperId: PAPERS[0].id, rating: "up" }, { paperId: "nope", rating: "up" }] }, 404, /ratings\[1\]\.paperId: no paper with id "nope" \(nothing was recorded\)/],
      ["GET", "/api/map/papers", undefined, 400, /give either cluster, or all four of x0, y0, x1, y1/],
      ["GET", "/api/map/papers?x0=0&y0=0", undefined, 400, /all four of x0, y0, x1, y1/],
      ["GET", "/api/map/papers?x0=0&y0=0&x1=2&y1=1", undefined, 400, /query\.x1: must be a number from -1 to 1/],
      ["GET", "/api/map/papers?x0=0.5&y0=0&x1=0&y1=1", undefined, 400, /x0 <= x1/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await call(method, path, cookie, body);
      assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error.message, message, `${method} ${path}`);
    }
    assert.equal((await call("GET", "/api/feedback", cookie)).body.total, 0, "nothing recorded");
  });
});
