import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { InvalidArgumentError, InvalidFileError } from "../core/errors.js";
import { formatFixed } from "./format.js";
import { formatScore, parseRun, readRun, roundRunScores, writeRun, type Run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "trove-run-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function fileError(fn: () => unknown, line: number, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InvalidFileError, `expected InvalidFileError, got ${String(e)}`);
    assert.equal(e.line, line);
    assert.match(e.message, pattern);
    return true;
  });
}

describe("parseRun", () => {
  it("reads qid, docid and score; ignores Q0, rank, tag and extra fields", () => {
    const run = parseRun("# comment\n1 Q0 d1 1 12.5 tag\n\n1 Q0 d2 7 3 tag extra\r\n2 x d9 0 -1.5e-3 t\n");
    assert.deepEqual(run.get("1"), [
      { docId: "d1", score: 12.5 },
      { docId: "d2", score: 3 },
    ]);
    assert.deepEqual(run.get("2"), [{ docId: "d9", score: -0.0015 }]);
  });
  it("names the file and line of a malformed line", () => {
    fileError(() => parseRun("1 Q0 d1 1 2.0 t\n1 Q0 d2 2 1.0\n", "r.txt"), 2, /r\.txt:2: expected 6 whitespace-separated fields/);
    fileError(() => parseRun("1 Q0 d1 1 abc t\n"), 1, /score "abc"/);
    fileError(() => parseRun("1 Q0 d1 1 1e999 t\n"), 1, /out of range/);
  });
  it("reports a duplicate docno with both lines", () => {
    fileError(() => parseRun("1 Q0 a 1 3 t\n1 Q0 b 2 2 t\n2 Q0 a 1 2 t\n1 Q0 a 3 1 t\n"), 4, /"a" is listed twice for query "1" \(first at line 1\)/);
  });
});

describe("formatScore (%.6f as C and Python print it)", () => {
  it("rounds ordinary values like toFixed", () => {
    assert.equal(formatScore(12.5), "12.500000");
    assert.equal(formatScore(0.1), "0.100000");
    assert.equal(formatScore(2.0000005), "2.000001"); // exact value is slightly above the tie
    assert.equal(formatScore(-3.25), "-3.250000");
  });
  it("rounds exact binary ties to even (odd multiples of 1/128)", () => {
    assert.equal((0.0078125).toFixed(6), "0.007813"); // what toFixed would write
    assert.equal(formatScore(0.0078125), "0.007812"); // 1/128: ...12|5 -> even 2
    assert.equal(formatScore(0.0234375), "0.023438"); // 3/128: ...37|5 -> even 8
    assert.equal(formatScore(-0.0078125), "-0.007812");
    assert.equal(formatScore(2.5078125), "2.507812");
  });
  it("keeps C's sign and range behaviour", () => {
    assert.equal(formatScore(-0), "-0.000000");
    assert.equal(formatScore(-1e-9), "-0.000000");
    assert.equal(formatScore(1e21), "1000000000000000000000.000000");
    assert.throws(() => formatScore(NaN), InvalidArgumentError);
    assert.throws(() => formatScore(Infinity), InvalidArgumentError);
  });
  it("formatFixed handles trec_eval's %6.4f ties too", () => {
    assert.equal(formatFixed(0.03125, 4), "0.0312");
    assert.equal(formatFixed(0.09375, 4), "0.0938");
    assert.equal(formatFixed(0.5, 0), "0");
    assert.equal(formatFixed(1.5, 0), "2");
  });
});

describe("writeRun / readRun", () => {
  const run: Run = new Map([
    ["q2", [{ docId: "b", score: 2.25 }, { docId: "a", score: 1 / 3 }]],
    ["q1", [{ docId: "c", score: 0.0078125 }]],
  ]);

  it("writes Anserini-style lines atomically and reads them back", async () => {
    const path = join(dir, "sub", "run.txt");
    writeRun(path, run, "trove");
    assert.equal(readFileSync(path, "utf8"), "q2 Q0 b 1 2.250000 trove\nq2 Q0 a 2 0.333333 trove\nq1 Q0 c 1 0.007812 trove\n");
    assert.deepEqual(readdirSync(join(dir, "sub")), ["run.txt"], "no temporary file left behind");
    const back = await readRun(path);
    assert.deepEqual(back, roundRunScores(run));
    assert.equal(back.get("q2")?.[1].score, 0.333333);
  });
  it("reads gzip-compressed runs", async () => {
    const path = join(dir, "run.txt.gz");
    writeFileSync(path, gzipSync("7 Q0 x 1 1.000000 t\n"));
    assert.deepEqual(await readRun(path), new Map([["7", [{ docId: "x", score: 1 }]]]));
  });
  it("reports bad lines in files with the path", async () => {
    const path = join(dir, "bad.txt");
    writeFileSync(path, "1 Q0 a 1 1.0 t\n1 Q0 b 2\n");
    await assert.rejects(readRun(path), (e: unknown) => e instanceof InvalidFileError && e.file === path && e.line === 2);
  });
  it("refuses ids and tags that would break the format", () => {
    assert.throws(() => writeRun(join(dir, "x.txt"), run, "two words"), /run tag/);
    assert.throws(() => writeRun(join(dir, "x.txt"), new Map([["q", [{ docId: "a b", score: 1 }]]]), "t"), /document id/);
    assert.throws(() => writeRun(join(dir, "x.txt"), new Map([["", [{ docId: "a", score: 1 }]]]), "t"), /query id/);
  });
});
