/**
 * Measurements behind the vector index's constants (docs/vector-search.md,
 * "How the constants were chosen"), on seeded clustered vectors, in CPU time of
 * this process (a busy machine stretches wall time, much less CPU time):
 *
 *   node dist/bench/vector/tuning.js [--quick]
 *
 * 1. Flat threshold: exact scan against graph search (at the smallest efSearch
 *    reaching recall@10 >= 0.95) and graph build cost, per vector count.
 * 2. Filtered search: at each selectivity, the graph search alone (no scan
 *    fallback) against the exact scan of the eligible ordinals: recall, cost,
 *    distance evaluations; the cost ratio gives the visit limit per eligible ordinal.
 * 3. Merge seeding: a merged index built from the largest input's graph
 *    (with 5% of it deleted) against a fresh build: build CPU and recall.
 */
import { SeededRandom } from "../../src/core/random.js";
import { AnnIndexReader, ExactSearcher, buildAnnIndexSync, floatVectorsFromArray, sectionsFromMap } from "../../src/vector/index.js";
import type { AnnParams, BuiltAnnIndex } from "../../src/vector/index.js";
import { ClusteredVectors } from "../../src/vector/synthetic-vectors.js";

const quick = process.argv.includes("--quick");
const D = 384;
const Q = quick ? 100 : 300;
const gen = new ClusteredVectors({ dimensions: D, clusters: 1000, rank: 12, spread: 0.8, noise: 0.3, seed: 42 });
const queries = gen.rows(0, Q, 1);
const query = (q: number) => queries.subarray(q * D, (q + 1) * D);
const params: AnnParams = { metric: "cosine", dimensions: D, m: 16, efConstruction: 100, flatThreshold: 0 };

function cpuMs<T>(fn: () => T): [T, number] {
  const c = process.cpuUsage();
  const out = fn();
  const u = process.cpuUsage(c);
  return [out, (u.user + u.system) / 1000];
}

function open(built: BuiltAnnIndex, data: Float32Array): AnnIndexReader {
  return AnnIndexReader.open(built.meta, sectionsFromMap(built.sections), floatVectorsFromArray(data, D));
}

function truthOf(data: Float32Array, accept: Uint8Array | null = null): Int32Array[] {
  const exact = new ExactSearcher(floatVectorsFromArray(data, D), "cosine");
  const out = Array.from({ length: Q }, (_, q) => exact.search(query(q), 10, accept).ords);
  exact.close();
  return out;
}

/** recall@10 and CPU microseconds per query. */
function measure(reader: AnnIndexReader, truth: Int32Array[], options: Parameters<AnnIndexReader["search"]>[2]): { recall: number; us: number; visited: number } {
  let hits = 0;
  let visited = 0;
  const [, ms] = cpuMs(() => {
    for (let q = 0; q < Q; q++) {
      const r = reader.search(query(q), 10, options);
      visited += r.visited;
      const got = new Set(r.ords);
      for (const t of truth[q]) if (got.has(t)) hits++;
    }
  });
  return { recall: hits / (Q * 10), us: (ms * 1000) / Q, visited: visited / Q };
}

const row = (cells: Array<string | number>) => console.log(`| ${cells.join(" | ")} |`);

console.log("## Flat threshold\n");
row(["vectors", "exact scan µs/query", "graph µs/query at recall ≥ 0.95", "efSearch", "graph build ms", "build ms per vector"]);
row(["---", "---", "---", "---", "---", "---"]);
for (const n of quick ? [1000, 4000] : [500, 1000, 2000, 4000, 8000, 16000]) {
  const data = gen.rows(0, n, 0);
  const truth = truthOf(data);
  const [built, buildMs] = cpuMs(() => buildAnnIndexSync(data, n, params));
  const reader = open(built, data);
  const scan = measure(reader, truth, { exact: true });
  let best = null as null | { ef: number; us: number };
  for (const ef of [10, 20, 40, 80, 160, 320]) {
    const m = measure(reader, truth, { efSearch: ef });
    if (m.recall >= 0.95) {
      best = { ef, us: m.us };
      break;
    }
  }
  row([n, scan.us.toFixed(0), best ? best.us.toFixed(0) : "–", best ? best.ef : "–", buildMs.toFixed(0), (buildMs / n).toFixed(3)]);
}

console.log("\n## Filtered search (graph alone against the exact scan of the eligible ordinals)\n");
const N = quick ? 20000 : 50000;
const data = gen.rows(0, N, 0);
const [built, buildMs] = cpuMs(() => buildAnnIndexSync(data, N, params));
console.log(`${N} vectors, graph built in ${(buildMs / 1000).toFixed(1)} s CPU; efSearch 100\n`);
const reader = open(built, data);
row(["selectivity", "eligible", "graph recall@10", "graph µs/query", "graph visits", "scan recall@10", "scan µs/query", "visits at which the scan is as cheap", "per eligible ordinal"]);
row(["---", "---", "---", "---", "---", "---", "---", "---", "---"]);
for (const s of [0.5, 0.2, 0.1, 0.05, 0.02, 0.01]) {
  const rng = new SeededRandom(7);
  const accept = new Uint8Array(N);
  let eligible = 0;
  for (let i = 0; i < N; i++) eligible += accept[i] = rng.next() < s ? 1 : 0;
  const truth = truthOf(data, accept);
  reader.filterVisitRatio = Infinity;
  const graph = measure(reader, truth, { accept, acceptCount: eligible, efSearch: 100 });
  const scan = measure(reader, truth, { accept, acceptCount: eligible, exact: true });
  const breakEven = (scan.us / graph.us) * graph.visited;
  row([s, eligible, graph.recall.toFixed(4), graph.us.toFixed(0), graph.visited.toFixed(0), scan.recall.toFixed(4), scan.us.toFixed(0), breakEven.toFixed(0), (breakEven / eligible).toFixed(2)]);
}

console.log("\n## Merge seeding\n");
const first = Math.floor(N * 0.8);
const old = buildAnnIndexSync(data, first, params);
const oldReader = open(old, data.subarray(0, first * D));
const rng = new SeededRandom(3);
const ordMap = new Int32Array(first).fill(-1);
const keep: number[] = [];
for (let o = 0; o < first; o++) if (rng.next() >= 0.05) ordMap[o] = keep.push(o) - 1;
for (let i = first; i < N; i++) keep.push(i);
const merged = new Float32Array(keep.length * D);
keep.forEach((src, i) => merged.set(data.subarray(src * D, (src + 1) * D), i * D));
const mergedTruth = truthOf(merged);
const [seeded, seededMs] = cpuMs(() => buildAnnIndexSync(merged, keep.length, params, { seed: { reader: oldReader, ordMap } }));
const [fresh, freshMs] = cpuMs(() => buildAnnIndexSync(merged, keep.length, params));
row(["build", "vectors", "from the seed", "inserted", "lists repaired", "CPU s", "recall@10 (ef 40)", "recall@10 (ef 100)"]);
row(["---", "---", "---", "---", "---", "---", "---", "---"]);
for (const [name, b, ms] of [["seeded", seeded, seededMs], ["fresh", fresh, freshMs]] as const) {
  const r = open(b, merged);
  row([name, keep.length, b.meta.build.seededNodes, b.meta.build.insertedNodes, b.meta.build.repairedLists, (ms / 1000).toFixed(1), measure(r, mergedTruth, { efSearch: 40 }).recall.toFixed(4), measure(r, mergedTruth, { efSearch: 100 }).recall.toFixed(4)]);
}
