/**
 * A commit while a background merge runs (the merge writes its output on a
 * worker thread): deleting every document of a segment that is one of the
 * merge's inputs drops that segment from the manifest. The merge must still
 * read its inputs (their files stay until it ends) and, when it swaps in its
 * output, replace exactly its inputs: no deleted document comes back, no
 * segment written meanwhile is lost. Paper Radar's interactions index (one
 * small segment per save, deletions on unsave) hit this under load.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SearchIndex } from "./search-index.js";

async function singleDocSegments(n: number): Promise<{ index: SearchIndex; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "merge-race-"));
  const index = await SearchIndex.create(dir, { fields: { kind: { type: "keyword" }, text: { type: "text" } }, writer: { maxSegments: 8 } });
  for (let i = 0; i < n; i++) {
    index.addDocuments([{ id: `d${i}`, kind: "save", text: `document ${i}` }]);
    await index.commit(); // the 9th commit starts a merge of the two smallest adjacent segments on a worker
  }
  return { index, dir };
}

const ids = (index: SearchIndex): string[] =>
  index
    .search({ kind: "matchAll" }, { k: 100 })
    .hits.map((h) => h.id)
    .sort();

for (const deleted of ["d0", "d1"]) {
  test(`deleting ${deleted} (all of a merge input) while the merge runs: it stays deleted, later documents stay`, async () => {
    const { index, dir } = await singleDocSegments(9);
    try {
      index.deleteDocuments([deleted]);
      await index.commit();
      index.addDocuments([{ id: "late", kind: "save", text: "written during the merge" }]);
      await index.commit();
      await index.waitForMerges();
      const expected = [...Array.from({ length: 9 }, (_, i) => `d${i}`).filter((id) => id !== deleted), "late"].sort();
      assert.deepEqual(ids(index), expected);
      assert.equal(index.documentCount, expected.length);
      // and after reopening from disk
      await index.close();
      const reopened = await SearchIndex.open(dir);
      assert.deepEqual(ids(reopened), expected);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
