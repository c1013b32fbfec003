/**
 * The cross-encoder against the torch reference of scripts/fixtures/make_tiny_rankers.py: a tiny
 * random-weight BERT with a one-logit classification head. Token ids and type ids of each (query,
 * document) pair follow Hugging Face's pair template and longest-first truncation (at the model's 64
 * tokens and at 20); logits equal the reference's to 1e-5 whatever the batch size.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { openCrossEncoder } from "./cross-encoder.js";

const FIXTURES = fileURLToPath(new URL("../../../src/rerank/fixtures/", import.meta.url));
const MODEL = join(FIXTURES, "tiny-cross-encoder");
interface Side {
  ids: number[];
  type_ids: number[];
  logit: number;
}
const cases = (JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as { cross_encoder: Array<{ query: string; document: string; full: Side; short: Side }> }).cross_encoder;
const pairs = cases.map((c) => [c.query, c.document] as const);

for (const [key, maxLength] of [["full", undefined], ["short", 20]] as const) {
  test(`pairs as the reference tokenizes them, and logits to 1e-5 (${key}, max length ${maxLength ?? 64})`, async () => {
    const encoder = await openCrossEncoder({ path: MODEL, maxLength, batchSize: 7 });
    try {
      const rows = await encoder.tokenize(pairs);
      cases.forEach((c, i) => {
        assert.deepEqual([...rows[i].ids], c[key].ids, `${c.query} | ${c.document}`);
        assert.deepEqual([...rows[i].typeIds], c[key].type_ids);
      });
      const scores = await encoder.scorePairs(pairs);
      cases.forEach((c, i) => assert.ok(Math.abs(scores[i] - c[key].logit) <= 1e-5, `pair ${i}: ${scores[i]} vs ${c[key].logit}`));
    } finally {
      await encoder.close();
    }
  });
}

test("score(query, documents) in order; batch size does not matter; sigmoid; a label the head lacks is refused", async () => {
  const one = await openCrossEncoder({ path: MODEL, batchSize: 1, activation: "sigmoid" });
  const many = await openCrossEncoder({ path: MODEL, batchSize: 64 });
  try {
    const query = cases[0].query;
    const documents = cases.filter((c) => c.query === query).map((c) => c.document);
    const raw = await many.score(query, documents);
    const squashed = await one.score(query, documents);
    documents.forEach((_, i) => {
      assert.ok(Math.abs(raw[i] - cases[i].full.logit) <= 1e-5);
      assert.ok(Math.abs(squashed[i] - 1 / (1 + Math.exp(-cases[i].full.logit))) <= 1e-6);
    });
    assert.equal(many.id, "cross-encoder:tiny-cross-encoder maxLength=64");
  } finally {
    await one.close();
    await many.close();
  }
  await assert.rejects(openCrossEncoder({ path: MODEL, label: 1 }), /label 1 does not exist; the model has 1 label/);
  await assert.rejects(openCrossEncoder({ path: MODEL, activation: "tanh" as "none" }), /activation/);
  const dense = fileURLToPath(new URL("../../../src/encoders/fixtures/tiny-bert", import.meta.url));
  await assert.rejects(openCrossEncoder({ path: dense }), { code: "INVALID_FILE", message: /expected classification logits/ });
});
