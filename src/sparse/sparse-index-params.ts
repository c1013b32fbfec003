/**
 * Settings of the learned-sparse index (Seismic: Bruch, Nardini, Rulli and
 * Venturini, SIGIR 2024), for building and for searching, with their defaults
 * and checks. Building: each term's postings are ordered by impact and the
 * first `postingsPerTerm` of them (the list's head, Seismic's static pruning)
 * are clustered into blocks, each with a summary vector (per term the block's
 * largest impact, cut to the terms holding `summaryEnergy` of its L1 mass,
 * and to at most `summaryMaxTerms` terms).
 * Searching: the `queryCut` heaviest query terms choose the lists; a block is
 * skipped when its summary's score is below `heapFactor` times the k-th best
 * score so far; documents of the other blocks are scored exactly from the
 * forward index. `exact` scores every posting of every query term instead.
 */
import { InvalidArgumentError } from "../core/errors.js";

export interface SparseIndexParams {
  /** Postings per term kept in the blocked head of its list (Seismic's lambda). */
  postingsPerTerm: number;
  /** Blocks per head as a fraction of its length (Seismic's centroid_fraction). */
  centroidFraction: number;
  /** Blocks smaller than this are dissolved into the others. */
  minClusterSize: number;
  /** Fraction of a block summary's L1 mass kept (Seismic's summary_energy). */
  summaryEnergy: number;
  /** At most this many terms per block summary (the largest; bounds the summaries' memory). */
  summaryMaxTerms: number;
  /** Heaviest terms of a document used to assign it to a block (Seismic's kmeans_doc_cut). */
  clusteringDocCut: number;
  /** Seed of the centroid sampling. */
  seed: number;
}

export const DEFAULT_SPARSE_INDEX: SparseIndexParams = {
  postingsPerTerm: 1500,
  centroidFraction: 0.1,
  minClusterSize: 2,
  summaryEnergy: 0.5,
  summaryMaxTerms: 64,
  clusteringDocCut: 15,
  seed: 1,
};

export interface SparseSearchParams {
  /** Score every posting of every query term (no pruning, no approximation). */
  exact?: boolean;
  /** Query terms (heaviest first) whose lists are visited (default 10). */
  queryCut?: number;
  /** Skip a block when its summary score is below heapFactor x the k-th best score (default 0.8). */
  heapFactor?: number;
  /** Visit the first list's blocks best summary first (default false). */
  sortFirstList?: boolean;
}

export const DEFAULT_SPARSE_SEARCH = { queryCut: 10, heapFactor: 0.8, sortFirstList: false };

/** Fills defaults and checks ranges; `where` names the source in errors. */
export function resolveSparseIndexParams(given: Partial<SparseIndexParams> | undefined, where: string): SparseIndexParams {
  const defined = Object.entries(given ?? {}).filter(([, v]) => v !== undefined);
  const p = { ...DEFAULT_SPARSE_INDEX, ...Object.fromEntries(defined) } as SparseIndexParams;
  const check = (ok: boolean, key: string, expected: string) => {
    if (!ok) throw new InvalidArgumentError(`${where}: ${key} must be ${expected}, got ${JSON.stringify((p as unknown as Record<string, unknown>)[key])}`);
  };
  check(Number.isInteger(p.postingsPerTerm) && p.postingsPerTerm >= 1 && p.postingsPerTerm <= 10_000_000, "postingsPerTerm", "an integer from 1 to 10000000");
  check(typeof p.centroidFraction === "number" && p.centroidFraction > 0 && p.centroidFraction <= 1, "centroidFraction", "a number in (0, 1]");
  check(Number.isInteger(p.minClusterSize) && p.minClusterSize >= 1 && p.minClusterSize <= 1000, "minClusterSize", "an integer from 1 to 1000");
  check(typeof p.summaryEnergy === "number" && p.summaryEnergy > 0 && p.summaryEnergy <= 1, "summaryEnergy", "a number in (0, 1]");
  check(Number.isInteger(p.summaryMaxTerms) && p.summaryMaxTerms >= 1 && p.summaryMaxTerms <= 100_000, "summaryMaxTerms", "an integer from 1 to 100000");
  check(Number.isInteger(p.clusteringDocCut) && p.clusteringDocCut >= 1 && p.clusteringDocCut <= 1000, "clusteringDocCut", "an integer from 1 to 1000");
  check(Number.isInteger(p.seed) && p.seed >= 0 && p.seed <= 0xffffffff, "seed", "an integer from 0 to 4294967295");
  return p;
}

/** Fills search defaults and checks ranges. */
export function resolveSparseSearchParams(given: SparseSearchParams): Required<SparseSearchParams> {
  const p = {
    exact: given.exact ?? false,
    queryCut: given.queryCut ?? DEFAULT_SPARSE_SEARCH.queryCut,
    heapFactor: given.heapFactor ?? DEFAULT_SPARSE_SEARCH.heapFactor,
    sortFirstList: given.sortFirstList ?? DEFAULT_SPARSE_SEARCH.sortFirstList,
  };
  if (!Number.isInteger(p.queryCut) || p.queryCut < 1 || p.queryCut > 100_000) throw new InvalidArgumentError(`queryCut must be an integer from 1 to 100000, got ${p.queryCut}`);
  if (!(typeof p.heapFactor === "number" && p.heapFactor > 0 && p.heapFactor <= 10)) throw new InvalidArgumentError(`heapFactor must be a number in (0, 10], got ${p.heapFactor}`);
  return p;
}
