/**
 * Orama: an in-memory engine whose text index is a radix tree per property
 * with postings, frequencies and field lengths kept in nested plain objects.
 * English tokenizer (its own splitter, lowercase, diacritics folding),
 * English stemmer, and Lucene's 33 stop words. A search term also matches
 * every indexed word that starts with it (Orama's only non-prefix mode,
 * `exact`, is a case-sensitive post-filter on the raw text, so it is not
 * used). threshold 1 = OR semantics (all matching documents ranked).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { create, insert, search } from "@orama/orama";
import { persist } from "@orama/plugin-data-persistence";
import { ENGLISH_STOP_WORDS } from "../analysis.js";
import { packageVersion, type EngineFactory, type Hit, type LexicalEngine } from "../engine.js";

export const createEngine: EngineFactory = async ({ indexDir, bm25 }) => {
  // `id` is not in the schema: Orama takes a document's string `id` as its key without indexing it.
  const db = create({
    schema: { title: "string", text: "string" } as const,
    components: { tokenizer: { language: "english", stemming: true, stopWords: [...ENGLISH_STOP_WORDS] } },
  });
  const relevance = { k: bm25.k1, b: bm25.b, d: 0 };
  const engine: LexicalEngine = {
    name: "orama",
    version: `@orama/orama ${packageVersion("@orama/orama")}`,
    setup:
      `Orama English tokenizer + its English (Porter) stemmer, Lucene's 33 stop words; properties title, text; ` +
      `BM25 k=${bm25.k1} b=${bm25.b} d=0 per property, summed; threshold 1 (OR); terms match as prefixes (Orama default)`,
    async add(batch) {
      for (const doc of batch) {
        const r = insert(db, doc);
        if (r instanceof Promise) await r;
      }
    },
    async commit() {},
    async persist() {
      const data = await persist(db, "binary");
      const path = join(indexDir, "orama.msp");
      writeFileSync(path, typeof data === "string" ? data : Buffer.from(data as ArrayBuffer));
      const bytes = typeof data === "string" ? Buffer.byteLength(data) : (data as ArrayBuffer).byteLength;
      return { bytes, how: "@orama/plugin-data-persistence persist(db, 'binary') (msgpack as hex) written to a file" };
    },
    search(query, k) {
      const r = search(db, { term: query, properties: ["title", "text"], limit: k, threshold: 1, relevance });
      const toHits = (res: { hits: Array<{ id: string; score: number }> }): Hit[] => res.hits.map((h) => ({ id: h.id, score: h.score }));
      return r instanceof Promise ? r.then(toHits) : toHits(r);
    },
    async close() {},
  };
  return engine;
};
