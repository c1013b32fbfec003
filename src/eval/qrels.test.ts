import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { InvalidFileError, NotFoundError } from "../core/errors.js";
import { parseQrels, qrelsFormatOf, qrelsStats, readBeirQrels, readQrels, readTrecQrels } from "./qrels.js";

const dir = mkdtempSync(join(tmpdir(), "trove-qrels-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function fileError(fn: () => unknown, line: number, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InvalidFileError, `expected InvalidFileError, got ${String(e)}`);
    assert.equal(e.line, line);
    assert.match(e.message, pattern);
    return true;
  });
}

describe("TREC qrels", () => {
  it("reads qid iter docid rel, keeping relevance-0 and negative judgments", () => {
    const qrels = parseQrels("\uFEFF# judged by hand\n301 0 FBIS-1 1\n301 0 FBIS-2 0\r\n\n302\t0\tLA-9   2\n302 Q0 LA-10 -1\n", "trec");
    assert.deepEqual(
      qrels,
      new Map([
        ["301", new Map([["FBIS-1", 1], ["FBIS-2", 0]])],
        ["302", new Map([["LA-9", 2], ["LA-10", -1]])],
      ]),
    );
    assert.deepEqual(qrelsStats(qrels), { queries: 2, judgments: 4, relevant: 2 });
  });
  it("names the file, line and expectation of a bad line", () => {
    fileError(() => parseQrels("1 0 a 1\n1 0 b\n", "trec", "q.txt"), 2, /q\.txt:2: expected 4 whitespace-separated fields "query-id iteration doc-id relevance", got 3/);
    fileError(() => parseQrels("1 0 a 1 extra\n", "trec"), 1, /got 5/);
    fileError(() => parseQrels("1 0 a 1.5\n", "trec"), 1, /relevance "1\.5" \(field 4\) is not an integer/);
    fileError(() => parseQrels("1 0 a yes\n", "trec"), 1, /not an integer/);
  });
  it("refuses a document judged twice for one query", () => {
    fileError(() => parseQrels("1 0 a 1\n2 0 a 1\n1 0 a 0\n", "trec"), 3, /"a" is judged twice for query "1" \(first at line 1\)/);
  });
});

describe("BEIR qrels", () => {
  it("skips the header and tolerates CRLF", () => {
    const qrels = parseQrels("query-id\tcorpus-id\tscore\r\n1\t31715818\t1\r\n3\t14717500\t0\r\n", "beir");
    assert.deepEqual(
      qrels,
      new Map([
        ["1", new Map([["31715818", 1]])],
        ["3", new Map([["14717500", 0]])],
      ]),
    );
  });
  it("accepts a file without header", () => {
    assert.equal(parseQrels("1\td1\t2\n", "beir").get("1")?.get("d1"), 2);
  });
  it("names the line of a bad row", () => {
    fileError(() => parseQrels("query-id\tcorpus-id\tscore\n1\td1\t1\n1 d2 1\n", "beir", "test.tsv"), 3, /test\.tsv:3: expected 3 tab-separated fields/);
    fileError(() => parseQrels("query-id\tcorpus-id\tscore\n1\td1\thigh\n", "beir"), 2, /relevance "high" \(score column\) is not an integer/);
    fileError(() => parseQrels("query-id\tcorpus-id\tscore\n\td1\t1\n", "beir"), 2, /empty query-id/);
  });
});

describe("reading qrels files", () => {
  it("picks the format from the extension", async () => {
    assert.equal(qrelsFormatOf("qrels/test.tsv"), "beir");
    assert.equal(qrelsFormatOf("qrels/test.tsv.gz"), "beir");
    assert.equal(qrelsFormatOf("qrels.robust04.txt"), "trec");
    const tsv = join(dir, "test.tsv");
    writeFileSync(tsv, "query-id\tcorpus-id\tscore\n5\tx\t1\n");
    const trec = join(dir, "qrels.txt.gz");
    writeFileSync(trec, gzipSync("5 0 x 1\n"));
    assert.deepEqual(await readQrels(tsv), await readQrels(trec));
    assert.deepEqual(await readBeirQrels(tsv), await readTrecQrels(trec));
  });
  it("reports errors with the path and line number", async () => {
    const path = join(dir, "bad.txt");
    writeFileSync(path, "1 0 a 1\n1 0 b\n");
    await assert.rejects(readTrecQrels(path), (e: unknown) => e instanceof InvalidFileError && e.file === path && e.line === 2);
    await assert.rejects(readTrecQrels(join(dir, "missing.txt")), NotFoundError);
  });
});
