/**
 * Sparse encoders against their references: the SPLADE encoder on the tiny random-weight masked-language
 * model of scripts/fixtures/make_tiny_rankers.py (vectors from the torch model, one text at a time, so
 * batching and padding must not change them); the inference-free encoder on a weight table.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { openSparseEncoder, parseSparseEncoderSpec, type SparseVector } from "./sparse-encoder.js";

const FIXTURES = fileURLToPath(new URL("../../../src/sparse/fixtures/", import.meta.url));
const SPLADE = join(FIXTURES, "tiny-splade");
const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as {
  short_max_length: number;
  cases: Array<{ text: string; ids: number[]; full: SparseVector; short: SparseVector }>;
};
const texts = expected.cases.map((c) => c.text);

function assertSameVector(actual: SparseVector, wanted: SparseVector, what: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(wanted).sort(), `${what}: terms`);
  for (const [term, weight] of Object.entries(wanted)) assert.ok(Math.abs(actual[term] - weight) <= 1e-5, `${what}: ${term} is ${actual[term]}, expected ${weight}`);
}

describe("SPLADE encoder", () => {
  test("max over tokens of log(1 + relu(logits)) equals the torch reference, batched and padded", async () => {
    const encoder = await openSparseEncoder({ type: "splade", path: SPLADE, batchSize: 4 });
    try {
      const vectors = await encoder.encode(texts);
      expected.cases.forEach((c, i) => assertSameVector(vectors[i], c.full, JSON.stringify(c.text)));
      assert.match(encoder.id, /^splade:tiny-splade maxLength=64$/);
    } finally {
      await encoder.close();
    }
  });

  test("truncation to maxLength, and maxTerms keeps the heaviest terms", async () => {
    const short = await openSparseEncoder({ type: "splade", path: SPLADE, maxLength: expected.short_max_length, batchSize: 3 });
    const capped = await openSparseEncoder({ type: "splade", path: SPLADE, maxTerms: 5 });
    try {
      const vectors = await short.encode(texts);
      expected.cases.forEach((c, i) => assertSameVector(vectors[i], c.short, `short ${JSON.stringify(c.text)}`));
      const [top] = await capped.encode([texts[0]]);
      const heaviest = Object.entries(expected.cases[0].full).sort((a, b) => b[1] - a[1]).slice(0, 5);
      assertSameVector(top, Object.fromEntries(heaviest), "top 5");
    } finally {
      await short.close();
      await capped.close();
    }
  });

  test("bad specs and model folders are refused with the place named", async () => {
    assert.throws(() => parseSparseEncoderSpec({ type: "splade" }, "pipeline.json: retrievers[0].encoder"), /pipeline\.json: retrievers\[0\]\.encoder: path/);
    assert.throws(() => parseSparseEncoderSpec({ type: "splade", path: "x", batch: 3 }, "spec"), /unknown setting "batch"/);
    assert.equal(parseSparseEncoderSpec({ type: "splade", path: "m" }, "spec", "/models").path, "/models/m");
    // a dense encoder folder's output is token states, not logits over the vocabulary
    const dense = fileURLToPath(new URL("../../../src/encoders/fixtures/tiny-bert", import.meta.url));
    await assert.rejects(openSparseEncoder({ type: "splade", path: dense }), { code: "INVALID_FILE", message: /expected masked-language-model logits/ });
    await assert.rejects(openSparseEncoder({ type: "splade", path: join(FIXTURES, "nope") }), { code: "NOT_FOUND" });
  });
});

describe("inference-free term weights", () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-idf-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("distinct tokens weighted by the table; absent tokens left out; errors name the file", async () => {
    cpSync(join(SPLADE, "tokenizer.json"), join(dir, "tokenizer.json"));
    writeFileSync(join(dir, "idf.json"), JSON.stringify({ semantic: 2.5, search: 1.25, "##ing": 0.5, the: 0 }));
    const encoder = await openSparseEncoder({ type: "term-weights", path: dir });
    const [a, b] = await encoder.encode(["Semantic search, semantic SEARCHING the", "xyz qv"]);
    assert.deepEqual(a, { semantic: 2.5, search: 1.25, "##ing": 0.5 });
    assert.deepEqual(b, {});
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ x: "1" }));
    await assert.rejects(openSparseEncoder({ type: "term-weights", path: dir, weightsFile: "bad.json" }), { code: "INVALID_FILE", message: /bad\.json.*"x" is not a finite number/ });
    await assert.rejects(openSparseEncoder({ type: "term-weights", path: dir, weightsFile: "none.json" }), { code: "NOT_FOUND", message: /none\.json is missing/ });
  });
});
