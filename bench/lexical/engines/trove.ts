/**
 * Trove's lexical engine: immutable on-disk segments (bit-packed postings in
 * blocks of 128 with block-max impacts), Lucene's BM25 and English analyzer,
 * MaxScore top-k. Queries run as plain bags of words (operators off), like
 * the peers'. The harness builds the index in one process and queries it in
 * another that opens it from disk (openEngine), as a started server would.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SearchIndex } from "../../../src/engine/search-index.js";
import { PROJECT_ROOT, type Bm25Settings, type EngineFactory, type Hit, type LexicalEngine } from "../engine.js";

function directoryBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return bytes;
}

function projectVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version?: string }).version ?? "?";
  } catch {
    return "?";
  }
}

function wrap(index: SearchIndex, dir: string, bm25: Bm25Settings): LexicalEngine {
  return {
    name: "trove",
    version: `trove ${projectVersion()} (working tree)`,
    setup: `"english" analyzer (Lucene StandardTokenizer rules, possessive filter, lowercase, 33 stop words, Porter); fields title, text; BM25 k1=${bm25.k1} b=${bm25.b} per field, summed; plain bag-of-words query; MaxScore top-k`,
    add(batch) {
      index.addDocuments(batch as unknown as Iterable<Record<string, unknown>>);
    },
    async commit() {
      await index.commit();
    },
    async persist() {
      return { bytes: directoryBytes(dir), how: "index directory (segments + manifest)" };
    },
    search(query, k) {
      const result = index.search(query, { k, syntax: "plain" });
      const hits: Hit[] = result.hits.map((h: Hit) => ({ id: h.id, score: h.score }));
      return hits;
    },
    async close() {
      await index.close();
    },
  };
}

export const createEngine: EngineFactory = async ({ indexDir, bm25 }) => {
  const dir = join(indexDir, "trove");
  const index = await SearchIndex.create(dir, {
    idField: "id",
    fields: { title: { type: "text" }, text: { type: "text" } },
    bm25: { k1: bm25.k1, b: bm25.b },
  });
  return wrap(index, dir, bm25);
};

export const openEngine: EngineFactory = async ({ indexDir, bm25 }) => {
  const dir = join(indexDir, "trove");
  return wrap(await SearchIndex.open(dir), dir, bm25);
};
