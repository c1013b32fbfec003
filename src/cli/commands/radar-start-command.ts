/**
 * `trove radar start` (what `npm start` runs): Paper Radar, web app and API,
 * on the bundled arXiv sample. The first start imports the sample into the
 * data directory (store + index, about ten seconds); later starts reuse both
 * and serve within a second or two. An empty collection is the only trigger:
 * papers imported or fetched since are never touched.
 *
 * Configuration comes from options and, for what a deployment sets once, the
 * environment: PORT, RADAR_ADMIN_EMAILS (comma-separated), and the
 * digest's RADAR_SMTP_URL, RADAR_MAIL_FROM, RADAR_LLM_URL, RADAR_LLM_MODEL,
 * RADAR_LLM_API_KEY (see docs/radar-digest.md).
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { NotFoundError } from "../../core/errors.js";
import { importPapers } from "../../../apps/radar/ingest/import.js";
import { startRadarServer, type RadarApiOptions } from "../../../apps/radar/index.js";
import { DEFAULT_RADAR_DATA_DIR, openPapers } from "../../../apps/radar/papers.js";
import { parseNumberOption } from "../output.js";

/** The arXiv sample shipped in the repository (data/arxiv-sample.jsonl.gz). */
export function bundledPapersFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/src/cli/commands -> repository root
  return join(here, "..", "..", "..", "..", "data", "arxiv-sample.jsonl.gz");
}

/** Paper Radar options a deployment sets in the environment. */
export function radarOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RadarApiOptions {
  const adminEmails = (env.RADAR_ADMIN_EMAILS ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const value = (name: string): string | undefined => env[name]?.trim() || undefined;
  const llmUrl = value("RADAR_LLM_URL");
  const llmModel = value("RADAR_LLM_MODEL");
  return {
    accounts: { adminEmails },
    digest: {
      smtpUrl: value("RADAR_SMTP_URL"),
      mailFrom: value("RADAR_MAIL_FROM"),
      llm: llmUrl && llmModel ? { url: llmUrl, model: llmModel, apiKey: value("RADAR_LLM_API_KEY") } : undefined,
    },
  };
}

/**
 * Imports `corpus` into the papers collection under `dataDir` when that
 * collection is empty. Returns how many papers were imported (0 when there
 * were papers already).
 */
export async function seedPapersIfEmpty(dataDir: string, corpus: string, log: (line: string) => void): Promise<number> {
  const radar = await openPapers(dataDir, { quiet: true });
  try {
    if ((await radar.store.countRecords(radar.papers.name)) > 0) return 0;
    if (!existsSync(corpus)) throw new NotFoundError(`corpus file not found: ${corpus}`);
    log(`first start: importing ${corpus} into ${dataDir} ...`);
    const result = await importPapers(radar.papers, corpus, {});
    log(`imported ${result.inserted} papers in ${(result.storeSeconds + result.indexSeconds).toFixed(1)} s`);
    return result.inserted;
  } finally {
    await radar.close();
  }
}

interface ServeOptions {
  port: string;
  host: string;
  data: string;
  log?: boolean;
  /** `radar start` only: papers to import when the collection is empty. */
  corpus?: string;
}

/** The options `trove serve` and `trove radar start` share. */
export function addServeOptions(command: Command): Command {
  return command
    .option("--port <n>", "port (env PORT)", process.env.PORT ?? "8080")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--data <dir>", "Paper Radar's store and index directory", DEFAULT_RADAR_DATA_DIR)
    .option("--log", "log requests");
}

/** Serves Paper Radar until Ctrl-C, first importing `opts.corpus` into an empty collection when given. */
export async function serveRadar(opts: ServeOptions): Promise<void> {
  const port = parseNumberOption("port", opts.port, { integer: true, min: 0, max: 65535 });
  const started = performance.now();
  if (opts.corpus !== undefined) await seedPapersIfEmpty(opts.data, opts.corpus, (line) => process.stderr.write(`${line}\n`));
  const server = await startRadarServer({
    port,
    host: opts.host,
    dataDir: opts.data,
    logRequests: Boolean(opts.log),
    handleSignals: true,
    radar: radarOptionsFromEnv(),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const browseHost = opts.host === "0.0.0.0" || opts.host === "127.0.0.1" ? "localhost" : opts.host;
  process.stdout.write(
    `Paper Radar is running at http://${browseHost}:${server.port}/ (ready in ${seconds} s; API: ${server.url}/openapi.json). Ctrl-C to stop.\n` +
      `The first account to sign up becomes the admin.\n`,
  );
}

export function registerRadarStartCommand(radar: Command): void {
  addServeOptions(radar.command("start").description("serve Paper Radar (web app and API), importing the bundled arXiv sample on the first start"))
    .option("--corpus <file>", "papers to import when the collection is empty", bundledPapersFile())
    .action((opts: ServeOptions) => serveRadar(opts));
}
