/**
 * Training-example construction from per-user item sequences. An example is
 * a window seq[start .. start+len) of input tokens; token j predicts
 * seq[start + j + 1], and only tokens j >= lossFrom contribute to the loss.
 *
 * - "last": every prefix of every sequence is one example whose only target
 *   is the item right after it (prefix augmentation, as in RecBole/GRU4Rec).
 * - "multi": one example per user over the newest maxLen + 1 items, every
 *   position predicting the next item (SASRec's original scheme).
 * - "sliding": like "multi", but windows of maxLen + 1 items also cover the
 *   older part of long histories, ending every `stride` items from the end.
 */
import { InvalidArgumentError } from "../../core/errors.js";

export type ExampleStrategy = "last" | "multi" | "sliding";

export interface Examples {
  /** Sequence index, window start, window length (input tokens), first target token. */
  seq: Int32Array;
  start: Int32Array;
  len: Int32Array;
  lossFrom: Int32Array;
  count: number;
  /** Number of (token, target) pairs that carry loss. */
  targets: number;
}

export function buildExamples(
  sequences: readonly Int32Array[],
  strategy: ExampleStrategy,
  maxLen: number,
  stride = maxLen,
): Examples {
  if (!Number.isInteger(stride) || stride < 1) throw new InvalidArgumentError(`examples: stride must be a positive integer, got ${stride}`);
  const seq: number[] = [];
  const start: number[] = [];
  const len: number[] = [];
  const lossFrom: number[] = [];
  let targets = 0;
  const push = (u: number, s: number, l: number, from: number) => {
    seq.push(u);
    start.push(s);
    len.push(l);
    lossFrom.push(from);
    targets += l - from;
  };
  for (let u = 0; u < sequences.length; u++) {
    const n = sequences[u].length;
    if (n < 2) continue;
    if (strategy === "last") {
      for (let t = 1; t < n; t++) {
        const l = Math.min(t, maxLen);
        push(u, t - l, l, l - 1);
      }
    } else if (strategy === "multi") {
      const l = Math.min(n - 1, maxLen);
      push(u, n - 1 - l, l, 0);
    } else if (strategy === "sliding") {
      for (let end = n - 1; end > 0; end -= stride) {
        const l = Math.min(end, maxLen);
        push(u, end - l, l, 0);
        if (end - l === 0) break;
      }
    } else {
      throw new InvalidArgumentError(`examples: unknown strategy "${String(strategy)}" (expected "last", "multi" or "sliding")`);
    }
  }
  return {
    seq: Int32Array.from(seq),
    start: Int32Array.from(start),
    len: Int32Array.from(len),
    lossFrom: Int32Array.from(lossFrom),
    count: seq.length,
    targets,
  };
}
