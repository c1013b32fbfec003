/**
 * The arXiv client against a local fixture server (node:http on 127.0.0.1,
 * port 0) that serves the hand-written Atom pages in ./fixtures.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "../../../src/core/errors.js";
import { openPapers, type RadarPapers } from "../papers.js";
import { ARXIV_FIXTURE_PAGES, fixtureServer, recordedArxiv, type FixtureServer, type Handler } from "../test-support/arxiv-fixture-server.js";
import { ArxivApiError, ArxivClient, ArxivUnavailableError, buildArxivQueryUrl, fetchArxivPapers, parseArxivFeed, resolveFetchOptions } from "./arxiv-fetch.js";

const { PAGE_1, ERROR_FEED } = ARXIV_FIXTURE_PAGES;
const recorded = recordedArxiv;

async function withFixture(handlers: Handler[], fn: (server: FixtureServer, radar: RadarPapers) => Promise<void>): Promise<void> {
  const server = await fixtureServer(...handlers);
  const dir = mkdtempSync(join(tmpdir(), "radar-fetch-"));
  const radar = await openPapers(dir, { quiet: true });
  try {
    await fn(server, radar);
  } finally {
    await radar.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fast settings for tests: no pause between requests, short backoff. */
const FAST = { delayMs: 0, retryDelayMs: 1, timeoutMs: 2000 };

test("the query URL asks for the category, newest submissions first, one page", () => {
  const url = new URL(buildArxivQueryUrl("http://export.arxiv.org/api/query", { category: "cs.IR", start: 200, maxResults: 100 }));
  assert.equal(url.origin + url.pathname, "http://export.arxiv.org/api/query");
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    search_query: "cat:cs.IR",
    sortBy: "submittedDate",
    sortOrder: "descending",
    start: "200",
    max_results: "100",
  });
});

test("parseArxivFeed reads the paging elements and every entry field", () => {
  const page = parseArxivFeed(PAGE_1, "page-1.xml");
  assert.deepEqual([page.totalResults, page.startIndex, page.itemsPerPage, page.entries.length], [6, 0, 3, 3]);
  const second = page.entries[1];
  assert.equal(second.id, "http://arxiv.org/abs/2511.16877v2");
  assert.deepEqual(second.authors, ["Priya Raman", "Lukas Brandt", "Hyejin Cho"]);
  assert.equal(second.primaryCategory, "cs.IR");
  assert.deepEqual(second.categories, ["cs.CL", "cs.IR", "H.3.3"]);
  assert.equal(second.date, "2025-11-20T11:02:19Z");
  assert.equal(second.updated, "2025-11-22T09:14:40Z");
  assert.equal(second.comment, "Accepted at CIKM 2025; v2 fixes a typo in Table 3");
  assert.equal(second.journalRef, "Proceedings of CIKM 2025, pages 4410-4414");
  assert.equal(second.doi, "10.1145/3746252.3761044");
  assert.deepEqual(second.links, {
    abs: "https://arxiv.org/abs/2511.16877v2",
    pdf: "https://arxiv.org/pdf/2511.16877v2",
    doi: "https://doi.org/10.1145/3746252.3761044",
  });
  // entities decoded, the line-wrapped title kept for normalizePaper to collapse
  assert.match(String(page.entries[0].abstract), /\(with \$k < 32\$\)/);
  assert.match(String(page.entries[0].title), /Embeddings\n\s+Without/);

  assert.throws(
    () => parseArxivFeed(ERROR_FEED, "bad-query"),
    (e: unknown) => e instanceof ArxivApiError && e.message === "arXiv API error: start must be greater than or equal to 0 (bad-query)",
  );
  assert.throws(() => parseArxivFeed("Rate exceeded.", "busy"), ArxivUnavailableError);
});

test("fetch pages through the results, stores normalized papers and makes them searchable", async () => {
  await withFixture([recorded], async (server, radar) => {
    const pages: number[] = [];
    const result = await fetchArxivPapers(radar.papers, {
      ...FAST,
      category: "cs.IR",
      pageSize: 3,
      baseUrl: server.baseUrl,
      onPage: (page) => pages.push(page.start),
    });
    assert.deepEqual(
      server.requests.map((u) => [u.pathname, u.searchParams.get("search_query"), u.searchParams.get("start"), u.searchParams.get("max_results")]),
      [
        ["/api/query", "cat:cs.IR", "0", "3"],
        ["/api/query", "cat:cs.IR", "3", "3"],
      ],
    );
    assert.deepEqual(pages, [0, 3]);
    assert.deepEqual(
      [result.received, result.inserted, result.stoppedBy, result.newest, result.oldest, result.searchable],
      [6, 6, "end", "2025-11-21", "2025-11-14", 6],
    );
    assert.deepEqual(await radar.store.getRecord("papers", "2511.16877"), {
      id: "2511.16877",
      title: "Session-Aware Reranking for Conversational Product Search",
      abstract:
        "Shoppers refine their needs over several turns. We rerank candidate products with a model that reads the whole session, and we release a test collection of 1,204 annotated sessions. Session-aware reranking improves nDCG@10 by 7% over single-turn rerankers.",
      authors: ["Priya Raman", "Lukas Brandt", "Hyejin Cho"],
      categories: ["cs.IR", "cs.CL", "H.3.3"],
      primaryCategory: "cs.IR",
      date: "2025-11-20",
      updated: "2025-11-22",
      comment: "Accepted at CIKM 2025; v2 fixes a typo in Table 3",
      doi: "10.1145/3746252.3761044",
      journalRef: "Proceedings of CIKM 2025, pages 4410-4414",
      links: {
        abs: "https://arxiv.org/abs/2511.16877v2",
        pdf: "https://arxiv.org/pdf/2511.16877v2",
        doi: "https://doi.org/10.1145/3746252.3761044",
      },
    });
    const hits = await radar.papers.search("sparse retrieval", { k: 2 });
    assert.deepEqual(hits.hits.map((h) => h.id).sort(), ["2511.15921", "2511.16590"]);
    assert.equal((await radar.papers.search("title:token", { filter: "primaryCategory:cs.IR" })).hits[0]?.record?.title,
      "Late-Interaction Retrieval on a Budget: Pruning Token Embeddings Without Losing Recall");

    // fetching again stores nothing new
    const again = await fetchArxivPapers(radar.papers, { ...FAST, category: "cs.IR", pageSize: 3, baseUrl: server.baseUrl });
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 6]);
  });
});

test("--since stops at the first older paper and --max at the count", async () => {
  await withFixture([recorded], async (server, radar) => {
    const since = await fetchArxivPapers(radar.papers, { ...FAST, category: "cs.IR", since: "2025-11-18", pageSize: 3, baseUrl: server.baseUrl });
    assert.deepEqual([since.received, since.stoppedBy, since.oldest, server.requests.length], [5, "since", "2025-11-18", 2]);
    assert.equal(await radar.store.getRecord("papers", "2511.11208"), undefined);

    const max = await fetchArxivPapers(radar.papers, { ...FAST, category: "cs.IR", max: 2, pageSize: 3, baseUrl: server.baseUrl });
    assert.deepEqual([max.received, max.stoppedBy, max.requests], [2, "max", 1]);
    assert.equal(server.requests.at(-1)?.searchParams.get("max_results"), "2");
  });
});

test("a 503 and a 200 that is not a feed are retried after a backoff, and the fetch completes", async () => {
  const busy: Handler = (_url, _req, res) => {
    res.writeHead(503, { "Content-Type": "text/plain", "Retry-After": "0" }).end("Rate exceeded.");
  };
  const proxyPage: Handler = (_url, _req, res) => {
    res.writeHead(200, { "Content-Type": "text/html" }).end("<html><body>Please wait<br></body></html>");
  };
  await withFixture([busy, proxyPage, recorded], async (server, radar) => {
    const retries: Array<{ attempt: number; problem: string }> = [];
    const result = await fetchArxivPapers(radar.papers, {
      ...FAST,
      category: "cs.IR",
      pageSize: 3,
      baseUrl: server.baseUrl,
      onRetry: ({ attempt, problem }) => retries.push({ attempt, problem }),
    });
    assert.deepEqual(
      retries.map((r) => r.attempt),
      [1, 2],
    );
    assert.equal(retries[0].problem, 'HTTP 503: "Rate exceeded."');
    assert.match(retries[1].problem, /^the answer is not an Atom feed/);
    assert.deepEqual([result.requests, result.received], [4, 6]);
    assert.deepEqual(
      server.requests.map((u) => u.searchParams.get("start")),
      ["0", "0", "0", "3"],
    );
  });
});

test("an error feed is reported at once, failures past the retries name the cause, and earlier pages stay stored", async () => {
  const errorFeed: Handler = (_url, _req, res) => {
    res.writeHead(400, { "Content-Type": "application/atom+xml" }).end(ERROR_FEED);
  };
  await withFixture([errorFeed], async (server, radar) => {
    await assert.rejects(
      fetchArxivPapers(radar.papers, { ...FAST, category: "cs.IR", baseUrl: server.baseUrl }),
      (e: unknown) => e instanceof ArxivApiError && /start must be greater than or equal to 0/.test(e.message) && e.code === "INVALID_ARGUMENT",
    );
    assert.equal(server.requests.length, 1);
  });

  const failing: Handler = (_url, _req, res) => {
    res.writeHead(500).end("Internal Server Error");
  };
  await withFixture([recorded, failing], async (server, radar) => {
    await assert.rejects(
      fetchArxivPapers(radar.papers, { ...FAST, retries: 2, category: "cs.IR", pageSize: 3, baseUrl: server.baseUrl }),
      (e: unknown) => e instanceof ArxivUnavailableError && /HTTP 500.*3 attempts/.test(e.message),
    );
    assert.equal(server.requests.length, 4);
    // page 1 was stored and indexed before page 2 failed
    assert.equal(await radar.store.countRecords("papers"), 3);
    assert.equal(radar.papers.index.documentCount, 3);
  });
});

test("a server that does not answer times out", async () => {
  const silent: Handler = () => {
    /* never answers */
  };
  const server = await fixtureServer(silent);
  try {
    const client = new ArxivClient({ ...FAST, timeoutMs: 100, retries: 1, baseUrl: server.baseUrl });
    await assert.rejects(client.fetchPage({ category: "cs.IR", start: 0, maxResults: 3 }), /no complete answer within 0\.1 s \(2 attempts/);
  } finally {
    await server.close();
  }
  // a port nobody listens on (any more)
  const unused = await fixtureServer(recorded);
  await unused.close();
  const client = new ArxivClient({ ...FAST, retries: 0, baseUrl: unused.baseUrl });
  await assert.rejects(client.fetchPage({ category: "cs.IR", start: 0, maxResults: 3 }), /cannot reach 127\.0\.0\.1:\d+: connect ECONNREFUSED .* \(1 attempt;/);
});

test("bad options are refused before any request", () => {
  for (const bad of [{ category: "cs IR" }, { category: "cs.IR", since: "2025-02-30" }, { category: "cs.IR", max: 0 }, { category: "cs.IR", pageSize: 5000 }]) {
    assert.throws(() => resolveFetchOptions(bad), InvalidArgumentError, JSON.stringify(bad));
  }
  assert.deepEqual(resolveFetchOptions({ category: "cs.IR" }), { category: "cs.IR", since: undefined, max: 100, pageSize: 100 });
  assert.equal(resolveFetchOptions({ category: "cs.IR", since: "2025-11-01" }).max, Number.POSITIVE_INFINITY);
  assert.throws(() => new ArxivClient({ baseUrl: "ftp://example.org/" }), InvalidArgumentError);
});
