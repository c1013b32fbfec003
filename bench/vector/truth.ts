/**
 * Ground truth of the vector benchmark, in its own process: the exact top-k
 * of every query by Trove's ExactSearcher (SIMD scan of all vectors), without
 * and with the filter. Writes k int32 ordinals per query (-1 pads a filtered
 * list that has fewer than k eligible vectors).
 *
 *   node dist/bench/vector/truth.js <data.f32> <queries.f32> <accept.u8> <count> <dim> <k> <truth.i32> <filtered.i32>
 */
import { readFileSync, writeFileSync } from "node:fs";
import { ExactSearcher, floatVectorsFromFile } from "../../src/vector/index.js";

const [dataPath, queriesPath, acceptPath, countArg, dimArg, kArg, truthPath, filteredPath] = process.argv.slice(2);
const count = Number(countArg);
const dim = Number(dimArg);
const k = Number(kArg);
const source = floatVectorsFromFile(dataPath, dim, { count });
const searcher = new ExactSearcher(source, "cosine");
source.close();
const qb = readFileSync(queriesPath);
const queries = new Float32Array(qb.buffer.slice(qb.byteOffset, qb.byteOffset + qb.byteLength));
const accept = new Uint8Array(readFileSync(acceptPath));
const nq = queries.length / dim;
const truth = new Int32Array(nq * k).fill(-1);
const filtered = new Int32Array(nq * k).fill(-1);
const started = performance.now();
let lastLine = started;
for (let q = 0; q < nq; q++) {
  const query = queries.subarray(q * dim, (q + 1) * dim);
  truth.set(searcher.search(query, k).ords, q * k);
  filtered.set(searcher.search(query, k, accept).ords, q * k);
  if (performance.now() - lastLine > 10000) {
    lastLine = performance.now();
    process.stderr.write(`truth: ${q + 1}/${nq} queries, ${((lastLine - started) / 1000).toFixed(0)} s\n`);
  }
}
writeFileSync(truthPath, new Uint8Array(truth.buffer));
writeFileSync(filteredPath, new Uint8Array(filtered.buffer));
