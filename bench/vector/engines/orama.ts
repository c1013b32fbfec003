/**
 * Orama's vector search as a benchmark engine: documents with a vector[d]
 * property and an `eligible` boolean, inserted in batches; a query is an exact
 * cosine scan in JavaScript (similarity threshold 0: every vector with a
 * positive cosine is a candidate, which includes every true top-10 here).
 * Filtered queries use Orama's where clause, applied before the scan. It has no
 * persisted form worth timing here, so it runs build and queries in one process.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { VectorEngine } from "../engine.js";

const require = createRequire(import.meta.url);

export async function createEngine(): Promise<VectorEngine> {
  const orama = await import("@orama/orama");
  const version = (JSON.parse(readFileSync(require.resolve("@orama/orama/package.json"), "utf8")) as { version: string }).version;
  let db: unknown = null;
  type Hits = { hits: Array<{ id: string }> };
  const ids = (result: Hits) => result.hits.map((h) => Number(h.id));
  const run = (params: object): ArrayLike<number> | Promise<ArrayLike<number>> => {
    const result = orama.search(db as never, params as never) as unknown as Hits | Promise<Hits>;
    return result instanceof Promise ? result.then(ids) : ids(result);
  };
  return {
    version: `@orama/orama ${version}`,
    setup: "vector property, exact cosine scan (similarity >= 0), where-filter for filtered queries",
    filterHow: "in search (where clause narrows the scan)",
    async build(spec) {
      db = orama.create({ schema: { v: `vector[${spec.dimensions}]`, eligible: "boolean" } as const });
      const bytes = readFileSync(spec.dataPath);
      const all = new Float32Array(bytes.buffer, bytes.byteOffset, spec.count * spec.dimensions);
      const accept = readFileSync(spec.acceptPath);
      const started = performance.now();
      const batch = 1000;
      for (let first = 0; first < spec.count; first += batch) {
        const docs = [];
        for (let i = first; i < Math.min(spec.count, first + batch); i++) {
          docs.push({ id: String(i), v: Array.from(all.subarray(i * spec.dimensions, (i + 1) * spec.dimensions)), eligible: accept[i] === 1 });
        }
        const r = orama.insertMultiple(db as never, docs as never);
        if (r instanceof Promise) await r;
        if ((performance.now() - started) / 1000 > spec.buildBudgetSeconds) {
          throw new Error(`build stopped after ${first + batch} of ${spec.count} vectors: over the ${spec.buildBudgetSeconds} s budget`);
        }
      }
    },
    async persist() {
      return null;
    },
    memoryBytes: () => null,
    search(query, k) {
      return run({ mode: "vector", vector: { value: query, property: "v" }, similarity: 0, limit: k, includeVectors: false });
    },
    searchFiltered(query, k) {
      return run({ mode: "vector", vector: { value: query, property: "v" }, similarity: 0, limit: k, includeVectors: false, where: { eligible: true } });
    },
  };
}
