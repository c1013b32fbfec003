/**
 * Late interaction against the torch reference of scripts/fixtures/make_tiny_rankers.py: ColBERT's query
 * and document tokenization (markers after [CLS], queries padded with [MASK] that attention does not see,
 * punctuation left out of documents), the tiny BERT's token states projected by the folder's Dense
 * module (safetensors) and normalized, equal to 1e-5; MaxSim scores equal to the reference's.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { maxSim, openLateInteractionModel, type TokenVectors } from "./late-interaction.js";

const FIXTURES = fileURLToPath(new URL("../../../src/rerank/fixtures/", import.meta.url));
const MODEL = join(FIXTURES, "tiny-colbert");
interface Text {
  text: string;
  ids: number[];
  mask?: number[];
  kept?: number[];
  vectors: number[][];
}
const expected = (JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as { colbert: { queries: Text[]; documents: Text[]; scores: number[][] } }).colbert;

function assertVectors(actual: TokenVectors, wanted: number[][], what: string): void {
  assert.equal(actual.count, wanted.length, `${what}: token count`);
  wanted.forEach((row, t) => row.forEach((x, d) => assert.ok(Math.abs(actual.data[t * actual.dimensions + d] - x) <= 1e-5, `${what}: token ${t} dim ${d}: ${actual.data[t * actual.dimensions + d]} vs ${x}`)));
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test("query and document tokens as ColBERT makes them; projected, normalized vectors equal the reference; MaxSim too", async () => {
  const model = await openLateInteractionModel({ path: MODEL, batchSize: 2 });
  try {
    assert.equal(model.dimensions, 16);
    const queryRows = await model.rows(expected.queries.map((q) => q.text), "query");
    expected.queries.forEach((q, i) => {
      assert.deepEqual([...queryRows[i].ids], q.ids, `query ${JSON.stringify(q.text)}`);
      assert.deepEqual([...queryRows[i].mask!], q.mask);
    });
    const documentRows = await model.rows(expected.documents.map((d) => d.text), "document");
    expected.documents.forEach((d, i) => assert.deepEqual([...documentRows[i].ids], d.ids, `document ${JSON.stringify(d.text.slice(0, 30))}`));
    const queries = await model.encodeQueries(expected.queries.map((q) => q.text));
    const documents = await model.encodeDocuments(expected.documents.map((d) => d.text));
    expected.queries.forEach((q, i) => assertVectors(queries[i], q.vectors, `query ${i}`));
    expected.documents.forEach((d, i) => assertVectors(documents[i], d.vectors, `document ${i}`));
    expected.scores.forEach((row, q) => row.forEach((score, d) => assert.ok(Math.abs(maxSim(queries[q], documents[d]) - score) <= 1e-4, `score ${q},${d}`)));
  } finally {
    await model.close();
  }
});

test("settings from the spec override the folder's; a missing Dense weight file and an unknown marker are named", async () => {
  const attend = await openLateInteractionModel({ path: MODEL, attendToMaskTokens: true, queryMaxLength: 8 });
  try {
    const [row] = await attend.rows(["semantic search"], "query");
    assert.equal(row.ids.length, 8);
    assert.deepEqual([...row.mask!], [1, 1, 1, 1, 1, 1, 1, 1]);
    // attending to the [MASK] tokens changes the vectors
    const [changed] = await attend.encodeQueries(["semantic search"]);
    assert.notDeepEqual([...changed.data.subarray(0, 16)], expected.queries[0].vectors[0]);
  } finally {
    await attend.close();
  }
  const dir = mkdtempSync(join(tmpdir(), "trove-colbert-"));
  dirs.push(dir);
  cpSync(MODEL, join(dir, "m"), { recursive: true });
  rmSync(join(dir, "m", "1_Dense", "model.safetensors"));
  await assert.rejects(openLateInteractionModel({ path: join(dir, "m") }), { code: "NOT_FOUND", message: /1_Dense\/model\.safetensors is missing/ });
  await assert.rejects(openLateInteractionModel({ path: MODEL, queryMarker: "[Q]" }), /query marker "\[Q\]" is not in tokenizer\.json/);
  cpSync(MODEL, join(dir, "n"), { recursive: true });
  writeFileSync(join(dir, "n", "1_Dense", "config.json"), JSON.stringify({ in_features: 32, out_features: 8, bias: false }));
  await assert.rejects(openLateInteractionModel({ path: join(dir, "n") }), /expected a tensor linear\.weight of shape \[8, 32\]/);
});

test("MaxSim sums each query token's best match", () => {
  const q: TokenVectors = { count: 2, dimensions: 2, data: Float32Array.from([1, 0, 0, 1]) };
  const d: TokenVectors = { count: 3, dimensions: 2, data: Float32Array.from([0.6, 0.8, 1, 0, 0, -1]) };
  assert.ok(Math.abs(maxSim(q, d) - (1 + 0.8)) < 1e-6);
  assert.equal(maxSim(q, { count: 0, dimensions: 2, data: new Float32Array(0) }), 0);
});
