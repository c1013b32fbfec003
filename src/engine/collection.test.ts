import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Collection } from "./collection.js";
import { openStore } from "../store/open-store.js";
import { storeBackends, withFixture } from "../store/testing/store-backends.js";

const SCHEMA = { fields: { title: { type: "text" as const }, tag: { type: "keyword" as const } } };

test("the index catches up with writes made to the store behind its back, and deletes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-collection-"));
  try {
    const store = await openStore(dir);
    await store.createCollection("docs", SCHEMA);
    const docs = await Collection.open(store, "docs", join(dir, "indexes"), { quiet: true });
    await docs.put([{ id: "1", title: "graph retrieval", tag: "a" }]);
    assert.equal((await docs.search("graph")).hits[0].record?.title, "graph retrieval");
    await docs.close();
    // the process "crashed" after the store write, before the index saw it
    await store.putRecords("docs", [{ id: "2", title: "graph learning", tag: "b" }]);
    await store.deleteRecords("docs", ["1"]);
    const reopened = await Collection.open(store, "docs", join(dir, "indexes"), { quiet: true });
    const hits = (await reopened.search("graph")).hits;
    assert.deepEqual(
      hits.map((h) => h.id),
      ["2"],
    );
    assert.equal(hits[0].record?.tag, "b");
    await reopened.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("changes written to the store by someone else become searchable at the next refresh, each applied once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-collection-"));
  try {
    const store = await openStore(dir);
    await store.createCollection("docs", SCHEMA);
    const docs = await Collection.open(store, "docs", join(dir, "indexes"), { quiet: true, refreshIntervalMs: 0 });
    await docs.put([{ id: "1", title: "graph retrieval", tag: "a" }]);
    // another server sharing the store writes it
    await store.putRecords("docs", [{ id: "2", title: "graph learning", tag: "b" }, { id: "1", title: "graph retrieval revised", tag: "a" }]);
    const results = await Promise.all([docs.search("graph"), docs.search("graph"), docs.search("revised")]);
    assert.deepEqual(results[0].hits.map((h) => h.id).sort(), ["1", "2"]);
    assert.deepEqual(results[1].hits.map((h) => h.id).sort(), ["1", "2"]);
    assert.deepEqual(results[2].hits.map((h) => h.id), ["1"]);
    assert.equal(docs.index.documentCount, 2);
    await docs.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a collection dropped and created again gets a fresh index, not the old one", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-collection-"));
  try {
    const store = await openStore(dir);
    await store.createCollection("docs", SCHEMA);
    const first = await Collection.open(store, "docs", join(dir, "indexes"), { quiet: true });
    await first.put([{ id: "old", title: "stale words" }]);
    await first.close();
    await store.dropCollection("docs");
    await store.createCollection("docs", SCHEMA);
    await store.putRecords("docs", [{ id: "new", title: "fresh words" }]);
    const second = await Collection.open(store, "docs", join(dir, "indexes"), { quiet: true });
    assert.deepEqual(
      (await second.search("words")).hits.map((h) => h.id),
      ["new"],
    );
    await second.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const backend of await storeBackends()) {
  test(`${backend.name}: a write through one node is searchable on another from the change notice alone, without waiting for a refresh`, { skip: backend.skip }, async () => {
    await withFixture(backend, async (fixture) => {
      const dirs = [mkdtempSync(join(tmpdir(), "trove-node-a-")), mkdtempSync(join(tmpdir(), "trove-node-b-"))];
      const otherStore = await fixture.openAnother();
      try {
        await fixture.store.createCollection("docs", SCHEMA);
        // refreshes an hour apart: only the notice can bring the change in
        const a = await Collection.open(fixture.store, "docs", dirs[0], { quiet: true, refreshIntervalMs: 3_600_000 });
        const b = await Collection.open(otherStore, "docs", dirs[1], { quiet: true, refreshIntervalMs: 3_600_000 });
        await a.put([{ id: "1", title: "written on node a", tag: "x" }]);
        const started = performance.now();
        while (b.index.documentCount === 0 && performance.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal((await b.search("written")).hits[0]?.id, "1", `seen on node b after ${(performance.now() - started).toFixed(0)} ms`);
        await a.close();
        await b.close();
      } finally {
        await otherStore.close();
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

test("a schema that gained a field (Store.updateSchema) rebuilds the index from the store at open; the field is searchable", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-collection-"));
  try {
    const store = await openStore(dir);
    await store.createCollection("docs", SCHEMA);
    const docs = await Collection.open(store, "docs", join(dir, "indexes"), { quiet: true });
    await docs.put([
      { id: "1", title: "graph retrieval", tag: "a" },
      { id: "2", title: "speech synthesis", tag: "b" },
    ]);
    await docs.close();
    await store.updateSchema("docs", { fields: { ...SCHEMA.fields, vec: { type: "vector", dimensions: 2 } } });
    await store.putRecords("docs", [{ id: "2", title: "speech synthesis", tag: "b", vec: [0, 1] }]);
    const reopened = await Collection.open(store, "docs", join(dir, "indexes"), { quiet: true });
    assert.equal(reopened.index.config.fields.vec?.type, "vector");
    assert.deepEqual(
      (await reopened.search("graph")).hits.map((h) => h.id),
      ["1"],
      "the old records are indexed again",
    );
    assert.deepEqual(
      reopened.index.searchVector({ field: "vec", vector: [0, 1], k: 5 }).hits.map((h) => h.id),
      ["2"],
    );
    await reopened.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
