/**
 * FlexSearch: an in-memory index that ranks by where a term occurs in the
 * content ("resolution" slots), not by BM25, so its quality figures are not
 * comparable on scoring. One index over "title text" with FlexSearch's own
 * English language pack (its stop list and suffix stemmer). `suggest: true`
 * lets documents that miss some query terms match (OR-like); without it a
 * multi-word query is an AND.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Charset, Encoder, Index } from "flexsearch";
import EnglishPreset from "flexsearch/lang/en";
import { packageVersion, type EngineFactory, type Hit, type LexicalEngine } from "../engine.js";

export const createEngine: EngineFactory = async ({ indexDir }) => {
  const index = new Index({ tokenize: "strict", encoder: new Encoder(Charset.Default).assign(EnglishPreset), fastupdate: false, cache: false });
  const engine: LexicalEngine = {
    name: "flexsearch",
    version: `flexsearch ${packageVersion("flexsearch")}`,
    setup: `Index (tokenize "strict") over title + " " + text; Charset.Default + FlexSearch English pack (stop list, suffix stemmer); positional "resolution" scoring, no BM25; suggest: true; scores = k - rank`,
    add(batch) {
      for (const doc of batch) index.add(doc.id, `${doc.title} ${doc.text}`);
    },
    async commit() {},
    async persist() {
      const dir = join(indexDir, "flexsearch");
      mkdirSync(dir, { recursive: true });
      let bytes = 0;
      let n = 0;
      await index.export((key: string, data: string) => {
        const body = data ?? "";
        writeFileSync(join(dir, `${n++}-${key}`), body);
        bytes += Buffer.byteLength(body);
      });
      return { bytes, how: "index.export() chunks written to files" };
    },
    search(query, k) {
      const ids = index.search(query, { limit: k, suggest: true }) as Array<string | number>;
      const hits: Hit[] = ids.map((id, rank) => ({ id: String(id), score: k - rank }));
      return hits;
    },
    async close() {},
  };
  return engine;
};
