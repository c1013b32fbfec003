import { test } from "node:test";
import assert from "node:assert/strict";
import { Bm25TermWeight, bm25AvgFieldLength, bm25Idf, validateBm25 } from "./bm25.js";

test("idf follows Lucene's formula, rounded to float", () => {
  // N = 10, n = 2: ln(1 + 8.5 / 2.5) = ln(4.4)
  assert.equal(bm25Idf(2, 10), Math.fround(Math.log(4.4)));
});

test("score matches idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)) for an exact length", () => {
  const params = { k1: 0.9, b: 0.4 };
  // 10 docs with the field, 100 tokens in all -> avgdl 10; doc length 5 (stored exactly), tf 2, df 2
  const weight = new Bm25TermWeight(params, 1, 2, 10, 100);
  assert.equal(weight.avgdl, 10);
  const expected = Math.log(4.4) * (2 / (2 + 0.9 * (1 - 0.4 + (0.4 * 5) / 10)));
  const got = weight.score(2, 5);
  assert.ok(Math.abs(got - expected) < 1e-6, `${got} vs ${expected}`);
  // float semantics: the result is representable as a 32-bit float
  assert.equal(got, Math.fround(got));
});

test("boost multiplies the weight; avgdl is rounded to float", () => {
  const a = new Bm25TermWeight({ k1: 1.2, b: 0.75 }, 1, 3, 7, 50);
  const b = new Bm25TermWeight({ k1: 1.2, b: 0.75 }, 2, 3, 7, 50);
  assert.ok(Math.abs(b.score(1, 6) - 2 * a.score(1, 6)) < 1e-6);
  assert.equal(bm25AvgFieldLength(50, 7), Math.fround(50 / 7));
});

test("invalid parameters are rejected with a message naming them", () => {
  assert.throws(() => validateBm25({ k1: -1, b: 0.4 }), /k1/);
  assert.throws(() => validateBm25({ k1: 1, b: 1.5 }), /b must be between 0 and 1/);
});
