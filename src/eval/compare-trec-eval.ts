/**
 * Compares evaluateRun with a real trec_eval binary on random data.
 *
 *     node dist/src/eval/compare-trec-eval.js [--trec-eval PATH] [--seed N] [--queries N] [--keep DIR]
 *
 * Generates a seeded random qrels file and run file (graded and negative
 * relevance, score ties, non-ASCII docnos, qrels queries missing from the
 * run, run queries missing from the qrels, queries judged only non-relevant),
 * runs `trec_eval -q [-c] -m ...` on them and compares every printed value
 * (per query and "all", four decimals) with ours, in both averaging modes.
 *
 * Not part of the test suite: no Debian or npm package ships trec_eval, so
 * the binary has to be built by hand. PATH defaults to $TREC_EVAL, then
 * `trec_eval` on the PATH. Exits 0 when everything matches, 1 on a
 * difference, 2 when trec_eval cannot be run.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { formatFixed } from "./format.js";
import { evaluateRun } from "./metrics.js";
import { readQrels } from "./qrels.js";
import { formatRunLines, readRun, type ScoredDoc } from "./run.js";

const MEASURES = ["ndcg_cut.5,10,100", "P.5,10,1000", "recall.10,100,1000", "map", "recip_rank"];

interface Options {
  trecEval: string;
  seed: number;
  queries: number;
  keep?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { trecEval: process.env.TREC_EVAL ?? "trec_eval", seed: 42, queries: 200 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case "--trec-eval":
        options.trecEval = value;
        i++;
        break;
      case "--seed":
        options.seed = Number(value);
        i++;
        break;
      case "--queries":
        options.queries = Number(value);
        i++;
        break;
      case "--keep":
        options.keep = value;
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}; usage: compare-trec-eval [--trec-eval PATH] [--seed N] [--queries N] [--keep DIR]`);
    }
  }
  return options;
}

/** Small seeded PRNG (mulberry32), so a failing case can be regenerated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes random qrels and run files into dir; returns their paths. */
export function generateFiles(dir: string, seed: number, queryCount: number): { qrels: string; run: string } {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const syllables = ["a", "b", "c", "Z", "é", "ß", "\u{1F600}", "0", "9", "-", "_"];
  let qrelsText = "";
  let runText = "";
  for (let q = 0; q < queryCount; q++) {
    const qid = String(100 + q);
    const docIds = new Set<string>();
    const size = 5 + Math.floor(rand() * 60);
    while (docIds.size < size) docIds.add(`D${Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(syllables)).join("")}`);
    const inQrels = rand() < 0.9;
    const inRun = rand() < 0.9;
    const onlyNonRelevant = rand() < 0.05;
    const docs: ScoredDoc[] = [];
    for (const docId of docIds) {
      if (inQrels && rand() < 0.5) {
        const rel = onlyNonRelevant ? pick([0, -1]) : pick([-1, 0, 0, 1, 1, 2, 3]);
        qrelsText += `${qid} 0 ${docId} ${rel}\n`;
      }
      if (inRun && rand() < 0.8) {
        // Coarse scores make ties common; some scores need rounding to 6 decimals.
        const score = rand() < 0.5 ? Math.floor(rand() * 8) / 4 : rand() * 10;
        docs.push({ docId, score });
      }
    }
    if (docs.length > 0) runText += formatRunLines(qid, docs, "random");
  }
  const qrels = join(dir, "qrels.txt");
  const run = join(dir, "run.txt");
  writeFileSync(qrels, qrelsText);
  writeFileSync(run, runText);
  return { qrels, run };
}

/** Parses `trec_eval -q` output into "measure\tqid" -> printed value. */
function parseTrecEvalOutput(stdout: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) continue;
    values.set(`${parts[0]}\t${parts[1]}`, parts[2]);
  }
  return values;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const dir = options.keep ?? mkdtempSync(join(tmpdir(), "trove-compare-"));
  mkdirSync(dir, { recursive: true });
  try {
    const files = generateFiles(dir, options.seed, options.queries);
    const qrels = await readQrels(files.qrels, "trec");
    const run = await readRun(files.run);
    let differences = 0;
    for (const complete of [false, true]) {
      const args = ["-q", ...(complete ? ["-c"] : []), ...MEASURES.flatMap((m) => ["-m", m]), files.qrels, files.run];
      const proc = spawnSync(options.trecEval, args, { encoding: "utf8", maxBuffer: 1 << 28 });
      if (proc.error || proc.status !== 0) {
        console.error(`cannot run ${options.trecEval}: ${proc.error?.message ?? proc.stderr}`);
        return 2;
      }
      const theirs = parseTrecEvalOutput(proc.stdout);
      const ours = evaluateRun(run, qrels, { measures: MEASURES, complete });
      const mine = new Map<string, string>();
      for (const [qid, values] of ours.perQuery) for (const key of ours.measures) mine.set(`${key}\t${qid}`, formatFixed(values[key], 4));
      for (const key of ours.measures) mine.set(`${key}\tall`, formatFixed(ours.mean[key], 4));
      const mode = complete ? "-c" : "default";
      for (const [k, v] of mine) {
        const t = theirs.get(k);
        // trec_eval -c versions before 2024 print no per-query line for missing queries.
        if (t === undefined && complete && !k.endsWith("\tall") && !run.has(k.split("\t")[1])) continue;
        if (t !== v) {
          differences++;
          if (differences <= 20) console.log(`${mode}: ${k.replace("\t", " query ")}: trec_eval ${t ?? "(missing)"}, trove ${v}`);
        }
      }
      for (const k of theirs.keys()) {
        if (!mine.has(k) && ours.measures.includes(k.split("\t")[0])) {
          differences++;
          if (differences <= 20) console.log(`${mode}: ${k.replace("\t", " query ")}: printed by trec_eval only`);
        }
      }
      console.log(`${mode}: compared ${mine.size} values over ${ours.queryCount} queries`);
    }
    console.log(differences === 0 ? "identical" : `${differences} differences`);
    return differences === 0 ? 0 : 1;
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    },
  );
}
