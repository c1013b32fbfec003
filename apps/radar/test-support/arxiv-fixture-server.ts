/**
 * Test helper (tests only): a local stand-in for the arXiv API (node:http on
 * 127.0.0.1, port 0) serving the hand-written Atom pages in
 * apps/radar/ingest/fixtures, for the client, fetch command and fetch job
 * tests. Never the network.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// compiled to dist/apps/radar/test-support; the fixtures stay in the sources
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "apps", "radar", "ingest", "fixtures");

export const ARXIV_FIXTURE_PAGES = {
  PAGE_1: readFileSync(join(FIXTURES, "arxiv-cs-ir-page-1.xml"), "utf8"),
  PAGE_2: readFileSync(join(FIXTURES, "arxiv-cs-ir-page-2.xml"), "utf8"),
  ERROR_FEED: readFileSync(join(FIXTURES, "arxiv-error.xml"), "utf8"),
};

export type Handler = (url: URL, req: IncomingMessage, res: ServerResponse) => void;

/** The arXiv API as recorded: start=0 -> page 1, start=3 -> page 2, anything else -> an empty page. */
export const recordedArxiv: Handler = (url, _req, res) => {
  const { PAGE_1, PAGE_2 } = ARXIV_FIXTURE_PAGES;
  const start = url.searchParams.get("start");
  const body = start === "0" ? PAGE_1 : start === "3" ? PAGE_2 : PAGE_2.replace(/<entry>[\s\S]*<\/entry>/, "");
  res.writeHead(200, { "Content-Type": "application/atom+xml; charset=utf-8" }).end(body);
};

export interface FixtureServer {
  baseUrl: string;
  requests: URL[];
  close(): Promise<void>;
}

/** Serves `handlers[i]` for the i-th request (the last one for the rest). */
export async function fixtureServer(...handlers: Handler[]): Promise<FixtureServer> {
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url);
    handlers[Math.min(requests.length, handlers.length) - 1](url, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/query`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
