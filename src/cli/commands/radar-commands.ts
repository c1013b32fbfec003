/**
 * `trove radar ...`: Paper Radar's ingest commands. `import` loads papers from
 * a JSONL or CSV file (all-or-nothing unless --skip-invalid); `fetch` pulls a
 * category's newest papers from the arXiv API. Both write to the papers
 * collection under --data (default .trove/radar) and leave it searchable.
 * When a Paper Radar server holds that data directory (it is then the
 * papers' one writer), or --server names one, they hand the work to it
 * (POST /api/admin/import, /api/admin/fetch) and follow the job instead.
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { InvalidArgumentError, NotFoundError } from "../../core/errors.js";
import { InterruptSignal } from "../../core/interrupt.js";
import { ARXIV_API_URL, ARXIV_REQUEST_INTERVAL_MS, ArxivClient, fetchArxivPapers, resolveFetchOptions } from "../../../apps/radar/ingest/arxiv-fetch.js";
import { IMPORT_FORMATS, detectFormat, importPapers, type ImportFormat } from "../../../apps/radar/ingest/import.js";
import { DEFAULT_RADAR_DATA_DIR, openPapers } from "../../../apps/radar/papers.js";
import { runEvalCommand } from "../../../apps/radar/eval/eval-command.js";
import { resolveStoreLocation } from "../../store/open-store.js";
import { parseNumberOption } from "../output.js";
import { Progress } from "../../core/progress.js";
import { TroveError } from "../../core/errors.js";
import { RadarClient, errorCode } from "../../../apps/radar/client/radar-client.js";
import { findRunningServer } from "../../../apps/radar/server-info.js";
import type { ImportResult } from "../../../apps/radar/ingest/import.js";
import type { ArxivFetchJobResult } from "../../../apps/radar/jobs/arxiv-fetch-job.js";
import type { JobRun } from "../../../apps/radar/jobs/job.js";

const DATA_OPTION = ["--data <dir>", "Paper Radar's data directory (indexes, and the store unless --store names another)", DEFAULT_RADAR_DATA_DIR] as const;
const STORE_OPTION = ["--store <url>", "a postgres:// store shared by several nodes (env TROVE_STORE_URL; default: the SQLite file in --data)"] as const;
const SERVER_OPTION = ["--server <url>", "hand the work to this running Paper Radar (default: the server holding --data, if one runs)"] as const;
const API_KEY_OPTION = ["--api-key <key>", "an admin's API key for --server (default: env RADAR_API_KEY)"] as const;

interface RemoteOptions {
  data: string;
  server?: string;
  apiKey?: string;
}

/** The server to hand work to: --server, else the one running on --data; undefined to open the data directory here. */
function remoteServer(opts: RemoteOptions): { client: RadarClient; url: string } | undefined {
  if (opts.server !== undefined) {
    const key = opts.apiKey ?? process.env.RADAR_API_KEY;
    if (!key) throw new InvalidArgumentError("--server needs an admin's API key: --api-key <key> or env RADAR_API_KEY (create one on the Account page)");
    return { client: new RadarClient(opts.server, key), url: opts.server };
  }
  const running = findRunningServer(opts.data);
  return running ? { client: new RadarClient(running.url, running.token), url: running.url } : undefined;
}

/** Follows a server job to its end with progress lines; its result, or its error as a TroveError. */
async function followJob<T>(client: RadarClient, name: string, run: JobRun, label: string): Promise<T> {
  const progress = new Progress(label);
  const finished = await client.waitFor(name, run.startedAt, (p) => progress.update(p.done, p.message ?? ""));
  if (finished.outcome !== "succeeded") {
    progress.done("failed");
    throw new TroveError(errorCode(finished.errorCode), finished.error ?? `the ${name} job ${finished.outcome ?? "failed"}`);
  }
  progress.done();
  return finished.result as T;
}

/** The store named by --store or TROVE_STORE_URL, or undefined for the SQLite file in --data. */
function storeOf(opts: { data: string; store?: string }): string | undefined {
  const location = resolveStoreLocation(opts.store, opts.data);
  return location === opts.data ? undefined : location;
}

/** Rejected records printed before "... and N more". */
const SHOWN_REJECTS = 20;

/**
 * An AbortSignal that the first Ctrl-C aborts (InterruptSignal prints the
 * notice, and a second Ctrl-C exits at once).
 */
function interruptible(): { signal: AbortSignal; dispose(): void } {
  const interrupt = new InterruptSignal();
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on("SIGINT", onSigint);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", onSigint);
      interrupt.dispose();
    },
  };
}

/** `id "x", field "y": ` for a rejected record, or "". */
function place(r: { id?: string; field?: string }): string {
  const parts = [r.id !== undefined ? `id "${r.id}"` : undefined, r.field !== undefined ? `field "${r.field}"` : undefined].filter(Boolean);
  return parts.length ? `${parts.join(", ")}: ` : "";
}

/** Where the commands print; tests pass their own. */
export interface RadarOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROCESS_OUTPUT: RadarOutput = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export function registerRadarCommands(program: Command, output: RadarOutput = PROCESS_OUTPUT): void {
  const printJson = (value: unknown) => output.stdout(`${JSON.stringify(value, null, 2)}\n`);
  const radar = program.command("radar").description("Paper Radar: import and fetch research papers");

  radar
    .command("import <file>")
    .description("add or update papers from a JSONL or CSV file (.gz accepted); nothing is stored if a record is invalid unless --skip-invalid")
    .option(...DATA_OPTION)
    .option(...STORE_OPTION)
    .option("--format <format>", `input format: ${IMPORT_FORMATS.join(" or ")} (default: from the file name)`)
    .option("--skip-invalid", "import the valid records and report the invalid ones")
    .option(...SERVER_OPTION)
    .option(...API_KEY_OPTION)
    .option("--json", "print the result as JSON")
    .action(async (file: string, opts: { data: string; store?: string; format?: string; skipInvalid?: boolean; json?: boolean; server?: string; apiKey?: string }) => {
      if (opts.format !== undefined && !IMPORT_FORMATS.includes(opts.format as ImportFormat)) {
        throw new InvalidArgumentError(`--format must be ${IMPORT_FORMATS.join(" or ")}, got "${opts.format}"`);
      }
      // check the input before the store is opened (or created)
      const format = (opts.format as ImportFormat | undefined) ?? detectFormat(file);
      if (format === undefined) {
        throw new InvalidArgumentError(`cannot tell the format of ${file} from its name: use --format ${IMPORT_FORMATS.join(" or --format ")}`);
      }
      if (!existsSync(file)) throw new NotFoundError(`file not found: ${file}`);
      const started = performance.now();
      const remote = remoteServer(opts);
      if (remote) {
        output.stderr(`handing the import to the Paper Radar server at ${remote.url}\n`);
        const run = await remote.client.startImport(file, { format, skipInvalid: opts.skipInvalid });
        const result = await followJob<ImportResult>(remote.client, "import", run, `importing ${file} on the server`);
        if (opts.json) return printJson(result);
        output.stdout(
          `${file} (${result.format}): ${result.read} read, ${result.inserted} inserted, ${result.updated} updated, ` +
            `${result.unchanged} unchanged, ${result.rejected.length} rejected; ` +
            `${result.searchable} papers searchable on ${remote.url} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
        );
        for (const r of result.rejected.slice(0, SHOWN_REJECTS)) output.stderr(`  rejected ${file}:${r.line}: ${place(r)}${r.reason}\n`);
        if (result.rejected.length > SHOWN_REJECTS) output.stderr(`  ... and ${result.rejected.length - SHOWN_REJECTS} more rejected\n`);
        return;
      }
      const radarPapers = await openPapers(opts.data, { store: storeOf(opts) });
      const interrupt = interruptible();
      try {
        const result = await importPapers(radarPapers.papers, file, {
          format,
          skipInvalid: opts.skipInvalid,
          signal: interrupt.signal,
        });
        if (opts.json) return printJson(result);
        const seconds = (performance.now() - started) / 1000;
        output.stdout(
          `${file} (${result.format}): ${result.read} read, ${result.inserted} inserted, ${result.updated} updated, ` +
            `${result.unchanged} unchanged, ${result.rejected.length} rejected; ` +
            `${result.searchable} papers searchable in ${storeOf(opts) ? radarPapers.store.location : opts.data} (${seconds.toFixed(1)} s)\n`,
        );
        for (const r of result.rejected.slice(0, SHOWN_REJECTS)) output.stderr(`  rejected ${file}:${r.line}: ${place(r)}${r.reason}\n`);
        if (result.rejected.length > SHOWN_REJECTS) output.stderr(`  ... and ${result.rejected.length - SHOWN_REJECTS} more rejected\n`);
      } finally {
        interrupt.dispose();
        await radarPapers.close();
      }
    });

  radar
    .command("eval")
    .description("offline evaluation of the feed: authors as readers, earlier papers as saves, later ones as targets (docs/radar-feed.md)")
    .option("--corpus <file>", "papers file (JSONL/CSV, .gz accepted); default ../shared/datasets/arxiv-cs-cl-ir/papers.jsonl.gz, else data/arxiv-sample.jsonl.gz")
    .option("--data <dir>", "evaluate on the papers stored in this Paper Radar data directory instead of a file")
    .option("--limit-readers <n>", "readers evaluated at most (seeded sample)", "400")
    .option("--seed <n>", "seed of the reader sample and the random baseline", "1")
    .option("--split <split>", "test (default) or validation (an earlier cut, for tuning)", "test")
    .option("--protocol <readers>", "all (default: authors with 2+ earlier papers) or small-history (3 to 10 earlier papers)", "all")
    .option("--cut <date>", "test cut day YYYY-MM-DD (default: 75th percentile of paper dates)")
    .option("--validation-cut <date>", "validation cut day (default: 55th percentile)")
    .option("--weights <list>", "weights of the trove pipeline, e.g. content=1,svm=1,collaborative=0.5,topic=0.5,recency=0.1")
    .option("--mmr-lambda <x>", "MMR lambda of the trove pipeline (1 = off)")
    .option("--tune", "also rank with each weight (and lambda) changed one at a time: for the validation split")
    .option("--json", "print one JSON object")
    .action(
      async (opts: { corpus?: string; data?: string; limitReaders: string; seed: string; split: string; protocol: string; cut?: string; validationCut?: string; weights?: string; mmrLambda?: string; tune?: boolean; json?: boolean }) => {
        await runEvalCommand(
          {
            corpus: opts.corpus,
            dataDir: opts.data,
            limitReaders: parseNumberOption("limit-readers", opts.limitReaders, { integer: true, min: 1 }),
            seed: parseNumberOption("seed", opts.seed, { integer: true, min: 0 }),
            split: opts.split,
            protocol: opts.protocol,
            cut: opts.cut,
            validationCut: opts.validationCut,
            weights: opts.weights,
            mmrLambda: parseNumberOption("mmr-lambda", opts.mmrLambda, { min: 0, max: 1 }),
            tune: opts.tune,
            json: opts.json,
          },
          output.stdout,
        );
      },
    );

  radar
    .command("fetch")
    .description("pull a category's newest papers from the arXiv API into the papers collection")
    .requiredOption("--category <category>", "arXiv category, e.g. cs.IR")
    .option("--since <date>", "keep papers submitted on or after this day (YYYY-MM-DD); stops at the first older one")
    .option("--max <n>", "most papers to keep (default: no limit with --since, 100 without)")
    .option("--page-size <n>", "results per request (1-2000)", "100")
    .option("--delay <seconds>", "pause between requests, as arXiv asks", String(ARXIV_REQUEST_INTERVAL_MS / 1000))
    .option("--timeout <seconds>", "give up on a request after this long (it is then retried)", "30")
    .option("--retries <n>", "retries of a failed request, with exponential backoff", "3")
    .option("--base-url <url>", "arXiv API endpoint", ARXIV_API_URL)
    .option(...DATA_OPTION)
    .option(...STORE_OPTION)
    .option(...SERVER_OPTION)
    .option(...API_KEY_OPTION)
    .option("--json", "print the result as JSON")
    .action(
      async (opts: {
        category: string;
        since?: string;
        max?: string;
        pageSize: string;
        delay: string;
        timeout: string;
        retries: string;
        baseUrl: string;
        data: string;
        store?: string;
        json?: boolean;
        server?: string;
        apiKey?: string;
      }) => {
        const options = {
          category: opts.category,
          since: opts.since,
          max: parseNumberOption("max", opts.max, { integer: true, min: 1 }),
          pageSize: parseNumberOption("page-size", opts.pageSize, { integer: true, min: 1, max: 2000 }),
          delayMs: 1000 * parseNumberOption("delay", opts.delay, { min: 0 })!,
          timeoutMs: 1000 * parseNumberOption("timeout", opts.timeout, { min: 0.001 })!,
          retries: parseNumberOption("retries", opts.retries, { integer: true, min: 0, max: 20 }),
          baseUrl: opts.baseUrl,
        };
        // refuse bad options before the store is opened (or created)
        resolveFetchOptions(options);
        new ArxivClient({ baseUrl: options.baseUrl });
        const started = performance.now();
        const remote = remoteServer(opts);
        if (remote) {
          output.stderr(`handing the fetch to the Paper Radar server at ${remote.url} (it fetches with its own arXiv settings)\n`);
          const run = await remote.client.startFetch({ categories: [options.category], since: options.since, max: options.max });
          const result = await followJob<ArxivFetchJobResult>(remote.client, "arxiv-fetch", run, `fetching ${options.category} on the server`);
          if (opts.json) return printJson(result.categories[0]);
          const one = result.categories[0];
          const why = { since: `reached papers older than ${one.since}`, max: "reached --max", end: "end of the results" }[one.stoppedBy];
          output.stdout(
            `arXiv ${one.category}: ${one.received} papers${one.newest ? ` (${one.oldest} .. ${one.newest})` : ""} in ${one.requests} requests, ` +
              `${one.inserted} inserted, ${one.updated} updated, ${one.unchanged} unchanged, ${one.rejected.length} rejected; ` +
              `stopped: ${why}; ${one.searchable} papers searchable on ${remote.url} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
          );
          return;
        }
        const radarPapers = await openPapers(opts.data, { store: storeOf(opts) });
        const interrupt = interruptible();
        const log = (line: string) => {
          if (!opts.json) output.stderr(`${line}\n`);
        };
        try {
          const result = await fetchArxivPapers(radarPapers.papers, {
            ...options,
            signal: interrupt.signal,
            onRetry: ({ attempt, waitMs, problem }) => log(`  retry ${attempt} in ${(waitMs / 1000).toFixed(1)} s: ${problem}`),
            onPage: (page, stored) => {
              const dates = page.papers.map((p) => p.date).sort();
              const span = dates.length ? ` (${dates[0]} .. ${dates[dates.length - 1]})` : "";
              log(
                `  results ${page.start + 1}-${page.start + page.papers.length} of ${page.totalResults}${span}: ` +
                  `${stored.inserted} new, ${stored.updated} updated, ${stored.unchanged} unchanged` +
                  `${page.rejected.length ? `, ${page.rejected.length} rejected` : ""}`,
              );
            },
          });
          if (opts.json) return printJson(result);
          const why = { since: `reached papers older than ${result.since}`, max: "reached --max", end: "end of the results" }[result.stoppedBy];
          output.stdout(
            `arXiv ${result.category}: ${result.received} papers${result.newest ? ` (${result.oldest} .. ${result.newest})` : ""} in ${result.requests} requests, ` +
              `${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected.length} rejected; ` +
              `stopped: ${why}; ${result.searchable} papers searchable in ${opts.data} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
          );
          for (const r of result.rejected.slice(0, SHOWN_REJECTS)) output.stderr(`  rejected result ${r.position + 1}: ${place(r)}${r.reason}\n`);
        } finally {
          interrupt.dispose();
          await radarPapers.close();
        }
      },
    );
}
