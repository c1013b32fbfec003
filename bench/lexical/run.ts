/**
 * Side-by-side benchmark of Trove's lexical engine against Orama, MiniSearch,
 * FlexSearch and Xapian on BEIR SciFact (with nDCG@10) and on a scaled arXiv
 * corpus. `npm run bench:lexical -- --help` lists the options; docs/benchmarks.md
 * describes the method.
 *
 * Each engine x corpus runs in its own child process, one at a time; the
 * children write JSON reports, and this orchestrator prints Markdown tables
 * to stdout and writes bench/lexical/results/latest.json.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ChildSpec } from "./child.js";
import { formatCount, prepareScaled, prepareScifact, type PreparedCorpus } from "./corpus.js";
import { ENGINE_NAMES, ON_DISK_ENGINES, PROJECT_ROOT, type EngineRunReport } from "./engine.js";
import { meanNdcg, overlapAtK, type Run } from "./ndcg.js";
import { corpusTable, setupList, targetChecks, targetsTable, type CorpusResult, type EngineResult } from "./report.js";

const HELP = `Usage: npm run bench:lexical -- [options]

  --docs N           documents in the scaled arXiv corpus (default 1000000)
  --quick            quick run: --docs 100000 --passes 3 --pass-budget-s 30
  --queries N        title queries for the scaled corpus (default 1000)
  --corpora LIST     comma-separated: scifact,arxiv (default both)
  --engines LIST     comma-separated: ${ENGINE_NAMES.join(",")} (default all)
  --passes N         timed query passes; medians are reported (default 5)
  --warmup N         untimed warm-up passes before them (default 1)
  --k N              hits per query (default 10)
  --k1 X --b X       BM25 parameters for every engine (default 0.9, 0.4)
  --seed N           seed of the corpus generator and query sample (default 42)
  --heap-mb N        --max-old-space-size of each Node child (default 12288)
  --pass-budget-s N  time budget of a query pass; an engine slower than that is
                     timed on the first queries that fit in it (at least 20)
                     in every pass (default 120; 30 with --quick)
  --timeout-min N    kill a child after this many minutes (default 120)
  --work-dir DIR     corpora and indexes (default $TMPDIR/trove-bench-lexical)
  --keep             keep the built indexes
  --datasets DIR     shared datasets (default ../shared/datasets)
  --python PATH      Python with the xapian module (default /usr/bin/python3)
  --json PATH        JSON results (default bench/lexical/results/latest.json)
`;

interface Options {
  docs: number;
  queries: number;
  corpora: string[];
  engines: string[];
  passes: number;
  warmup: number;
  k: number;
  k1: number;
  b: number;
  seed: number;
  heapMb: number;
  timeoutMin: number;
  passBudgetS: number;
  workDir: string;
  keep: boolean;
  datasets: string;
  python: string;
  json: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      docs: { type: "string" },
      quick: { type: "boolean", default: false },
      queries: { type: "string", default: "1000" },
      corpora: { type: "string", default: "scifact,arxiv" },
      engines: { type: "string", default: ENGINE_NAMES.join(",") },
      passes: { type: "string" },
      warmup: { type: "string", default: "1" },
      k: { type: "string", default: "10" },
      k1: { type: "string", default: "0.9" },
      b: { type: "string", default: "0.4" },
      seed: { type: "string", default: "42" },
      "heap-mb": { type: "string", default: "12288" },
      "timeout-min": { type: "string", default: "120" },
      "pass-budget-s": { type: "string" },
      "work-dir": { type: "string", default: join(os.tmpdir(), "trove-bench-lexical") },
      keep: { type: "boolean", default: false },
      datasets: { type: "string", default: join(PROJECT_ROOT, "..", "shared", "datasets") },
      python: { type: "string", default: existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3" },
      json: { type: "string", default: join(PROJECT_ROOT, "bench", "lexical", "results", "latest.json") },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const int = (name: string, raw: string | undefined, min: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const num = (name: string, raw: string | undefined): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
    return n;
  };
  const list = (name: string, raw: string, allowed: readonly string[]): string[] => {
    const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
    for (const item of items) if (!allowed.includes(item)) throw new Error(`--${name}: unknown "${item}" (choose from ${allowed.join(", ")})`);
    return items;
  };
  return {
    docs: int("docs", values.docs ?? (values.quick ? "100000" : "1000000"), 1),
    queries: int("queries", values.queries, 1),
    corpora: list("corpora", values.corpora!, ["scifact", "arxiv"]),
    engines: list("engines", values.engines!, ENGINE_NAMES),
    passes: int("passes", values.passes ?? (values.quick ? "3" : "5"), 1),
    warmup: int("warmup", values.warmup, 0),
    k: int("k", values.k, 1),
    k1: num("k1", values.k1),
    b: num("b", values.b),
    seed: int("seed", values.seed, 0),
    heapMb: int("heap-mb", values["heap-mb"], 256),
    timeoutMin: num("timeout-min", values["timeout-min"]),
    passBudgetS: num("pass-budget-s", values["pass-budget-s"] ?? (values.quick ? "30" : "120")),
    workDir: values["work-dir"]!,
    keep: values.keep!,
    datasets: values.datasets!,
    python: values.python!,
    json: values.json!,
  };
}

const log = (msg: string) => process.stderr.write(`[bench:lexical] ${msg}\n`);

/** Why a child failed, from its exit and the tail of its output. */
function failureReason(code: number | null, signal: NodeJS.Signals | null, timedOut: boolean, tail: string[], options: Options, engine: string): string {
  const text = tail.join("\n");
  if (timedOut) return `timed out after ${options.timeoutMin} min`;
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(text)) return `out of memory: JS heap limit (--max-old-space-size=${options.heapMb}) reached`;
  if (/MemoryError|std::bad_alloc/.test(text)) return "out of memory";
  if (signal === "SIGKILL") return "killed by SIGKILL (likely the kernel's out-of-memory killer)";
  if (signal) return `killed by ${signal}`;
  const last = tail.filter((l) => l.trim()).pop();
  return last ? `${engine} exited with code ${code}: ${last.trim()}` : `exited with code ${code}`;
}

/** Runs one child process in one mode and returns its report, with the failure reason if it did not finish its phase. */
async function runPhase(spec: ChildSpec, dir: string, options: Options): Promise<EngineRunReport> {
  const { engine, corpus } = spec;
  const specPath = join(dir, `spec-${spec.mode}.json`);
  writeFileSync(specPath, JSON.stringify(spec, null, 2));
  const here = fileURLToPath(new URL(".", import.meta.url));
  const [command, args] =
    engine === "xapian"
      ? [options.python, [join(PROJECT_ROOT, "bench", "lexical", "xapian_bench.py"), specPath]]
      : [process.execPath, ["--expose-gc", `--max-old-space-size=${options.heapMb}`, join(here, "child.js"), specPath]];
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, XAPIAN_FLUSH_THRESHOLD: process.env.XAPIAN_FLUSH_THRESHOLD ?? "100000" },
  });
  const tail: string[] = [];
  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      process.stderr.write(`  [${corpus}/${engine}/${spec.mode}] ${line}\n`);
    }
  };
  child.stdout.on("data", onOutput);
  child.stderr.on("data", onOutput);
  let timedOut = false;
  const timer = options.timeoutMin > 0 ? setTimeout(() => ((timedOut = true), child.kill("SIGKILL")), options.timeoutMin * 60_000) : null;
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("error", (error) => {
      tail.push(String(error));
      resolve({ code: null, signal: null });
    });
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  if (timer) clearTimeout(timer);

  let report: EngineRunReport = { engine, corpus, version: "?", setup: "", stage: "started", docs: 0, warnings: [] };
  if (existsSync(spec.outPath)) {
    try {
      report = JSON.parse(readFileSync(spec.outPath, "utf8")) as EngineRunReport;
    } catch {
      report.warnings.push("the child's report was unreadable");
    }
  }
  const finished = report.stage === (spec.mode === "build" ? "measured" : "done");
  if (!finished || code !== 0 || signal) {
    // An error the child caught and reported is the better reason; otherwise read the exit and output.
    report.error ??= finished ? undefined : failureReason(code, signal, timedOut, tail, options, engine);
  }
  return report;
}

/**
 * Runs one engine on one corpus: in one child for in-memory engines; for
 * on-disk engines a build child and then a serve child that opens the index,
 * whose reports are merged (serving memory and queries from the second).
 */
async function runEngine(engine: string, corpus: PreparedCorpus, options: Options): Promise<EngineRunReport> {
  const dir = join(options.workDir, "runs", corpus.name, engine);
  rmSync(dir, { recursive: true, force: true });
  const indexDir = join(dir, "index");
  mkdirSync(indexDir, { recursive: true });
  const twoPhase = ON_DISK_ENGINES.includes(engine);
  const spec: ChildSpec = {
    engine,
    mode: twoPhase ? "build" : "all",
    corpus: corpus.name,
    docsPath: corpus.docsPath,
    queriesPath: corpus.queriesPath,
    indexDir,
    outPath: join(dir, "report-build.json"),
    bm25: { k1: options.k1, b: options.b },
    k: options.k,
    passes: options.passes,
    warmupPasses: options.warmup,
    batchSize: 1000,
    progressEvery: Math.max(10_000, Math.ceil(corpus.docCount / 10 / 10_000) * 10_000),
    passBudgetSeconds: options.passBudgetS,
    minQueries: Math.min(20, corpus.queryCount),
  };
  log(`${corpus.name} / ${engine}: starting`);
  const started = performance.now();
  let report = await runPhase(spec, dir, options);
  if (twoPhase && !report.error) {
    const served = await runPhase({ ...spec, mode: "serve", outPath: join(dir, "report-serve.json") }, dir, options);
    report = {
      ...report,
      stage: served.stage === "done" ? "done" : report.stage,
      memory:
        report.memory && served.memory
          ? {
              ...report.memory,
              servingRssMB: served.memory.servingRssMB,
              servingHeapMB: served.memory.servingHeapMB,
              servingExternalMB: served.memory.servingExternalMB,
              servingMeasured: served.memory.servingMeasured,
            }
          : report.memory,
      openSeconds: served.openSeconds,
      query: served.query,
      run: served.run,
      warnings: [...report.warnings, ...served.warnings],
      error: served.error === undefined ? undefined : `serving: ${served.error}`,
    };
  }
  log(`${corpus.name} / ${engine}: ${report.error ? `FAILED: ${report.error}` : "done"} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (!options.keep) rmSync(indexDir, { recursive: true, force: true });
  return report;
}

/** The checked-out commit, and whether the working tree has changes (results should name what they measured). */
function commit(): { commit: string; dirty: boolean } | null {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
    const status = execFileSync("git", ["status", "--porcelain"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    return { commit: head, dirty: status.trim() !== "" };
  } catch {
    return null;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? "?",
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const host = machine();
  const source = commit();
  if (host.loadAverageAtStart[0] > 0.5) log(`note: load average ${host.loadAverageAtStart[0]} at start; other work on this machine skews timings`);
  mkdirSync(options.workDir, { recursive: true });

  const corpora: PreparedCorpus[] = [];
  if (options.corpora.includes("scifact")) corpora.push(prepareScifact(join(options.datasets, "scifact"), options.workDir));
  if (options.corpora.includes("arxiv")) {
    log(`preparing the ${formatCount(options.docs)}-document arXiv corpus (cached in ${options.workDir}/corpora)`);
    corpora.push(prepareScaled(join(options.datasets, "arxiv-cs-cl-ir", "papers.jsonl.gz"), options.workDir, options.docs, options.queries, options.seed));
  }

  const results: CorpusResult[] = [];
  for (const corpus of corpora) {
    const reports: EngineRunReport[] = [];
    for (const engine of options.engines) reports.push(await runEngine(engine, corpus, options));
    const troveRun = reports.find((r) => r.engine === "trove")?.run as Run | undefined;
    const engineResults: EngineResult[] = reports.map(({ run, ...rest }) => {
      const result: EngineResult = { ...rest };
      if (run && corpus.qrels) {
        const cut = rest.query && rest.query.queries < rest.query.ofQueries ? new Set(Object.keys(run)) : undefined;
        const { mean, queries } = meanNdcg(run, corpus.qrels, 10, cut);
        result.ndcg10 = mean;
        result.ndcgQueries = queries;
      }
      if (run && troveRun && rest.engine !== "trove") result.overlapWithTrove10 = overlapAtK(run, troveRun, options.k);
      return result;
    });
    results.push({ name: corpus.name, description: corpus.description, docCount: corpus.docCount, queryCount: corpus.queryCount, results: engineResults });
  }

  const checks = targetChecks(results);
  const markdown = [
    `## Lexical benchmark (${startedAt.slice(0, 10)})`,
    "",
    `Commit ${source ? `${source.commit}${source.dirty ? " with uncommitted changes" : ""}` : "unknown"}. ` +
      `Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGB} GB, Node ${host.node}, load average at start ${host.loadAverageAtStart.join(" / ")}.`,
    `Top-${options.k}, single thread, ${options.warmup} warm-up pass(es), medians of ${options.passes} timed passes; BM25 k1=${options.k1} b=${options.b} where the engine has it.`,
    "",
    ...results.flatMap((c) => [corpusTable(c), ""]),
    "### Targets",
    "",
    targetsTable(checks),
    "",
    "### What each engine used",
    "",
    setupList(results),
    "",
  ].join("\n");

  mkdirSync(join(options.json, ".."), { recursive: true });
  const json = { startedAt, finishedAt: new Date().toISOString(), source, machine: host, options: { ...options, workDir: undefined, json: undefined }, corpora: results, targets: checks, markdown };
  writeFileSync(options.json, JSON.stringify(json, null, 2) + "\n");
  process.stdout.write(markdown);
  log(`results written to ${options.json}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
