/**
 * Ranking metrics, computed exactly as trec_eval 9.x computes them.
 *
 * Two layers:
 *  - Pure functions over a ranked list of relevance values (`rels[i]` is the
 *    relevance of the document at rank i+1; unjudged documents are 0 or
 *    negative). They allocate nothing except `ndcgAtK` when its ideal list is
 *    not already sorted, so the recommendation protocols can call them for
 *    every user of a full ranking.
 *  - `evaluateRun`, which turns a run and qrels into those lists the way
 *    trec_eval does (rank by score descending, ties broken by docno in
 *    descending byte order, duplicate docnos refused) and averages per query
 *    the way trec_eval does (with or without `-c`).
 *
 * The trec_eval facts each function relies on are listed in docs/evaluation.md.
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { Qrels } from "./qrels.js";
import type { Run, ScoredDoc } from "./run.js";

/** A ranked list of relevance values, best rank first. */
export type RelevanceList = ArrayLike<number>;

/** trec_eval's default relevance level (`-l 1`): relevance >= 1 is relevant. */
export const DEFAULT_RELEVANCE_LEVEL = 1;

// ---------------------------------------------------------------------------
// Pure metric functions
// ---------------------------------------------------------------------------

/**
 * Discounted cumulative gain of the first k ranks: the sum of rel/log2(rank+1)
 * over ranks whose relevance is positive (trec_eval m_ndcg_cut.c: gain is the
 * qrels value, only gains > 0 count, doc i (0-based) is divided by log2(i+2)).
 */
export function dcgAtK(rels: RelevanceList, k = Infinity): number {
  checkCutoff(k);
  const n = Math.min(rels.length, k);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const gain = rels[i];
    if (gain > 0) sum += gain / Math.log2(i + 2);
  }
  return sum;
}

/**
 * NDCG at k. `idealRels` are the relevance values of all judged documents of
 * the query (any order; negative and zero values are ignored). The ideal DCG
 * ranks the positive ones in decreasing order and is cut at k as well. Returns
 * 0 when the ideal DCG is 0 (no relevant document).
 */
export function ndcgAtK(rels: RelevanceList, idealRels: RelevanceList, k = Infinity): number {
  checkCutoff(k);
  const ideal = isSortedDescending(idealRels) ? idealRels : Float64Array.from(idealRels).sort().reverse();
  const idcg = dcgAtK(ideal, k);
  if (idcg <= 0) return 0;
  return dcgAtK(rels, k) / idcg;
}

/**
 * Precision at k: relevant documents in the first k ranks divided by k, even
 * when fewer than k documents were retrieved (trec_eval m_P.c: missing ranks
 * count as non-relevant).
 */
export function precisionAtK(rels: RelevanceList, k: number, relevanceLevel = DEFAULT_RELEVANCE_LEVEL): number {
  checkCutoff(k);
  if (!Number.isFinite(k)) throw new InvalidArgumentError(`precision cutoff must be finite, got ${k}`);
  return countRelevant(rels, k, relevanceLevel) / k;
}

/**
 * Recall at k: relevant documents in the first k ranks divided by
 * `numRelevant`, the number of relevant documents in the qrels for the query
 * (retrieved or not). 0 when `numRelevant` is 0 (trec_eval m_recall.c).
 */
export function recallAtK(rels: RelevanceList, numRelevant: number, k = Infinity, relevanceLevel = DEFAULT_RELEVANCE_LEVEL): number {
  checkCutoff(k);
  if (numRelevant <= 0) return 0;
  return countRelevant(rels, k, relevanceLevel) / numRelevant;
}

/**
 * Reciprocal of the rank of the first relevant document within the first k
 * ranks; 0 if there is none (trec_eval m_recip_rank.c, which has no cutoff:
 * leave k at Infinity for trec_eval's recip_rank; MRR@k passes k).
 */
export function reciprocalRank(rels: RelevanceList, k = Infinity, relevanceLevel = DEFAULT_RELEVANCE_LEVEL): number {
  checkCutoff(k);
  const n = Math.min(rels.length, k);
  for (let i = 0; i < n; i++) {
    if (rels[i] >= relevanceLevel) return 1 / (i + 1);
  }
  return 0;
}

/**
 * Average precision: the sum of precision at the rank of each relevant
 * retrieved document, divided by `numRelevant` (all relevant documents in the
 * qrels, so relevant documents missing from the ranking contribute 0).
 * trec_eval m_map.c. 0 when no relevant document was retrieved.
 */
export function averagePrecision(rels: RelevanceList, numRelevant: number, relevanceLevel = DEFAULT_RELEVANCE_LEVEL): number {
  if (numRelevant <= 0) return 0;
  let relSoFar = 0;
  let sum = 0;
  for (let i = 0; i < rels.length; i++) {
    if (rels[i] >= relevanceLevel) {
      relSoFar++;
      sum += relSoFar / (i + 1);
    }
  }
  return relSoFar === 0 ? 0 : sum / numRelevant;
}

function countRelevant(rels: RelevanceList, k: number, relevanceLevel: number): number {
  const n = Math.min(rels.length, k);
  let count = 0;
  for (let i = 0; i < n; i++) if (rels[i] >= relevanceLevel) count++;
  return count;
}

function checkCutoff(k: number): void {
  if (!(k >= 1) || (Number.isFinite(k) && !Number.isInteger(k))) {
    throw new InvalidArgumentError(`cutoff must be a positive integer, got ${k}`);
  }
}

function isSortedDescending(values: RelevanceList): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] > values[i - 1]) return false;
  return true;
}

// ---------------------------------------------------------------------------
// trec_eval ordering
// ---------------------------------------------------------------------------

/**
 * Compares two strings as C's strcmp compares their UTF-8 bytes. JavaScript's
 * `<` compares UTF-16 code units, which differs only when one side has a
 * supplementary-plane character (a surrogate) and the other a character in
 * U+E000..U+FFFF; remapping those two ranges restores code point (= UTF-8
 * byte) order.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * trec_eval's ranking order (form_res_rels.c, comp_sim_docno): higher score
 * first; equal scores ordered by docno in DESCENDING strcmp order.
 */
export function compareTrecEvalOrder(a: ScoredDoc, b: ScoredDoc): number {
  if (a.score > b.score) return -1;
  if (a.score < b.score) return 1;
  return compareUtf8(b.docId, a.docId);
}

/**
 * The documents of one query in the order trec_eval ranks them (a new array;
 * the input is not modified). The rank column of a run file is ignored, as
 * trec_eval ignores it.
 */
export function rankForTrecEval(docs: readonly ScoredDoc[]): ScoredDoc[] {
  return docs.slice().sort(compareTrecEvalOrder);
}

// ---------------------------------------------------------------------------
// Measures by trec_eval name
// ---------------------------------------------------------------------------

/** The trec_eval measures implemented here. */
export type MeasureName = "ndcg_cut" | "P" | "recall" | "map" | "recip_rank";

/** One measure value to compute, e.g. `{ name: "ndcg_cut", cutoff: 10, key: "ndcg_cut_10" }`. */
export interface MeasureSpec {
  name: MeasureName;
  /** Cutoff for ndcg_cut, P and recall. */
  cutoff?: number;
  /** The name trec_eval prints for this value ("ndcg_cut_10", "P_10", "map"). */
  key: string;
}

/** trec_eval's default cutoffs for P, recall and ndcg_cut (measures.c, m_*.c). */
export const TREC_EVAL_DEFAULT_CUTOFFS: readonly number[] = [5, 10, 15, 20, 30, 100, 200, 500, 1000];

const CUTOFF_MEASURES = new Set<string>(["ndcg_cut", "P", "recall"]);
const PLAIN_MEASURES = new Set<string>(["map", "recip_rank"]);

/**
 * Parses measure names in trec_eval's `-m` syntax: `map`, `recip_rank`,
 * `ndcg_cut.10`, `P.5,10`, `recall` (default cutoffs). The printed form with
 * an underscore (`ndcg_cut_10`, `P_10`) is accepted too. Values come out in
 * the order given, cutoffs of one measure ascending (as trec_eval prints
 * them); a value requested twice appears once.
 */
export function parseMeasures(measures: readonly string[]): MeasureSpec[] {
  if (measures.length === 0) throw new InvalidArgumentError("at least one measure is required");
  const out: MeasureSpec[] = [];
  const seen = new Set<string>();
  for (const raw of measures) {
    const text = raw.trim();
    let name: string;
    let params: string | undefined;
    const dot = text.indexOf(".");
    if (dot >= 0) {
      name = text.slice(0, dot);
      params = text.slice(dot + 1);
    } else {
      const underscore = /^(ndcg_cut|P|recall)_(\d+)$/.exec(text);
      name = underscore ? underscore[1] : text;
      params = underscore ? underscore[2] : undefined;
    }
    if (PLAIN_MEASURES.has(name)) {
      if (params !== undefined) throw new InvalidArgumentError(`measure "${raw}": ${name} takes no cutoff`);
      if (!seen.has(name)) out.push({ name: name as MeasureName, key: name });
      seen.add(name);
      continue;
    }
    if (!CUTOFF_MEASURES.has(name)) {
      throw new InvalidArgumentError(
        `unknown measure "${raw}"; expected one of ndcg_cut.K, P.K, recall.K, map, recip_rank (K a positive integer or a comma-separated list)`,
      );
    }
    const cutoffs = params === undefined ? TREC_EVAL_DEFAULT_CUTOFFS.slice() : parseCutoffs(raw, params);
    for (const cutoff of cutoffs) {
      const key = `${name}_${cutoff}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name: name as MeasureName, cutoff, key });
    }
  }
  return out;
}

function parseCutoffs(raw: string, params: string): number[] {
  const parts = params.split(",");
  const cutoffs = parts.map((part) => {
    if (!/^\d+$/.test(part.trim())) throw new InvalidArgumentError(`measure "${raw}": cutoff "${part}" is not a positive integer`);
    const value = Number(part.trim());
    if (value <= 0 || !Number.isSafeInteger(value)) throw new InvalidArgumentError(`measure "${raw}": cutoff ${part} must be a positive integer`);
    return value;
  });
  cutoffs.sort((a, b) => a - b);
  for (let i = 1; i < cutoffs.length; i++) {
    if (cutoffs[i] === cutoffs[i - 1]) throw new InvalidArgumentError(`measure "${raw}": duplicate cutoff ${cutoffs[i]}`);
  }
  return cutoffs;
}

// ---------------------------------------------------------------------------
// Evaluating a run against qrels
// ---------------------------------------------------------------------------

export interface EvaluateOptions {
  /** Measures in trec_eval `-m` syntax, e.g. ["ndcg_cut.10", "recall.100,1000", "map", "recip_rank", "P.10"]. */
  measures: readonly string[];
  /**
   * trec_eval `-c`: average over every query of the qrels; a qrels query
   * missing from the run scores 0 on every measure (and is listed in
   * `perQuery` with zeros). Default: average over queries present in both.
   */
  complete?: boolean;
  /** trec_eval `-l`: minimum relevance counted as relevant (default 1). Does not affect ndcg_cut's gains. */
  relevanceLevel?: number;
  /** trec_eval `-M`: evaluate only the first N documents of each query after ranking (default: all). */
  maxDocsPerQuery?: number;
}

export interface EvaluationResult {
  /** Measure keys in output order, as trec_eval prints them ("ndcg_cut_10", "P_10", "map"). */
  measures: string[];
  /** Per-query values, queries in trec_eval's order (qid strcmp order). */
  perQuery: Map<string, Record<string, number>>;
  /** The mean of each measure over the evaluated queries. */
  mean: Record<string, number>;
  /** Queries averaged over (trec_eval's num_q). */
  queryCount: number;
}

/**
 * Evaluates a run against qrels exactly as `trec_eval [-c] [-l N] [-M N] -m ...`
 * does.
 *
 * - Only queries in the qrels are evaluated; run queries without judgments are
 *   ignored. A qrels query whose judgments are all non-relevant is evaluated
 *   (and scores 0): trec_eval ignores only queries with no judgments at all.
 * - Without `complete`, qrels queries absent from the run (or with an empty
 *   list) are left out of the averages; with it they count as 0.
 * - A docno twice in one query's list is an error, as in trec_eval.
 * - Relevance values must be integers (trec_eval reads them with atol).
 *
 * Throws InvalidArgumentError when no query has both results and judgments
 * (trec_eval exits with "No queries with both results and relevance info").
 */
export function evaluateRun(run: Run, qrels: Qrels, options: EvaluateOptions): EvaluationResult {
  const specs = parseMeasures(options.measures);
  const relevanceLevel = options.relevanceLevel ?? DEFAULT_RELEVANCE_LEVEL;
  if (!Number.isInteger(relevanceLevel)) throw new InvalidArgumentError(`relevanceLevel must be an integer, got ${relevanceLevel}`);
  const maxDocs = options.maxDocsPerQuery ?? Infinity;
  if (!(maxDocs >= 1) || (Number.isFinite(maxDocs) && !Number.isInteger(maxDocs))) {
    throw new InvalidArgumentError(`maxDocsPerQuery must be a positive integer, got ${maxDocs}`);
  }
  const complete = options.complete ?? false;
  const keys = specs.map((s) => s.key);

  const queryIds = [...qrels.keys()].filter((qid) => (qrels.get(qid)?.size ?? 0) > 0).sort(compareUtf8);
  const perQuery = new Map<string, Record<string, number>>();
  const sums = new Float64Array(specs.length);

  for (const qid of queryIds) {
    const judgments = qrels.get(qid) as Map<string, number>;
    const docs = run.get(qid);
    let values: Record<string, number>;
    if (docs === undefined || docs.length === 0) {
      if (!complete) continue;
      values = Object.fromEntries(keys.map((k) => [k, 0]));
    } else {
      values = evaluateQuery(qid, docs, judgments, specs, relevanceLevel, maxDocs);
    }
    perQuery.set(qid, values);
    for (let m = 0; m < specs.length; m++) sums[m] += values[specs[m].key];
  }

  if (perQuery.size === 0) {
    throw new InvalidArgumentError(
      `no query has both results and relevance judgments (run has ${run.size} queries, qrels ${queryIds.length}); check that the query ids match`,
    );
  }
  const mean: Record<string, number> = {};
  for (let m = 0; m < specs.length; m++) mean[specs[m].key] = sums[m] / perQuery.size;
  return { measures: keys, perQuery, mean, queryCount: perQuery.size };
}

/**
 * The per-query part of evaluateRun: rank, look up relevance, compute each
 * measure. Exported for callers that evaluate one query at a time.
 */
export function evaluateQuery(
  queryId: string,
  docs: readonly ScoredDoc[],
  judgments: ReadonlyMap<string, number>,
  specs: readonly MeasureSpec[],
  relevanceLevel = DEFAULT_RELEVANCE_LEVEL,
  maxDocsPerQuery = Infinity,
): Record<string, number> {
  for (const doc of docs) {
    if (typeof doc.score !== "number" || Number.isNaN(doc.score)) {
      throw new InvalidArgumentError(`query "${queryId}": document "${doc.docId}" has score ${doc.score}; expected a number`);
    }
  }
  const ranked = rankForTrecEval(docs);
  const n = Math.min(ranked.length, maxDocsPerQuery);
  const seen = new Set<string>();
  const rels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const docId = ranked[i].docId;
    if (seen.has(docId)) throw new InvalidArgumentError(`query "${queryId}": document "${docId}" appears twice in the run (trec_eval refuses duplicate docnos)`);
    seen.add(docId);
    // As in form_res_rels.c: not in the qrels -> RELVALUE_NONPOOL (-1); judged
    // with a negative value -> RELVALUE_UNJUDGED (-2). Both are non-relevant
    // for every relevance level >= 0 and carry no gain.
    const rel = judgments.get(docId);
    rels[i] = rel === undefined ? -1 : rel < 0 ? -2 : rel;
  }

  let numRelevant = 0;
  let positive = 0;
  for (const [docId, rel] of judgments) {
    if (!Number.isInteger(rel)) throw new InvalidArgumentError(`query "${queryId}": document "${docId}" has relevance ${rel}; expected an integer`);
    if (rel >= relevanceLevel && rel >= 0) numRelevant++;
    if (rel > 0) positive++;
  }
  let ideal: Float64Array | undefined;
  const idealRels = (): Float64Array => {
    if (ideal) return ideal;
    ideal = new Float64Array(positive);
    let j = 0;
    for (const rel of judgments.values()) if (rel > 0) ideal[j++] = rel;
    ideal.sort().reverse();
    return ideal;
  };

  const values: Record<string, number> = {};
  for (const spec of specs) {
    const k = spec.cutoff ?? Infinity;
    switch (spec.name) {
      case "ndcg_cut":
        values[spec.key] = ndcgAtK(rels, idealRels(), k);
        break;
      case "P":
        values[spec.key] = precisionAtK(rels, k, relevanceLevel);
        break;
      case "recall":
        values[spec.key] = recallAtK(rels, numRelevant, k, relevanceLevel);
        break;
      case "map":
        values[spec.key] = averagePrecision(rels, numRelevant, relevanceLevel);
        break;
      case "recip_rank":
        values[spec.key] = reciprocalRank(rels, Infinity, relevanceLevel);
        break;
    }
  }
  return values;
}
