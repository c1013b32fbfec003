/**
 * Test helper (for tests and scripts/radar-screenshots.ts; nothing the app
 * runs imports it): a Paper Radar server for browser tests and screenshots: a data directory
 * seeded with the bundled arXiv sample (all of it, or every n-th paper so the
 * slice still spans the corpus's dates), served on a free port; and Debian's
 * Chromium launched through playwright-core with the flags that work in
 * containers (no sandbox, no GPU, no background network).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { startRadarServer, type StartRadarServerOptions } from "../radar-server.js";
import type { RunningServer } from "../../../src/server/start-server.js";
import { readRawPapers } from "../ingest/import.js";
import { normalizePaper, openPapers, storePapers, type Paper } from "../papers.js";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The arXiv sample shipped in the repository, found from this module in the source tree or in dist/. */
export function bundledSampleFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "data", "arxiv-sample.jsonl.gz");
    if (existsSync(file)) return file;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("data/arxiv-sample.jsonl.gz not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Stores every `every`-th paper of the bundled sample (1 = all) and `extra` papers in `dataDir`; returns them. */
export async function seedSample(dataDir: string, every = 1, extra: readonly Paper[] = []): Promise<Paper[]> {
  const file = bundledSampleFile();
  const radar = await openPapers(dataDir, { quiet: true });
  const seeded: Paper[] = [];
  try {
    let n = 0;
    let batch: Paper[] = [];
    for await (const { raw, line } of readRawPapers(file, "jsonl")) {
      if (n++ % every !== 0) continue;
      batch.push(normalizePaper(raw, { file, line }));
      if (batch.length === 500) {
        await storePapers(radar.papers, batch);
        seeded.push(...batch);
        batch = [];
      }
    }
    batch.push(...extra);
    await storePapers(radar.papers, batch);
    seeded.push(...batch);
  } finally {
    await radar.close();
  }
  return seeded;
}

export interface SampleServer {
  server: RunningServer;
  dataDir: string;
  papers: Paper[];
  /** Stops the server and removes the data directory (when it made it). */
  close(): Promise<void>;
}

/** Seeds a data directory (a new temporary one unless given) and starts Paper Radar on it. */
export async function startSampleServer(
  options: { every?: number; extraPapers?: readonly Paper[]; dataDir?: string; port?: number; radar?: StartRadarServerOptions["radar"] } = {},
): Promise<SampleServer> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "radar-web-"));
  try {
    const papers = await seedSample(dataDir, options.every ?? 1, options.extraPapers);
    const server = await startRadarServer({ port: options.port ?? 0, host: "127.0.0.1", dataDir, radar: options.radar });
    return {
      server,
      dataDir,
      papers,
      async close() {
        await server.close();
        if (temporary) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Launches Debian's Chromium headless (throws when it is not installed). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y --no-install-recommends chromium); CI installs it in .ci/run`);
  }
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A browser test's setup: a sample server, Chromium and one desktop-sized page that records page errors. */
export interface BrowserSession {
  radar: SampleServer;
  browser: Browser;
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openBrowserSession(options: Parameters<typeof startSampleServer>[0]): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y --no-install-recommends chromium; CI does it in .ci/run), or set TROVE_SKIP_BROWSER=1 to skip these tests`);
  }
  const radar = await startSampleServer(options);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return {
    radar,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await radar.close();
    },
  };
}
