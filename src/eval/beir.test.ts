import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { InvalidFileError, NotFoundError } from "../core/errors.js";
import { openBeirDataset, readBeirCorpus, readBeirQueries, readBeirSplitQrels, type BeirDocument } from "./beir.js";
import { qrelsStats } from "./qrels.js";

// dist/src/eval/ -> project root -> ../shared/datasets
const SCIFACT = fileURLToPath(new URL("../../../../shared/datasets/scifact", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "trove-beir-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("BEIR SciFact (shared dataset)", { skip: !existsSync(SCIFACT) && "../shared/datasets/scifact is not present" }, () => {
  it("finds the files and splits", () => {
    const ds = openBeirDataset(SCIFACT);
    assert.ok(ds.corpusPath.endsWith("corpus.jsonl.gz"));
    assert.ok(ds.queriesPath.endsWith("queries.jsonl"));
    assert.deepEqual(ds.splits, ["test", "train"]);
  });
  it("streams 5,183 documents", async () => {
    let count = 0;
    let first: BeirDocument | undefined;
    const ids = new Set<string>();
    for await (const doc of readBeirCorpus(SCIFACT)) {
      first ??= doc;
      ids.add(doc.id);
      count++;
    }
    assert.equal(count, 5183);
    assert.equal(ids.size, 5183);
    assert.equal(first?.id, "4983");
    assert.match(first?.title ?? "", /^Microstructural development of human newborn cerebral white matter/);
  });
  it("reads 1,109 queries and the test qrels: 300 queries, 339 judgments", async () => {
    const queries = await readBeirQueries(SCIFACT);
    assert.equal(queries.size, 1109);
    assert.equal(queries.get("0"), "0-dimensional biomaterials lack inductive properties.");
    const test = await readBeirSplitQrels(SCIFACT, "test");
    assert.deepEqual(qrelsStats(test), { queries: 300, judgments: 339, relevant: 339 });
    for (const qid of test.keys()) assert.ok(queries.has(qid), `test query ${qid} has text`);
    const train = await readBeirSplitQrels(SCIFACT, "train");
    assert.deepEqual(qrelsStats(train), { queries: 809, judgments: 919, relevant: 919 });
  });
});

describe("BEIR loader on small files", () => {
  const ds = join(dir, "tiny");
  mkdirSync(join(ds, "qrels"), { recursive: true });
  writeFileSync(join(ds, "corpus.jsonl.gz"), gzipSync('{"_id": "d1", "title": "T", "text": "one"}\n\n{"_id": 2, "text": "two", "metadata": {}}\n'));
  writeFileSync(join(ds, "queries.jsonl"), '{"_id": "q1", "text": "what"}\r\n');
  writeFileSync(join(ds, "qrels", "dev.tsv"), "query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\n");

  it("reads .jsonl.gz, numeric ids and a missing title", async () => {
    assert.deepEqual(await collect(readBeirCorpus(ds)), [
      { id: "d1", title: "T", text: "one" },
      { id: "2", title: "", text: "two" },
    ]);
    assert.deepEqual(await readBeirQueries(ds), new Map([["q1", "what"]]));
    assert.equal((await readBeirSplitQrels(ds, "dev")).get("q1")?.get("d1"), 1);
  });
  it("names the line of bad JSON and bad fields", async () => {
    const bad = join(dir, "bad-corpus.jsonl");
    writeFileSync(bad, '{"_id": "a", "text": "ok"}\n{"_id": "b", "text": \n');
    await assert.rejects(collect(readBeirCorpus(bad)), (e: unknown) => e instanceof InvalidFileError && e.line === 2 && /invalid JSON/.test(e.message));
    writeFileSync(bad, '{"_id": "a", "text": "ok"}\n{"title": "x", "text": "y"}\n');
    await assert.rejects(collect(readBeirCorpus(bad)), (e: unknown) => e instanceof InvalidFileError && e.line === 2 && /"_id"/.test(e.message));
    writeFileSync(bad, '{"_id": "a", "text": 5}\n');
    await assert.rejects(collect(readBeirCorpus(bad)), /expected "text" to be a string, got number 5/);
  });
  it("refuses duplicate query ids and explains missing files", async () => {
    const q = join(dir, "dup-queries.jsonl");
    writeFileSync(q, '{"_id": "1", "text": "a"}\n{"_id": "1", "text": "b"}\n');
    await assert.rejects(readBeirQueries(q), (e: unknown) => e instanceof InvalidFileError && e.line === 2);
    await assert.rejects(readBeirSplitQrels(ds, "test"), (e: unknown) => e instanceof NotFoundError && /available splits: dev/.test(e.message));
    assert.throws(() => openBeirDataset(join(dir, "nope")), NotFoundError);
    assert.throws(() => openBeirDataset(join(ds, "qrels")), /corpus file not found/);
  });
});
