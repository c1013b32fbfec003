/**
 * `npm run bench:rec`: Trove's recommendation training speed against Python
 * references on this machine, in one run, printed as one table with ratios.
 *
 * - SASRec on Amazon Beauty: epoch time and training rate (targets/s) of
 *   Trove and of the PyTorch reference bench/rec/sasrec_torch.py with the same
 *   hyperparameters (maxLen 50, hidden 64, 2 blocks, 1 head, dropout 0.5,
 *   batch 128, Adam, full-softmax CE, multi-target examples), one thread each.
 * - EASE and implicit ALS fit times against NumPy/SciPy (bench/rec/classic_ref.py)
 *   on the same user-item matrix, one thread each.
 *
 * A missing Python module is reported and Trove's figures are printed alone.
 *
 *   npm run bench:rec                      full: 3 SASRec epochs (first is warm-up), EASE/ALS on Beauty
 *   npm run bench:rec -- --quick           40-batch SASRec epochs, EASE/ALS on MovieLens-100K
 *   options: --epochs N --max-batches N --runs N --loss ce|sampled-ce|bce --classic-dataset beauty|ml100k
 *            --skip-sasrec --skip-classic --no-python --threads N (references' threads)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Ease } from "../../src/recommend/ease.js";
import type { ImplicitAls } from "../../src/recommend/als.js";
import type { InteractionData } from "../../src/recommend/interactions.js";
import { loadInteractions } from "../../src/recommend/io/load.js";
import { createRecommender } from "../../src/recommend/registry.js";
import { buildExamples, leaveOneOut, readSequenceFile, type LossKind } from "../../src/recommend/sequence/index.js";
import { checkPythonModules, measureTorch, measureTrove, median, pythonPath, type SasRecHyper, type SpeedRow } from "./sasrec-speed.js";
import { parseBenchArgs } from "../cli-args.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..", ".."); // dist/bench/rec -> project root
const datasets = resolve(root, "..", "shared", "datasets");
const BEAUTY = join(datasets, "amazon-beauty", "Beauty.txt.gz");
const ML100K = join(datasets, "movielens-100k", "u.data.gz");

const opt = parseBenchArgs(process.argv.slice(2));
const quick = opt.quick !== undefined;
const num = (k: string, d: number): number => {
  if (opt[k] === undefined) return d;
  const n = Number(opt[k]);
  if (!Number.isFinite(n)) throw new Error(`--${k} must be a number, got "${opt[k]}"`);
  return n;
};
const threads = num("threads", 1);
const runs = num("runs", 1);
const usePython = opt["no-python"] === undefined;
const log = (s: string) => process.stdout.write(s + "\n");

interface Row {
  task: string;
  dataset: string;
  measure: string;
  trove: number;
  reference: number | null;
  referenceName: string;
  note: string;
}
const rows: Row[] = [];
const notes: string[] = [];

function pythonStatus(modules: string[]): boolean {
  if (!usePython) return false;
  const status = checkPythonModules(modules);
  if (!status.ok) notes.push(`${pythonPath()} lacks ${modules.join("/")} (${status.reason}): Trove's figures only. Debian: apt-get install ${modules.map((m) => `python3-${m}`).join(" ")}`);
  return status.ok;
}

// ------------------------------------------------------------------ SASRec
if (opt["skip-sasrec"] === undefined) {
  const hp: SasRecHyper = {
    maxLen: 50, hidden: 64, blocks: 2, heads: 1, dropout: 0.5, lr: 1e-3, batch: 128,
    loss: (opt.loss ?? "ce") as LossKind, negatives: 256, examples: "multi", seed: 42,
  };
  const { sequences, nItems } = readSequenceFile(BEAUTY);
  const split = leaveOneOut(sequences);
  const speed = {
    epochs: num("epochs", 3), runs, log,
    maxBatches: opt["max-batches"] !== undefined ? num("max-batches", 0) : quick ? 40 : undefined,
  };
  const fullTargets = buildExamples(split.train, hp.examples, hp.maxLen).targets;
  log(`# SASRec on Beauty (${sequences.length} users, ${nItems} items, ${fullTargets} training targets per epoch); ${JSON.stringify(hp)}; ` +
    `${speed.epochs} epochs${speed.maxBatches ? ` of ${speed.maxBatches} batches` : ""}, first is warm-up`);
  const trove: SpeedRow = await measureTrove(split.train, nItems, hp, "wasm-simd", speed);
  let torch: SpeedRow | null = null;
  if (pythonStatus(["torch"])) torch = measureTorch(root, BEAUTY, hp, threads, speed);
  const sampledNote = speed.maxBatches ? `median of measured ${speed.maxBatches}-batch epochs (${Math.round(trove.targets)} targets), full epoch extrapolated` : "full epochs, median";
  rows.push({ task: `SASRec epoch (${hp.loss})`, dataset: "Beauty", measure: "s / full epoch", trove: fullTargets / trove.rate, reference: torch ? fullTargets / torch.rate : null, referenceName: torch?.name ?? "PyTorch", note: sampledNote });
  rows.push({ task: `SASRec training rate (${hp.loss})`, dataset: "Beauty", measure: "targets/s", trove: trove.rate, reference: torch?.rate ?? null, referenceName: torch?.name ?? "PyTorch", note: "" });
}

// ------------------------------------------------------------------ EASE / ALS
if (opt["skip-classic"] === undefined) {
  const which = opt["classic-dataset"] ?? (quick ? "ml100k" : "beauty");
  if (which !== "beauty" && which !== "ml100k") throw new Error(`--classic-dataset must be beauty or ml100k, got "${which}"`);
  const data: InteractionData = await loadInteractions({ path: which === "beauty" ? BEAUTY : ML100K, format: which === "beauty" ? "sequence" : "movielens" });
  const label = which === "beauty" ? "Beauty" : "MovieLens-100K";
  const ui = data.userItems();
  const pairs = new Int32Array(2 * ui.indices.length);
  for (let u = 0, p = 0; u < ui.rows; u++) {
    for (let q = ui.indptr[u]; q < ui.indptr[u + 1]; q++, p += 2) {
      pairs[p] = u;
      pairs[p + 1] = ui.indices[q];
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "trove-bench-rec-"));
  const pairsFile = join(dir, "pairs.i32");
  writeFileSync(pairsFile, new Uint8Array(pairs.buffer));
  const havePy = pythonStatus(["numpy", "scipy"]);
  const python = (args: string[]): { seconds: number; numpy: string; scipy: string; check: Record<string, unknown> } => {
    const r = spawnSync(pythonPath(), [join(root, "bench", "rec", "classic_ref.py"), "--pairs", pairsFile, "--users", String(data.numUsers), "--items", String(data.numItems), "--runs", String(runs), "--threads", String(threads), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const line = r.stdout?.split("\n").find((l) => l.startsWith("RESULT "));
    if (r.status !== 0 || !line) throw new Error(`classic_ref.py ${args.join(" ")} failed (exit ${r.status})`);
    return JSON.parse(line.slice(7)) as { seconds: number; numpy: string; scipy: string; check: Record<string, unknown> };
  };
  try {
    log(`# EASE / ALS fit on all of ${label}: ${data.numUsers} users, ${data.numItems} items, ${ui.indices.length} user-item pairs (binary)`);
    const lambda = which === "beauty" ? 50 : 100;
    const easeTimes: number[] = [];
    let ease: Ease | undefined;
    for (let r = 0; r < runs; r++) {
      ease = createRecommender("ease", { lambda }) as Ease;
      await ease.fit(data);
      easeTimes.push(ease.trainingSeconds);
      log(`trove ease run ${r}: ${ease.trainingSeconds.toFixed(2)} s (kernel ${ease.kernel})`);
    }
    let easeRef: ReturnType<typeof python> | null = null;
    if (havePy) {
      easeRef = python(["--model", "ease", "--lambda", String(lambda)]);
      const b = ease!.weightMatrix;
      const first = easeRef.check.firstRows as number[];
      let maxDiff = 0;
      for (let p = 0; p < first.length; p++) maxDiff = Math.max(maxDiff, Math.abs(first[p] - b[p]));
      log(`numpy ease: ${easeRef.seconds.toFixed(2)} s; max |B_trove - B_numpy| over the first 3 rows: ${maxDiff.toExponential(2)}`);
    }
    rows.push({ task: `EASE fit (λ ${lambda}, float64 inverse)`, dataset: label, measure: "s", trove: median(easeTimes), reference: easeRef?.seconds ?? null, referenceName: easeRef ? `NumPy ${easeRef.numpy} inv (OpenBLAS)` : "NumPy", note: `Trove kernel ${ease!.kernel}` });

    const als = { factors: 64, regularization: 0.01, alpha: 1, iterations: 15, cgSteps: 3 };
    const alsTimes: number[] = [];
    let alsModel: ImplicitAls | undefined;
    for (let r = 0; r < runs; r++) {
      alsModel = createRecommender("als", als) as ImplicitAls;
      await alsModel.fit(data);
      alsTimes.push(alsModel.trainingSeconds);
      log(`trove als run ${r}: ${alsModel.trainingSeconds.toFixed(2)} s`);
    }
    let alsRef: ReturnType<typeof python> | null = null;
    if (havePy) {
      alsRef = python(["--model", "als", "--factors", String(als.factors), "--regularization", String(als.regularization), "--alpha", String(als.alpha), "--iterations", String(als.iterations), "--cg-steps", String(als.cgSteps)]);
      let s = 0;
      const d = als.factors;
      for (let u = 0; u < ui.rows; u++) {
        for (let q = ui.indptr[u]; q < ui.indptr[u + 1]; q++) {
          for (let f = 0; f < d; f++) s += alsModel!.userFactors[u * d + f] * alsModel!.itemFactors[ui.indices[q] * d + f];
        }
      }
      log(`numpy als: ${alsRef.seconds.toFixed(2)} s; mean score of a positive pair: trove ${(s / ui.indices.length).toFixed(4)}, numpy ${Number(alsRef.check.meanPositiveScore).toFixed(4)}`);
    }
    rows.push({ task: `ALS fit (64 factors, 15 it., CG 3)`, dataset: label, measure: "s", trove: median(alsTimes), reference: alsRef?.seconds ?? null, referenceName: alsRef ? `NumPy ${alsRef.numpy} / SciPy ${alsRef.scipy}, vectorised CG` : "NumPy/SciPy", note: "" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ table
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
log("");
log(`# ${new Date().toISOString()}, ${cpus()[0]?.model ?? "cpu"} (${cpus().length} cores), Node ${process.version}, one thread each; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
log("| task | dataset | measure | Trove | reference | reference value | Trove speed-up (>1: Trove faster) | note |");
log("|---|---|---|---:|---|---:|---:|---|");
for (const r of rows) {
  const higherIsBetter = r.measure.includes("/s");
  const ratio = r.reference === null ? "n/a" : `${(higherIsBetter ? r.trove / r.reference : r.reference / r.trove).toFixed(2)}x`;
  log(`| ${r.task} | ${r.dataset} | ${r.measure} | ${fmt(r.trove)} | ${r.referenceName} | ${r.reference === null ? "not run" : fmt(r.reference)} | ${ratio} | ${r.note} |`);
}
for (const n of notes) log(`\nnote: ${n}`);
