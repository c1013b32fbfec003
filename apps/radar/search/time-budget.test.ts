/**
 * A search request that runs past its time budget is a 400 naming the
 * limit, not a retry as plain words and not a stalled server. The clock is
 * the test's, so the outcome does not depend on the machine's speed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Collection } from "../../../src/engine/collection.js";
import { HttpError } from "../../../src/server/problem.js";
import { openStore } from "../../../src/store/open-store.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA } from "../papers.js";
import { PaperSearch } from "./paper-search.js";

test("a search past its time budget is a 400 naming timeBudgetMs; within it, answers as before", async () => {
  const dir = mkdtempSync(join(tmpdir(), "radar-budget-"));
  const store = await openStore(dir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(
    PAPERS_COLLECTION,
    Array.from({ length: 300 }, (_, i) => ({ id: `p${i}`, title: `retrieval paper ${i}`, abstract: "dense and sparse retrieval", date: `2024-0${1 + (i % 9)}-1${i % 10}` })),
  );
  const papers = await Collection.open(store, PAPERS_COLLECTION, join(dir, "indexes"), { quiet: true });
  try {
    let t = 0;
    const slow = new PaperSearch(papers, { timeBudgetMs: 15, clock: () => (t += 10) });
    for (const sort of ["relevance", "date"] as const) {
      await assert.rejects(
        slow.search("retrieval", {}, sort, { offset: 0, limit: 10 }),
        (e: unknown) => e instanceof HttpError && e.status === 400 && /time budget of 15 ms \(timeBudgetMs\)/.test(e.message),
        sort,
      );
    }
    const fast = await new PaperSearch(papers).search("retrieval", {}, "date", { offset: 0, limit: 10 });
    assert.equal(fast.total, 300);
    assert.equal(fast.items.length, 10);
  } finally {
    await papers.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
