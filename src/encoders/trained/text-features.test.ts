import { test } from "node:test";
import assert from "node:assert/strict";
import { PairTable } from "./pair-table.js";
import { DEFAULT_FEATURE_SETTINGS, DocumentFrequencies, FeatureBuffer, FeatureVocabulary, analyzeText } from "./text-features.js";
import { splitSentences } from "./training-corpus.js";
import { getAnalyzer } from "../../text/registry.js";

const analyzer = getAnalyzer("english");
const texts = ["Dense retrieval of cells", "Dense retrieval with the cells", "dense cells", "sparse retrieval of genes"];

function vocabulary(settings = {}): FeatureVocabulary {
  const df = new DocumentFrequencies();
  for (const t of texts) df.add([analyzeText(analyzer, t, 100)]);
  return FeatureVocabulary.build({ ...DEFAULT_FEATURE_SETTINGS, ...settings }, df);
}

test("words in at least minWordDf documents get rows, most frequent first, weighted by BM25's idf", () => {
  const v = vocabulary();
  // dens 3, cell 3, retriev 3 documents; "spars", "gene" only 1 (no row)
  assert.deepEqual([...v.terms].sort(), ["cell", "dens", "retriev"]);
  const idf = Math.log(1 + (4 - 3 + 0.5) / (3 + 0.5));
  assert.ok(Math.abs(v.idf[0] - idf) < 1e-6);
  assert.equal(v.bigramCount, 0);
});

test("a term repeated t times weighs idf·√t in total (tf: sqrt), idf·t with tf: raw", () => {
  for (const tf of ["sqrt", "raw"] as const) {
    const v = vocabulary({ tf });
    const out = new FeatureBuffer();
    v.featurize(v.analyze("cells cells cells cells genes"), out);
    assert.equal(out.length, 4, "unknown words are skipped");
    const total = Array.from(out.weights.subarray(0, out.length)).reduce((a, b) => a + b, 0);
    const idf = v.idf[v.terms.indexOf("cell")];
    assert.ok(Math.abs(total - idf * (tf === "sqrt" ? 2 : 4)) < 1e-5, `${tf}: ${total}`);
  }
});

test("bigrams join adjacent words or words one stop word apart, when both words have rows", () => {
  const v = vocabulary({ minBigramDf: 2 });
  // "dens retriev" is in 2 documents; "retriev cell" only in 1 ("with the" is two stop words, "of" one)
  assert.deepEqual(v.terms.slice(v.wordCount), ["dens retriev"]);
  const rows = (text: string) => Array.from(v.rowsOf(v.analyze(text)), (r) => v.terms[r]);
  assert.deepEqual(rows("dense retrieval"), ["dens", "retriev", "dens retriev"]);
  assert.deepEqual(rows("dense of retrieval"), ["dens", "retriev", "dens retriev"], "one stop word between");
  assert.deepEqual(rows("dense of the retrieval"), ["dens", "retriev"], "two stop words between");
  // a saved vocabulary reads back to the same rows
  const again = new FeatureVocabulary(v.settings, v.terms, v.wordCount, v.idf);
  assert.deepEqual(again.rowsOf(again.analyze("dense retrieval of cells")), v.rowsOf(v.analyze("dense retrieval of cells")));
});

test("PairTable: get, set, increment and growth", () => {
  const table = new PairTable(2);
  for (let i = 0; i < 1000; i++) table.set(i, i * 7, i);
  table.increment(3, 21, 5);
  table.increment(5000, 1);
  assert.equal(table.get(3, 21), 8);
  assert.equal(table.get(999, 6993), 999);
  assert.equal(table.get(5000, 1), 1);
  assert.equal(table.get(21, 3), -1);
  assert.equal(table.size, 1001);
  let sum = 0;
  table.forEach((_a, _b, value) => (sum += value));
  assert.equal(sum, (999 * 1000) / 2 + 5 + 1);
});

test("sentences split at . ! ? before a capital, digit or bracket, not inside numbers or abbreviations in lower case", () => {
  assert.deepEqual(splitSentences("We test 2.5 mg. Results improved! Why? (See above.) 3 cases e.g. this one."), [
    "We test 2.5 mg.",
    "Results improved!",
    "Why?",
    "(See above.)",
    "3 cases e.g. this one.",
  ]);
  assert.deepEqual(splitSentences("   "), []);
});
