/**
 * Leave-one-out next-item evaluation (the S3-Rec / ICLRec protocol): for each
 * user the last item is the test target and the second-last the validation
 * target; every item is ranked (full ranking, no sampled candidates), the
 * user's history items are removed from the ranking, and NDCG@k / Recall@k
 * are averaged over users. A target that also occurs in the history is
 * removed with it and counts as a miss, as in those papers' code.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { InvalidArgumentError, InvalidFileError } from "../../core/errors.js";

/** Anything that scores all items after each of a batch of histories. */
export interface NextItemScorer {
  readonly nItems: number;
  /** Row-major histories.length x nItems scores; the view may be reused by the next call. */
  scoreBatch(histories: readonly Int32Array[]): Float32Array;
}

export interface LeaveOneOutSplit {
  /** Training sequences: everything but the last two items. */
  train: Int32Array[];
  /** Validation: history = all but the last two, target = second-last. */
  validHistories: Int32Array[];
  validTargets: Int32Array;
  /** Test: history = all but the last (validation item included), target = last. */
  testHistories: Int32Array[];
  testTargets: Int32Array;
}

/** Splits per-user sequences; users with fewer than 3 items only train. */
export function leaveOneOut(sequences: readonly Int32Array[]): LeaveOneOutSplit {
  const train: Int32Array[] = [];
  const validHistories: Int32Array[] = [];
  const testHistories: Int32Array[] = [];
  const validTargets: number[] = [];
  const testTargets: number[] = [];
  for (const s of sequences) {
    const n = s.length;
    if (n < 3) {
      train.push(s);
      continue;
    }
    train.push(s.subarray(0, n - 2));
    validHistories.push(s.subarray(0, n - 2));
    validTargets.push(s[n - 2]);
    testHistories.push(s.subarray(0, n - 1));
    testTargets.push(s[n - 1]);
  }
  return {
    train,
    validHistories,
    validTargets: Int32Array.from(validTargets),
    testHistories,
    testTargets: Int32Array.from(testTargets),
  };
}

export interface RankingMetrics {
  ndcg: number;
  recall: number;
  /** Users evaluated. */
  users: number;
  k: number;
  /** NDCG and recall at other cutoffs, keyed by cutoff. */
  at: Record<number, { ndcg: number; recall: number }>;
}

/**
 * Ranks every item for every history and measures where the target lands.
 * `cutoffs` defaults to [5, 10, 20]; `k` (default 10) picks the headline.
 */
export function evaluateNextItem(
  scorer: NextItemScorer,
  histories: readonly Int32Array[],
  targets: Int32Array,
  options: { k?: number; cutoffs?: number[]; batchSize?: number; maxUsers?: number } = {},
): RankingMetrics {
  if (histories.length !== targets.length) {
    throw new InvalidArgumentError(`evaluateNextItem: ${histories.length} histories but ${targets.length} targets`);
  }
  const k = options.k ?? 10;
  const cutoffs = [...new Set([...(options.cutoffs ?? [5, 10, 20]), k])].sort((a, b) => a - b);
  const batchSize = options.batchSize ?? 256;
  const n = Math.min(histories.length, options.maxUsers ?? histories.length);
  const N = scorer.nItems;
  const ndcg = new Float64Array(cutoffs.length);
  const hits = new Float64Array(cutoffs.length);
  const seen = new Uint8Array(N);
  for (let b0 = 0; b0 < n; b0 += batchSize) {
    const batch = histories.slice(b0, Math.min(n, b0 + batchSize));
    const scores = scorer.scoreBatch(batch);
    for (let r = 0; r < batch.length; r++) {
      const hist = batch[r];
      const tgt = targets[b0 + r];
      const base = r * N;
      for (let i = 0; i < hist.length; i++) seen[hist[i]] = 1;
      let rank = -1;
      if (!seen[tgt]) {
        const st = scores[base + tgt];
        rank = 0;
        for (let j = 0; j < N; j++) if (scores[base + j] > st && !seen[j]) rank++;
      }
      for (let i = 0; i < hist.length; i++) seen[hist[i]] = 0;
      if (rank < 0) continue;
      for (let c = 0; c < cutoffs.length; c++) {
        if (rank < cutoffs[c]) {
          hits[c]++;
          ndcg[c] += 1 / Math.log2(rank + 2);
        }
      }
    }
  }
  const at: Record<number, { ndcg: number; recall: number }> = {};
  for (let c = 0; c < cutoffs.length; c++) at[cutoffs[c]] = { ndcg: n ? ndcg[c] / n : 0, recall: n ? hits[c] / n : 0 };
  return { ndcg: at[k].ndcg, recall: at[k].recall, users: n, k, at };
}

/**
 * Reads a sequence file in the S3-Rec format (`user item item ...` per line,
 * items in time order, optionally gzipped). Item ids are remapped to
 * 0..nItems-1 in ascending order of the original numeric id, so S3-Rec's
 * 1-based ids map to id - 1.
 */
export function readSequenceFile(path: string): { sequences: Int32Array[]; nItems: number; users: string[]; itemIds: number[] } {
  let buf = readFileSync(path);
  if (path.endsWith(".gz")) buf = gunzipSync(buf);
  const lines = buf.toString("utf8").split(/\r?\n/);
  const raw: number[][] = [];
  const users: string[] = [];
  const ids = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const parts = line.split(/\s+/);
    const items: number[] = [];
    for (let j = 1; j < parts.length; j++) {
      const v = Number(parts[j]);
      if (!Number.isInteger(v)) throw new InvalidFileError(path, `expected integer item ids, got "${parts[j]}"`, i + 1);
      items.push(v);
      ids.add(v);
    }
    users.push(parts[0]);
    raw.push(items);
  }
  const itemIds = [...ids].sort((a, b) => a - b);
  const index = new Map<number, number>();
  itemIds.forEach((v, i) => index.set(v, i));
  const sequences = raw.map((items) => Int32Array.from(items, (v) => index.get(v)!));
  return { sequences, nItems: itemIds.length, users, itemIds };
}
