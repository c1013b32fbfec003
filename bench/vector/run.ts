/**
 * Side-by-side benchmark of Trove's vector index (float, int8 + rescoring,
 * binary + rescoring) against hnswlib (Debian python3-hnswlib), usearch (npm)
 * and Orama's vector search, on the same seeded clustered vectors.
 * `npm run bench:vector -- --help` lists the options; docs/vector-search.md
 * describes the method and holds the results.
 *
 * Every engine builds in one child process and serves (opens its persisted
 * index, then queries) in another, one at a time; Orama, which has no
 * persisted form worth timing, does both in one. The children write JSON
 * reports; this orchestrator prints Markdown tables and writes
 * bench/vector/results/latest.json.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { describeGenerator, prepareDataset, type Dataset, type DatasetSpec } from "./dataset.js";
import { ENGINE_NAMES, PROJECT_ROOT, type EngineName, type VectorBenchSpec, type VectorRunReport } from "./engine.js";
import { buildTable, filterNotes, sweepTable, targetTable } from "./report.js";

const HELP = `Usage: npm run bench:vector -- [options]

  --sizes LIST          vector counts, comma-separated (default 100000,1000000)
  --quick               small run: --sizes 20000 --queries 300 --passes 1
  --dimensions N        vector dimensions (default 384)
  --queries N           queries (default 1000)
  --engines LIST        comma-separated: ${ENGINE_NAMES.join(",")} (default all)
  --ef LIST             efSearch values (default 10,20,40,80,160,320)
  --filtered-ef LIST    efSearch values run with the 10% filter (default 40,80,160)
  --m N                 HNSW links per node (default 16)
  --ef-construction N   beam width while building (default 100)
  --passes N            timed passes per efSearch; medians reported (default 3)
  --warmup N            untimed queries before each sweep (default 200)
  --pass-budget-s N     a pass stops after N s (at least 50 queries); later passes use that prefix (default 60)
  --build-budget-s N    Orama's build stops after N s (default 900)
  --orama-max N         skip Orama above this many vectors (default 100000)
  --seed N              generator, filter and level seed (default 42)
  --work-dir DIR        data, truth and indexes (default $TMPDIR/trove-bench-vector)
  --keep                keep the built indexes
  --python PATH         Python with hnswlib and NumPy (default /usr/bin/python3)
  --heap-mb N           --max-old-space-size of each Node child (default 8192)
  --timeout-min N       kill a child after N minutes (default 180)
  --json PATH           results (default bench/vector/results/latest.json)
`;

interface Options {
  sizes: number[];
  dimensions: number;
  queries: number;
  engines: EngineName[];
  ef: number[];
  filteredEf: number[];
  m: number;
  efConstruction: number;
  passes: number;
  warmup: number;
  passBudgetS: number;
  buildBudgetS: number;
  oramaMax: number;
  seed: number;
  workDir: string;
  keep: boolean;
  python: string;
  heapMb: number;
  timeoutMin: number;
  json: string;
}

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
const numbers = (s: string, name: string) =>
  list(s).map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: ${JSON.stringify(x)} is not a positive integer`);
    return n;
  });

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: "string" },
      quick: { type: "boolean", default: false },
      dimensions: { type: "string", default: "384" },
      queries: { type: "string" },
      engines: { type: "string", default: ENGINE_NAMES.join(",") },
      ef: { type: "string", default: "10,20,40,80,160,320" },
      "filtered-ef": { type: "string", default: "40,80,160" },
      m: { type: "string", default: "16" },
      "ef-construction": { type: "string", default: "100" },
      passes: { type: "string" },
      warmup: { type: "string", default: "200" },
      "pass-budget-s": { type: "string", default: "60" },
      "build-budget-s": { type: "string", default: "900" },
      "orama-max": { type: "string", default: "100000" },
      seed: { type: "string", default: "42" },
      "work-dir": { type: "string", default: join(os.tmpdir(), "trove-bench-vector") },
      keep: { type: "boolean", default: false },
      python: { type: "string", default: "/usr/bin/python3" },
      "heap-mb": { type: "string", default: "8192" },
      "timeout-min": { type: "string", default: "180" },
      json: { type: "string", default: join(PROJECT_ROOT, "bench/vector/results/latest.json") },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const engines = list(values.engines!);
  for (const e of engines) if (!ENGINE_NAMES.includes(e as EngineName)) throw new Error(`--engines: unknown engine ${e} (known: ${ENGINE_NAMES.join(", ")})`);
  const one = (s: string, name: string) => numbers(s, name)[0];
  return {
    sizes: numbers(values.sizes ?? (values.quick ? "20000" : "100000,1000000"), "sizes"),
    dimensions: one(values.dimensions!, "dimensions"),
    queries: one(values.queries ?? (values.quick ? "300" : "1000"), "queries"),
    engines: engines as EngineName[],
    ef: numbers(values.ef!, "ef"),
    filteredEf: numbers(values["filtered-ef"]!, "filtered-ef"),
    m: one(values.m!, "m"),
    efConstruction: one(values["ef-construction"]!, "ef-construction"),
    passes: one(values.passes ?? (values.quick ? "1" : "3"), "passes"),
    warmup: Number(values.warmup),
    passBudgetS: one(values["pass-budget-s"]!, "pass-budget-s"),
    buildBudgetS: one(values["build-budget-s"]!, "build-budget-s"),
    oramaMax: one(values["orama-max"]!, "orama-max"),
    seed: Number(values.seed),
    workDir: values["work-dir"]!,
    keep: values.keep!,
    python: values.python!,
    heapMb: one(values["heap-mb"]!, "heap-mb"),
    timeoutMin: one(values["timeout-min"]!, "timeout-min"),
    json: values.json!,
  };
}

const log = (line: string) => process.stderr.write(`[bench:vector] ${line}\n`);

function runChild(command: string, args: string[], timeoutMin: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMin * 60000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function runEngine(options: Options, ds: Dataset, engine: EngineName): Promise<VectorRunReport> {
  const indexDir = join(options.workDir, "indexes", `${engine}-${ds.spec.count}`);
  rmSync(indexDir, { recursive: true, force: true });
  mkdirSync(indexDir, { recursive: true });
  const outPath = join(indexDir, "report.json");
  const base: Omit<VectorBenchSpec, "mode"> = {
    engine,
    dataPath: ds.dataPath,
    queriesPath: ds.queriesPath,
    truthPath: ds.truthPath,
    filteredTruthPath: ds.filteredTruthPath,
    acceptPath: ds.acceptPath,
    count: ds.spec.count,
    dimensions: ds.spec.dimensions,
    queries: ds.spec.queries,
    k: ds.spec.k,
    metric: "cosine",
    m: options.m,
    efConstruction: options.efConstruction,
    // Orama scans exactly: efSearch means nothing to it, one sweep each is enough
    efSearch: engine === "orama" ? options.ef.slice(0, 1) : options.ef,
    filteredEfSearch: engine === "orama" ? options.filteredEf.slice(0, 1) : options.filteredEf,
    seed: options.seed,
    indexDir,
    outPath,
    passes: options.passes,
    warmupQueries: options.warmup,
    passBudgetSeconds: options.passBudgetS,
    minQueries: 50,
    buildBudgetSeconds: options.buildBudgetS,
  };
  const modes: VectorBenchSpec["mode"][] = engine === "orama" ? ["all"] : ["build", "serve"];
  let merged = null as VectorRunReport | null;
  for (const mode of modes) {
    const specPath = join(indexDir, `spec-${mode}.json`);
    writeFileSync(specPath, JSON.stringify({ ...base, mode }));
    log(`${engine} at ${ds.spec.count}: ${mode}`);
    const code =
      engine === "hnswlib"
        ? await runChild(options.python, [join(PROJECT_ROOT, "bench/vector/hnswlib_bench.py"), specPath], options.timeoutMin)
        : await runChild(process.execPath, [`--max-old-space-size=${options.heapMb}`, "--expose-gc", join(PROJECT_ROOT, "dist/bench/vector/child.js"), specPath], options.timeoutMin);
    const report: VectorRunReport = existsSync(outPath)
      ? (JSON.parse(readFileSync(outPath, "utf8")) as VectorRunReport)
      : { engine, version: "", setup: "", count: ds.spec.count, stage: "not started", warnings: [], sweeps: [] };
    if (code !== 0 && !report.error) report.error = `child exited with ${code === null ? "a signal (out of memory or timeout?)" : `code ${code}`} at stage ${report.stage}`;
    merged = merged ? { ...merged, ...report, build: merged.build ?? report.build, size: merged.size ?? report.size, sweeps: report.sweeps } : report;
    if (report.error) break;
  }
  if (!options.keep) rmSync(indexDir, { recursive: true, force: true });
  return merged!;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  mkdirSync(options.workDir, { recursive: true });
  const results: Array<{ dataset: DatasetSpec; description: string; reports: VectorRunReport[] }> = [];
  const out: string[] = [];
  const load = () => `load average ${os.loadavg().map((x) => x.toFixed(2)).join(", ")} on ${os.cpus().length} CPUs`;
  out.push(`# Vector benchmark (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"}; ${load()} at the start)\n`);
  for (const count of options.sizes) {
    const spec: DatasetSpec = {
      count,
      dimensions: options.dimensions,
      queries: options.queries,
      k: 10,
      selectivity: 0.1,
      seed: options.seed,
      generator: { dimensions: options.dimensions, clusters: 1000, rank: 12, spread: 0.8, noise: 0.3 },
    };
    const ds = prepareDataset(options.workDir, spec, log);
    const reports: VectorRunReport[] = [];
    const description = describeGenerator(spec);
    const section = () => [
      `## ${count.toLocaleString("en-US")} vectors × ${options.dimensions}\n`,
      `Data: ${description}. ${ds.acceptCount} of ${count} vectors pass the filter. ${options.queries} queries, k = 10, recall@10 against the exact top 10 (Trove's exact scan). M = ${options.m}, efConstruction = ${options.efConstruction}, one thread everywhere. ${load()} at the end.\n`,
      `### Build and memory\n\n${buildTable(reports)}\n`,
      `### Recall and speed at recall@10 ≥ 0.95\n\n${targetTable(reports)}\n`,
      `### Every efSearch\n\n${sweepTable(reports, false)}\n`,
      `### Filtered (${Math.round(spec.selectivity * 100)}% of vectors eligible)\n\n${sweepTable(reports, true)}\n\n${filterNotes(reports)}\n`,
    ];
    const partialPath = options.json.replace(/\.json$/, "") + `-${count}.md`;
    for (const engine of options.engines) {
      if (engine === "orama" && count > options.oramaMax) {
        reports.push({ engine, version: "", setup: "", count, stage: "skipped", warnings: [`skipped above ${options.oramaMax} vectors (exact JavaScript scan; see --orama-max)`], sweeps: [] });
        continue;
      }
      reports.push(await runEngine(options, ds, engine));
      log(`${engine} at ${count}: ${reports.at(-1)!.error ?? "done"} (${load()})`);
      // tables so far, so that a long run that is stopped still leaves its figures
      mkdirSync(join(partialPath, ".."), { recursive: true });
      writeFileSync(partialPath, section().join("\n"));
    }
    results.push({ dataset: spec, description, reports });
    out.push(...section());
    process.stdout.write(out.splice(0).join("\n") + "\n");
  }
  mkdirSync(join(options.json, ".."), { recursive: true });
  writeFileSync(options.json, JSON.stringify({ date: new Date().toISOString(), node: process.version, options, results }, null, 1));
  log(`results written to ${options.json}`);
}

main().catch((error) => {
  process.stderr.write(`bench:vector: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
