/**
 * SASRec on Amazon Beauty (S3-Rec/ICLRec leave-one-out protocol).
 *
 *   node dist/bench/rec/sasrec.js train [--epochs 200] [--loss ce] [--examples multi] [--save model.sasrec]
 *       trains with early stopping on validation NDCG@10, then reports test NDCG@10 / Recall@10.
 *   node dist/bench/rec/sasrec.js speed [--epochs 3] [--runs 1] [--torch] [--threads 1]
 *       epoch time and samples/s for Trove, and (with --torch) for the PyTorch reference
 *       bench/rec/sasrec_torch.py with the same hyperparameters, as a table with ratios.
 *
 * Common options: --data PATH (default ../shared/datasets/amazon-beauty/Beauty.txt.gz),
 * --maxlen 50 --hidden 64 --blocks 2 --heads 1 --dropout 0.5 --lr 0.001 --batch 128
 * --negatives 256 --seed 42 --patience 10 --kernel wasm-simd|js.
 */
import { cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildExamples, evaluateNextItem, formatEpoch, leaveOneOut, readSequenceFile, SasRec, trainSasRec,
  type ExampleStrategy, type KernelKind, type LossKind,
} from "../../src/recommend/sequence/index.js";
import { measureTorch, measureTrove, modelConfig, type SpeedRow } from "./sasrec-speed.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..", ".."); // dist/bench/rec -> project root

function parseArgs(argv: string[]): { mode: string; opt: Record<string, string> } {
  const mode = argv[0] ?? "speed";
  const opt: Record<string, string> = {};
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const key = a.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) opt[key] = "true";
    else {
      opt[key] = next;
      i++;
    }
  }
  return { mode, opt };
}

const { mode, opt } = parseArgs(process.argv.slice(2));
const num = (k: string, d: number) => (opt[k] !== undefined ? Number(opt[k]) : d);
const dataPath = opt.data ?? resolve(root, "..", "shared", "datasets", "amazon-beauty", "Beauty.txt.gz");
const hp = {
  maxLen: num("maxlen", 50),
  hidden: num("hidden", 64),
  blocks: num("blocks", 2),
  heads: num("heads", 1),
  dropout: num("dropout", 0.5),
  lr: num("lr", 1e-3),
  batch: num("batch", 128),
  loss: (opt.loss ?? "ce") as LossKind,
  negatives: num("negatives", 256),
  examples: (opt.examples ?? "multi") as ExampleStrategy,
  seed: num("seed", 42),
};

const { sequences, nItems } = readSequenceFile(dataPath);
const split = leaveOneOut(sequences);
const log = (s: string) => process.stdout.write(s + "\n");
log(`# Beauty: ${sequences.length} users, ${nItems} items; ${JSON.stringify(hp)}`);

const config = modelConfig(hp);

if (mode === "train") {
  const started = performance.now();
  const result = await trainSasRec(split.train, nItems, {
    config,
    loss: hp.loss,
    negatives: hp.negatives,
    examples: hp.examples,
    epochs: num("epochs", 200),
    batchSize: hp.batch,
    lr: hp.lr,
    seed: hp.seed,
    patience: num("patience", 10),
    evalEvery: num("eval-every", 1),
    kernel: (opt.kernel ?? "wasm-simd") as KernelKind,
    validation: { histories: split.validHistories, targets: split.validTargets },
    onEpoch: (r) => log(formatEpoch(r)),
  });
  const test = evaluateNextItem(result.model, split.testHistories, split.testTargets);
  const minutes = (performance.now() - started) / 60000;
  log(`# stopped by ${result.stoppedBy} after ${result.history.length} epochs (${minutes.toFixed(1)} min); best epoch ${result.bestEpoch}`);
  log(`# valid NDCG@10 ${result.bestValid?.ndcg.toFixed(4)}  Recall@10 ${result.bestValid?.recall.toFixed(4)}`);
  log(`# test  NDCG@10 ${test.ndcg.toFixed(4)}  Recall@10 ${test.recall.toFixed(4)}  (NDCG@20 ${test.at[20].ndcg.toFixed(4)}, Recall@20 ${test.at[20].recall.toFixed(4)}, users ${test.users})`);
  if (opt.save) {
    result.model.save(opt.save, { dataset: "amazon-beauty", hp, bestEpoch: result.bestEpoch, test: { ndcg10: test.ndcg, recall10: test.recall } });
    const again = SasRec.load(opt.save);
    const check = evaluateNextItem(again, split.testHistories, split.testTargets);
    log(`# saved to ${opt.save}; reloaded model test NDCG@10 ${check.ndcg.toFixed(4)}`);
  }
} else if (mode === "speed") {
  const threads = num("threads", 1);
  const kernels = (opt.kernel ?? "wasm-simd").split(",") as KernelKind[];
  const speed = {
    epochs: num("epochs", 2), runs: num("runs", 1), log,
    maxBatches: opt["max-batches"] !== undefined ? num("max-batches", 0) : undefined,
  };
  const rows: SpeedRow[] = [];
  for (const kernel of kernels) rows.push(await measureTrove(split.train, nItems, hp, kernel, speed));
  if (opt.torch !== undefined) rows.push(measureTorch(root, dataPath, hp, threads, speed));
  const ref = rows[rows.length - 1];
  const fullTargets = buildExamples(split.train, hp.examples, hp.maxLen).targets;
  log("");
  log(`# load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(" ")} (${cpus().length} cores)`);
  log(`| implementation | measured epoch s (median) | targets in it | targets/s (median) | full epoch s (${fullTargets} targets) | time vs ${ref.name.split(" (")[0]} |`);
  log("|---|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${r.targets} | ${r.rate.toFixed(0)} | ${(fullTargets / r.rate).toFixed(1)} | ${(ref.rate / r.rate).toFixed(3)}x |`);
  }
} else {
  log(`unknown mode "${mode}" (expected train or speed)`);
  process.exitCode = 2;
}
