/**
 * `npm run bench:http [-- --duration 10 --connections 1,4,16,64 --nodes 2 --soak 600 --endpoints search,feed --queries 1000 --profile DIR]`:
 * a bounded load test of Paper Radar on 127.0.0.1 (autocannon). Starts a node
 * (`trove radar start`, the bundled sample of 3,956 papers, SQLite), or with
 * `--nodes 2` two nodes on a throwaway PostgreSQL with the load split
 * between them; signs up readers with saves (so the feed has work to do);
 * then for /api/search, /api/feed, /api/papers/{id}/related at rising
 * concurrency prints requests/s, p50/p99/max latency, errors, 503s (the
 * bounded queue at work) and each node's RSS before, during and after.
 * `--soak N` then runs a mixed load for N seconds and prints RSS every
 * minute (flat is the goal). Not a test: run it in a quiet moment and say the
 * load (uptime) beside its figures.
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import { startNode, writeSampleCorpus, type RadarNode } from "../../src/cli/commands/testing/radar-nodes.js";
import { startDisposablePostgres } from "../../src/store/testing/disposable-postgres.js";

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Cannon = (options: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Cannon;

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "1,4,16,64" },
    nodes: { type: "string", default: "1" },
    soak: { type: "string", default: "0" },
    readers: { type: "string", default: "20" },
    /** Write each node's V8 CPU profile (.cpuprofile, written when the node stops) into this directory. */
    profile: { type: "string" },
    /**
     * Distinct search queries: the first 10 are fixed topics; more are two- and three-word runs of the
     * papers' titles, so that few answers repeat (the node remembers its 256 latest answers).
     */
    queries: { type: "string", default: "10" },
    /** Only these endpoints (comma-separated: search,feed,related). */
    endpoints: { type: "string", default: "search,feed,related" },
  },
});
const duration = Number(values.duration);
const levels = values.connections.split(",").map(Number);
const nodeCount = Number(values.nodes);
const QUERIES = ["retrieval", "dense retrieval", "language models", "graph neural networks", "reinforcement learning", "question answering", "recommendation", "transformer attention", "contrastive learning", "benchmark evaluation"];

/** `count` distinct queries: the fixed topics first, then two- and three-word runs of the titles, in a seeded shuffled order. */
function searchQueries(count: number, titles: readonly string[]): string[] {
  const out = new Set(QUERIES.slice(0, count));
  const runs: string[] = [];
  for (const title of titles) {
    const words = title.toLowerCase().split(/[^a-z0-9-]+/).filter((w) => w.length > 2);
    for (const n of [2, 3]) for (let i = 0; i + n <= words.length; i++) runs.push(words.slice(i, i + n).join(" "));
  }
  let seed = 1;
  for (let i = runs.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [runs[i], runs[j]] = [runs[j], runs[i]];
  }
  for (const run of runs) {
    if (out.size >= count) break;
    out.add(run);
  }
  if (out.size < count) throw new Error(`only ${out.size} distinct queries from the titles; ask for fewer with --queries`);
  return [...out];
}

/** The nodes' results as one: requests summed, latencies the worst node's, errors without the 503s of the bounded queue. */
function summarize(results: readonly CannonResult[]): { requests: number; rps: number; p50: number; p99: number; max: number; errors: number; unavailable: number } {
  const unavailable = results.reduce((s, r) => s + (r.statusCodeStats["503"]?.count ?? 0), 0);
  return {
    requests: results.reduce((s, r) => s + r.requests.total, 0),
    rps: results.reduce((s, r) => s + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    max: Math.max(...results.map((r) => r.latency.max)),
    errors: results.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0) - unavailable,
    unavailable,
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "trove-bench-http-"));
  const pg = nodeCount > 1 ? await startDisposablePostgres() : undefined;
  const nodes: RadarNode[] = [];
  try {
    const corpus = await writeSampleCorpus(join(work, "corpus.jsonl"), 100_000);
    const storeUrl = pg ? await pg.createDatabase() : undefined;
    for (let i = 0; i < nodeCount; i++) {
      // generous queue bounds for the benchmark's own set-up requests; the load below meets the defaults
      // as behind a proxy (127.0.0.1 trusted): the readers below sign up from addresses of their own, each within the sign-up limit
      nodes.push(await startNode({ storeUrl, dataDir: join(work, `node${i}`), corpus, timeoutMs: 300_000, args: ["--trust-proxy", "127.0.0.1"], nodeArgs: values.profile ? ["--cpu-prof", "--cpu-prof-dir", values.profile] : [] }));
    }
    const first = nodes[0];
    const listed = ((await first.request("GET", "/api/papers?limit=100")).body as { items: Array<{ id: string; title: string }> }).items;
    const ids = listed.map((p) => p.id);
    const queries = searchQueries(Number(values.queries), listed.map((p) => p.title));
    const cookies: string[] = [];
    for (let r = 0; r < Number(values.readers); r++) {
      const node = nodes[r % nodes.length];
      const signup = await node.request("POST", "/api/auth/signup", { email: `bench${r}@example.org`, password: "a long and unusual passphrase" }, undefined, {
        "x-forwarded-for": `10.0.${r >> 8}.${r & 255}`,
      });
      if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${JSON.stringify(signup.body)}`);
      for (let s = 0; s < 5; s++) await node.request("POST", "/api/feedback", { paperId: ids[(r * 7 + s * 13) % ids.length], kind: "save" }, signup.cookie);
      cookies.push(signup.cookie!);
    }
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the other nodes catch up
    // background work at start (the corpus map's layout) must not run during the measurements: wait for it
    const warmStarted = performance.now();
    for (const [k, node] of nodes.entries()) {
      const map = await node.request("GET", "/api/map", undefined, cookies[k % cookies.length]);
      if (map.status !== 200) throw new Error(`corpus map not ready: ${map.status} ${JSON.stringify(map.body)}`);
    }
    process.stdout.write(`# waited ${((performance.now() - warmStarted) / 1000).toFixed(1)} s for the corpus map to be built at start\n`);
    const [l1, l5] = loadavg();
    process.stdout.write(`# bench:http: ${nodes.length} node(s) on ${pg ? "PostgreSQL" : "SQLite"}, ${ids.length}+ papers, ${cookies.length} readers, ${queries.length} distinct search queries; load average ${l1.toFixed(2)} / ${l5.toFixed(2)}; ${duration} s per row\n`);
    process.stdout.write("endpoint            conns    req/s   p50 ms   p99 ms   max ms  errors     503   RSS MB before/during/after\n");
    const endpoints: Array<[string, (i: number) => { path: string; headers: Record<string, string> }]> = [
      ["search", (i) => ({ path: `/api/search?q=${encodeURIComponent(queries[i % queries.length])}`, headers: {} })],
      ["feed", (i) => ({ path: "/api/feed?limit=20", headers: { cookie: cookies[i % cookies.length] } })],
      ["related", (i) => ({ path: `/api/papers/${encodeURIComponent(ids[i % ids.length])}/related`, headers: {} })],
    ];
    const chosen = new Set(values.endpoints.split(","));
    for (const [name, request] of endpoints.filter(([name]) => chosen.has(name))) {
      for (const connections of levels) {
        const before = nodes.map((n) => rssMb(n.pid));
        let during: number[] = before;
        const sampler = setInterval(() => (during = nodes.map((n, k) => Math.max(during[k], rssMb(n.pid)))), 500);
        const results = await Promise.all(
          nodes.map((node) => {
            let counter = 0;
            return autocannon({
              url: node.url,
              connections: Math.max(1, Math.round(connections / nodes.length)),
              duration,
              requests: [
                {
                  setupRequest: (req: Record<string, unknown>) => {
                    const r = request(counter++);
                    return { ...req, method: "GET", path: r.path, headers: { ...(req.headers as object), ...r.headers } };
                  },
                },
              ],
            });
          }),
        );
        clearInterval(sampler);
        const after = nodes.map((n) => rssMb(n.pid));
        const { rps, p50, p99, max, unavailable, errors } = summarize(results);
        const mb = (xs: number[]) => xs.map((x) => x.toFixed(0)).join("+");
        process.stdout.write(
          `${name.padEnd(18)} ${String(connections).padStart(6)} ${rps.toFixed(0).padStart(8)} ${p50.toFixed(0).padStart(8)} ${p99.toFixed(0).padStart(8)} ${max.toFixed(0).padStart(8)} ${String(errors).padStart(7)} ${String(unavailable).padStart(7)}   ${mb(before)}/${mb(during)}/${mb(after)}\n`,
        );
      }
    }
    const soak = Number(values.soak);
    if (soak > 0) {
      process.stdout.write(`# soak: mixed search/feed/related at 16 connections for ${soak} s; RSS per minute (MB)\n`);
      const samples: string[] = [];
      const sample = () => samples.push(nodes.map((n) => rssMb(n.pid).toFixed(0)).join("+"));
      sample();
      const minute = setInterval(sample, 60_000);
      const soaked = await Promise.all(
        nodes.map((node) => {
          let counter = 0;
          return autocannon({
            url: node.url,
            connections: Math.max(1, Math.round(16 / nodes.length)),
            duration: soak,
            requests: [
              {
                setupRequest: (req: Record<string, unknown>) => {
                  const i = counter++;
                  const r = endpoints[i % endpoints.length][1](i);
                  return { ...req, method: "GET", path: r.path, headers: { ...(req.headers as object), ...r.headers } };
                },
              },
            ],
          });
        }),
      );
      clearInterval(minute);
      sample();
      process.stdout.write(`  ${samples.join(" -> ")}\n`);
      const { requests, rps, p99, max, errors, unavailable } = summarize(soaked);
      process.stdout.write(`  ${requests} requests, ${rps.toFixed(0)} req/s, p99 ${p99} ms, max ${max} ms, ${errors} errors, ${unavailable} 503\n`);
    }
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await pg?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
