/**
 * Onboarding by rating on a corpus of four separate topics: the picks come
 * from distinct clusters and so span the topics; more picks of one cluster
 * stay in it; skipped and rated papers are not offered again; ratings are
 * the feed's own feedback (like, less like this), so a reader who rates IR
 * papers up and vision papers down gets IR papers at the top of the feed and
 * one who rates the other way gets vision papers.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { CorpusMaps } from "../corpus-map/corpus-maps.js";
import { FeedService } from "../feed/feed-service.js";
import { openTestRadar, type TestRadar } from "../test-support/test-radar.js";
import { topicCorpus, topicOf } from "../test-support/topic-corpus.js";
import { Onboarding, pickRoundRobin } from "./onboarding.js";

const PAPERS = topicCorpus(8);
const NOW = Date.parse("2026-06-14T12:00:00Z");
let radar: TestRadar;
let onboarding: Onboarding;
let feed: FeedService;

before(async () => {
  radar = await openTestRadar(PAPERS);
  const maps = new CorpusMaps(radar.store, radar.papers.name, radar.dataDir, { clusters: 4 });
  onboarding = new Onboarding(maps, radar.feedback, radar.papers);
  feed = await FeedService.open({ store: radar.store, dataDir: radar.dataDir, papers: radar.papers, feedback: radar.feedback, topics: radar.topics }, { now: () => NOW });
});

after(async () => {
  await feed.close();
  await radar.close();
});

test("onboarding offers papers from distinct clusters that span the corpus's topics", async () => {
  const offer = await onboarding.offer("newcomer", { count: 4 });
  assert.equal(offer.needed, true);
  assert.equal(offer.rated, 0);
  assert.equal(offer.clusters.length, 4);
  assert.equal(offer.picks.length, 4);
  assert.equal(new Set(offer.picks.map((p) => p.cluster)).size, 4, "one pick per cluster");
  assert.equal(new Set(offer.picks.map((p) => topicOf(String(p.paper.id)))).size, 4, "one pick per topic");

  // eight picks: each cluster twice, still spread evenly
  const eight = await onboarding.offer("newcomer", { count: 8 });
  const perCluster = new Map<number, number>();
  for (const p of eight.picks) perCluster.set(p.cluster, (perCluster.get(p.cluster) ?? 0) + 1);
  assert.deepEqual([...perCluster.values()], [2, 2, 2, 2]);

  // more of one cluster: all from it; skipped papers are not offered again
  const cluster = offer.picks[0].cluster;
  const more = await onboarding.offer("newcomer", { cluster, count: 5 });
  assert.ok(more.picks.every((p) => p.cluster === cluster));
  const skipped = more.picks.slice(0, 2).map((p) => String(p.paper.id));
  const after = await onboarding.offer("newcomer", { cluster, count: 8, exclude: skipped });
  assert.equal(after.picks.length, 6, "the cluster's 8 papers less the 2 skipped");
  assert.ok(after.picks.every((p) => !skipped.includes(String(p.paper.id))));

  await assert.rejects(onboarding.offer("newcomer", { cluster: 42 }), /cluster: the map has no cluster 42/);
  await assert.rejects(onboarding.offer("newcomer", { count: 0 }), /count must be an integer from 1 to 30/);
});

test("ratings are the feed's feedback: rating IR up and vision down puts IR papers at the top of the feed, and the other way round", async () => {
  const ids = (topic: string, n: number) => PAPERS.filter((p) => topicOf(p.id) === topic).slice(0, n).map((p) => p.id);
  const rated = await onboarding.rate("ir-reader", [
    ...ids("ir", 2).map((paperId) => ({ paperId, rating: "up" as const })),
    ...ids("cv", 2).map((paperId) => ({ paperId, rating: "down" as const })),
  ]);
  assert.deepEqual(rated, { up: 2, down: 2 });
  await onboarding.rate("cv-reader", [
    ...ids("cv", 2).map((paperId) => ({ paperId, rating: "up" as const })),
    ...ids("ir", 2).map((paperId) => ({ paperId, rating: "down" as const })),
  ]);
  const likes = await radar.feedback.list("ir-reader", { kind: "like" }, { offset: 0, limit: 10 });
  assert.deepEqual(likes.items.map((r) => r.item).sort(), ids("ir", 2).sort());
  const less = await radar.feedback.list("ir-reader", { kind: "less" }, { offset: 0, limit: 10 });
  assert.deepEqual(less.items.map((r) => r.item).sort(), ids("cv", 2).sort());

  const top = async (reader: string) => (await feed.feed(reader, { limit: 3, recordVisit: false })).items.map((i) => topicOf(i.paper.id));
  assert.deepEqual(await top("ir-reader"), ["ir", "ir", "ir"]);
  assert.deepEqual(await top("cv-reader"), ["cv", "cv", "cv"]);

  // rated papers are not offered again, and the reader no longer needs onboarding
  const offer = await onboarding.offer("ir-reader", { count: 30 });
  assert.equal(offer.needed, false);
  assert.equal(offer.rated, 4);
  assert.equal(offer.picks.length, PAPERS.length - 4);

  // rating a paper the other way replaces the earlier rating
  await onboarding.rate("ir-reader", [{ paperId: ids("cv", 1)[0], rating: "up" }]);
  assert.equal((await radar.feedback.list("ir-reader", { kind: "less", paperId: ids("cv", 1)[0] }, { offset: 0, limit: 5 })).total, 0);
  assert.equal((await radar.feedback.list("ir-reader", { kind: "like", paperId: ids("cv", 1)[0] }, { offset: 0, limit: 5 })).total, 1);
});

test("ratings are all or nothing: an unknown paper records none", async () => {
  await assert.rejects(
    onboarding.rate("careful", [
      { paperId: PAPERS[0].id, rating: "up" },
      { paperId: "no-such-paper", rating: "up" },
    ]),
    /ratings\[1\]\.paperId: no paper with id "no-such-paper" \(nothing was recorded\)/,
  );
  assert.equal((await radar.feedback.list("careful", {}, { offset: 0, limit: 5 })).total, 0);
  await assert.rejects(onboarding.rate("careful", []), /ratings: give 1 to 50 ratings/);
});

test("round-robin picking skips what it is told to and stops when the clusters run out", () => {
  const clusters = [
    { id: 0, papers: ["a", "b", "c"] },
    { id: 1, papers: ["d"] },
  ];
  assert.deepEqual(pickRoundRobin(clusters, new Set(["a"]), 10), [
    { paperId: "b", cluster: 0 },
    { paperId: "d", cluster: 1 },
    { paperId: "c", cluster: 0 },
  ]);
});
