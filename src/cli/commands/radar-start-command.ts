/**
 * `trove radar start` (what `npm start` runs): Paper Radar, web app and API,
 * on the bundled arXiv sample. The first start imports the sample into the
 * data directory (store + index, about ten seconds); later starts reuse both
 * and serve within a second or two. An empty collection is the only trigger:
 * papers imported or fetched since are never touched.
 *
 * Configuration comes from options and, for what a deployment sets once, the
 * environment: PORT, TROVE_STORE_URL (a postgres:// URL shared by several
 * nodes; see docs/deploying.md), TROVE_TRUST_PROXY, TROVE_MAX_CONCURRENT,
 * TROVE_MAX_QUEUED, TROVE_QUEUE_WAIT_MS, RADAR_ADMIN_EMAILS
 * (comma-separated), RADAR_SIGNUP (open, invite or closed),
 * RADAR_SECURE_COOKIES (true to always mark the session cookie Secure),
 * RADAR_ALLOWED_ORIGINS, RADAR_PASSWORD_MIN_LENGTH, RADAR_PASSWORD_BLOCKLIST
 * (a file of more passwords to refuse), TROVE_MAX_QUERY_CLAUSES and
 * TROVE_MAX_QUERY_PREFIXES (query cost limits, default 1024 and 32),
 * TROVE_QUERY_TIME_BUDGET_MS (each search request's time budget, default 2000),
 * RADAR_JOB_LEASE_MS (the lease of a background job's run, default 30000: how
 * long a node that died holds up its runs before another node takes them
 * over), RADAR_IMPORT_PAUSE_MS and RADAR_IMPORT_PAUSE_EVERY (a pause after
 * every N records of an import, default none), the
 * scheduled arXiv fetch's RADAR_FETCH_CATEGORIES, RADAR_FETCH_EVERY_HOURS and
 * RADAR_ARXIV_URL (see docs/radar-ingest.md), and the digest's RADAR_SMTP_URL, RADAR_MAIL_FROM,
 * RADAR_DIGEST_MAIL_EVERY_MINUTES (how often the digest-mail job looks for due digests, default 60),
 * RADAR_LLM_URL, RADAR_LLM_MODEL, RADAR_LLM_API_KEY (see docs/radar-digest.md), and semantic search's
 * RADAR_SEMANTIC (on by default; off: lexical only), RADAR_ENCODER (a model folder or encoder spec
 * .json; default: Trove's own encoder trained on the papers) and RADAR_ENCODER_DIMENSIONS (the
 * model's dimensions, default 256) (see docs/radar-search.md).
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError, NotFoundError } from "../../core/errors.js";
import type { AdmissionOptions } from "../../server/admission.js";
import type { TrustProxy } from "../../server/client-info.js";
import { redactUrl, resolveStoreLocation } from "../../store/open-store.js";
import { encoderSpecFromLocation } from "../../encoders/encoder-location.js";
import { importPapers } from "../../../apps/radar/ingest/import.js";
import { startRadarServer, type RadarApiOptions } from "../../../apps/radar/index.js";
import { parseCategories } from "../../../apps/radar/jobs/arxiv-fetch-job.js";
import { DEFAULT_RADAR_DATA_DIR, openPapers } from "../../../apps/radar/papers.js";
import { parseNumberOption } from "../output.js";

/** The arXiv sample shipped in the repository (data/arxiv-sample.jsonl.gz). */
export function bundledPapersFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/src/cli/commands -> repository root
  return join(here, "..", "..", "..", "..", "data", "arxiv-sample.jsonl.gz");
}

function positiveHours(text: string): number {
  const hours = Number(text);
  if (!Number.isFinite(hours) || hours <= 0) throw new InvalidArgumentError(`RADAR_FETCH_EVERY_HOURS must be a positive number of hours, got "${text}"`);
  return hours;
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
  const categories = value("RADAR_FETCH_CATEGORIES");
  const everyHours = value("RADAR_FETCH_EVERY_HOURS");
  const arxivUrl = value("RADAR_ARXIV_URL");
  const signup = value("RADAR_SIGNUP") ?? "open";
  if (signup !== "open" && signup !== "invite" && signup !== "closed") throw new InvalidArgumentError(`RADAR_SIGNUP must be open, invite or closed, got ${JSON.stringify(signup)}`);
  const secure = value("RADAR_SECURE_COOKIES");
  if (secure !== undefined && secure !== "true" && secure !== "false") throw new InvalidArgumentError(`RADAR_SECURE_COOKIES must be true or false, got ${JSON.stringify(secure)}`);
  const minLength = value("RADAR_PASSWORD_MIN_LENGTH");
  const pauseMs = parseNumberOption("RADAR_IMPORT_PAUSE_MS", value("RADAR_IMPORT_PAUSE_MS"), { integer: true, min: 0, max: 60_000 });
  const pauseEvery = parseNumberOption("RADAR_IMPORT_PAUSE_EVERY", value("RADAR_IMPORT_PAUSE_EVERY"), { integer: true, min: 1, max: 1_000_000 });
  const semantic = value("RADAR_SEMANTIC") ?? "on";
  if (semantic !== "on" && semantic !== "off") throw new InvalidArgumentError(`RADAR_SEMANTIC must be on or off, got ${JSON.stringify(semantic)}`);
  const encoder = value("RADAR_ENCODER");
  const dimensions = value("RADAR_ENCODER_DIMENSIONS");
  return {
    semantic:
      semantic === "off"
        ? false
        : {
            encoder: encoder === undefined ? undefined : encoderSpecFromLocation(encoder, "RADAR_ENCODER"),
            dimensions: dimensions === undefined ? undefined : parseNumberOption("RADAR_ENCODER_DIMENSIONS", dimensions, { integer: true, min: 1, max: 4096 }),
          },
    jobs: {
      leaseMs: parseNumberOption("RADAR_JOB_LEASE_MS", value("RADAR_JOB_LEASE_MS"), { integer: true, min: 100, max: 3_600_000 }),
      importPace: pauseMs ? { pauseMs, everyRecords: pauseEvery ?? 256 } : undefined,
    },
    accounts: {
      adminEmails,
      signup,
      password: {
        minLength: minLength === undefined ? undefined : parseNumberOption("RADAR_PASSWORD_MIN_LENGTH", minLength, { integer: true, min: 8, max: 64 }),
        extraBlocklistFile: value("RADAR_PASSWORD_BLOCKLIST"),
      },
    },
    fetch: categories
      ? {
          categories: parseCategories(categories),
          everyHours: everyHours === undefined ? undefined : positiveHours(everyHours),
          client: arxivUrl ? { baseUrl: arxivUrl } : undefined,
        }
      : undefined,
    secureCookies: secure === undefined ? undefined : secure === "true",
    search: {
      limits: {
        maxClauses: parseNumberOption("TROVE_MAX_QUERY_CLAUSES", value("TROVE_MAX_QUERY_CLAUSES"), { integer: true, min: 1, max: 100_000 }),
        maxPrefixes: parseNumberOption("TROVE_MAX_QUERY_PREFIXES", value("TROVE_MAX_QUERY_PREFIXES"), { integer: true, min: 1, max: 100_000 }),
      },
      timeBudgetMs: parseNumberOption("TROVE_QUERY_TIME_BUDGET_MS", value("TROVE_QUERY_TIME_BUDGET_MS"), { integer: true, min: 1, max: 600_000 }),
    },
    allowedOrigins: (env.RADAR_ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((o) => o.trim().replace(/\/+$/, ""))
      .filter(Boolean),
    digest: {
      smtpUrl: value("RADAR_SMTP_URL"),
      mailFrom: value("RADAR_MAIL_FROM"),
      mailEveryMinutes: parseNumberOption("RADAR_DIGEST_MAIL_EVERY_MINUTES", value("RADAR_DIGEST_MAIL_EVERY_MINUTES"), { integer: true, min: 1, max: 10_080 }),
      llm: llmUrl && llmModel ? { url: llmUrl, model: llmModel, apiKey: value("RADAR_LLM_API_KEY") } : undefined,
    },
  };
}

/**
 * Imports `corpus` into the papers collection under `dataDir` when that
 * collection is empty. Returns how many papers were imported (0 when there
 * were papers already).
 */
export async function seedPapersIfEmpty(dataDir: string, corpus: string, log: (line: string) => void, store?: string, embeddingDimensions?: number): Promise<number> {
  const radar = await openPapers(dataDir, { quiet: true, store, embeddingDimensions });
  try {
    if ((await radar.store.countRecords(radar.papers.name)) > 0) return 0;
    if (!existsSync(corpus)) throw new NotFoundError(`corpus file not found: ${corpus}`);
    log(`first start: importing ${corpus} into ${store ? redactUrl(store) : dataDir} ...`);
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
  store?: string;
  trustProxy?: string;
  maxConcurrent?: string;
  maxQueued?: string;
  queueWaitMs?: string;
  log?: boolean;
  /** `radar start` only: papers to import when the collection is empty. */
  corpus?: string;
}

/** The options `trove serve` and `trove radar start` share. */
export function addServeOptions(command: Command): Command {
  return command
    .option("--port <n>", "port (env PORT)", process.env.PORT ?? "8080")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--data <dir>", "Paper Radar's data directory: its indexes and models, and the store unless --store names another", DEFAULT_RADAR_DATA_DIR)
    .option("--store <url>", "the system of record: a postgres:// URL that several nodes share (env TROVE_STORE_URL; default: the SQLite file in --data)")
    .option("--trust-proxy <list>", "reverse proxies whose X-Forwarded-For/-Proto/-Host to believe: addresses and CIDR blocks, comma-separated, or a hop count (env TROVE_TRUST_PROXY)")
    .option("--max-concurrent <n>", "requests handled at once; more wait in a bounded queue (env TROVE_MAX_CONCURRENT)", process.env.TROVE_MAX_CONCURRENT ?? "16")
    .option("--max-queued <n>", "requests waiting at most; beyond, 503 with Retry-After (env TROVE_MAX_QUEUED)", process.env.TROVE_MAX_QUEUED ?? "64")
    .option("--queue-wait-ms <ms>", "longest wait in the queue before 503 (env TROVE_QUEUE_WAIT_MS)", process.env.TROVE_QUEUE_WAIT_MS ?? "1000")
    .option("--log", "log requests");
}

/** The trusted-proxy setting from `--trust-proxy` or TROVE_TRUST_PROXY: "false", "true", a hop count or a list of addresses/CIDRs. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim();
  if (!text || text === "false") return false;
  if (text === "true") return true;
  if (/^\d+$/.test(text)) return Number(text);
  const list = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError(`--trust-proxy: expected addresses, CIDR blocks, a hop count, true or false; got ${JSON.stringify(value)}`);
  return list;
}

function admissionOptions(opts: ServeOptions): AdmissionOptions {
  return {
    maxConcurrent: parseNumberOption("max-concurrent", opts.maxConcurrent, { integer: true, min: 1, max: 10_000 }),
    maxQueued: parseNumberOption("max-queued", opts.maxQueued, { integer: true, min: 0, max: 1_000_000 }),
    maxWaitMs: parseNumberOption("queue-wait-ms", opts.queueWaitMs, { integer: true, min: 1, max: 600_000 }),
  };
}

/** Serves Paper Radar until Ctrl-C, first importing `opts.corpus` into an empty collection when given. */
export async function serveRadar(opts: ServeOptions): Promise<void> {
  const port = parseNumberOption("port", opts.port, { integer: true, min: 0, max: 65535 });
  const trustProxy = parseTrustProxy(opts.trustProxy ?? process.env.TROVE_TRUST_PROXY);
  const admission = admissionOptions(opts);
  const location = resolveStoreLocation(opts.store, opts.data);
  const storeLocation = location === opts.data ? undefined : location;
  const started = performance.now();
  const radar = radarOptionsFromEnv();
  if (opts.corpus !== undefined) {
    await seedPapersIfEmpty(opts.data, opts.corpus, (line) => process.stderr.write(`${line}\n`), storeLocation, radar.semantic ? radar.semantic.dimensions : undefined);
  }
  const server = await startRadarServer({
    port,
    host: opts.host,
    dataDir: opts.data,
    storeLocation,
    trustProxy,
    admission,
    logRequests: Boolean(opts.log),
    handleSignals: true,
    radar: { ...radar, warmCorpusMap: true },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const browseHost = opts.host === "0.0.0.0" || opts.host === "127.0.0.1" ? "localhost" : opts.host;
  process.stdout.write(
    `Paper Radar is running at http://${browseHost}:${server.port}/ (ready in ${seconds} s; API: ${server.url}/openapi.json; store: ${server.store.location}). Ctrl-C to stop.\n` +
      `The first account to sign up becomes the admin.\n`,
  );
}

export function registerRadarStartCommand(radar: Command): void {
  addServeOptions(radar.command("start").description("serve Paper Radar (web app and API), importing the bundled arXiv sample on the first start"))
    .option("--corpus <file>", "papers to import when the collection is empty", bundledPapersFile())
    .action((opts: ServeOptions) => serveRadar(opts));
}
