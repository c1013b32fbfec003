/**
 * Per-user accuracy metrics from the 1-based ranks at which a user's
 * relevant items appear in the recommended list (binary relevance), and the
 * beyond-accuracy metrics over all users' top-k lists.
 *
 * For a user with R relevant items whose ranks are r_1 < r_2 < ...:
 *   recall@k    = |{r ≤ k}| / R            (= HR@k when R = 1)
 *   hit@k       = 1 if any r ≤ k
 *   precision@k = |{r ≤ k}| / k
 *   ndcg@k      = Σ_{r≤k} 1/log2(r+1) / Σ_{i=1..min(R,k)} 1/log2(i+1)
 *   mrr@k       = 1/r_1 if r_1 ≤ k, else 0
 * A relevant item that cannot be ranked (masked as already seen) counts in
 * R but never in the numerators.
 *
 * Beyond accuracy, over the lists L_u (top k) of all evaluated users:
 *   coverage@k  = |∪ L_u| / #items (catalog coverage)
 *   arp@k       = mean_u mean_{i∈L_u} pop(i), pop = training users of i (average recommendation popularity)
 *   gini@k      = Gini index of how often each item is recommended (0 = even, → 1 = concentrated)
 *   novelty@k   = mean_u mean_{i∈L_u} -log2(max(pop(i), 1) / #training users) (mean self-information)
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { ndcgAtK, precisionAtK, recallAtK, reciprocalRank } from "../../eval/metrics.js";

/**
 * Sums per-user accuracy metrics at several cutoffs; `means()` averages them.
 * The per-user values come from the shared trec_eval-exact functions in
 * src/eval/metrics.ts (binary relevance: their definitions and ours agree),
 * fed with a 0/1 relevance list of the top max(k) ranks.
 */
export class AccuracyAccumulator {
  private readonly sums = new Map<string, number>();
  /** Per-user values of the metrics named in `keepPerUser`, in the order users were added. */
  private readonly perUser = new Map<string, number[]>();
  private readonly maxK: number;
  private rels: Float64Array;
  private ones: Float64Array;
  users = 0;

  constructor(
    readonly ks: readonly number[],
    options: { keepPerUser?: readonly string[] } = {},
  ) {
    for (const name of options.keepPerUser ?? []) this.perUser.set(name, []);
    for (const k of ks) if (!(Number.isInteger(k) && k > 0)) throw new InvalidArgumentError(`cutoffs must be positive integers, got ${k}`);
    this.maxK = Math.max(1, ...ks);
    this.rels = new Float64Array(this.maxK);
    this.ones = new Float64Array(16).fill(1);
  }

  /** ranks: 1-based ranks at which relevant items appear (any order); relevant: R, including unranked ones. */
  add(ranks: ArrayLike<number>, relevant: number): void {
    this.users++;
    const rels = this.rels;
    rels.fill(0);
    for (let p = 0; p < ranks.length; p++) if (ranks[p] <= this.maxK) rels[ranks[p] - 1] = 1;
    if (this.ones.length < relevant) this.ones = new Float64Array(relevant).fill(1);
    const ideal = this.ones.subarray(0, relevant);
    for (const k of this.ks) {
      const recall = recallAtK(rels, relevant, k);
      this.bump(`recall@${k}`, recall);
      this.bump(`hr@${k}`, recall > 0 ? 1 : 0);
      this.bump(`precision@${k}`, precisionAtK(rels, k));
      this.bump(`ndcg@${k}`, ndcgAtK(rels, ideal, k));
      this.bump(`mrr@${k}`, reciprocalRank(rels, k));
    }
  }

  private bump(name: string, value: number): void {
    this.sums.set(name, (this.sums.get(name) ?? 0) + value);
    this.perUser.get(name)?.push(value);
  }

  /** Each user's value of a metric named in `keepPerUser` (for paired comparisons). */
  values(name: string): readonly number[] {
    const values = this.perUser.get(name);
    if (!values) throw new InvalidArgumentError(`per-user values of "${name}" were not kept (pass it in keepPerUser)`);
    return values;
  }

  means(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, sum] of this.sums) out[name] = this.users ? sum / this.users : 0;
    return out;
  }
}

/** Accumulates top-k lists for coverage, popularity, Gini and novelty. */
export class BeyondAccuracyAccumulator {
  private readonly counts: Map<number, Int32Array>;
  private readonly popSums = new Map<number, number>();
  private readonly noveltySums = new Map<number, number>();
  private lists = 0;

  /**
   * @param popularity training users per item
   * @param trainingUsers number of users in the training data (novelty's denominator)
   */
  constructor(
    readonly ks: readonly number[],
    private readonly popularity: Int32Array,
    private readonly trainingUsers: number,
  ) {
    this.counts = new Map(ks.map((k) => [k, new Int32Array(popularity.length)]));
  }

  /** A user's list, best first (items[0..length)). */
  add(items: ArrayLike<number>, length: number): void {
    this.lists++;
    const users = Math.max(1, this.trainingUsers);
    for (const k of this.ks) {
      const n = Math.min(k, length);
      const counts = this.counts.get(k)!;
      let pop = 0;
      let novelty = 0;
      for (let p = 0; p < n; p++) {
        const i = items[p];
        counts[i]++;
        pop += this.popularity[i];
        novelty += -Math.log2(Math.max(1, this.popularity[i]) / users);
      }
      if (n > 0) {
        this.popSums.set(k, (this.popSums.get(k) ?? 0) + pop / n);
        this.noveltySums.set(k, (this.noveltySums.get(k) ?? 0) + novelty / n);
      }
    }
  }

  means(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of this.ks) {
      const counts = this.counts.get(k)!;
      out[`coverage@${k}`] = catalogCoverage(counts);
      out[`arp@${k}`] = this.lists ? (this.popSums.get(k) ?? 0) / this.lists : 0;
      out[`gini@${k}`] = giniIndex(counts);
      out[`novelty@${k}`] = this.lists ? (this.noveltySums.get(k) ?? 0) / this.lists : 0;
    }
    return out;
  }
}

/** Fraction of items recommended at least once. */
export function catalogCoverage(counts: ArrayLike<number>): number {
  if (counts.length === 0) return 0;
  let covered = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] > 0) covered++;
  return covered / counts.length;
}

/**
 * Gini index of non-negative counts over all items (zeros included):
 * Σ_i (2i - n - 1)·c_(i) / (n·Σ c) with counts sorted ascending, i = 1..n.
 */
export function giniIndex(counts: ArrayLike<number>): number {
  const n = counts.length;
  const sorted = Float64Array.from(counts as ArrayLike<number>).sort();
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i];
    weighted += (2 * (i + 1) - n - 1) * sorted[i];
  }
  return total > 0 ? weighted / (n * total) : 0;
}
