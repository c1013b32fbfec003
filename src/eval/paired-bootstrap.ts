/**
 * Is system A better than system B on the same queries (or readers), or is
 * the gap noise? The paired bootstrap (Efron & Tibshirani; Sakai, SIGIR 2006,
 * for IR): resample the per-query differences a_i − b_i with replacement,
 * take the mean of each resample, and read the 2.5th and 97.5th percentiles
 * as a 95% confidence interval of the mean difference. An interval that
 * contains 0 says the data cannot tell the two systems apart.
 *
 * Seeded (SeededRandom), so a report is reproducible.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { SeededRandom } from "../core/random.js";

export interface PairedDifference {
  /** Mean of a − b over the pairs. */
  difference: number;
  /** Confidence interval of that mean (default 95%). */
  low: number;
  high: number;
  /** Pairs compared. */
  pairs: number;
}

export function pairedBootstrap(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: { resamples?: number; confidence?: number; seed?: number } = {},
): PairedDifference {
  if (a.length !== b.length) throw new InvalidArgumentError(`paired samples must have the same length, got ${a.length} and ${b.length}`);
  const n = a.length;
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new InvalidArgumentError(`confidence must be in (0, 1), got ${confidence}`);
  if (n === 0) return { difference: 0, low: 0, high: 0, pairs: 0 };
  const diffs = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += diffs[i] = a[i] - b[i];
  const means = new Float64Array(resamples);
  const random = new SeededRandom(options.seed ?? 1);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diffs[random.int(n)];
    means[r] = sum / n;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  return { difference: total / n, low: at(tail), high: at(1 - tail), pairs: n };
}
