/**
 * usearch (npm, C++ HNSW with SIMD) as a benchmark engine. Its JavaScript
 * binding fixes the search beam (expansion_search) when an index object is
 * made, so each efSearch opens the saved file into a new index object. It has
 * no filter inside the search: filtered queries take the top POST_FILTER_K
 * and keep the eligible hits.
 */
import { createRequire } from "node:module";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { POST_FILTER_K, type VectorBenchSpec, type VectorEngine } from "../engine.js";

interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(vector: Float32Array, k: number, threads: number): { keys: BigUint64Array };
  save(path: string): void;
  load(path: string): void;
}
type UsearchModule = { Index: new (config: object) => UsearchIndex };

const require = createRequire(import.meta.url);
const gc = (globalThis as { gc?: () => void }).gc;

export async function createEngine(): Promise<VectorEngine> {
  const usearch = require("usearch") as UsearchModule;
  const version = packageVersion(require.resolve("usearch"));
  let index: UsearchIndex | null = null;
  let indexEf = -1;
  let spec: VectorBenchSpec | null = null;
  const path = (s: VectorBenchSpec) => join(s.indexDir, "usearch.idx");
  const make = (s: VectorBenchSpec, ef: number) =>
    new usearch.Index({ dimensions: s.dimensions, metric: "cos", quantization: "f32", connectivity: s.m, expansion_add: s.efConstruction, expansion_search: ef });
  const at = (ef: number): UsearchIndex => {
    if (ef !== indexEf) {
      index = null;
      gc?.();
      index = make(spec!, ef);
      index.load(path(spec!));
      indexEf = ef;
    }
    return index!;
  };
  const toOrds = (keys: BigUint64Array) => Array.from(keys, Number);
  return {
    version: `usearch ${version}`,
    setup: "HNSW connectivity=16, f32, cosine, one thread (add and search)",
    filterHow: `post-filter (top ${POST_FILTER_K}, eligible kept): no filter inside the search in the JS binding`,
    async build(s) {
      spec = s;
      index = make(s, 64);
      const rows = 20000;
      const bytes = readFileSync(s.dataPath);
      const all = new Float32Array(bytes.buffer, bytes.byteOffset, s.count * s.dimensions);
      for (let first = 0; first < s.count; first += rows) {
        const n = Math.min(rows, s.count - first);
        const keys = new BigUint64Array(n);
        for (let i = 0; i < n; i++) keys[i] = BigInt(first + i);
        index.add(keys, all.subarray(first * s.dimensions, (first + n) * s.dimensions), 1);
      }
    },
    async persist(s) {
      index!.save(path(s));
      return { bytes: statSync(path(s)).size, how: "index.save (graph + float32 vectors)" };
    },
    async open(s) {
      spec = s;
      at(s.efSearch[0]);
    },
    memoryBytes: () => null,
    search(query, k, ef) {
      return toOrds(at(ef).search(query, k, 1).keys);
    },
    searchFiltered(query, k, ef, accept) {
      const ords = toOrds(at(ef).search(query, Math.max(k, POST_FILTER_K), 1).keys);
      return ords.filter((o) => accept[o] === 1).slice(0, k);
    },
  };
}

/** The version in the nearest package.json above `file` (usearch's exports hide its package.json). */
export function packageVersion(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, "package.json");
    if (existsSync(path)) {
      const pkg = JSON.parse(readFileSync(path, "utf8")) as { name?: string; version?: string };
      if (pkg.name && pkg.version) return pkg.version;
    }
  }
  return "unknown";
}
