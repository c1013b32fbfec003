import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { InvalidFileError } from "../../core/errors.js";
import { csrRow } from "../csr.js";
import { detectInteractionFormat, loadInteractions } from "./load.js";
import { parseCsvLine } from "./tabular.js";

const dir = mkdtempSync(join(tmpdir(), "trove-rec-io-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, gz = false): string {
  const path = join(dir, name);
  writeFileSync(path, gz ? gzipSync(text) : text);
  return path;
}

const ML100K = join(import.meta.dirname, "../../../../../shared/datasets/movielens-100k/u.data.gz");

test("S3-Rec sequence file (gz): one user per line, synthetic increasing timestamps", async () => {
  const path = file("Beauty.txt.gz", "1 1 2 3\n2 4 2\n\n3 5 1 4 2\n", true);
  const data = await loadInteractions({ path });
  assert.equal(data.numUsers, 3);
  assert.equal(data.numItems, 5);
  assert.equal(data.length, 9);
  const seq = data.userSequences();
  const items = (u: number) => [...seq.items.subarray(seq.indptr[u], seq.indptr[u + 1])].map((i) => data.itemId(i));
  assert.deepEqual(items(0), ["1", "2", "3"]);
  assert.deepEqual(items(2), ["5", "1", "4", "2"]);
  for (let e = 1; e < data.length; e++) assert.ok(data.timestamps[e] > data.timestamps[e - 1]);
});

test("a bad line names the file, the line number and the reason", async () => {
  const path = file("bad.txt", "1 1 2\n2\n");
  await assert.rejects(loadInteractions({ path }), (error: unknown) => {
    assert.ok(error instanceof InvalidFileError);
    assert.equal(error.line, 2);
    assert.equal(error.file, path);
    assert.match(error.message, /bad\.txt:2: expected "user item/);
    return true;
  });
});

test("MovieLens u.data: a slice of the real ML-100K file", async () => {
  const lines = gunzipSync(readFileSync(ML100K)).toString("utf8").split("\n").slice(0, 2000);
  const path = file("u.data", lines.join("\n") + "\n");
  const data = await loadInteractions({ path });
  assert.equal(data.length, 2000);
  const [user, item, rating, ts] = lines[0].split("\t");
  assert.equal(data.userId(data.users[0]), user);
  assert.equal(data.itemId(data.items[0]), item);
  assert.equal(data.values[0], Number(rating));
  assert.equal(data.timestamps[0], Number(ts));
  assert.equal(data.kindNames[data.kinds[0]], "rating");
});

test("MovieLens ratings.dat (::) and a bad rating", async () => {
  const data = await loadInteractions({ path: file("ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n") });
  assert.equal(data.length, 2);
  assert.equal(data.values[1], 3);
  await assert.rejects(loadInteractions({ path: file("ratings.dat", "1::1193::5::978300760\n1::661::x::978302109\n") }), /ratings\.dat:2: rating is not a number/);
  await assert.rejects(loadInteractions({ path: file("u.data", "1\t2\t3\n") }), /u\.data:1: expected 4 fields/);
});

test("RecBole .inter with name:type header", async () => {
  const path = file(
    "ml.inter",
    "user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t10\t4\t100\n1\t11\t2\t50\n2\t10\t5\t70\n",
  );
  const data = await loadInteractions({ path, minRating: 3 });
  assert.equal(data.length, 2);
  assert.deepEqual([...data.timestamps], [100, 70]);
  await assert.rejects(loadInteractions({ path: file("b.inter", "user_id:token\titem_id\n") }), /b\.inter:1: header column 2 must be "name:type"/);
  await assert.rejects(loadInteractions({ path: file("c.inter", "user_id:token\titem_id:token\n1\n") }), /c\.inter:2: expected 2 tab-separated fields/);
  await assert.rejects(loadInteractions({ path: file("d.inter", "uid:token\titem_id:token\n") }), /no "user_id" column/);
});

test("JSONL and CSV with a column mapping", async () => {
  const jsonl = file(
    "events.jsonl",
    '{"uid":"a","pid":1,"event":"like","at":"2024-01-02T00:00:00Z"}\n{"uid":"b","pid":2,"event":"view","at":1700000000}\n',
  );
  const mapping = { user: "uid", item: "pid", kind: "event", timestamp: "at" };
  const data = await loadInteractions({ path: jsonl, mapping });
  assert.equal(data.length, 2);
  assert.equal(data.itemId(data.items[0]), "1");
  assert.equal(data.kindNames[data.kinds[0]], "like");
  assert.equal(data.timestamps[0], Date.UTC(2024, 0, 2) / 1000);
  await assert.rejects(loadInteractions({ path: file("x.jsonl", '{"uid":"a"}\n'), mapping }), /x\.jsonl:1: missing field "pid"/);

  const csv = file("events.csv", 'uid,pid,event,at\na,1,like,10\n"b, jr",2,"view",11\n');
  const c = await loadInteractions({ path: csv, mapping });
  assert.equal(c.userId(c.users[1]), "b, jr");
  assert.equal(c.timestamps[1], 11);
  await assert.rejects(loadInteractions({ path: file("y.csv", "uid,pid\na,1\nb\n"), mapping: { user: "uid", item: "pid" } }), /y\.csv:3: expected 2 fields/);
  await assert.rejects(loadInteractions({ path: file("z.csv", "uid,pid,at\na,1,soon\n"), mapping: { user: "uid", item: "pid", timestamp: "at" } }), /z\.csv:2: "at" is neither a number nor a date/);
  const u = c.userItems();
  assert.equal(csrRow(u, 0).length, 1);
});

test("CSV line parsing and format detection", () => {
  assert.deepEqual(parseCsvLine('a,"b ""q"", c",,d'), ["a", 'b "q", c', "", "d"]);
  assert.equal(parseCsvLine('a,"open'), null);
  assert.equal(detectInteractionFormat("/x/u.data.gz"), "movielens");
  assert.equal(detectInteractionFormat("/x/Beauty.txt.gz"), "sequence");
  assert.equal(detectInteractionFormat("/x/ml-1m.inter"), "recbole");
  assert.equal(detectInteractionFormat("/x/ratings.csv"), "movielens");
  assert.equal(detectInteractionFormat("/x/events.csv"), "csv");
  assert.throws(() => detectInteractionFormat("/x/data.bin"), /cannot tell the interaction format/);
});
