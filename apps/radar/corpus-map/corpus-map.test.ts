/**
 * The corpus map on a corpus of four separate topics: each topic's papers
 * land in one cluster labelled with its words, the points lie in [-1, 1],
 * the map is computed once per corpus version (reused from memory and from
 * disk after a restart) and rebuilt in the background when papers change
 * while the previous map keeps being answered; selections by cluster or
 * rectangle list the right papers.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { computeCorpusMap } from "./corpus-map.js";
import { CorpusMaps, corpusMapFile } from "./corpus-maps.js";
import { selectPoints } from "./map-view.js";
import { openTestRadar, type TestRadar } from "../test-support/test-radar.js";
import { TOPIC_NAMES, topicCorpus, topicOf } from "../test-support/topic-corpus.js";

const PAPERS = topicCorpus(6);
let radar: TestRadar;

before(async () => {
  radar = await openTestRadar(PAPERS);
});

after(async () => {
  await radar.close();
});

test("corpus map: one cluster per topic, labelled by the topic's words, points in [-1, 1]", async () => {
  const map = await computeCorpusMap(PAPERS, "v1", { clusters: 4 });
  assert.equal(map.ids.length, PAPERS.length);
  assert.equal(map.corpusSize, PAPERS.length);
  for (const v of [...map.x, ...map.y]) assert.ok(v >= -1 && v <= 1, `coordinate ${v} outside [-1, 1]`);
  const topicsByCluster = new Map<number, Set<string>>();
  map.ids.forEach((id, i) => {
    const set = topicsByCluster.get(map.cluster[i]) ?? new Set();
    set.add(topicOf(id));
    topicsByCluster.set(map.cluster[i], set);
  });
  assert.equal(topicsByCluster.size, 4, "four clusters");
  for (const [c, topics] of topicsByCluster) assert.equal(topics.size, 1, `cluster ${c} mixes topics ${[...topics].join(", ")}`);
  const category = { ir: "cs.IR", cv: "cs.CV", bio: "q-bio.BM", astro: "astro-ph.GA" } as const;
  for (const cluster of map.clusters) {
    const topic = topicOf(cluster.representatives[0]);
    assert.equal(cluster.category, category[topic]);
    assert.equal(cluster.size, 6);
    assert.equal(cluster.terms.length, 3);
    assert.equal(cluster.label, cluster.terms.join(" · "));
    assert.ok(cluster.representatives.every((id) => topicOf(id) === topic));
  }
  const irLabel = map.clusters.find((c) => c.category === "cs.IR")!.label;
  assert.match(irLabel, /retriev|search|quer|relevance|rank|passage|document/, `IR cluster label "${irLabel}"`);

  // the newest papers only, when the corpus exceeds maxPoints
  const capped = await computeCorpusMap(PAPERS, "v1", { clusters: 4, maxPoints: 8 });
  assert.equal(capped.ids.length, 8);
  assert.equal(capped.corpusSize, PAPERS.length);
  const newestDates = PAPERS.map((p) => p.date).sort().reverse().slice(0, 8);
  assert.deepEqual(capped.ids.map((id) => PAPERS.find((p) => p.id === id)!.date).sort().reverse(), newestDates);
});

test("corpus maps: built once per corpus version, kept on disk, rebuilt in the background when papers change", async () => {
  const builds: string[] = [];
  const maps = new CorpusMaps(radar.store, radar.papers.name, radar.dataDir, { clusters: 4, onBuild: (e) => builds.push(e.version) });
  const first = await maps.current();
  assert.equal(await maps.current(), first, "the same map object: nothing recomputed");
  assert.equal(builds.length, 1);
  assert.ok(existsSync(corpusMapFile(radar.dataDir)));

  // a restart reads the saved map: no build
  const reopened = new CorpusMaps(radar.store, radar.papers.name, radar.dataDir, { clusters: 4, onBuild: (e) => builds.push(e.version) });
  assert.deepEqual(await reopened.current(), first);
  assert.equal(builds.length, 1);

  // a new paper: the previous map is answered at once, the new one follows
  await radar.papers.put([{ ...PAPERS[0], id: "ir-new", date: "2026-06-13" }]);
  assert.deepEqual(await reopened.current(), first, "previous map while rebuilding");
  assert.equal(await reopened.isCurrent(), false);
  await reopened.settled();
  const second = await reopened.current();
  assert.ok(second.ids.includes("ir-new"));
  assert.equal(await reopened.isCurrent(), true);
  assert.equal(builds.length, 2);
  assert.notEqual(second.version, first.version);
});

test("map selections: a cluster's papers, or a rectangle's nearest its centre first; bad selections are refused", async () => {
  const map = await computeCorpusMap(PAPERS, "v1", { clusters: 4 });
  const cluster = map.clusters[0];
  const ids = selectPoints(map, { cluster: cluster.id });
  assert.equal(ids.length, cluster.size);
  assert.ok(ids.every((id) => map.cluster[map.ids.indexOf(id)] === cluster.id));

  const all = selectPoints(map, { box: { x0: -1, y0: -1, x1: 1, y1: 1 } });
  assert.equal(all.length, PAPERS.length);
  const i = 5;
  const tiny = selectPoints(map, { box: { x0: map.x[i] - 1e-4, y0: map.y[i] - 1e-4, x1: map.x[i] + 1e-4, y1: map.y[i] + 1e-4 } });
  assert.equal(tiny[0], map.ids[i]);

  assert.throws(() => selectPoints(map, { cluster: 99 }), /cluster: the map has no cluster 99/);
  assert.throws(() => selectPoints(map, { box: { x0: 1, y0: 0, x1: 0, y1: 1 } }), /x0 <= x1/);
  assert.deepEqual(TOPIC_NAMES.length, map.clusters.length);
});

test("map layout: the same corpus gives the same map, neighbours on the map share a topic, and a handful of papers still get a map", async () => {
  const a = await computeCorpusMap(PAPERS, "v1", { clusters: 4 });
  const b = await computeCorpusMap(PAPERS, "v1", { clusters: 4 });
  assert.deepEqual([a.x, a.y, a.cluster], [b.x, b.y, b.cluster], "seeded");
  let sameTopic = 0;
  for (let i = 0; i < a.ids.length; i++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let j = 0; j < a.ids.length; j++) {
      const dist = (a.x[i] - a.x[j]) ** 2 + (a.y[i] - a.y[j]) ** 2;
      if (j !== i && dist < bestDistance) [best, bestDistance] = [j, dist];
    }
    if (topicOf(a.ids[best]) === topicOf(a.ids[i])) sameTopic++;
  }
  assert.ok(sameTopic >= 0.9 * a.ids.length, `${sameTopic} of ${a.ids.length} papers have a nearest neighbour on the map of their own topic`);

  const few = await computeCorpusMap(PAPERS.slice(0, 5), "v1");
  assert.equal(few.ids.length, 5);
  assert.ok(few.x.every((v) => v >= -1 && v <= 1) && few.x.some((v) => v !== 0));
});

test("corpus maps: close() stops a running computation (its worker) and keeps the saved map", async () => {
  const maps = new CorpusMaps(radar.store, radar.papers.name, radar.dataDir, { clusters: 4 });
  const before = await maps.current();
  await radar.papers.put([{ ...PAPERS[1], id: "cv-new", date: "2026-06-13" }]);
  const running = maps.rebuild(await maps.version());
  await maps.close();
  await assert.rejects(running, /stopped/);
  const saved = JSON.parse(readFileSync(corpusMapFile(radar.dataDir), "utf8")) as { map: { version: string } };
  assert.equal(saved.map.version, before.version, "the saved map is the previous one");
});

test("corpus maps: only the newest maxPoints papers go to the worker, and the map still says how large the corpus is", async () => {
  const maps = new CorpusMaps(radar.store, radar.papers.name, `${radar.dataDir}/capped`, { clusters: 2, maxPoints: 8 });
  const map = await maps.current();
  assert.equal(map.ids.length, 8);
  assert.equal(map.corpusSize, await radar.store.countRecords(radar.papers.name));
  assert.ok(map.corpusSize > 8);
  await maps.close();
});
