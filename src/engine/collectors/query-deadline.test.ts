import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SearchIndex } from "../search-index.js";
import { QueryDeadline, QueryTimeBudgetError } from "./query-deadline.js";

/** A clock that moves `step` ms each time it is read. */
function steppingClock(step: number): () => number {
  let t = 0;
  return () => (t += step);
}

test("a search stops once its time budget is spent, in every collector; a generous budget changes nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-deadline-"));
  const index = await SearchIndex.create(dir, { fields: { text: { type: "text" }, n: { type: "number" } } });
  try {
    index.addDocuments(Array.from({ length: 5000 }, (_, i) => ({ id: `d${i}`, text: `alpha beta ${i % 7 === 0 ? "gamma" : ""}`, n: i })));
    await index.commit();
    const kinds = [
      { name: "top-k with pruning", options: {} },
      { name: "exhaustive", options: { exactTotalHits: true } },
      { name: "sorted", options: { sort: { field: "n" } } },
    ];
    for (const { name, options } of kinds) {
      const plain = index.search("alpha", { k: 5, ...options });
      // reading the clock moves it 1 ms: the budget of 3 ms lasts for a few checks, each made every 1,024 documents
      const budget = new QueryDeadline(3, steppingClock(1));
      assert.throws(() => index.search("alpha", { k: 5, ...options, deadline: budget }), (e: unknown) => e instanceof QueryTimeBudgetError && /time budget of 3 ms \(timeBudgetMs\)/.test(e.message), name);
      const generous = index.search("alpha", { k: 5, ...options, deadline: new QueryDeadline(60_000) });
      assert.deepEqual(generous.hits, plain.hits, name);
    }
    assert.throws(() => new QueryDeadline(0), /positive number of milliseconds/);
  } finally {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
