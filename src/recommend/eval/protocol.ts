/**
 * The ranking protocol. For each user with held-out targets:
 *
 * 1. the model scores every item from the user's history (time-ordered
 *    positive items of the history data, plus the user index so that factor
 *    models can use what they learned);
 * 2. every item the user has in the history data (any event) is masked;
 * 3. the list is ranked by score descending, ties by item index ascending
 *    (the same order `recommend` returns), over ALL items ("full ranking"),
 *    or, only when asked, over the targets plus N sampled negatives
 *    ("sampled", labelled as such: sampled metrics are not comparable with
 *    full-ranking ones, see Krichene & Rendle, KDD 2020);
 * 4. recall/HR, NDCG, MRR and precision at each cutoff are computed from
 *    the targets' ranks and averaged over users; beyond-accuracy metrics
 *    (coverage, ARP, Gini, novelty) come from the top-k lists.
 *
 * A target the user already has in the history is masked like any seen item,
 * so it counts as a miss (reported as `targetsInHistory`).
 *
 * `evaluateSplit(model, split, "test")` is the S3-Rec/ICLRec protocol: the
 * model was fit on train; test histories are train + validation, which are
 * masked; validation histories are train. On a cold-start split (split.coldItems)
 * the metrics are also reported over cold and warm targets, and a model
 * without item content (`usesItemContent` false) cannot rank the cold items:
 * they are left out of its rankings (it never recommends what it never saw).
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { csrFind, csrRow, type CsrMatrix } from "../csr.js";
import type { InteractionData } from "../interactions.js";
import { SeededRandom } from "../../core/random.js";
import type { BaseRecommender } from "../recommender.js";
import { TopKSelector } from "../top-k.js";
import { AccuracyAccumulator, BeyondAccuracyAccumulator } from "./rank-metrics.js";
import type { Split } from "./splits.js";

export type CandidateSet = "all" | { sampledNegatives: number; seed?: number };

export interface RankingEvaluationOptions {
  /** Cutoffs (default [5, 10, 20]). */
  ks?: number[];
  /** "all" (default) or N uniformly sampled negatives per user. */
  candidates?: CandidateSet;
  /** Data whose items must never be sampled as negatives (default: history ∪ targets). */
  allInteractions?: InteractionData;
  /** Evaluate only these users. */
  users?: ArrayLike<number>;
  onProgress?: (done: number, total: number) => void;
  /**
   * Cold items (1 = cold): the metrics are also reported separately over the
   * users' cold and warm targets (`groups`).
   */
  coldItems?: Uint8Array;
  /** Items the model cannot rank (scored −Infinity: never recommended), e.g. cold items for ID-based models. */
  unrankable?: Uint8Array;
  /** Keep each user's value of these metrics (e.g. "ndcg@10") for paired comparisons (`perUser`). */
  keepPerUser?: readonly string[];
}

/** Per-user values of the kept metrics, in evaluation order. */
export interface PerUserMetrics {
  users: Int32Array;
  values: Record<string, number[]>;
}

export interface RankingEvaluation {
  /** Exact protocol description. */
  protocol: string;
  candidates: "all" | `sampled-${number}`;
  users: number;
  targets: number;
  targetsInHistory: number;
  metrics: Record<string, number>;
  seconds: number;
  /** With `coldItems`: the accuracy metrics over cold targets and over warm targets (a user counts in each group it has targets in). */
  groups?: { cold: Record<string, number>; warm: Record<string, number>; coldUsers: number; warmUsers: number };
  /** With `keepPerUser`: per-user values, overall and per group. */
  perUser?: { all: PerUserMetrics; cold?: PerUserMetrics; warm?: PerUserMetrics };
}

export const DEFAULT_KS = [5, 10, 20];

/**
 * Ranks each user's targets (positive events of `targets`) after scoring
 * from `history` (sequences and mask). Both must share dictionaries with the
 * data the model was fit on.
 */
export function evaluateRanking(
  model: BaseRecommender<object>,
  history: InteractionData,
  targets: InteractionData,
  options: RankingEvaluationOptions = {},
): RankingEvaluation {
  const start = performance.now();
  const ks = [...(options.ks ?? DEFAULT_KS)].sort((a, b) => a - b);
  if (ks.length === 0) throw new InvalidArgumentError("at least one cutoff k is needed");
  const maxK = ks[ks.length - 1];
  const n = history.numItems;
  if (model.numItems !== n) {
    throw new InvalidArgumentError(`the model knows ${model.numItems} items but the evaluation data has ${n}; fit it on the split's training data`);
  }
  const candidates = options.candidates ?? "all";
  const sampled = candidates === "all" ? 0 : candidates.sampledNegatives;
  if (candidates !== "all" && !(Number.isInteger(sampled) && sampled > 0)) {
    throw new InvalidArgumentError(`sampledNegatives must be a positive integer, got ${sampled}`);
  }
  const rng = new SeededRandom(candidates === "all" ? 0 : (candidates.seed ?? 42));
  const sequences = history.userSequences();
  const seen = history.seenItems();
  const targetItems = targets.userItems();
  const everything = options.allInteractions?.seenItems();
  const keep = options.keepPerUser ?? [];
  const accuracy = new AccuracyAccumulator(ks, { keepPerUser: keep });
  const cold = options.coldItems;
  const groups = cold
    ? { cold: new AccuracyAccumulator(ks, { keepPerUser: keep }), warm: new AccuracyAccumulator(ks, { keepPerUser: keep }), coldUsers: [] as number[], warmUsers: [] as number[] }
    : undefined;
  const evaluatedUsers: number[] = [];
  const groupRanks: number[] = [];
  const beyond = new BeyondAccuracyAccumulator(ks, history.itemPopularity(), countUsersWithHistory(sequences.indptr));
  const selector = new TopKSelector(maxK);
  const scores = new Float32Array(n);
  const candidateList = new Int32Array(Math.max(1, sampled + maxTargets(targetItems)));
  const ranks: number[] = [];
  let users = 0;
  let targetCount = 0;
  let targetsInHistory = 0;
  const userList = options.users ?? range(targetItems.rows);
  for (let q = 0; q < userList.length; q++) {
    const u = userList[q];
    const relevant = csrRow(targetItems, u);
    if (relevant.length === 0) continue;
    users++;
    targetCount += relevant.length;
    const hist = sequences.items.subarray(sequences.indptr[u], sequences.indptr[u + 1]);
    model.scoreAll({ user: u < model.numUsers ? u : undefined, history: hist }, scores);
    for (let p = seen.indptr[u]; p < seen.indptr[u + 1]; p++) scores[seen.indices[p]] = -Infinity;
    if (options.unrankable) for (let i = 0; i < n; i++) if (options.unrankable[i]) scores[i] = -Infinity;
    let top;
    if (sampled === 0) {
      top = selector.select(scores, maxK);
    } else {
      let count = 0;
      for (let p = 0; p < relevant.length; p++) candidateList[count++] = relevant[p];
      // Negatives: uniform over items the user never interacted with, without repeats.
      const wanted = Math.min(sampled, n - relevant.length - (seen.indptr[u + 1] - seen.indptr[u]));
      let drawn = 0;
      let guard = 0;
      while (drawn < wanted && guard++ < wanted * 100) {
        const j = rng.int(n);
        if (csrFind(seen, u, j) >= 0 || csrFind(targetItems, u, j) >= 0) continue;
        if (everything && csrFind(everything, u, j) >= 0) continue;
        let repeated = false;
        for (let c = relevant.length; c < count; c++) if (candidateList[c] === j) repeated = true;
        if (repeated) continue;
        candidateList[count++] = j;
        drawn++;
      }
      top = selector.selectFrom(candidateList, count, scores, maxK);
    }
    ranks.length = 0;
    for (let p = 0; p < relevant.length; p++) {
      const t = relevant[p];
      if (csrFind(seen, u, t) >= 0) targetsInHistory++;
      for (let r = 0; r < top.items.length; r++) {
        if (top.items[r] === t) {
          ranks.push(r + 1);
          break;
        }
      }
    }
    accuracy.add(ranks, relevant.length);
    evaluatedUsers.push(u);
    if (groups && cold) {
      for (const [group, wantCold, list] of [[groups.cold, 1, groups.coldUsers], [groups.warm, 0, groups.warmUsers]] as const) {
        let count = 0;
        groupRanks.length = 0;
        for (let p = 0; p < relevant.length; p++) {
          if (cold[relevant[p]] !== wantCold) continue;
          count++;
          for (let r = 0; r < top.items.length; r++) {
            if (top.items[r] === relevant[p]) {
              groupRanks.push(r + 1);
              break;
            }
          }
        }
        if (count > 0) {
          group.add(groupRanks, count);
          list.push(u);
        }
      }
    }
    beyond.add(top.items, top.items.length);
    if (options.onProgress && (users & 1023) === 0) options.onProgress(q + 1, userList.length);
  }
  const description =
    sampled === 0
      ? `full ranking over all ${n} items, every item in the user's history masked, ties broken by item index`
      : `SAMPLED ranking: targets among ${sampled} negatives drawn uniformly (seed ${(candidates as { seed?: number }).seed ?? 42}) from items the user never interacted with; history masked; ties broken by item index`;
  const perUser = (acc: AccuracyAccumulator, list: number[]): PerUserMetrics => ({
    users: Int32Array.from(list),
    values: Object.fromEntries(keep.map((name) => [name, [...acc.values(name)]])),
  });
  const result: RankingEvaluation = {
    protocol: description + (options.unrankable ? "; items the model cannot rank (cold items for a model without item content) left out of its rankings" : ""),
    candidates: sampled === 0 ? "all" : `sampled-${sampled}`,
    users,
    targets: targetCount,
    targetsInHistory,
    metrics: { ...accuracy.means(), ...beyond.means() },
    seconds: (performance.now() - start) / 1000,
  };
  if (groups) {
    result.groups = { cold: groups.cold.means(), warm: groups.warm.means(), coldUsers: groups.coldUsers.length, warmUsers: groups.warmUsers.length };
  }
  if (keep.length > 0) {
    result.perUser = { all: perUser(accuracy, evaluatedUsers) };
    if (groups) {
      result.perUser.cold = perUser(groups.cold, groups.coldUsers);
      result.perUser.warm = perUser(groups.warm, groups.warmUsers);
    }
  }
  return result;
}

/**
 * The split protocol: "validation" ranks validation targets from train
 * histories; "test" ranks test targets from train + validation histories
 * (the model is not refit: the S3-Rec/ICLRec protocol).
 */
export function evaluateSplit(
  model: BaseRecommender<object>,
  split: Split,
  part: "validation" | "test",
  options: Omit<RankingEvaluationOptions, "allInteractions" | "coldItems" | "unrankable"> = {},
): RankingEvaluation {
  const history = part === "test" ? split.trainAndValidation() : split.train;
  const targets = part === "test" ? split.test : split.validation;
  const cold = split.coldItems;
  const result = evaluateRanking(model, history, targets, {
    ...options,
    allInteractions: split.source,
    ...(cold ? { coldItems: cold, unrankable: model.usesItemContent ? undefined : cold } : {}),
  });
  return {
    ...result,
    protocol: `${split.description}; ${part} targets ranked from ${part === "test" ? "train+validation" : "train"} histories; ${result.protocol}`,
  };
}

function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function maxTargets(m: CsrMatrix): number {
  let max = 0;
  for (let r = 0; r < m.rows; r++) max = Math.max(max, m.indptr[r + 1] - m.indptr[r]);
  return max;
}

function countUsersWithHistory(indptr: Int32Array): number {
  let c = 0;
  for (let u = 0; u + 1 < indptr.length; u++) if (indptr[u + 1] > indptr[u]) c++;
  return c;
}
