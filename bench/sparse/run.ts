/**
 * `npm run bench:sparse`: the learned-sparse index's approximate search
 * (Seismic: blocked posting lists with summaries) against its exact mode
 * (every posting of every query term), on SPLADE-like vectors: top-10
 * agreement with the exact top 10, queries per second, p50/p99 latency and
 * documents scored per query, at 100k and 1M documents.
 *
 * The vectors are generated (src/sparse/synthetic-sparse.ts: 30,522 terms,
 * 100-200 non-zeros per document, 20-40 per query, skewed term popularity,
 * weights concentrated on few terms), unless `--model <SPLADE folder>
 * --dataset <BEIR dir>` is given: then the corpus (up to the largest size)
 * and its queries are encoded by the model. The output says which.
 *
 * Each mode runs every query once to warm up, then `--rounds` rounds with the
 * modes alternating, one thread; latency is per query, QPS is queries over
 * the summed search time. The load average is printed before and after,
 * since the machine may be shared.
 *
 *   npm run bench:sparse
 *   options: --sizes 100000,1000000 --queries 500 --rounds 3 --seed 42
 *            --postings 1500 --energy 0.5 --fraction 0.1 --json
 *            --model <folder> --dataset <beir dir>
 */
import { loadavg } from "node:os";
import { buildSparseIndex } from "../../src/sparse/sparse-index-builder.js";
import { resolveSparseIndexParams, type SparseSearchParams } from "../../src/sparse/sparse-index-params.js";
import { SparseIndexSearcher, type SparseQuery } from "../../src/sparse/sparse-index-searcher.js";
import type { SparseIndexData } from "../../src/sparse/sparse-index-data.js";
import { syntheticSparse, type SparseVectors } from "../../src/sparse/synthetic-sparse.js";
import { median, percentile } from "../lexical/stats.js";
import { encodedSparse } from "./encoded.js";
import { parseBenchArgs } from "../cli-args.js";

interface Mode {
  label: string;
  params: SparseSearchParams;
}

const MODES: Mode[] = [
  { label: "exact", params: { exact: true } },
  { label: "seismic (queryCut 10, heapFactor 0.8)", params: { queryCut: 10, heapFactor: 0.8 } },
  { label: "seismic (queryCut 5, heapFactor 0.9)", params: { queryCut: 5, heapFactor: 0.9 } },
  { label: "seismic (queryCut 20, heapFactor 0.7)", params: { queryCut: 20, heapFactor: 0.7 } },
];

interface Row {
  documents: number;
  mode: string;
  agreementAt10: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
  scoredPerQuery: number;
}

function load(): string {
  return loadavg().map((x) => x.toFixed(2)).join(" ");
}

function queryAt(vectors: SparseVectors, q: number): SparseQuery {
  const { offsets, terms, weights } = vectors;
  return { terms: terms.subarray(offsets[q], offsets[q + 1]), weights: weights.subarray(offsets[q], offsets[q + 1]) };
}

function indexBytes(index: SparseIndexData): { total: number; summaries: number } {
  const arrays = [
    index.forward.offsets, index.forward.terms, index.forward.impacts, index.postOffsets, index.postOrds, index.postImpacts,
    index.termBlocks, index.blockStart, index.blockEnd, index.summaryOffsets, index.summaryTerms, index.summaryImpacts,
  ];
  return {
    total: arrays.reduce((n, a) => n + a.byteLength, 0),
    summaries: index.summaryOffsets.byteLength + index.summaryTerms.byteLength + index.summaryImpacts.byteLength,
  };
}

async function main(): Promise<void> {
  const opt = parseBenchArgs(process.argv.slice(2));
  const sizes = (opt.sizes ?? "100000,1000000").split(",").map(Number);
  const queryCount = Number(opt.queries ?? 500);
  const rounds = Number(opt.rounds ?? 3);
  const seed = Number(opt.seed ?? 42);
  const params = resolveSparseIndexParams(
    { postingsPerTerm: opt.postings ? Number(opt.postings) : undefined, summaryEnergy: opt.energy ? Number(opt.energy) : undefined, centroidFraction: opt.fraction ? Number(opt.fraction) : undefined },
    "bench:sparse",
  );
  const json = opt.json === "true";
  const log = (line: string) => {
    if (!json) console.log(line);
  };
  const encoded = opt.model ? await encodedSparse(opt.model, opt.dataset, Math.max(...sizes), queryCount) : null;
  log(`# learned-sparse search: approximate (Seismic blocks + summaries) vs exact`);
  log(`vectors: ${encoded ? `encoded by ${opt.model} from ${opt.dataset}` : `generated (seed ${seed}): 30,522 terms, 100-200 non-zeros per document, 20-40 per query, SPLADE-like statistics (no model given)`}`);
  log(`index: postingsPerTerm ${params.postingsPerTerm}, centroidFraction ${params.centroidFraction}, summaryEnergy ${params.summaryEnergy}, clusteringDocCut ${params.clusteringDocCut}`);
  log(`node ${process.version}, one thread, ${rounds} rounds after a warm-up; load average before: ${load()}`);
  const rows: Row[] = [];
  const builds: Array<Record<string, number>> = [];
  for (const size of sizes) {
    const data = encoded ? encoded.slice(size) : syntheticSparse({ documents: size, queries: queryCount, seed });
    const documents = data.documents.offsets.length - 1;
    const queries = data.queries.offsets.length - 1;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const index = buildSparseIndex({ ...data.documents, termCount: data.vocabulary }, params);
    const buildSeconds = (performance.now() - started) / 1000;
    const bytes = indexBytes(index);
    builds.push({ documents, buildSeconds, buildCpuSeconds: process.cpuUsage(cpu).user / 1e6, indexMB: bytes.total / 2 ** 20, summariesMB: bytes.summaries / 2 ** 20, postings: index.postOrds.length, blocks: index.blockStart.length });
    log(`\n${documents.toLocaleString("en")} documents, ${index.postOrds.length.toLocaleString("en")} postings, ${index.blockStart.length.toLocaleString("en")} blocks; built in ${buildSeconds.toFixed(1)} s; index ${(bytes.total / 2 ** 20).toFixed(0)} MB (summaries ${(bytes.summaries / 2 ** 20).toFixed(0)} MB); ${queries} queries`);
    const searcher = new SparseIndexSearcher(index);
    const latencies = MODES.map(() => [] as number[]);
    const scored = MODES.map(() => 0);
    const results = MODES.map(() => [] as Uint32Array[]);
    for (let round = -1; round < rounds; round++) {
      const order = round % 2 === 0 ? MODES.map((_, i) => i) : MODES.map((_, i) => MODES.length - 1 - i);
      for (const m of order) {
        for (let q = 0; q < queries; q++) {
          const query = queryAt(data.queries, q);
          const t = performance.now();
          const hits = searcher.search(query, 10, MODES[m].params);
          const ms = performance.now() - t;
          if (round < 0) {
            results[m].push(hits.ords);
            scored[m] += hits.scored;
          } else latencies[m].push(ms);
        }
      }
    }
    const truth = results[0].map((ords) => new Set(ords));
    MODES.forEach((mode, m) => {
      let agree = 0;
      let wanted = 0;
      results[m].forEach((ords, q) => {
        wanted += truth[q].size;
        for (const d of ords) if (truth[q].has(d)) agree++;
      });
      const total = latencies[m].reduce((a, b) => a + b, 0);
      rows.push({
        documents,
        mode: mode.label,
        agreementAt10: wanted ? agree / wanted : 1,
        qps: latencies[m].length / (total / 1000),
        p50Ms: median(latencies[m]),
        p99Ms: percentile(latencies[m], 99),
        scoredPerQuery: scored[m] / queries,
      });
    });
  }
  if (json) {
    console.log(JSON.stringify({ params, builds, rows, load: loadavg() }, null, 2));
    return;
  }
  log(`\n| documents | mode | top-10 agreement | QPS | p50 ms | p99 ms | documents scored / query | speed-up vs exact |`);
  log(`|---:|---|---:|---:|---:|---:|---:|---:|`);
  for (const row of rows) {
    const exact = rows.find((r) => r.documents === row.documents && r.mode === "exact")!;
    log(`| ${row.documents.toLocaleString("en")} | ${row.mode} | ${row.agreementAt10.toFixed(3)} | ${row.qps.toFixed(0)} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} | ${Math.round(row.scoredPerQuery).toLocaleString("en")} | ${(row.qps / exact.qps).toFixed(1)}x |`);
  }
  log(`\nload average after: ${load()}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
