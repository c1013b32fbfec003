import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = join(process.cwd(), "bin", "trove.js");

function trove(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test("index create, add, search, delete and stats from the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-cli-"));
  try {
    const idx = join(dir, "idx");
    assert.equal(trove("index", "create", idx, "--fields", "title:text,body:text,tag:keyword,year:number").code, 0);
    const docs = join(dir, "docs.jsonl");
    writeFileSync(
      docs,
      [
        { id: "a", title: "Learned sparse retrieval", body: "SPLADE expands terms", tag: "ir", year: 2021 },
        { id: "b", title: "Dense retrieval", body: "dual encoders", tag: "ir", year: 2020 },
        { id: "c", title: "Machine translation", body: "sequence to sequence", tag: "nlp", year: 2017 },
      ]
        .map((d) => JSON.stringify(d))
        .join("\n"),
    );
    const added = trove("index", "add", idx, docs);
    assert.equal(added.code, 0, added.stderr);
    const search = trove("search", idx, "retrieval", "--json", "--facet", "tag", "--filter", "year:>=2021");
    assert.equal(search.code, 0, search.stderr);
    const result = JSON.parse(search.stdout) as { hits: Array<{ id: string }>; facets: Record<string, unknown> };
    assert.deepEqual(
      result.hits.map((h) => h.id),
      ["a"],
    );
    assert.deepEqual(result.facets.tag, [{ value: "ir", count: 1 }]);
    const byYear = JSON.parse(trove("search", idx, "retrieval OR translation", "--json", "--sort", "year:asc").stdout) as { hits: Array<{ id: string; sortValue: number }> };
    assert.deepEqual(
      byYear.hits.map((h) => [h.id, h.sortValue]),
      [["c", 2017], ["b", 2020], ["a", 2021]],
    );
    const badSort = trove("search", idx, "retrieval", "--sort", "tag");
    assert.equal(badSort.code, 2);
    assert.match(badSort.stderr, /sort field "tag" must be a number or date field/);
    assert.equal(trove("index", "delete", idx, "a").code, 0);
    const stats = JSON.parse(trove("index", "stats", idx).stdout) as { documents: number };
    assert.equal(stats.documents, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("trove search prints the exact total, as the web page counts, and each hit's title or chosen fields", () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-cli-"));
  try {
    // enough matches that a top-10 search stops counting early unless asked for the exact total
    const docs = Array.from({ length: 3000 }, (_, i) => ({ id: `d${i}`, title: `${i % 3 === 0 ? "retrieval" : "translation"} study ${i}`, body: `retrieval ${"filler ".repeat(i % 40)}`, tag: `t${i % 5}` }));
    const file = join(dir, "docs.jsonl");
    writeFileSync(file, docs.map((d) => JSON.stringify(d)).join("\n"));
    // a bare index: titles from --records
    const idx = join(dir, "idx");
    assert.equal(trove("index", "create", idx, "--fields", "title:text,body:text,tag:keyword").code, 0);
    assert.equal(trove("index", "add", idx, file).code, 0);
    const bare = trove("search", idx, "retrieval", "-k", "3");
    assert.equal(bare.code, 0, bare.stderr);
    assert.match(bare.stdout, /^3,000 hits in /, "the exact total, never a lower bound");
    assert.doesNotMatch(bare.stdout, /≥/);
    const titled = trove("search", idx, "retrieval", "-k", "3", "--records", file, "--show", "title,tag");
    assert.equal(titled.code, 0, titled.stderr);
    assert.match(titled.stdout, /rank +id +score +title +tag/);
    assert.match(titled.stdout, /retrieval study \d+ +t\d/);
    const missing = trove("search", idx, "retrieval", "--show", "title");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--show needs the records: pass --records <file>/);
    // a collection's index: titles from its store, without asking
    const data = join(dir, "data");
    const schema = join(dir, "schema.json");
    writeFileSync(schema, JSON.stringify({ fields: { title: { type: "text" }, body: { type: "text" }, tag: { type: "keyword" } } }));
    assert.equal(trove("collection", "create", "docs", "--schema", schema, "--data", data).code, 0);
    assert.equal(trove("collection", "import", "docs", file, "--data", data).code, 0);
    const stored = trove("search", join(data, "indexes", "docs"), "title:retrieval", "-k", "2");
    assert.equal(stored.code, 0, stored.stderr);
    assert.match(stored.stdout, /^1,000 hits in /);
    assert.match(stored.stdout, /rank +id +score +title/);
    assert.match(stored.stdout, /retrieval study \d+/);
    const collection = trove("collection", "search", "docs", "title:retrieval", "--data", data);
    assert.match(collection.stdout, /^1,000 records match/, "the same count as trove collection search");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a bad record names file, line and field, exits 2, and adds nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-cli-"));
  try {
    const idx = join(dir, "idx");
    trove("index", "create", idx, "--fields", "title:text");
    const good = join(dir, "good.jsonl");
    writeFileSync(good, `${JSON.stringify({ id: "1", title: "kept" })}\n`);
    assert.equal(trove("index", "add", idx, good).code, 0);
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, [JSON.stringify({ id: "2", title: "fine" }), JSON.stringify({ id: "3", title: 42 })].join("\n"));
    const r = trove("index", "add", idx, bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.jsonl:2: .*field "title": expected text/);
    const broken = join(dir, "broken.jsonl");
    writeFileSync(broken, '{"id": "4", "title": "x"}\n{not json\n');
    const r2 = trove("index", "add", idx, broken);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /broken\.jsonl:2: invalid JSON/);
    const stats = JSON.parse(trove("index", "stats", idx).stdout) as { documents: number };
    assert.equal(stats.documents, 1, "the failed runs stored nothing");
    const q = trove("search", idx, "title:(kept");
    assert.equal(q.code, 2);
    assert.match(q.stderr, /character/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("collections: import into the store, search, refuse a bad file whole, rebuild the index from the store", () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-cli-"));
  try {
    const data = join(dir, "data");
    const schema = join(dir, "schema.json");
    writeFileSync(schema, JSON.stringify({ fields: { title: { type: "text" }, year: { type: "number" } } }));
    assert.equal(trove("collection", "create", "papers", "--schema", schema, "--data", data).code, 0);
    const good = join(dir, "good.jsonl");
    writeFileSync(good, [{ id: "p1", title: "Sparse retrieval", year: 2021 }, { id: "p2", title: "Dense retrieval", year: 2020 }].map((r) => JSON.stringify(r)).join("\n"));
    const imported = trove("collection", "import", "papers", good, "--data", data);
    assert.equal(imported.code, 0, imported.stderr);
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify({ id: "p3", title: "ok" })}\n\n${JSON.stringify({ id: "p4", title: "x", year: "soon" })}\n`);
    const refused = trove("collection", "import", "papers", bad, "--data", data);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /bad\.jsonl:3: .*field "year"/);
    const found = JSON.parse(trove("collection", "search", "papers", "retrieval", "--data", data, "--json").stdout) as { hits: Array<{ id: string; record: { title: string } }> };
    assert.deepEqual(found.hits.map((h) => h.id).sort(), ["p1", "p2"], "p3 of the refused file was not stored");
    assert.equal(found.hits.find((h) => h.id === "p1")?.record.title, "Sparse retrieval");
    rmSync(join(data, "indexes"), { recursive: true, force: true });
    const rebuilt = trove("collection", "rebuild", "papers", "--data", data);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, /2 documents/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
