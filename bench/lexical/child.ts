/**
 * Runs one Node engine on one corpus in its own process, so that memory
 * figures belong to that engine alone:
 *
 *   node --expose-gc dist/bench/lexical/child.js <spec.json>
 *
 * Build phase: stream the JSONL corpus in batches (only the engine's own
 * add/commit calls are timed; memory sampled after every batch and on a
 * timer), memory after a full GC, persisted size. Serve phase: warm-up and
 * timed query passes. Engines with an on-disk index run the two phases in
 * two processes (mode "build", then "serve", which opens the index from
 * disk as a started server would), so build leftovers do not count as
 * serving memory; in-memory engines run both in one (mode "all"). The
 * report is rewritten after each phase, so a crash (e.g. out of memory)
 * leaves the earlier figures.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { readBatches, readQueries } from "./corpus.js";
import type { BenchQuery, EngineFactory, EngineRunReport, EngineSettings, LexicalEngine } from "./engine.js";
import { median, percentile, toMB } from "./stats.js";

export interface ChildSpec {
  engine: string;
  /** "all": build then query in this process; "build" / "serve": one phase (serve opens the index built before). */
  mode: "all" | "build" | "serve";
  corpus: string;
  docsPath: string;
  queriesPath: string;
  indexDir: string;
  outPath: string;
  bm25: EngineSettings["bm25"];
  k: number;
  passes: number;
  warmupPasses: number;
  batchSize: number;
  /** Print a progress line (and save the report) every this many documents. */
  progressEvery: number;
  /**
   * Time budget of one query pass in seconds: the first pass (the warm-up,
   * if any) stops after the query that crosses it, but runs at least
   * `minQueries`; every later pass then runs that same prefix of the
   * (randomly ordered) query list, so a very slow engine is still measured.
   */
  passBudgetSeconds: number;
  minQueries: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function fullGc(): void {
  if (!gc) return;
  for (let i = 0; i < 3; i++) gc();
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

type Report = EngineRunReport;

async function build(spec: ChildSpec, report: Report, save: () => void): Promise<LexicalEngine> {
  const { createEngine } = (await import(`./engines/${spec.engine}.js`)) as { createEngine: EngineFactory };
  fullGc();
  const baseline = process.memoryUsage();
  const engine = await createEngine({ indexDir: spec.indexDir, bm25: spec.bm25 });
  report.version = engine.version;
  report.setup = engine.setup;

  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
  };
  const timer = setInterval(sample, 20);
  timer.unref();
  let engineMs = 0;
  let readMs = 0;
  let nextProgress = spec.progressEvery;
  const buildStarted = performance.now();
  for await (const batch of readBatches(spec.docsPath, spec.batchSize, (ms) => (readMs += ms))) {
    const t0 = performance.now();
    const r = engine.add(batch);
    if (r instanceof Promise) await r;
    engineMs += performance.now() - t0;
    report.docs += batch.length;
    sample();
    if (report.docs >= nextProgress) {
      process.stderr.write(`${report.docs} docs, ${(engineMs / 1000).toFixed(1)} s in engine, heap+ext ${toMB(peakHeap).toFixed(0)} MB peak\n`);
      nextProgress += spec.progressEvery;
      save();
    }
  }
  const t0 = performance.now();
  await engine.commit();
  engineMs += performance.now() - t0;
  sample();
  clearInterval(timer);
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  report.build = { seconds: engineMs / 1000, readSeconds: readMs / 1000 };
  process.stderr.write(`built ${report.docs} docs in ${(engineMs / 1000).toFixed(1)} s (wall ${((performance.now() - buildStarted) / 1000).toFixed(1)} s)\n`);

  fullGc();
  const m = process.memoryUsage();
  report.memory = {
    baselineRssMB: toMB(baseline.rss),
    baselineHeapMB: toMB(baseline.heapUsed + baseline.external),
    peakRssMB,
    peakHeapMB: toMB(peakHeap),
    servingRssMB: toMB(m.rss),
    servingHeapMB: toMB(m.heapUsed),
    servingExternalMB: toMB(m.external),
    servingMeasured: "in the build process, after GC",
  };
  report.stage = "built";
  save();

  // persisted size: a failure here is reported, not fatal
  try {
    report.size = await engine.persist();
  } catch (error) {
    report.size = { error: errorMessage(error) };
    report.warnings.push(`persist failed: ${errorMessage(error)}`);
  }
  report.stage = "measured";
  save();
  return engine;
}

async function open(spec: ChildSpec, report: Report, save: () => void): Promise<LexicalEngine> {
  const { openEngine } = (await import(`./engines/${spec.engine}.js`)) as { openEngine?: EngineFactory };
  if (!openEngine) throw new Error(`engine ${spec.engine} cannot open an index from disk (no openEngine)`);
  fullGc();
  const baseline = process.memoryUsage();
  const t0 = performance.now();
  const engine = await openEngine({ indexDir: spec.indexDir, bm25: spec.bm25 });
  report.openSeconds = (performance.now() - t0) / 1000;
  report.version = engine.version;
  report.setup = engine.setup;
  fullGc();
  const m = process.memoryUsage();
  report.memory = {
    baselineRssMB: toMB(baseline.rss),
    baselineHeapMB: toMB(baseline.heapUsed + baseline.external),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    peakHeapMB: null,
    servingRssMB: toMB(m.rss),
    servingHeapMB: toMB(m.heapUsed),
    servingExternalMB: toMB(m.external),
    servingMeasured: "in a fresh process after opening the index, after GC",
  };
  report.stage = "measured";
  save();
  return engine;
}

async function query(spec: ChildSpec, engine: LexicalEngine, queries: BenchQuery[], report: Report, save: () => void): Promise<void> {
  const run: Record<string, Array<[string, number]>> = {};
  const passes: Array<{ p50Ms: number; p99Ms: number; qps: number; queries: number }> = [];
  let hitsSeen = 0;
  let queriesRun = queries.length;
  const budgetMs = spec.passBudgetSeconds * 1000;
  for (let pass = 0; pass < spec.warmupPasses + spec.passes; pass++) {
    const timed = pass >= spec.warmupPasses;
    const first = pass === spec.warmupPasses;
    const latencies = new Float64Array(queriesRun);
    const passStarted = performance.now();
    let n = 0;
    for (; n < queriesRun; n++) {
      if (pass === 0 && n >= spec.minQueries && performance.now() - passStarted > budgetMs) break;
      const q0 = performance.now();
      let hits = engine.search(queries[n].text, spec.k);
      if (hits instanceof Promise) hits = await hits;
      latencies[n] = performance.now() - q0;
      if (first) {
        run[queries[n].id] = hits.map((h) => [h.id, h.score]);
        hitsSeen += hits.length;
      }
    }
    const passMs = performance.now() - passStarted;
    if (n < queriesRun) {
      process.stderr.write(`time budget reached after ${n} of ${queriesRun} queries in the first pass; every pass uses these ${n}\n`);
      queriesRun = n;
    }
    const done = latencies.subarray(0, n);
    if (timed) passes.push({ p50Ms: percentile(done, 50), p99Ms: percentile(done, 99), qps: n / (passMs / 1000), queries: n });
  }
  report.query = {
    queries: Math.min(...passes.map((p) => p.queries)),
    ofQueries: queries.length,
    k: spec.k,
    warmupPasses: spec.warmupPasses,
    passes,
    p50Ms: median(passes.map((p) => p.p50Ms)),
    p99Ms: median(passes.map((p) => p.p99Ms)),
    qps: median(passes.map((p) => p.qps)),
    meanHits: passes.length && passes[0].queries ? hitsSeen / passes[0].queries : 0,
  };
  report.run = run;
  report.stage = "done";
  save();
}

async function main(): Promise<void> {
  const specPath = process.argv[2];
  if (!specPath) throw new Error("usage: node --expose-gc child.js <spec.json>");
  const spec = JSON.parse(readFileSync(specPath, "utf8")) as ChildSpec;
  const report: Report = { engine: spec.engine, corpus: spec.corpus, version: "?", setup: "", stage: "started", docs: 0, warnings: [] };
  const save = () => writeFileSync(spec.outPath, JSON.stringify(report));
  save();
  if (!gc) report.warnings.push("run without --expose-gc: memory after GC is approximate");
  try {
    const queries = readQueries(spec.queriesPath);
    const engine = spec.mode === "serve" ? await open(spec, report, save) : await build(spec, report, save);
    if (spec.mode !== "build") await query(spec, engine, queries, report, save);
    await engine.close();
  } catch (error) {
    report.error = errorMessage(error);
    save();
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}

await main();
