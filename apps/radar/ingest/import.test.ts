import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { InvalidArgumentError, InvalidFileError } from "../../../src/core/errors.js";
import { openPapers, type RadarPapers } from "../papers.js";
import { detectFormat, importPapers } from "./import.js";

const PAPERS = [
  {
    id: "2501.00001v2",
    title: "Learned sparse\n  retrieval",
    abstract: "SPLADE expands\nterms.",
    authors: ["Ada Lovelace"],
    categories: ["cs.IR"],
    comment: null,
    date: "2025-01-02",
  },
  { id: "2501.00002", title: "Dense retrieval with dual encoders", abstract: "Two towers.", authors: ["Alan Turing"], categories: ["cs.IR", "cs.CL"], date: "2025-01-03" },
  { id: "2501.00003", title: "Machine translation", abstract: "Sequence to sequence.", authors: [], categories: ["cs.CL"], date: "2025-01-04" },
];

function jsonl(records: unknown[]): string {
  return `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
}

async function withPapers(fn: (radar: RadarPapers, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "radar-import-"));
  const radar = await openPapers(join(dir, "data"), { quiet: true });
  try {
    await fn(radar, dir);
  } finally {
    await radar.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("detectFormat reads the file name", () => {
  assert.equal(detectFormat("a/papers.jsonl.gz"), "jsonl");
  assert.equal(detectFormat("papers.NDJSON"), "jsonl");
  assert.equal(detectFormat("papers.csv.gz"), "csv");
  assert.equal(detectFormat("papers.txt"), undefined);
});

test("a JSONL import (gzip) stores normalized papers and makes them searchable; re-importing changes nothing", async () => {
  await withPapers(async (radar, dir) => {
    const file = join(dir, "papers.jsonl.gz");
    writeFileSync(file, gzipSync(jsonl(PAPERS)));
    const first = await importPapers(radar.papers, file, { progress: false });
    assert.deepEqual(
      { read: first.read, inserted: first.inserted, updated: first.updated, unchanged: first.unchanged, rejected: first.rejected, searchable: first.searchable },
      { read: 3, inserted: 3, updated: 0, unchanged: 0, rejected: [], searchable: 3 },
    );
    assert.deepEqual(await radar.store.getRecord("papers", "2501.00001"), {
      id: "2501.00001",
      title: "Learned sparse retrieval",
      abstract: "SPLADE expands terms.",
      authors: ["Ada Lovelace"],
      categories: ["cs.IR"],
      primaryCategory: "cs.IR",
      date: "2025-01-02",
    });
    const hits = await radar.papers.search("retrieval", { filter: "date:[2025-01-03 TO *] AND categories:cs.IR" });
    assert.deepEqual(
      hits.hits.map((h) => h.id),
      ["2501.00002"],
    );

    const again = await importPapers(radar.papers, file, { progress: false });
    assert.deepEqual([again.inserted, again.updated, again.unchanged, again.searchable], [0, 0, 3, 3]);
    const seqBefore = await radar.store.latestSeq("papers");
    assert.equal(await radar.store.countRecords("papers"), 3);

    // one changed record is the only write
    writeFileSync(file, gzipSync(jsonl([PAPERS[0], { ...PAPERS[1], title: "Dense retrieval, revised" }, PAPERS[2]])));
    const changed = await importPapers(radar.papers, file, { progress: false });
    assert.deepEqual([changed.inserted, changed.updated, changed.unchanged], [0, 1, 2]);
    assert.equal(await radar.store.latestSeq("papers"), seqBefore + 1);
    assert.equal((await radar.papers.search("revised")).hits[0]?.id, "2501.00002");
  });
});

test("a bad JSONL record stops the import with file:line and field, and nothing is stored", async () => {
  await withPapers(async (radar, dir) => {
    const file = join(dir, "papers.jsonl");
    writeFileSync(file, jsonl([PAPERS[0], PAPERS[1]]) + "\n" + jsonl([{ ...PAPERS[2], date: "January 2025" }]));
    await assert.rejects(importPapers(radar.papers, file, { progress: false }), (error: unknown) => {
      assert.ok(error instanceof InvalidFileError);
      assert.equal(error.message, `${file}:4: id "2501.00003", field "date": expected a date YYYY-MM-DD (or an ISO 8601 timestamp), got "January 2025"`);
      return true;
    });
    assert.equal(await radar.store.countRecords("papers"), 0);

    writeFileSync(file, jsonl([PAPERS[0]]) + '{"id": "2501.00009", "title": \n');
    await assert.rejects(importPapers(radar.papers, file, { progress: false }), /papers\.jsonl:2: invalid JSON/);
    assert.equal(await radar.store.countRecords("papers"), 0);
  });
});

test("--skip-invalid stores the valid records and reports the others by line and field", async () => {
  await withPapers(async (radar, dir) => {
    const file = join(dir, "papers.jsonl");
    writeFileSync(file, jsonl([PAPERS[0], { ...PAPERS[1], title: "" }]) + "not json\n" + jsonl([PAPERS[2], { ...PAPERS[2], id: 2501.1 }]));
    const result = await importPapers(radar.papers, file, { skipInvalid: true, progress: false });
    assert.deepEqual([result.read, result.inserted], [4, 2]);
    assert.deepEqual(
      result.rejected.map((r) => [r.line, r.field, r.id]),
      [
        [2, "title", "2501.00002"],
        [3, undefined, undefined],
        [5, "id", undefined],
      ],
    );
    assert.match(result.rejected[1].reason, /invalid JSON/);
    assert.equal(result.searchable, 2);
  });
});

const CSV = [
  "ID,Title,Abstract,Authors,Categories,Primary_Category,Date,Comment",
  '2501.00001,Learned sparse retrieval,"SPLADE expands terms,',
  'over two lines.","Ada Lovelace; Charles Babbage",cs.IR|cs.CL,,2025-01-02,',
  '2501.00002,"Dense ""two tower"" retrieval",Two towers.,"[""Alan Turing""]",cs.CL cs.IR,cs.IR,2025-01-03,8 pages',
  "",
  "2501.00003,Machine translation,Sequence to sequence.,Grace Hopper,cs.CL,,2025-01-04,",
].join("\r\n");

test("a CSV import reads quoted multi-line fields, list separators and JSON arrays", async () => {
  await withPapers(async (radar, dir) => {
    const file = join(dir, "papers.csv");
    writeFileSync(file, CSV);
    const result = await importPapers(radar.papers, file, { progress: false });
    assert.deepEqual([result.format, result.read, result.inserted], ["csv", 3, 3]);
    const first = await radar.store.getRecord("papers", "2501.00001");
    assert.equal(first?.abstract, "SPLADE expands terms, over two lines.");
    assert.deepEqual(first?.authors, ["Ada Lovelace", "Charles Babbage"]);
    assert.deepEqual(first?.categories, ["cs.IR", "cs.CL"]);
    const second = await radar.store.getRecord("papers", "2501.00002");
    assert.equal(second?.title, 'Dense "two tower" retrieval');
    assert.deepEqual(second?.authors, ["Alan Turing"]);
    assert.deepEqual(second?.categories, ["cs.IR", "cs.CL"]);
    assert.equal(second?.comment, "8 pages");
    assert.equal((await importPapers(radar.papers, file, { progress: false })).unchanged, 3);
  });
});

test("a bad CSV line names file:line:field (counting lines inside quoted fields), and nothing is stored", async () => {
  await withPapers(async (radar, dir) => {
    const file = join(dir, "papers.csv.gz");
    writeFileSync(file, gzipSync(`${CSV}\r\n2501.00004,Graph retrieval,Graphs.,Ada Lovelace,cs.IR,,2025-13-01,\r\n`));
    await assert.rejects(
      importPapers(radar.papers, file, { progress: false }),
      (error: unknown) => error instanceof InvalidFileError && error.line === 7 && error.message.includes(':7: id "2501.00004", field "date"'),
    );
    assert.equal(await radar.store.countRecords("papers"), 0);

    writeFileSync(file, gzipSync(`${CSV}\r\n2501.00004,Graph retrieval\r\n`));
    await assert.rejects(importPapers(radar.papers, file, { progress: false }), /papers\.csv\.gz:7: invalid CSV: Invalid Record Length/);
    const skipped = await importPapers(radar.papers, file, { skipInvalid: true, progress: false });
    assert.deepEqual([skipped.inserted, skipped.rejected.map((r) => r.line)], [3, [7]]);

    const headerless = join(dir, "no-title.csv");
    writeFileSync(headerless, "id,name,date\n2501.00005,x,2025-01-01\n");
    await assert.rejects(importPapers(radar.papers, headerless, { progress: false }), /no-title\.csv:1: the header row has no "title" column/);
  });
});

test("an unknown format or a missing file is a clear error", async () => {
  await withPapers(async (radar, dir) => {
    await assert.rejects(importPapers(radar.papers, join(dir, "papers.txt")), (e: unknown) => e instanceof InvalidArgumentError && /--format jsonl or --format csv/.test(e.message));
    await assert.rejects(importPapers(radar.papers, join(dir, "missing.jsonl")), /file not found/);
  });
});
