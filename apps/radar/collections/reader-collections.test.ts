/**
 * A reader's collections written at the same moment through two store
 * handles (two nodes on one PostgreSQL database, two processes on one SQLite
 * file): every change survives, because each is a compare-and-set of the
 * reader's record, redone when another write got in between.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { storeBackends, withFixture } from "../../../src/store/testing/store-backends.js";
import { READER_COLLECTIONS, ReaderCollections } from "./reader-collections.js";

for (const backend of await storeBackends()) {
  describe(`reader collections under concurrent writers: ${backend.name}`, { skip: backend.skip }, () => {
    test("two handles adding papers and collections for one reader at once lose nothing", async () => {
      await withFixture(backend, async (fixture) => {
        const other = await fixture.openAnother();
        try {
          const a = await ReaderCollections.open(fixture.store);
          const b = await ReaderCollections.open(other);
          const shared = await a.create("r1", "Reading list");
          const perSide = 15;
          const adds = (side: ReaderCollections, prefix: string) =>
            Array.from({ length: perSide }, (_, i) => side.addPapers("r1", shared.id, [`${prefix}-${i}`]));
          const creates = (side: ReaderCollections, prefix: string) => Array.from({ length: 5 }, (_, i) => side.create("r1", `${prefix} ${i}`));
          await Promise.all([...adds(a, "a"), ...adds(b, "b"), ...creates(a, "from a"), ...creates(b, "from b")]);

          for (const side of [a, b]) {
            const papers = (await side.get("r1", shared.id)).papers.map((p) => p.paperId).sort();
            const expected = [...Array.from({ length: perSide }, (_, i) => `a-${i}`), ...Array.from({ length: perSide }, (_, i) => `b-${i}`)].sort();
            assert.deepEqual(papers, expected);
            assert.equal((await side.list("r1")).length, 11);
          }
        } finally {
          await other.close();
        }
      });
    });

    test("a reader's record written before versions existed is read and changed as before", async () => {
      await withFixture(backend, async (fixture) => {
        const collections = await ReaderCollections.open(fixture.store);
        const old = {
          id: "r2",
          ownerId: "r2",
          updatedAt: "2026-11-01T00:00:00.000Z",
          collections: [{ id: "c1", ownerId: "r2", name: "Old", createdAt: "2026-11-01T00:00:00.000Z", papers: [{ paperId: "p1", addedAt: "2026-11-01T00:00:00.000Z" }], feedToken: "r2.c1.secret" }],
        };
        await fixture.store.putRecords(READER_COLLECTIONS, [old]);
        assert.deepEqual((await collections.get("r2", "c1")).papers.map((p) => p.paperId), ["p1"]);
        await collections.addPapers("r2", "c1", ["p2"]);
        assert.deepEqual((await collections.get("r2", "c1")).papers.map((p) => p.paperId), ["p2", "p1"]);
      });
    });
  });
}
