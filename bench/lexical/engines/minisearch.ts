/**
 * MiniSearch: an in-memory inverted index (a radix tree of terms mapping to
 * per-field Maps of doc -> tf). Its default tokenizer splits on Unicode
 * spaces and punctuation; we add English analysis through processTerm. It
 * scores BM25 per field and then multiplies by the number of matched query
 * terms (a built-in coordination factor that cannot be turned off), and it
 * ranks every match before we take the top k.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import MiniSearch from "minisearch";
import { processEnglishTerm } from "../analysis.js";
import { packageVersion, type BenchDoc, type EngineFactory, type Hit, type LexicalEngine } from "../engine.js";

export const createEngine: EngineFactory = async ({ indexDir, bm25 }) => {
  const index = new MiniSearch<BenchDoc>({
    idField: "id",
    fields: ["title", "text"],
    storeFields: [],
    processTerm: (term) => processEnglishTerm(term),
    searchOptions: { combineWith: "OR", prefix: false, fuzzy: false, bm25: { k: bm25.k1, b: bm25.b, d: 0 } },
  });
  const engine: LexicalEngine = {
    name: "minisearch",
    version: `minisearch ${packageVersion("minisearch")}`,
    setup:
      `default tokenizer (split on Unicode space/punctuation); processTerm: lowercase, Lucene's 33 English stop words, Porter stemmer; ` +
      `fields title, text; BM25 k=${bm25.k1} b=${bm25.b} d=0 per field, summed, times matched-term count (built in); OR; no prefix/fuzzy`,
    add(batch) {
      index.addAll(batch);
    },
    async commit() {},
    async persist() {
      const json = JSON.stringify(index);
      writeFileSync(join(indexDir, "minisearch.json"), json);
      return { bytes: Buffer.byteLength(json), how: "JSON.stringify(index) written to a file" };
    },
    search(query, k) {
      const results = index.search(query);
      const hits: Hit[] = [];
      for (let i = 0; i < Math.min(k, results.length); i++) hits.push({ id: String(results[i].id), score: results[i].score });
      return hits;
    },
    async close() {},
  };
  return engine;
};
