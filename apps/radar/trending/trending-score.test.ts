import { test } from "node:test";
import assert from "node:assert/strict";
import { decay, scoreTrending, type TrendingSignal } from "./trending-score.js";

const DAY = 86_400;
const NOW = 1_800_000_000;

function signals(item: string, kind: TrendingSignal["kind"], daysAgo: number[]): TrendingSignal[] {
  return daysAgo.map((d) => ({ item, kind, timestamp: NOW - d * DAY }));
}

test("decay halves every half-life", () => {
  assert.equal(decay(0, 2), 1);
  assert.ok(Math.abs(decay(2 * DAY, 2) - 0.5) < 1e-12);
  assert.ok(Math.abs(decay(4 * DAY, 2) - 0.25) < 1e-12);
  assert.equal(decay(-DAY, 2), 1, "a signal from the future counts as new");
});

test("fresh saves from several readers beat more but older ones; hides subtract; views do not count", () => {
  const ranked = scoreTrending(
    [
      ...signals("fresh", "save", [0.1, 0.2, 0.5]), // three readers today
      ...signals("old", "save", [6, 6.5, 7, 7, 7.5]), // five readers a week ago
      ...signals("liked", "like", [0.1, 0.1, 0.1]), // likes weigh less than saves
      ...signals("hidden", "save", [0.1]),
      ...signals("hidden", "hide", [0.1, 0.1, 0.1]),
      ...signals("viewed", "view", [0, 0, 0, 0]),
    ],
    { now: NOW, halfLifeDays: 2 },
  );
  const order = ranked.map((r) => r.paperId);
  assert.deepEqual(order.slice(0, 2), ["fresh", "liked"]);
  assert.ok(order.indexOf("old") > order.indexOf("fresh"));
  assert.ok(!order.includes("hidden"), "net negative papers do not trend");
  assert.ok(!order.includes("viewed"), "views weigh nothing by default");
  const fresh = ranked.find((r) => r.paperId === "fresh")!;
  assert.equal(fresh.saves, 3);
  assert.equal(fresh.likes, 0);
  for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1].score >= ranked[i].score);
});

test("a longer half-life lets volume beat freshness", () => {
  const input = [...signals("fresh", "save", [0, 0]), ...signals("old", "save", [5, 5, 5, 5, 5])];
  assert.equal(scoreTrending(input, { now: NOW, halfLifeDays: 1 })[0].paperId, "fresh");
  assert.equal(scoreTrending(input, { now: NOW, halfLifeDays: 30 })[0].paperId, "old");
});

test("ties break by saves, then likes, then id; weights are configurable", () => {
  const ranked = scoreTrending([...signals("b", "save", [1]), ...signals("a", "save", [1])], { now: NOW });
  assert.deepEqual(
    ranked.map((r) => r.paperId),
    ["a", "b"],
  );
  const viewsCount = scoreTrending(signals("v", "view", [0]), { now: NOW, weights: { view: 0.1 } });
  assert.equal(viewsCount.length, 1);
  assert.throws(() => scoreTrending([], { now: NOW, halfLifeDays: 0 }), /halfLifeDays/);
});
