/**
 * Runs one Node engine of the vector benchmark in its own process, so that
 * memory figures belong to that engine alone:
 *
 *   node --expose-gc dist/bench/vector/child.js <spec.json>
 *
 * build: build from the float file (only the engine's call is timed: wall and
 * CPU), peak RSS, persisted size. serve: open the persisted index in a fresh
 * process (as a started server would), memory after a full GC, then one sweep
 * of the queries per efSearch, unfiltered and filtered. all: both in one
 * process (engines without a persisted form). The report is rewritten after
 * each step, so a crash leaves the earlier figures.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { median, percentile, toMB } from "../lexical/stats.js";
import type { EngineFactory, Sweep, VectorBenchSpec, VectorEngine, VectorRunReport } from "./engine.js";

const gc = (globalThis as { gc?: () => void }).gc;
function fullGc(): void {
  for (let i = 0; gc && i < 3; i++) gc();
}

function readFloats(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function readInts(path: string): Int32Array {
  const b = readFileSync(path);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function heapMB(): number {
  const m = process.memoryUsage();
  return toMB(m.heapUsed + m.external);
}

async function sweep(spec: VectorBenchSpec, engine: VectorEngine, ef: number, filtered: boolean, data: { queries: Float32Array; truth: Int32Array; accept: Uint8Array; acceptCount: number }): Promise<Sweep> {
  const { k, dimensions: d } = spec;
  const query = (q: number) => data.queries.subarray(q * d, (q + 1) * d);
  const ask = (q: number) => (filtered ? engine.searchFiltered(query(q), k, ef, data.accept, data.acceptCount) : engine.search(query(q), k, ef));
  for (let q = 0; q < Math.min(spec.warmupQueries, spec.queries); q++) {
    const r = ask(q);
    if (r instanceof Promise) await r;
  }
  let queries = spec.queries;
  let hits = 0;
  let visited = 0;
  let exactCount = 0;
  const qpsRuns: number[] = [];
  const cpuRuns: number[] = [];
  const latencies: number[] = [];
  for (let pass = 0; pass < spec.passes; pass++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    let n = 0;
    for (; n < queries; n++) {
      if (pass === 0 && n >= spec.minQueries && performance.now() - started > spec.passBudgetSeconds * 1000) break;
      const t0 = performance.now();
      let r = ask(n);
      if (r instanceof Promise) r = await r;
      latencies.push(performance.now() - t0);
      if (pass === 0) {
        const truth = data.truth.subarray(n * k, (n + 1) * k);
        const got = new Set(Array.from(r));
        for (const t of truth) if (t >= 0 && got.has(t)) hits++;
        const stats = engine.lastStats?.();
        if (stats) {
          visited += stats.visited;
          if (stats.exact) exactCount++;
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = process.cpuUsage(cpu).user / 1e6 + process.cpuUsage(cpu).system / 1e6;
    if (pass === 0 && n < queries) {
      process.stderr.write(`${spec.engine}: time budget reached after ${n} of ${queries} queries (ef ${ef}${filtered ? ", filtered" : ""}); later passes use these ${n}\n`);
      queries = n;
    }
    qpsRuns.push(n / seconds);
    cpuRuns.push(n / cpuSeconds);
  }
  const eligiblePerQuery = (q: number) => data.truth.subarray(q * k, (q + 1) * k).filter((t) => t >= 0).length;
  let relevant = 0;
  for (let q = 0; q < queries; q++) relevant += eligiblePerQuery(q);
  const result: Sweep = {
    ef,
    filtered,
    recall: relevant ? hits / relevant : NaN,
    qps: median(qpsRuns),
    cpuQps: median(cpuRuns),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    queries,
  };
  if (filtered) result.filterHow = engine.filterHow;
  if (engine.lastStats) {
    result.visited = visited / queries;
    result.exactShare = exactCount / queries;
  }
  return result;
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2], "utf8")) as VectorBenchSpec;
  const report: VectorRunReport = { engine: spec.engine, version: "", setup: "", count: spec.count, stage: "starting", warnings: [], sweeps: [] };
  const save = () => writeFileSync(spec.outPath, JSON.stringify(report, null, 1));
  save();
  try {
    const { createEngine } = (await import(`./engines/${spec.engine}.js`)) as { createEngine: EngineFactory };
    const engine = await createEngine();
    report.version = engine.version;
    report.setup = engine.setup;
    if (spec.mode === "build" || spec.mode === "all") {
      fullGc();
      let peakHeap = heapMB();
      const timer = setInterval(() => (peakHeap = Math.max(peakHeap, heapMB())), 50);
      const t0 = performance.now();
      const cpu = process.cpuUsage();
      await engine.build(spec);
      const seconds = (performance.now() - t0) / 1000;
      const cpuSeconds = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6;
      clearInterval(timer);
      peakHeap = Math.max(peakHeap, heapMB());
      report.build = { seconds, cpuSeconds, peakRssMB: process.resourceUsage().maxRSS / 1024, peakHeapMB: peakHeap };
      report.stage = "built";
      process.stderr.write(`${spec.engine}: built ${spec.count} vectors in ${seconds.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s)\n`);
      save();
      const size = await engine.persist(spec);
      if (size) report.size = size;
      save();
    }
    if (spec.mode === "serve" || spec.mode === "all") {
      const t0 = performance.now();
      if (spec.mode === "serve") await engine.open!(spec);
      const openSeconds = (performance.now() - t0) / 1000;
      fullGc();
      const m = process.memoryUsage();
      const engineBytes = engine.memoryBytes();
      report.serving = {
        rssMB: toMB(m.rss),
        heapMB: toMB(m.heapUsed + m.external),
        engineMB: engineBytes === null ? null : toMB(engineBytes),
        openSeconds,
        measured: spec.mode === "serve" ? "fresh process after opening the index, after GC" : "build process after GC (no persisted form)",
      };
      report.stage = "opened";
      save();
      const queries = readFloats(spec.queriesPath);
      const accept = new Uint8Array(readFileSync(spec.acceptPath));
      let acceptCount = 0;
      for (let i = 0; i < spec.count; i++) acceptCount += accept[i];
      const truth = readInts(spec.truthPath);
      const filteredTruth = readInts(spec.filteredTruthPath);
      for (const ef of spec.efSearch) {
        report.sweeps.push(await sweep(spec, engine, ef, false, { queries, truth, accept, acceptCount }));
        save();
      }
      for (const ef of spec.filteredEfSearch) {
        report.sweeps.push(await sweep(spec, engine, ef, true, { queries, truth: filteredTruth, accept, acceptCount }));
        save();
      }
      report.stage = "done";
    }
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${spec.engine}: ${report.error}\n`);
  }
  save();
}

await main();
