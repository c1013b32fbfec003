import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runCliInProcess } from "../testing.js";
import { parseModelOptions } from "./rec-commands.js";

const BIN = join(process.cwd(), "bin", "trove.js");
const dir = mkdtempSync(join(tmpdir(), "trove-rec-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function trove(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const troveInProcess = runCliInProcess;

/**
 * A small S3-Rec sequence file with planted structure: 4 groups of 10 items,
 * each user walks through items of one group in order (item k is followed by
 * k+1), so a sequence model and item-item models can learn it.
 */
function writeSequenceFile(): string {
  const lines: string[] = [];
  for (let u = 0; u < 120; u++) {
    const group = u % 4;
    const start = (u * 7) % 5;
    const items = Array.from({ length: 6 }, (_, j) => 100 + group * 10 + start + j);
    lines.push(`u${u} ${items.join(" ")}`);
  }
  const path = join(dir, "seq.txt");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}
const seqFile = writeSequenceFile();

test("eval rec --json reports test metrics, the protocol, training time and model options", () => {
  const r = trove("eval", "rec", "--dataset", seqFile, "--format", "s3rec", "--model", "ease", "--lambda", "5", "--json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { metrics: Record<string, number>; protocol: string; trainingSeconds: number; options: { model: string; modelOptions: Record<string, unknown> }; validation: Record<string, number> };
  for (const key of ["recall@5", "ndcg@5", "recall@10", "ndcg@10", "mrr@10"]) {
    assert.ok(out.metrics[key] >= 0 && out.metrics[key] <= 1, `${key} = ${out.metrics[key]}`);
  }
  // Groups of 10 items out of 40: anything that learns them far beats chance (~10/35 at k=10).
  assert.ok(out.metrics["recall@10"] > 0.45, `recall@10 ${out.metrics["recall@10"]}`);
  assert.match(out.protocol, /leave-one-out/);
  assert.match(out.protocol, /full ranking over all 40 items/);
  assert.equal(out.options.model, "ease");
  assert.equal(out.options.modelOptions.lambda, 5);
  assert.ok(out.trainingSeconds >= 0);
  assert.ok(out.validation["ndcg@10"] > 0);
});

test("eval rec with sasrec trains, validates and prints a table; --save keeps a servable model", () => {
  const saved = join(dir, "sasrec-model");
  const r = trove(
    "eval", "rec", "--dataset", seqFile, "--format", "s3rec", "--model", "sasrec", "--epochs", "8", "--factors", "16",
    "--max-len", "8", "--option", "blocks=1", "--option", "dropout=0.1", "--option", "attnDropout=0.1", "--lr", "0.01",
    "--batch-size", "32", "--save", saved,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /split\s+recall@5\s+ndcg@5\s+recall@10\s+ndcg@10\s+mrr@10/);
  assert.match(r.stdout, /^validation\s+\d/m);
  assert.match(r.stdout, /^test\s+\d/m);
  assert.match(r.stdout, /epochs, best \d+, stopped by/);
  const recs = trove("rec", "recommend", "--model-dir", saved, "--user", "u1", "--k", "3", "--json");
  assert.equal(recs.code, 0, recs.stderr);
  const out = JSON.parse(recs.stdout) as { model: string; items: Array<{ item: string; rank: number }> };
  assert.equal(out.model, "sasrec");
  assert.deepEqual(out.items.map((x) => x.rank), [1, 2, 3]);
});

test("rec train, recommend and similar work on external ids", () => {
  const model = join(dir, "knn");
  const train = trove("rec", "train", "--dataset", seqFile, "--format", "s3rec", "--model", "itemknn", "--option", "shrinkage=0", "--out", model, "--json");
  assert.equal(train.code, 0, train.stderr);
  assert.equal((JSON.parse(train.stdout) as { items: number }).items, 40);
  const recs = trove("rec", "recommend", "--model-dir", model, "--user", "u0", "--k", "4", "--json");
  assert.equal(recs.code, 0, recs.stderr);
  const items = (JSON.parse(recs.stdout) as { items: Array<{ item: string }> }).items.map((x) => Number(x.item));
  // u0 saw 100..105 (group 0): its recommendations stay in group 0 and leave out what it saw.
  assert.equal(items.length, 4);
  for (const i of items) assert.ok(i >= 100 && i < 110 && i > 105, `item ${i}`);
  const similar = trove("rec", "similar", "--model-dir", model, "--item", "112", "--k", "3");
  assert.equal(similar.code, 0, similar.stderr);
  assert.match(similar.stdout, /rank\s+item\s+score/);
  assert.doesNotMatch(similar.stdout, /\b112\b.*\n.*\b112\b/);
});

test("unknown users and items and a missing model exit 2 with a clear message", async () => {
  const model = join(dir, "pop");
  assert.equal((await troveInProcess("rec", "train", "--dataset", seqFile, "--format", "s3rec", "--model", "pop", "--out", model)).code, 0);
  const unknownUser = await troveInProcess("rec", "recommend", "--model-dir", model, "--user", "nobody");
  assert.equal(unknownUser.code, 2);
  assert.match(unknownUser.stderr, /user "nobody" is not in the model/);
  const unknownItem = await troveInProcess("rec", "similar", "--model-dir", model, "--item", "999");
  assert.equal(unknownItem.code, 2);
  assert.match(unknownItem.stderr, /item "999" is not in the model/);
  const missing = await troveInProcess("rec", "recommend", "--model-dir", join(dir, "nothing"), "--user", "u0");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no saved model/);
});

test("bad options name the option and exit 2", async () => {
  const bad = [
    [["--model", "ease", "--loss", "ce"], /--loss does not apply to model ease/],
    [["--model", "ease", "--option", "lamda=3"], /model ease has no option "lamda"/],
    [["--model", "als", "--epochs", "many"], /--epochs: iterations must be a number/],
    [["--model", "nope"], /unknown recommender "nope"/],
    [["--model", "pop", "--format", "parquet"], /--format must be one of/],
    [["--model", "pop", "--split", "sideways"], /--split must be/],
  ] as const;
  for (const [args, message] of bad) {
    const r = await troveInProcess("eval", "rec", "--dataset", seqFile, ...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test("parseModelOptions types values like the model's defaults", () => {
  assert.deepEqual(parseModelOptions("sasrec", { option: ["loss=bce", "dropout=0.3"], epochs: "4", maxLen: "20" }), {
    loss: "bce", dropout: 0.3, epochs: 4, maxLen: 20,
  });
  assert.deepEqual(parseModelOptions("als", { epochs: "3", lambda: "0.5", factors: "8" }), { iterations: 3, regularization: 0.5, factors: 8 });
  assert.deepEqual(parseModelOptions("ease", { option: ["binary=false"] }), { binary: false });
  assert.throws(() => parseModelOptions("ease", { option: ["binary=maybe"] }), /binary must be true or false/);
  assert.deepEqual(parseModelOptions("pop", { option: ["windowFraction=0.5"] }), { windowFraction: 0.5 });
});

test("Ctrl-C stops sasrec training cleanly: the best weights are evaluated and the run exits 0", async () => {
  // In process: a real SIGINT can be ignored when the test runs as a background job, so the signal is emitted.
  const timer = setTimeout(() => process.emit("SIGINT"), 400);
  const r = await troveInProcess(
    "eval", "rec", "--dataset", seqFile, "--format", "s3rec", "--model", "sasrec", "--epochs", "100000", "--patience", "100000",
    "--factors", "16", "--max-len", "8", "--option", "blocks=1", "--json",
  );
  clearTimeout(timer);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /interrupt: stopping at the next safe point/);
  const out = JSON.parse(r.stdout) as { training: { stoppedBy: string; epochs: number }; metrics: Record<string, number> };
  assert.equal(out.training.stoppedBy, "interrupt");
  assert.ok(out.training.epochs < 100000);
  assert.ok(out.metrics["ndcg@10"] >= 0);
});

test("rec import stores a file's interactions once; eval rec and rec train read them from the store; a bad line stores nothing", async () => {
  const data = join(dir, "store");
  const first = await troveInProcess("rec", "import", seqFile, "--format", "s3rec", "--data", data, "--json");
  assert.equal(first.code, 0, first.stderr);
  const imported = JSON.parse(first.stdout) as { read: number; appended: number; alreadyStored: number; total: number };
  assert.equal(imported.read, 720);
  assert.equal(imported.appended, 720);
  const again = JSON.parse((await troveInProcess("rec", "import", seqFile, "--format", "s3rec", "--data", data, "--json")).stdout) as typeof imported;
  assert.deepEqual([again.appended, again.alreadyStored, again.total], [0, 720, 720]);

  const fromFile = JSON.parse((await troveInProcess("eval", "rec", "--dataset", seqFile, "--format", "s3rec", "--model", "itemknn", "--json")).stdout) as { metrics: Record<string, number> };
  const fromStore = await troveInProcess("eval", "rec", "--data", data, "--model", "itemknn", "--json");
  assert.equal(fromStore.code, 0, fromStore.stderr);
  assert.deepEqual((JSON.parse(fromStore.stdout) as { metrics: Record<string, number> }).metrics, fromFile.metrics, "same data, same split, same figures");

  const out = join(dir, "from-store-model");
  assert.equal((await troveInProcess("rec", "train", "--data", data, "--model", "pop", "--out", out)).code, 0);
  assert.equal((await troveInProcess("rec", "recommend", "--model-dir", out, "--user", "u3")).code, 0);

  const bad = join(dir, "bad.txt");
  writeFileSync(bad, "u900 1 2 3\nu900 4 5\n"); // a user on two lines
  const refused = await troveInProcess("rec", "import", bad, "--format", "s3rec", "--data", data);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /bad\.txt:2/);
  const after = JSON.parse((await troveInProcess("rec", "import", seqFile, "--format", "s3rec", "--data", data, "--json")).stdout) as typeof imported;
  assert.equal(after.total, 720, "the refused file stored nothing");

  const both = await troveInProcess("eval", "rec", "--data", data, "--dataset", seqFile, "--model", "pop");
  assert.equal(both.code, 2);
  assert.match(both.stderr, /either as a file .* or from a store/);
});

/** Item content for the sequence file's 40 items: the title and brand name the item's group. */
function writeContentFile(): string {
  const shops = ["nail polish lacquer", "hair oil argan", "sun screen mineral", "lip balm shea"];
  const lines: string[] = [];
  for (let g = 0; g < 4; g++) {
    for (let k = 0; k < 10; k++) lines.push(JSON.stringify({ item_id: 100 + g * 10 + k, title: `${shops[g]} shade ${k}`, brand: `maker ${g}`, categories: [["Beauty", shops[g]]] }));
  }
  const path = join(dir, "items.jsonl");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}
const contentFile = writeContentFile();

test("rec semantic-ids writes one line per item with its codes and reports usage, collisions and reconstruction", async () => {
  const out = join(dir, "sid.tsv");
  const r = await troveInProcess("rec", "semantic-ids", "--dataset", seqFile, "--format", "s3rec", "--items", contentFile, "--out", out,
    "--levels", "2", "--codes", "4", "--dims", "6", "--json");
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { items: number; stats: { codebookUsage: number[]; collisionRate: number; reconstructionError: number }; description: string };
  assert.equal(summary.items, 40);
  assert.equal(summary.stats.codebookUsage.length, 2);
  assert.ok(summary.stats.reconstructionError >= 0 && summary.stats.reconstructionError < 1);
  assert.match(summary.description, /rq-kmeans.*tfidf-svd/);
  const lines = readFileSync(out, "utf8").trim().split("\n").filter((l) => !l.startsWith("#"));
  assert.equal(lines[0], "item\tcodes\ttitle");
  assert.equal(lines.length, 41);
  const row = lines.find((l) => l.startsWith("100\t"))!;
  assert.match(row, /^100\t\d \d \d+\tnail polish lacquer shade 0$/);
  const codes = new Set(lines.slice(1).map((l) => l.split("\t")[1]));
  assert.equal(codes.size, 40, "IDs are unique");
  const text = await troveInProcess("rec", "semantic-ids", "--items", contentFile, "--out", join(dir, "sid2.tsv"), "--quantizer", "random", "--levels", "2", "--codes", "4", "--dims", "6");
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /40 items .*random codes/);
  assert.match(text.stdout, /reconstruction error: n\/a/);
  const missing = await troveInProcess("rec", "semantic-ids", "--dataset", seqFile, "--out", join(dir, "x.tsv"));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--items is required/);
  const badEmbedding = await troveInProcess("rec", "semantic-ids", "--items", contentFile, "--out", join(dir, "x.tsv"), "--embedding", "bert");
  assert.equal(badEmbedding.code, 2);
  assert.match(badEmbedding.stderr, /embedding must be "tfidf-svd" or "trove-encoder", got "bert"/);
});

test("eval rec --model tiger trains the generative model from --items, prints the same JSON keys, and the saved model serves rec recommend", async () => {
  const saved = join(dir, "tiger");
  const r = await troveInProcess(
    "eval", "rec", "--dataset", seqFile, "--format", "s3rec", "--items", contentFile, "--model", "tiger", "--epochs", "6", "--factors", "16",
    "--option", "levels=2", "--option", "codebookSize=4", "--option", "embeddingDims=6", "--option", "blocks=1", "--option", "beamSize=10",
    "--lr", "0.01", "--batch-size", "32", "--save", saved, "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { metrics: Record<string, number>; validation: Record<string, number>; options: { model: string }; training: { semanticIds: { description: string } }; protocol: string };
  for (const key of ["recall@5", "ndcg@5", "recall@10", "ndcg@10", "mrr@10"]) assert.ok(out.metrics[key] >= 0 && out.metrics[key] <= 1, key);
  assert.ok(out.validation["ndcg@10"] >= 0);
  assert.equal(out.options.model, "generative");
  assert.match(out.training.semanticIds.description, /tfidf-svd/);
  const recs = await troveInProcess("rec", "recommend", "--model-dir", saved, "--user", "u1", "--k", "3", "--json");
  assert.equal(recs.code, 0, recs.stderr);
  assert.equal((JSON.parse(recs.stdout) as { model: string; items: unknown[] }).items.length, 3);
  const noItems = await troveInProcess("eval", "rec", "--dataset", seqFile, "--format", "s3rec", "--model", "tiger", "--epochs", "1");
  assert.equal(noItems.code, 2);
  assert.match(noItems.stderr, /needs item content/);
});

test("eval rec --split cold-items --cold-fraction adds cold and warm objects with the same metric keys", async () => {
  const r = await troveInProcess("eval", "rec", "--dataset", seqFile, "--format", "s3rec", "--items", contentFile, "--model", "content-knn",
    "--option", "embeddingDims=6", "--split", "cold-items", "--cold-fraction", "0.2", "--split-seed", "3", "--json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { metrics: Record<string, number>; cold: Record<string, number>; warm: Record<string, number>; split: { coldItems: number; coldTestUsers: number; warmTestUsers: number }; options: { split: Record<string, unknown> } };
  assert.equal(out.split.coldItems, 8);
  assert.ok(out.split.coldTestUsers > 0 && out.split.warmTestUsers > 0);
  for (const key of ["recall@10", "ndcg@10", "recall@5", "ndcg@5", "mrr@10"]) {
    assert.ok(key in out.cold && key in out.warm, key);
  }
  assert.equal(out.options.split.strategy, "cold-items");
  assert.equal(out.options.split.coldFraction, 0.2);
  const table = await troveInProcess("eval", "rec", "--dataset", seqFile, "--format", "s3rec", "--model", "pop", "--split", "cold-items");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^test, cold targets \(\d+ users\)\s+0\s/m);
  assert.match(table.stdout, /^test, warm targets/m);
});
