import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { readBeirCorpus } from "../../eval/beir.js";
import { openStore } from "../../store/open-store.js";

const BIN = join(process.cwd(), "bin", "trove.js");
const SCIFACT = join(process.cwd(), "..", "shared", "datasets", "scifact");
const dir = mkdtempSync(join(tmpdir(), "trove-encoder-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function trove(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => {
      stderr += c;
      onStderr?.(stderr, child);
    });
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

async function writeBeir(count: number): Promise<string> {
  const beir = join(dir, `beir-${count}`);
  mkdirSync(join(beir, "qrels"), { recursive: true });
  const docs: string[] = [];
  for await (const doc of readBeirCorpus(SCIFACT)) {
    docs.push(JSON.stringify({ _id: doc.id, title: doc.title, text: doc.text }));
    if (docs.length === count) break;
  }
  writeFileSync(join(beir, "corpus.jsonl"), docs.join("\n"));
  writeFileSync(join(beir, "queries.jsonl"), "");
  return beir;
}

test("trove encoder train --dataset writes a model folder and a summary; an existing folder needs --overwrite", async () => {
  const beir = await writeBeir(200);
  const out = join(dir, "model");
  const args = ["encoder", "train", "--dataset", beir, "--out", out, "--dimensions", "16", "--epochs", "2", "--batch-size", "32"];
  const first = await trove(args);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /trained encoder written to/);
  assert.match(first.stdout, /pairs per epoch: \d+ title-body, \d+ inverse-cloze, 0 query-judgment/);
  assert.match(first.stdout, /validation: mrr@10/);
  assert.match(first.stderr, /epoch 2: loss/);
  assert.deepEqual(readdirSync(out).sort(), ["config.json", "vocabulary.txt", "weights.f32"]);
  const again = await trove(args);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists; pass --overwrite/);
  const info = await trove(["encoder", "info", out]);
  assert.match(info.stdout, /16 dimensions/);
  const missing = await trove(["encoder", "train", "--dataset", join(dir, "nowhere"), "--out", join(dir, "m2")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /BEIR dataset directory not found/);
});

test("trove encoder train --collection learns from a store collection's fields", async () => {
  const data = join(dir, "store");
  const store = await openStore(data);
  await store.createCollection("papers", { fields: { title: { type: "text" }, abstract: { type: "text" } } });
  const records = [];
  for await (const doc of readBeirCorpus(SCIFACT)) {
    records.push({ id: doc.id, title: doc.title, abstract: doc.text });
    if (records.length === 150) break;
  }
  await store.putRecords("papers", records);
  await store.close();
  const out = join(dir, "papers-model");
  const r = await trove(["encoder", "train", "--data", data, "--collection", "papers", "--fields", "title,abstract", "--out", out, "--dimensions", "16", "--epochs", "1"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /150 documents of papers/);
  const bad = await trove(["encoder", "train", "--data", data, "--collection", "papers", "--fields", "title,body", "--out", join(dir, "x")]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no field "body"/);
});

test("Ctrl-C during trove encoder train stops it and leaves no output folder", async () => {
  const beir = await writeBeir(400);
  const out = join(dir, "interrupted");
  let sent = false;
  const r = await trove(["encoder", "train", "--dataset", beir, "--out", out, "--dimensions", "64", "--epochs", "500", "--patience", "0", "--batch-size", "16"], (stderr, child) => {
    if (!sent && /vocabulary:/.test(stderr)) {
      sent = true;
      child.kill("SIGINT");
    }
  });
  assert.ok(sent, r.stderr);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted; nothing was written/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir).filter((name) => name.includes("interrupted")), []);
});
