/**
 * SASRec training speed: Trove's epoch time and training rate (targets/s),
 * and the same for the PyTorch reference bench/rec/sasrec_torch.py run with
 * the same hyperparameters on the same data. Shared by `sasrec.js speed` and
 * the `npm run bench:rec` runner.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { formatEpoch, trainSasRec, type ExampleStrategy, type KernelKind, type LossKind } from "../../src/recommend/sequence/index.js";

export interface SasRecHyper {
  maxLen: number;
  hidden: number;
  blocks: number;
  heads: number;
  dropout: number;
  lr: number;
  batch: number;
  loss: LossKind;
  negatives: number;
  examples: ExampleStrategy;
  seed: number;
}

export interface SpeedRow {
  name: string;
  /** Median training rate over the measured epochs (targets/s). */
  rate: number;
  /** Median measured epoch seconds. */
  seconds: number;
  /** Targets in a measured epoch. */
  targets: number;
}

export interface SpeedOptions {
  epochs: number;
  runs: number;
  /** Cap on batches per epoch (quick runs); undefined = full epochs. */
  maxBatches?: number;
  log: (line: string) => void;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function modelConfig(hp: SasRecHyper): { maxLen: number; hidden: number; blocks: number; heads: number; ffnHidden: number; dropout: number; attnDropout: number } {
  return { maxLen: hp.maxLen, hidden: hp.hidden, blocks: hp.blocks, heads: hp.heads, ffnHidden: hp.hidden, dropout: hp.dropout, attnDropout: hp.dropout };
}

/** Trains `epochs` epochs `runs` times; the first epoch of a run is warm-up when there are several. */
export async function measureTrove(train: Int32Array[], nItems: number, hp: SasRecHyper, kernel: KernelKind, o: SpeedOptions): Promise<SpeedRow> {
  const rates: number[] = [];
  const times: number[] = [];
  const counts: number[] = [];
  for (let r = 0; r < o.runs; r++) {
    const res = await trainSasRec(train, nItems, {
      config: modelConfig(hp), loss: hp.loss, negatives: hp.negatives, examples: hp.examples, epochs: o.epochs, batchSize: hp.batch, lr: hp.lr,
      seed: hp.seed + r, kernel, maxBatchesPerEpoch: o.maxBatches, progress: false, onEpoch: (e) => o.log(`trove ${kernel} run ${r} ${formatEpoch(e)}`),
    });
    const eps = res.history.length > 1 ? res.history.slice(1) : res.history;
    for (const e of eps) {
      rates.push(e.targets / e.trainSeconds);
      times.push(e.trainSeconds);
      counts.push(e.targets);
    }
  }
  return { name: `Trove (${kernel}, 1 thread)`, rate: median(rates), seconds: median(times), targets: median(counts) };
}

/** The Python interpreter for the references: $PYTHON, else Debian's /usr/bin/python3. */
export function pythonPath(): string {
  return process.env.PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
}

/** Whether `python -c "import <modules>"` works; the error line when not. */
export function checkPythonModules(modules: string[]): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(pythonPath(), ["-c", `import ${modules.join(", ")}`], { encoding: "utf8" });
  if (r.error) return { ok: false, reason: `${pythonPath()} cannot run (${r.error.message})` };
  if (r.status !== 0) return { ok: false, reason: (r.stderr.trim().split("\n").pop() ?? `exit ${r.status}`) };
  return { ok: true };
}

/** Runs bench/rec/sasrec_torch.py with the same hyperparameters. */
export function measureTorch(root: string, dataPath: string, hp: SasRecHyper, threads: number, o: SpeedOptions): SpeedRow {
  const script = join(root, "bench", "rec", "sasrec_torch.py");
  if (!existsSync(script)) throw new Error(`missing ${script}`);
  const args = [
    script, "--data", dataPath, "--epochs", String(o.epochs), "--threads", String(threads), "--maxlen", String(hp.maxLen),
    "--hidden", String(hp.hidden), "--blocks", String(hp.blocks), "--heads", String(hp.heads), "--dropout", String(hp.dropout),
    "--lr", String(hp.lr), "--batch", String(hp.batch), "--loss", hp.loss, "--negatives", String(hp.negatives),
    "--examples", hp.examples, "--runs", String(o.runs), "--seed", String(hp.seed),
  ];
  if (o.maxBatches !== undefined) args.push("--max-batches", String(o.maxBatches));
  const out = spawnSync(pythonPath(), args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`PyTorch reference failed (exit ${out.status})`);
  for (const line of out.stdout.split("\n")) if (line && !line.startsWith("RESULT ")) o.log(line);
  const line = out.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error("PyTorch reference printed no RESULT line");
  const res = JSON.parse(line.slice(7)) as { seconds: number; rate: number; targets: number; threads: number; version: string };
  return { name: `PyTorch ${res.version} (CPU, ${res.threads} thread${res.threads > 1 ? "s" : ""})`, rate: res.rate, seconds: res.seconds, targets: res.targets };
}
