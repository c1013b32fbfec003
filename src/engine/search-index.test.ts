import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SearchIndex, type SearchResult } from "./search-index.js";

const VOCAB = "neural retrieval dense sparse ranking model query document index search language transformer graph learning bm25 lexical token vector embedding recommendation user item sequence attention".split(" ");

/** Seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDocs(count: number, seed: number): Array<Record<string, unknown>> {
  const r = rng(seed);
  const words = (n: number) => Array.from({ length: n }, () => VOCAB[Math.floor(r() ** 1.7 * VOCAB.length)]).join(" ");
  return Array.from({ length: count }, (_, i) => ({
    id: `d${i}`,
    title: words(1 + Math.floor(r() * 6)),
    text: words(5 + Math.floor(r() * 60)),
    category: ["cs.IR", "cs.CL", "cs.LG"][i % 3],
    year: 2015 + (i % 10),
  }));
}

const SCHEMA = {
  fields: {
    title: { type: "text" as const },
    text: { type: "text" as const },
    category: { type: "keyword" as const },
    year: { type: "number" as const },
  },
};

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "trove-lexical-"));
}

function ids(result: SearchResult): string[] {
  return result.hits.map((h) => h.id);
}

test("dynamic pruning returns exactly the exhaustive top-k", async () => {
  const dir = tempDir();
  try {
    const index = await SearchIndex.create(dir, { ...SCHEMA, writer: { maxBufferedDocs: 700, maxSegments: 0 } });
    index.addDocuments(randomDocs(3000, 1));
    await index.commit();
    assert.ok(index.stats().segments >= 4, "several segments");
    const r = rng(7);
    let scoredWithPruning = 0;
    let matching = 0;
    for (let q = 0; q < 60; q++) {
      const query = Array.from({ length: 1 + Math.floor(r() * 5) }, () => VOCAB[Math.floor(r() * VOCAB.length)]).join(" ");
      for (const k of [1, 10, 100]) {
        const pruned = index.search(query, { k, syntax: "plain" });
        const exhaustive = index.search(query, { k, syntax: "plain", exactTotalHits: true });
        assert.deepEqual(ids(pruned), ids(exhaustive), `query "${query}" k=${k}`);
        assert.deepEqual(
          pruned.hits.map((h) => h.score),
          exhaustive.hits.map((h) => h.score),
        );
        assert.equal(pruned.totalHitsExact, false);
        assert.ok(exhaustive.totalHits >= pruned.hits.length);
        if (k === 10) {
          scoredWithPruning += pruned.totalHits;
          matching += exhaustive.totalHits;
        }
      }
    }
    // pruning must skip work: far fewer documents fully scored than match
    assert.ok(scoredWithPruning < matching / 2, `scored ${scoredWithPruning} of ${matching} matching documents`);
    await index.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("scores do not depend on how documents are split into segments, and survive merge and reopen", async () => {
  const one = tempDir();
  const many = tempDir();
  try {
    const docs = randomDocs(1200, 2);
    const a = await SearchIndex.create(one, SCHEMA);
    a.addDocuments(docs);
    await a.commit();
    const b = await SearchIndex.create(many, { ...SCHEMA, writer: { maxBufferedDocs: 100, maxSegments: 0 } });
    b.addDocuments(docs);
    await b.commit();
    assert.equal(a.stats().segments, 1);
    assert.equal(b.stats().segments, 12);
    const queries = ["neural retrieval", "dense vector embedding", "user item recommendation sequence", "bm25"];
    for (const q of queries) assert.deepEqual(b.search(q, { k: 20 }).hits, a.search(q, { k: 20 }).hits, q);
    await b.merge({ maxSegments: 1 });
    assert.equal(b.stats().segments, 1);
    for (const q of queries) assert.deepEqual(b.search(q, { k: 20 }).hits, a.search(q, { k: 20 }).hits, `after merge: ${q}`);
    await b.close();
    const reopened = await SearchIndex.open(many);
    for (const q of queries) assert.deepEqual(reopened.search(q, { k: 20 }).hits, a.search(q, { k: 20 }).hits, `after reopen: ${q}`);
    assert.equal(reopened.documentCount, 1200);
    // a second writer of the same directory is refused while the first is open
    await assert.rejects(SearchIndex.open(many), /index at .* is being written by this process/);
    await reopened.close();
    await (await SearchIndex.open(many)).close();
    await a.close();
  } finally {
    rmSync(one, { recursive: true, force: true });
    rmSync(many, { recursive: true, force: true });
  }
});

test("updates replace documents by id, deletes remove them, and uncommitted changes stay invisible", async () => {
  const dir = tempDir();
  try {
    const index = await SearchIndex.create(dir, SCHEMA);
    index.addDocuments([
      { id: "a", title: "graph neural networks", text: "message passing" },
      { id: "b", title: "dense retrieval", text: "dual encoders for search" },
    ]);
    await index.commit();
    assert.deepEqual(ids(index.search("graph")), ["a"]);
    index.addDocuments([{ id: "a", title: "sparse retrieval", text: "learned term weights" }]);
    assert.deepEqual(ids(index.search("graph")), ["a"], "not visible before commit");
    await index.commit();
    assert.deepEqual(ids(index.search("graph")), []);
    assert.deepEqual(ids(index.search("sparse")), ["a"]);
    assert.equal(index.documentCount, 2);
    assert.equal(index.deleteDocuments(["b", "missing"]), 1);
    await index.commit();
    assert.deepEqual(ids(index.search("dense")), []);
    assert.equal(index.documentCount, 1);
    await index.close();
    const again = await SearchIndex.open(dir);
    assert.equal(again.documentCount, 1);
    assert.deepEqual(ids(again.search("retrieval")), ["a"]);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a crash before the manifest swap leaves the previous commit readable", async () => {
  const dir = tempDir();
  try {
    const index = await SearchIndex.create(dir, SCHEMA);
    index.addDocuments(randomDocs(50, 3));
    await index.commit();
    // simulate an interrupted commit: a stray segment file and temp file that no manifest references
    writeFileSync(join(dir, "seg_99.trs"), "partial");
    writeFileSync(join(dir, ".manifest.json.123.1.tmp"), "{");
    await index.close();
    const again = await SearchIndex.open(dir);
    assert.equal(again.documentCount, 50);
    assert.ok(!readdirSync(dir).includes("seg_99.trs"), "leftovers removed");
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("boolean operators, phrases, fields, filters, facets and pagination", async () => {
  const dir = tempDir();
  try {
    const index = await SearchIndex.create(dir, SCHEMA);
    index.addDocuments([
      { id: "1", title: "dense passage retrieval", text: "we train dual encoders", category: "cs.IR", year: 2020 },
      { id: "2", title: "retrieval augmented generation", text: "dense retrieval feeds a generator", category: "cs.CL", year: 2021 },
      { id: "3", title: "sparse lexical models", text: "passage expansion with dense hints", category: "cs.IR", year: 2022 },
      { id: "4", title: "graph learning", text: "nothing about search", category: "cs.LG", year: 2019 },
    ]);
    await index.commit();
    assert.deepEqual(ids(index.search('"dense retrieval"')).sort(), ["2"]);
    assert.deepEqual(ids(index.search('title:"dense passage retrieval"')), ["1"]);
    assert.deepEqual(ids(index.search("dense AND passage")).sort(), ["1", "3"]);
    assert.deepEqual(ids(index.search("dense -sparse")).sort(), ["1", "2"]);
    assert.deepEqual(ids(index.search("dense", { filter: "category:cs.IR" })).sort(), ["1", "3"]);
    assert.deepEqual(ids(index.search("dense", { filter: "year:[2021 TO *]" })).sort(), ["2", "3"]);
    const faceted = index.search("dense OR graph", { facets: ["category"] });
    assert.equal(faceted.totalHits, 4);
    assert.deepEqual(faceted.facets?.category, [
      { value: "cs.IR", count: 2 },
      { value: "cs.CL", count: 1 },
      { value: "cs.LG", count: 1 },
    ]);
    const all = index.search("dense", { k: 10 });
    const page2 = index.search("dense", { k: 1, offset: 1 });
    assert.deepEqual(ids(page2), [all.hits[1].id]);
    assert.throws(() => index.search("nofield:x"), /unknown field "nofield"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("explanations add up to the hit's score", async () => {
  const dir = tempDir();
  try {
    const index = await SearchIndex.create(dir, SCHEMA);
    index.addDocuments(randomDocs(200, 4));
    await index.commit();
    const result = index.search("neural ranking model", { k: 5, explain: true });
    for (const hit of result.hits) {
      assert.ok(hit.explanation);
      assert.ok(Math.abs(hit.explanation.value - hit.score) < 1e-5, `${hit.explanation.value} vs ${hit.score}`);
      const leaves: number[] = [];
      const walk = (e: { value: number; description: string; details?: unknown[] }) => {
        if (e.description.startsWith("weight(")) leaves.push(e.value);
        else for (const d of (e.details ?? []) as (typeof e)[]) walk(d);
      };
      walk(hit.explanation);
      assert.ok(leaves.length > 0);
      assert.ok(Math.abs(leaves.reduce((a, b) => a + b, 0) - hit.score) < 1e-4);
    }
    assert.equal(index.explain("neural", "no-such-id"), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a merge runs on a worker thread while searches and deletes go on; deletes made meanwhile are kept", async () => {
  const dir = tempDir();
  const reference = tempDir();
  try {
    const docs = randomDocs(2000, 5);
    const index = await SearchIndex.create(dir, { ...SCHEMA, writer: { maxBufferedDocs: 250, maxSegments: 0 } });
    index.addDocuments(docs);
    await index.commit();
    assert.equal(index.stats().segments, 8);
    const before = index.search("neural ranking", { k: 10 });
    const merging = index.merge({ maxSegments: 1 });
    // while the worker writes the merged file, the main thread still answers and accepts deletes
    assert.deepEqual(index.search("neural ranking", { k: 10 }).hits, before.hits);
    const victims = before.hits.slice(0, 3).map((h) => h.id);
    assert.equal(index.deleteDocuments(victims), 3);
    await merging;
    assert.equal(index.stats().segments, 1);
    await index.commit();
    const after = index.search("neural ranking", { k: 10 });
    for (const id of victims) assert.ok(!after.hits.some((h) => h.id === id), `${id} stays deleted`);
    assert.equal(index.documentCount, 1997);
    await index.close();

    // same documents without the victims, indexed in one go, give the same ranking and scores
    const ref = await SearchIndex.create(reference, SCHEMA);
    ref.addDocuments(docs);
    ref.deleteDocuments(victims);
    await ref.commit();
    const reopened = await SearchIndex.open(dir);
    assert.deepEqual(ids(reopened.search("dense embedding", { k: 15 })), ids(ref.search("dense embedding", { k: 15 })));
    await reopened.close();
    await ref.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(reference, { recursive: true, force: true });
  }
});

test("commit starts a background merge when segments pile up; close waits for it", async () => {
  const dir = tempDir();
  try {
    const index = await SearchIndex.create(dir, { ...SCHEMA, writer: { maxBufferedDocs: 100, maxSegments: 3 } });
    const docs = randomDocs(1000, 6);
    for (let i = 0; i < 1000; i += 100) {
      index.addDocuments(docs.slice(i, i + 100));
      await index.commit();
    }
    await index.waitForMerges();
    assert.ok(index.stats().segments <= 3, `segments: ${index.stats().segments}`);
    assert.equal(index.documentCount, 1000);
    await index.close();
    const again = await SearchIndex.open(dir);
    assert.equal(again.documentCount, 1000);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("date values match whole days, months and years; field:* means the field has a value", async () => {
  const dir = tempDir();
  try {
    const index = await SearchIndex.create(dir, { fields: { title: { type: "text" }, date: { type: "date" }, tag: { type: "keyword" } } });
    index.addDocuments([
      { id: "a", title: "one", date: "2024-05-01T15:30:00Z", tag: "x" },
      { id: "b", title: "two", date: "2024-05-02" },
      { id: "c", title: "three", date: "2023-12-31" },
      { id: "d", title: "four" },
    ]);
    await index.commit();
    const all = (q: string) => ids(index.search(q, { k: 10 })).sort();
    assert.deepEqual(all("date:2024-05-01"), ["a"]);
    assert.deepEqual(all("date:2024-05"), ["a", "b"]);
    assert.deepEqual(all("date:2024"), ["a", "b"]);
    assert.deepEqual(all("date:*"), ["a", "b", "c"]);
    assert.deepEqual(all("tag:*"), ["a"]);
    assert.deepEqual(all("*:* -date:*"), ["d"]);
    assert.deepEqual(all("one two three"), ["a", "b", "c"]);
    assert.deepEqual(ids(index.search("one two", { defaultOperator: "and" })), []);
    assert.throws(() => index.search({ kind: "bool", must: [], should: [], mustNot: [{ kind: "matchAll" }] } as never), /mustNot/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("conjunctions find every match whatever the clause order (regression: a clause already on the doc must not move)", async () => {
  const dir = tempDir();
  try {
    const index = await SearchIndex.create(dir, { fields: { title: { type: "text" }, tag: { type: "keyword" }, year: { type: "number" } } });
    index.addDocuments([
      { id: "1", title: "retrieval models", tag: "a", year: 2024 },
      { id: "2", title: "retrieval systems", tag: "a", year: 2025 },
      { id: "3", title: "ranking", tag: "b", year: 2025 },
    ]);
    await index.commit();
    const all = (q: string, filter?: string) => ids(index.search(q, { k: 10, filter })).sort();
    assert.deepEqual(all("tag:a AND year:>=2025"), ["2"]);
    assert.deepEqual(all("year:>=2025 AND tag:a"), ["2"]);
    assert.deepEqual(all("title:retrieval AND tag:a"), ["1", "2"]);
    assert.deepEqual(all("tag:a AND title:retrieval AND year:>=2024"), ["1", "2"]);
    assert.deepEqual(all("retrieval", "tag:a AND year:>=2025"), ["2"]);
    assert.deepEqual(all('"retrieval systems" AND tag:a'), ["2"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("sort by a number field: every match ranked by value (missing last, ties in index order), scores kept, pages consistent", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-sort-"));
  try {
    const docs = randomDocs(900, 17).map((d, i) => (i % 7 === 0 ? { ...d, year: undefined } : d));
    const index = await SearchIndex.create(dir, { ...SCHEMA, writer: { maxBufferedDocs: 200, maxSegments: 0 } });
    index.addDocuments(docs);
    await index.commit();
    assert.ok(index.stats().segments > 1, "several segments");
    const query = "retrieval ranking";
    const all = index.search(query, { k: 100_000, exactTotalHits: true });
    const scoreOf = new Map(all.hits.map((h) => [h.id, h.score]));
    const position = new Map(docs.map((d, i) => [d.id as string, i]));
    const yearOf = (id: string) => docs[position.get(id)!].year as number | undefined;
    for (const order of ["desc", "asc"] as const) {
      const expected = [...scoreOf.keys()].sort((a, b) => {
        const ya = yearOf(a);
        const yb = yearOf(b);
        if (ya === undefined || yb === undefined) return ya === yb ? position.get(a)! - position.get(b)! : ya === undefined ? 1 : -1;
        return (order === "desc" ? yb - ya : ya - yb) || position.get(a)! - position.get(b)!;
      });
      const sorted = index.search(query, { k: 50, sort: { field: "year", order } });
      assert.equal(sorted.totalHits, all.totalHits);
      assert.equal(sorted.totalHitsExact, true);
      assert.deepEqual(sorted.hits.map((h) => h.id), expected.slice(0, 50), order);
      for (const hit of sorted.hits) {
        assert.equal(hit.score, scoreOf.get(hit.id), "the BM25 score is reported");
        assert.equal(hit.sortValue, yearOf(hit.id) ?? null);
      }
      const tail = index.search(query, { k: 20, offset: expected.length - 20, sort: { field: "year", order } });
      assert.deepEqual(tail.hits.map((h) => h.id), expected.slice(-20), "the last page holds the documents without a year");
      assert.equal(tail.hits.at(-1)!.sortValue, null);
    }
    const withRanking = docs.filter((d) => (d.text as string).split(" ").includes("ranking")).length;
    assert.equal(index.docFreq("text", "rank"), withRanking, "docFreq counts documents holding the analyzed term, over all segments");
    assert.equal(index.docFreq("text", "no-such-term"), 0);
    assert.throws(() => index.search(query, { sort: { field: "category" } }), /sort field "category" must be a number or date field, not keyword/);
    assert.throws(() => index.search(query, { sort: { field: "nope" } }), /sort field "nope"/);
    await index.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
