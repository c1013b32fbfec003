/**
 * The training loop shared by Trove's sequence networks (SASRec, the
 * generative recommender): seeded shuffling of the examples every epoch, one
 * optimizer step per batch (the caller's `trainBatch`), validation NDCG@10
 * every `evalEvery` epochs with the best weights kept in memory and restored
 * at the end, early stopping after `patience` validations without
 * improvement, a progress bar per epoch and one line per epoch on stderr, and
 * a clean stop at the first Ctrl-C (the loop yields to the event loop about
 * every 50 ms at a batch boundary).
 */
import { InterruptSignal } from "../../core/interrupt.js";
import { Progress } from "../../core/progress.js";
import type { RankingMetrics } from "./evaluate.js";
import { Rng } from "./rng.js";

export interface EpochReport {
  epoch: number;
  /** Mean training loss over the epoch's targets. */
  loss: number;
  /** Validation metrics, when validated this epoch. */
  valid?: RankingMetrics;
  /** Wall seconds of the training part and of validation. */
  trainSeconds: number;
  validSeconds: number;
  /** Training targets (predictions with loss) and examples this epoch. */
  targets: number;
  examples: number;
  /** Whether this epoch gave the best validation NDCG so far. */
  best: boolean;
}

export interface EpochLoopResult {
  history: EpochReport[];
  stoppedBy: "epochs" | "early-stopping" | "interrupt" | "time-budget";
  bestEpoch: number;
  bestValid?: RankingMetrics;
}

export interface EpochLoopOptions {
  /** Number of training examples (shuffled as indices 0..count-1). */
  count: number;
  batchSize: number;
  epochs: number;
  /** Seed of the shuffling stream. */
  shuffleSeed: number;
  patience: number;
  evalEvery: number;
  maxBatchesPerEpoch?: number;
  /**
   * Wall-clock budget in seconds: no epoch starts that would, at the pace of
   * the slowest epoch so far (training + validation), end past it.
   */
  timeBudgetSeconds?: number;
  /** Progress on stderr. */
  progress: boolean;
  /** Stop cleanly on the first Ctrl-C: an owned handler when true and no `interrupt` is given. */
  handleSigint: boolean;
  interrupt?: { readonly interrupted: boolean };
  /** One optimizer step over examples order[start..end); returns the summed loss (mean × targets), targets and examples. */
  trainBatch(order: Int32Array, start: number, end: number): { loss: number; targets: number; examples: number };
  /** Validation metrics of the current weights (omit: no validation, the last weights are kept). */
  validate?: () => RankingMetrics;
  /** A copy of the weights, and restoring one (for best-epoch selection). */
  snapshot(): Float32Array;
  restore(weights: Float32Array): void;
  onEpoch?: (report: EpochReport) => void;
  /** One human-readable line per epoch (default formatEpoch). */
  format?: (report: EpochReport) => string;
}

export async function runEpochLoop(o: EpochLoopOptions): Promise<EpochLoopResult> {
  const order = new Int32Array(o.count);
  for (let i = 0; i < o.count; i++) order[i] = i;
  const shuffleRng = new Rng(o.shuffleSeed >>> 0);
  const ownSignal = !o.interrupt && o.handleSigint ? new InterruptSignal() : null;
  const signal: { readonly interrupted: boolean } | null = o.interrupt ?? ownSignal;
  const history: EpochReport[] = [];
  let best: Float32Array | null = null;
  let bestEpoch = 0;
  let bestValid: RankingMetrics | undefined;
  let sinceBest = 0;
  let stoppedBy: EpochLoopResult["stoppedBy"] = "epochs";
  const nBatches = Math.min(Math.ceil(o.count / o.batchSize), o.maxBatchesPerEpoch ?? Infinity);
  const format = o.format ?? formatEpoch;
  // Last time the loop let the event loop run (signal handlers, timers); kept across epochs so that
  // short epochs still yield every ~50 ms.
  let lastYield = performance.now();
  const loopStart = performance.now();
  let slowestEpoch = 0;
  try {
    outer: for (let epoch = 1; epoch <= o.epochs; epoch++) {
      shuffleRng.shuffle(order);
      const t0 = performance.now();
      const bar = new Progress(`epoch ${epoch}`, nBatches, { enabled: o.progress });
      let lossSum = 0;
      let targets = 0;
      let examples = 0;
      for (let b = 0; b < nBatches; b++) {
        const end = Math.min(o.count, (b + 1) * o.batchSize);
        const step = o.trainBatch(order, b * o.batchSize, end);
        lossSum += step.loss;
        targets += step.targets;
        examples += step.examples;
        bar.update(b + 1, `loss ${(lossSum / Math.max(1, targets)).toFixed(4)}`);
        // Let signal handlers run (Ctrl-C) at batch boundaries, ~every 50 ms.
        if (signal && performance.now() - lastYield > 50) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
          if (signal.interrupted) {
            stoppedBy = "interrupt";
            break outer;
          }
        }
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      bar.done();
      const report: EpochReport = { epoch, loss: lossSum / Math.max(1, targets), trainSeconds, validSeconds: 0, targets, examples, best: false };
      if (o.validate && epoch % o.evalEvery === 0) {
        const t1 = performance.now();
        report.valid = o.validate();
        report.validSeconds = (performance.now() - t1) / 1000;
        if (!bestValid || report.valid.ndcg > bestValid.ndcg) {
          bestValid = report.valid;
          bestEpoch = epoch;
          best = o.snapshot();
          report.best = true;
          sinceBest = 0;
        } else {
          sinceBest++;
        }
      } else if (!o.validate) {
        bestEpoch = epoch;
      }
      history.push(report);
      if (o.progress) process.stderr.write(format(report) + "\n");
      o.onEpoch?.(report);
      if (o.validate && sinceBest >= o.patience) {
        stoppedBy = "early-stopping";
        break;
      }
      if (signal && performance.now() - lastYield > 50) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      if (signal?.interrupted) {
        stoppedBy = "interrupt";
        break;
      }
      slowestEpoch = Math.max(slowestEpoch, report.trainSeconds + report.validSeconds);
      const elapsed = (performance.now() - loopStart) / 1000;
      if (o.timeBudgetSeconds !== undefined && epoch < o.epochs && elapsed + slowestEpoch > o.timeBudgetSeconds) {
        stoppedBy = "time-budget";
        break;
      }
    }
  } finally {
    ownSignal?.dispose();
  }
  if (best) o.restore(best);
  return { history, stoppedBy, bestEpoch, bestValid };
}

/** One human-readable line per epoch. */
export function formatEpoch(r: EpochReport): string {
  const v = r.valid ? `  val NDCG@10 ${r.valid.ndcg.toFixed(4)}  R@10 ${r.valid.recall.toFixed(4)}${r.best ? " *" : ""}` : "";
  const rate = r.targets / Math.max(1e-9, r.trainSeconds);
  return `epoch ${r.epoch}  loss ${r.loss.toFixed(4)}${v}  ${r.trainSeconds.toFixed(1)}s train (${rate.toFixed(0)} targets/s)` +
    (r.valid ? ` + ${r.validSeconds.toFixed(1)}s val` : "");
}
