/**
 * Test helper (for `npm run test:faults` and the short slice in `npm test`):
 * kill -9 at random moments of the work that writes data, then check that
 * nothing is damaged or half-done, and that running the work again finishes
 * it. Phases:
 * - import: `trove radar import` of a papers file (one all-or-nothing transaction);
 * - indexing: an index catching up with papers already in the store;
 * - merging: an index merging many segments into one;
 * - training: `trove rec train` fitting and saving a model;
 * - restart (PostgreSQL only): the database server crashes and comes back in
 *   the middle of an import; the import fails cleanly and a rerun completes.
 * After each kill: reopen, integrity check (SQLite's integrity_check, or the
 * PostgreSQL store's counters against its rows; index and model checksums),
 * count check (all of the import or none of it; the index holds exactly the
 * store's records), then a rerun to completion and the same checks again.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { SeededRandom } from "../../../src/core/random.js";
import { Collection } from "../../../src/engine/collection.js";
import { SearchIndex } from "../../../src/engine/search-index.js";
import { loadRecommender } from "../../../src/recommend/registry.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";
import { openStore } from "../../../src/store/open-store.js";
import type { DisposablePostgres } from "../../../src/store/testing/disposable-postgres.js";
import { repositoryRoot, writeSampleCorpus } from "../../../src/cli/commands/testing/radar-nodes.js";
import { readRawPapers } from "../ingest/import.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA, normalizePaper } from "../papers.js";

export type FaultPhase = "import" | "indexing" | "merging" | "training" | "restart";

export interface FaultTrial {
  phase: FaultPhase;
  /** True when the kill (or restart) landed while the work ran; false when the work had already finished. */
  killed: boolean;
  problems: string[];
}

export interface FaultOptions {
  trials: number;
  seed?: number;
  /** Runs the import and restart phases on this server (one database per trial); SQLite otherwise. */
  postgres?: DisposablePostgres;
  /** Papers per import (default 600). */
  papers?: number;
  /** Only these phases (default: all). */
  phases?: FaultPhase[];
  onTrial?: (trial: FaultTrial, index: number) => void;
}

export interface FaultReport {
  trials: FaultTrial[];
  kills: number;
  inconsistencies: number;
}

const TROVE = () => join(repositoryRoot(), "bin", "trove.js");
const MOVIELENS = () => join(repositoryRoot(), "..", "shared", "datasets", "movielens-100k", "u1.test");

interface Child {
  done: Promise<number | null>;
  kill(): void;
}

function run(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, TROVE_STORE_URL: "", ...env } });
  child.stderr!.resume();
  const done = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { done, kill: () => child.kill("SIGKILL") };
}

/** Runs the child and kills it after `delayMs` unless it finished first; says whether the kill landed. */
async function runAndKill(child: Child, delayMs: number): Promise<boolean> {
  let finished = false;
  void child.done.then(() => (finished = true));
  await Promise.race([child.done, new Promise((resolve) => setTimeout(resolve, delayMs))]);
  if (finished) return false;
  child.kill();
  await child.done;
  return true;
}

/** Runs the child to completion; its exit code. */
async function complete(child: Child): Promise<number | null> {
  return child.done;
}

const INDEX_WORKER = `
const { openStore } = await import(process.env.M_STORE);
const { Collection } = await import(process.env.M_COLLECTION);
const store = await openStore(process.env.STORE);
const c = await Collection.open(store, "papers", process.env.INDEXES, { quiet: true, writer: { maxBufferedDocs: 50, maxSegments: 0 } });
await c.close(); await store.close();`;

const MERGE_WORKER = `
const { SearchIndex } = await import(process.env.M_INDEX);
const index = await SearchIndex.open(process.env.DIR);
await index.merge({ maxSegments: 1, inProcess: true });
await index.close();`;

function moduleEnv(): Record<string, string> {
  const url = (path: string) => new URL(path, import.meta.url).href;
  return {
    M_STORE: url("../../../src/store/open-store.js"),
    M_COLLECTION: url("../../../src/engine/collection.js"),
    M_INDEX: url("../../../src/engine/search-index.js"),
  };
}

/** Integrity of a store: SQLite's own check, or the PostgreSQL store's counters against its rows. */
async function storeIntegrity(location: string): Promise<string[]> {
  const problems: string[] = [];
  if (location.startsWith("postgres")) {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      // stopped (or its database crashed) before its schema migration committed: nothing to damage
      const schema = await client.query("SELECT to_regclass('trove_collections') IS NOT NULL AS created");
      if (!(schema.rows[0] as { created: boolean }).created) return problems;
      const counts = await client.query(
        "SELECT c.name, c.record_count::int AS kept, (SELECT count(*)::int FROM trove_records r WHERE r.cid = c.cid AND r.body IS NOT NULL) AS live FROM trove_collections c",
      );
      for (const row of counts.rows as Array<{ name: string; kept: number; live: number }>) if (row.kept !== row.live) problems.push(`${row.name}: record_count ${row.kept} but ${row.live} live rows`);
      const seq = await client.query("SELECT (SELECT last_seq FROM trove_state)::bigint AS last, (SELECT coalesce(max(seq), 0) FROM trove_records)::bigint AS top");
      if (Number(seq.rows[0].top) > Number(seq.rows[0].last)) problems.push(`a record has number ${seq.rows[0].top} beyond the counter ${seq.rows[0].last}`);
    } finally {
      await client.end();
    }
    return problems;
  }
  // killed before it created anything: nothing to damage
  if (!existsSync(join(location, "trove.db"))) return problems;
  const db = new Database(join(location, "trove.db"), { readonly: true });
  try {
    const result = db.pragma("integrity_check", { simple: true });
    if (result !== "ok") problems.push(`integrity_check: ${String(result)}`);
    const rows = db.prepare("SELECT c.name, c.record_count AS kept, (SELECT count(*) FROM records r WHERE r.cid = c.cid AND r.body IS NOT NULL) AS live FROM collections c").all() as Array<{ name: string; kept: number; live: number }>;
    for (const row of rows) if (row.kept !== row.live) problems.push(`${row.name}: record_count ${row.kept} but ${row.live} live rows`);
  } finally {
    db.close();
  }
  return problems;
}

/** The papers count, and the index (opened, caught up) holding exactly the store's papers. */
async function papersState(location: string, indexes: string): Promise<{ count: number; problems: string[] }> {
  const problems: string[] = [];
  const store = await openStore(location);
  try {
    await ensureCollection(store, PAPERS_COLLECTION, PAPER_SCHEMA);
    const count = await store.countRecords(PAPERS_COLLECTION);
    const papers = await Collection.open(store, PAPERS_COLLECTION, indexes, { quiet: true });
    try {
      if (papers.index.documentCount !== count) problems.push(`the index holds ${papers.index.documentCount} papers, the store ${count}`);
      const hits = await papers.search("retrieval OR learning OR model", { k: 5 });
      if (count > 0 && hits.hits.some((h) => h.record === undefined)) problems.push("a search hit has no stored record");
    } finally {
      await papers.close();
    }
    return { count, problems };
  } finally {
    await store.close();
  }
}

export async function runFaultTrials(options: FaultOptions): Promise<FaultReport> {
  const rng = new SeededRandom(options.seed ?? 1);
  const work = mkdtempSync(join(tmpdir(), "trove-faults-"));
  const trials: FaultTrial[] = [];
  const phases: FaultPhase[] = options.phases ?? ["import", "indexing", "merging", "training", ...(options.postgres ? (["restart"] as const) : [])];
  const paperCount = options.papers ?? 600;
  try {
    const corpus = await writeSampleCorpus(join(work, "corpus.jsonl"), paperCount);
    const papers: Record<string, unknown>[] = [];
    for await (const { raw, line } of readRawPapers(corpus, "jsonl")) papers.push(normalizePaper(raw, { file: corpus, line }) as unknown as Record<string, unknown>);
    // how long each phase takes when nothing interrupts it: kills land uniformly inside that
    const durations = new Map<FaultPhase, number>();
    for (let i = 0; i < options.trials; i++) {
      const phase = phases[i % phases.length];
      const dir = join(work, `t${i}`);
      mkdirSync(dir);
      const location = options.postgres && (phase === "import" || phase === "restart") ? await options.postgres.createDatabase() : join(dir, "data");
      const indexes = join(dir, "indexes");
      const trial: FaultTrial = { phase, killed: false, problems: [] };
      const delay = () => 5 + rng.next() * (durations.get(phase) ?? 1500);
      const timed = async <T>(work: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        const out = await work();
        if (!durations.has(phase)) durations.set(phase, performance.now() - started);
        return out;
      };
      try {
        if (phase === "import" || phase === "restart") {
          const args = [TROVE(), "radar", "import", corpus, "--data", join(dir, "data"), ...(location.startsWith("postgres") ? ["--store", location] : [])];
          if (!durations.has(phase)) await timed(() => complete(run(args)));
          else if (phase === "import") trial.killed = await runAndKill(run(args), delay());
          else {
            const child = run(args);
            let exited = false;
            void child.done.then(() => (exited = true));
            await new Promise((resolve) => setTimeout(resolve, delay()));
            if (!exited) {
              trial.killed = true;
              await options.postgres!.kill();
              await options.postgres!.start();
            }
            await child.done;
          }
          trial.problems.push(...(await storeIntegrity(location)));
          const after = await papersState(location, indexes);
          trial.problems.push(...after.problems);
          if (after.count !== 0 && after.count !== paperCount) trial.problems.push(`after the kill the store holds ${after.count} papers: neither none nor all ${paperCount}`);
          const rerun = await complete(run([TROVE(), "radar", "import", corpus, "--data", join(dir, "data"), ...(location.startsWith("postgres") ? ["--store", location] : [])]));
          if (rerun !== 0) trial.problems.push(`the rerun of the import exited with ${rerun}`);
          const final = await papersState(location, indexes);
          trial.problems.push(...final.problems, ...(await storeIntegrity(location)));
          if (final.count !== paperCount) trial.problems.push(`after the rerun the store holds ${final.count} papers, not ${paperCount}`);
        } else if (phase === "indexing") {
          const store = await openStore(location);
          await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
          await store.putRecords(PAPERS_COLLECTION, papers);
          await store.close();
          const child = () => run(["--input-type=module", "-e", INDEX_WORKER], { ...moduleEnv(), STORE: location, INDEXES: indexes });
          if (!durations.has(phase)) await timed(() => complete(child()));
          else trial.killed = await runAndKill(child(), delay());
          // reopening is the rerun: the index catches up from where its last commit left it
          const state = await papersState(location, indexes);
          trial.problems.push(...state.problems, ...(await storeIntegrity(location)));
          if (state.count !== paperCount) trial.problems.push(`the store holds ${state.count} papers, not ${paperCount}`);
        } else if (phase === "merging") {
          const indexDir = join(dir, "index");
          const index = await SearchIndex.create(indexDir, { ...PAPER_SCHEMA, idField: "id", writer: { maxSegments: 0 } });
          for (let start = 0; start < papers.length; start += 30) {
            index.addDocuments(papers.slice(start, start + 30) as never[]);
            await index.commit();
          }
          const before = index.search("retrieval OR learning", { k: 20 }).hits.map((h) => h.id);
          const count = index.documentCount;
          await index.close();
          const child = () => run(["--input-type=module", "-e", MERGE_WORKER], { ...moduleEnv(), DIR: indexDir });
          if (!durations.has(phase)) await timed(() => complete(child()));
          else trial.killed = await runAndKill(child(), delay());
          const check = async (what: string) => {
            const reopened = await SearchIndex.open(indexDir);
            try {
              if (reopened.documentCount !== count) trial.problems.push(`${what}: ${reopened.documentCount} documents, not ${count}`);
              const after = reopened.search("retrieval OR learning", { k: 20 }).hits.map((h) => h.id);
              if (JSON.stringify(after) !== JSON.stringify(before)) trial.problems.push(`${what}: search results changed`);
            } finally {
              await reopened.close();
            }
          };
          await check("after the kill");
          const rerun = await complete(child());
          if (rerun !== 0) trial.problems.push(`the rerun of the merge exited with ${rerun}`);
          await check("after the rerun");
        } else {
          if (!existsSync(MOVIELENS())) throw new Error(`the training phase needs ${MOVIELENS()}`);
          const out = join(dir, "model");
          const args = [TROVE(), "rec", "train", "--model", "ease", "--dataset", MOVIELENS(), "--out", out];
          if (!durations.has(phase)) await timed(() => complete(run(args)));
          else trial.killed = await runAndKill(run(args), delay());
          const check = (what: string, mustExist: boolean) => {
            if (!existsSync(join(out, "model.json"))) {
              if (mustExist) trial.problems.push(`${what}: no model saved`);
              return;
            }
            try {
              const model = loadRecommender(out, { verifyChecksums: true });
              if (model.numItems <= 0) trial.problems.push(`${what}: the model has no items`);
            } catch (error) {
              trial.problems.push(`${what}: the saved model does not load: ${(error as Error).message}`);
            }
          };
          check("after the kill", false);
          const rerun = await complete(run(args));
          if (rerun !== 0) trial.problems.push(`the rerun of the training exited with ${rerun}`);
          check("after the rerun", true);
        }
      } catch (error) {
        trial.problems.push(`the check itself failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      trials.push(trial);
      options.onTrial?.(trial, i);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { trials, kills: trials.filter((t) => t.killed).length, inconsistencies: trials.reduce((n, t) => n + t.problems.length, 0) };
}

export function formatFaultReport(report: FaultReport): string {
  const phases = [...new Set(report.trials.map((t) => t.phase))];
  const lines = [`faults: ${report.trials.length} trials, ${report.kills} kills, ${report.inconsistencies} inconsistencies`];
  for (const phase of phases) {
    const of = report.trials.filter((t) => t.phase === phase);
    lines.push(`  ${phase.padEnd(9)} ${String(of.length).padStart(4)} trials ${String(of.filter((t) => t.killed).length).padStart(4)} killed mid-way ${String(of.reduce((n, t) => n + t.problems.length, 0)).padStart(3)} inconsistencies`);
  }
  for (const t of report.trials.filter((t) => t.problems.length)) lines.push(`  ${t.phase}: ${t.problems.join("; ")}`);
  return lines.join("\n");
}
