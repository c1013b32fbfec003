import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { writeModelFolder } from "../../encoders/trained/model-folder.js";
import { trainEncoder, trainingConfig } from "../../encoders/trained/train-encoder.js";
import { loadTrainingData } from "../../encoders/trained/training-data.js";
import { openTroveEncoder } from "../../encoders/trained/trove-encoder.js";
import { runCliInProcess } from "../testing.js";

const BIN = fileURLToPath(new URL("../../../../bin/trove.js", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../../../../src/encoders/fixtures/", import.meta.url));
const BERT = join(FIXTURES, "tiny-bert");
const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as {
  query_prefix: string;
  cases: Array<{ text: string; ids: number[]; query_ids: number[]; vectors: Record<string, number[]> }>;
};
const dir = mkdtempSync(join(tmpdir(), "trove-encode-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI as a child process, feeding `input` to its standard input. */
function trove(args: string[], input = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

function jsonl(rows: unknown[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join("");
}

function assertClose(actual: number[], wanted: number[], what: string): void {
  assert.equal(actual.length, wanted.length, what);
  actual.forEach((x, i) => assert.ok(Math.abs(x - wanted[i]) <= 1e-5, `${what}[${i}]: ${x} vs ${wanted[i]}`));
}

test("file to file with --tokens: ids and vectors equal the reference; the folder's pooling and Normalize apply", async () => {
  const input = join(dir, "texts.jsonl");
  const output = join(dir, "vectors.jsonl");
  writeFileSync(input, jsonl(expected.cases.map((c, i) => ({ id: `t${i}`, text: c.text, extra: "ignored" }))));
  const r = await runCliInProcess("encode", "--model", BERT, "--input", input, "--output", output, "--tokens", "--batch-size", "3");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /encode: 14 texts, 32 dimensions, onnx:tiny-bert pooling=mean normalize=true/);
  const rows = readFileSync(output, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { id: string; vector: number[]; input_ids: number[] });
  assert.deepEqual(rows.map((r) => r.id), expected.cases.map((_, i) => `t${i}`));
  rows.forEach((row, i) => {
    assert.deepEqual(row.input_ids, expected.cases[i].ids);
    assertClose(row.vector, expected.cases[i].vectors.mean_normalized, row.id);
  });
});

test("standard input to standard output, --pooling cls --no-normalize, --kind query with a prefix", async () => {
  const cases = expected.cases.slice(0, 3);
  const input = jsonl(cases.map((c, i) => ({ id: i, text: c.text })));
  const cls = await trove(["encode", "--model", BERT, "--pooling", "cls", "--no-normalize"], input);
  assert.equal(cls.code, 0, cls.stderr);
  const clsRows = cls.stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: number; vector: number[] });
  clsRows.forEach((row, i) => {
    assert.equal(row.id, i);
    assert.equal("input_ids" in row, false);
    assertClose(row.vector, cases[i].vectors.cls, `cls ${i}`);
  });
  const query = await trove(["encode", "--model", BERT, "--kind", "query", "--query-prefix", expected.query_prefix, "--tokens"], input);
  assert.equal(query.code, 0, query.stderr);
  query.stdout.trim().split("\n").forEach((l, i) => {
    const row = JSON.parse(l) as { vector: number[]; input_ids: number[] };
    assert.deepEqual(row.input_ids, cases[i].query_ids);
    assertClose(row.vector, cases[i].vectors.query_mean_normalized, `query ${i}`);
  });
});

test("a bad line names file:line, exits 2 and leaves an existing output untouched", async () => {
  const input = join(dir, "bad.jsonl");
  const output = join(dir, "kept.jsonl");
  writeFileSync(output, "previous\n");
  writeFileSync(input, jsonl([{ id: "a", text: "fine" }]) + '{"id": "b", "body": "no text"}\n');
  const r = await runCliInProcess("encode", "--model", BERT, "--input", input, "--output", output);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${input.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: field "text" must be a string, got nothing`));
  assert.equal(readFileSync(output, "utf8"), "previous\n");
  const stdin = await trove(["encode", "--model", BERT], '{"id": 1, "text": "ok"}\nnot json\n');
  assert.equal(stdin.code, 2);
  assert.match(stdin.stderr, /<stdin>:2: invalid JSON/);
});

test("flags that do not fit the model are refused; a missing folder is named", async () => {
  const noName = await runCliInProcess("encode", "--model", "http://127.0.0.1:9/v1");
  assert.equal(noName.code, 2);
  assert.match(noName.stderr, /--endpoint-model <name> is needed with an endpoint URL/);
  const pooling = await runCliInProcess("encode", "--model", "http://127.0.0.1:9/v1", "--endpoint-model", "m", "--pooling", "cls");
  assert.match(pooling.stderr, /--pooling does not apply to an endpoint/);
  const tokens = await runCliInProcess("encode", "--model", "http://127.0.0.1:9/v1", "--endpoint-model", "m", "--tokens");
  assert.match(tokens.stderr, /--tokens needs a local model folder/);
  const kind = await runCliInProcess("encode", "--model", BERT, "--kind", "passage");
  assert.match(kind.stderr, /--kind must be query or document, got "passage"/);
  const missing = await runCliInProcess("encode", "--model", join(dir, "no-such-model"), "--input", join(dir, "none.jsonl"));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /file not found: .*none\.jsonl/);
  const someInput = join(dir, "some.jsonl");
  writeFileSync(someInput, jsonl([{ id: 1, text: "x" }]));
  const noDir = await runCliInProcess("encode", "--model", BERT, "--input", someInput, "--output", join(dir, "no", "such", "out.jsonl"));
  assert.equal(noDir.code, 2);
  assert.match(noDir.stderr, /--output: folder .*no\/such does not exist/);
  const input = join(dir, "one.jsonl");
  writeFileSync(input, jsonl([{ id: 1, text: "x" }]));
  const noFolder = await runCliInProcess("encode", "--model", join(dir, "no-such-model"), "--input", input);
  assert.equal(noFolder.code, 2);
  assert.match(noFolder.stderr, /model folder .*no-such-model does not exist/);
  assert.equal(existsSync(join(dir, "no-such-model")), false);
});

test("an embeddings endpoint, and an encoder spec file with a relative path", async () => {
  const server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => (raw += chunk));
    request.on("end", () => {
      const body = JSON.parse(raw) as { model: string; input: string[] };
      const data = body.input.map((text, index) => ({ index, embedding: [text.length, body.model.length] }));
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const input = join(dir, "hello.jsonl");
    writeFileSync(input, jsonl([{ id: "x", text: "hello" }]));
    const r = await runCliInProcess("encode", "--model", url, "--endpoint-model", "abcd", "--no-normalize", "--document-prefix", "d: ", "--input", input);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { id: "x", vector: [8, 4] });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  const specFile = join(dir, "encoder.json");
  writeFileSync(specFile, JSON.stringify({ type: "onnx", path: relative(dir, BERT), pooling: "last", normalize: false }));
  const input = join(dir, "first.jsonl");
  writeFileSync(input, jsonl([{ id: 1, text: expected.cases[0].text }]));
  const r = await runCliInProcess("encode", "--model", specFile, "--input", input);
  assert.equal(r.code, 0, r.stderr);
  assertClose((JSON.parse(r.stdout) as { vector: number[] }).vector, expected.cases[0].vectors.last, "spec file");
});

test("a folder that `trove encoder train` wrote is recognised and encoded by the trained encoder", async () => {
  const topics = ["dense retrieval with vectors", "sparse lexical matching", "graph neural networks", "protein folding structure"];
  const documents = Array.from({ length: 40 }, (_, i) => ({ id: `d${i}`, title: `${topics[i % 4]} ${i}`, text: `${topics[i % 4]} study number ${i} with results` }));
  const data = await loadTrainingData({ type: "documents", name: "tiny", documents });
  const result = await trainEncoder(data, trainingConfig({ training: { dimensions: 16, epochs: 1, batchSize: 16, patience: 0, validationDocuments: 0 } }));
  const folder = join(dir, "trained");
  writeModelFolder(folder, result);
  const input = join(dir, "trained-input.jsonl");
  writeFileSync(input, jsonl([{ id: "q", text: "dense vectors" }]));
  const r = await runCliInProcess("encode", "--model", folder, "--input", input);
  assert.equal(r.code, 0, r.stderr);
  const encoder = await openTroveEncoder({ type: "trove", path: folder });
  const [wanted] = await encoder.encode(["dense vectors"]);
  await encoder.close();
  assertClose((JSON.parse(r.stdout) as { vector: number[] }).vector, [...wanted], "trained");
  const refused = await runCliInProcess("encode", "--model", folder, "--pooling", "cls", "--input", input);
  assert.match(refused.stderr, /--pooling does not apply to a trained Trove encoder/);
});
