/** Trending over a real interactions collection: several readers, feedback at different times. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openTestRadar, type TestRadar } from "../test-support/test-radar.js";
import { Trending } from "./trending.js";

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 6, 10, 12);
let clock = NOW;
let radar: TestRadar;

before(async () => {
  radar = await openTestRadar(undefined, { now: () => clock });
  const at = async (daysAgo: number, reader: string, paper: string, kind: "save" | "like" | "hide" | "view") => {
    clock = NOW - daysAgo * DAY_MS;
    await radar.feedback.add(reader, paper, kind);
  };
  // 2606.10001: four readers saved it, but five to six days ago
  for (const r of ["r1", "r2", "r3", "r4"]) await at(5 + Number(r.slice(1)) / 4, r, "2606.10001", "save");
  // 2607.10003: two readers saved it today, one liked it
  await at(0.1, "r1", "2607.10003", "save");
  await at(0.2, "r2", "2607.10003", "save");
  await at(0.2, "r3", "2607.10003", "like");
  // 2607.10004: one like yesterday
  await at(1, "r4", "2607.10004", "like");
  // 2606.10002: one save, three hides
  await at(0.5, "r1", "2606.10002", "save");
  for (const r of ["r2", "r3", "r4"]) await at(0.5, r, "2606.10002", "hide");
  // 2607.10005: saved long ago (outside a 7-day window), viewed often today
  await at(30, "r1", "2607.10005", "save");
  for (let i = 0; i < 5; i++) await at(0, "r2", "2607.10005", "view");
  // saving twice is one save
  await at(0.1, "r1", "2607.10003", "save");
  clock = NOW;
});

after(async () => {
  await radar?.close();
});

test("fresh saves from several readers rank above older ones; hides and views do not lift a paper", async () => {
  const trending = new Trending(radar.feedback, radar.papers, { now: () => NOW });
  const page = await trending.list({ limit: 20, offset: 0 });
  const ids = page.items.map((i) => i.paper.id);
  assert.equal(ids[0], "2607.10003");
  assert.ok(ids.indexOf("2606.10001") > 0);
  assert.ok(!ids.includes("2606.10002"), "hidden by more readers than saved it");
  assert.ok(!ids.includes("2607.10005"), "its save is outside the window and views weigh nothing");
  assert.equal(page.total, ids.length);
  const top = page.items[0];
  assert.equal(top.saves, 2);
  assert.equal(top.likes, 1);
  assert.equal(top.paper.title.length > 0, true);
  for (let i = 1; i < page.items.length; i++) assert.ok(page.items[i - 1].score >= page.items[i].score);
});

test("a longer window and half-life let the older, more saved paper win", async () => {
  const patient = new Trending(radar.feedback, radar.papers, { now: () => NOW, halfLifeDays: 30 });
  const page = await patient.list({ limit: 20, offset: 0, days: 60 });
  assert.equal(page.items[0].paper.id, "2606.10001");
  assert.ok(page.items.some((i) => i.paper.id === "2607.10005"), "the 30-day-old save counts in a 60-day window");
});

test("category filter and pagination", async () => {
  const trending = new Trending(radar.feedback, radar.papers, { now: () => NOW });
  const all = await trending.list({ limit: 20, offset: 0 });
  const cl = await trending.list({ limit: 20, offset: 0, categories: ["cs.CL"] });
  assert.ok(cl.items.length > 0);
  for (const item of cl.items) assert.ok(item.paper.categories.includes("cs.CL"));
  assert.deepEqual(
    cl.items.map((i) => i.paper.id),
    all.items.filter((i) => i.paper.categories.includes("cs.CL")).map((i) => i.paper.id),
  );
  const second = await trending.list({ limit: 1, offset: 1 });
  assert.equal(second.items[0].paper.id, all.items[1].paper.id);
  assert.equal(second.total, all.total);
});
