/**
 * The feed's ranking pipeline, shared by the FeedService and the offline
 * evaluation (so that what is measured is what is served):
 *
 *   candidates -> scorers (content, svm, collaborative, topics, recency)
 *              -> combination -> MMR diversification
 *
 * Combination: content, svm, collaborative and recency scores are each
 * standardized over the candidates (z-scores, so no scorer dominates by its
 * scale) and summed with `weights`; topic points (+1 per liked topic matched,
 * at most 2, −10 per disliked one) are added times `weights.topic` without
 * standardizing, so a disliked topic pushes a paper down by a fixed amount.
 * A scorer whose weight is 0, or that has no input (no saved papers, no
 * topics, no co-saves), contributes nothing. Ties break by row (stable).
 */
import type { ItemKnn } from "../../../src/recommend/item-knn.js";
import { collaborativeScores, type CollaborativeSignal } from "./collaborative.js";
import { mmrOrder } from "./diversify.js";
import { fitReaderSvm, svmScores, type LinearSvm, type LinearSvmOptions } from "./linear-svm.js";
import { SeededRandom } from "../../../src/core/random.js";
import { contentScores, maxSimilarity, recencyScores, type ContentSignal, topicScores, zScores, type TopicPreference, type TopicScoreOptions } from "./scorers.js";
import type { TfidfModel } from "./tfidf.js";

export interface FeedWeights {
  content: number;
  svm: number;
  collaborative: number;
  topic: number;
  recency: number;
}

/**
 * The weights the feed uses; see docs/radar-feed.md for how they were
 * chosen. Topics count 1 (they counted 0.5 until the small-history study:
 * on the validation split a liked topic at 0.5 was outweighed by weak
 * content and SVM matches in a week's window, the drift off topic readers
 * saw; at 1 the on-topic share rose by 0.05 with NDCG@10 and Recall@50
 * unchanged, for both reader protocols).
 */
export const DEFAULT_FEED_WEIGHTS: Readonly<FeedWeights> = Object.freeze({ content: 1, svm: 1, collaborative: 0.5, topic: 1, recency: 0.1 });

/** The feed's weights before the small-history study (`trove-previous` in the evaluation). */
export const PREVIOUS_FEED_WEIGHTS: Readonly<FeedWeights> = Object.freeze({ content: 1, svm: 1, collaborative: 0.5, topic: 0.5, recency: 0.1 });

/** MMR trade-off used by the feed (1 = no diversification). */
export const DEFAULT_MMR_LAMBDA = 0.7;

export interface RankerOptions {
  weights?: Partial<FeedWeights>;
  /** Content score: mix · max + (1 − mix) · mean similarity to saved papers (default 0.5). */
  contentMix?: number;
  /** MMR λ (default DEFAULT_MMR_LAMBDA; 1 turns MMR off). */
  mmrLambda?: number;
  svm?: LinearSvmOptions;
  topics?: TopicScoreOptions;
  /** Saved papers used for content and svm, newest first (default 200). */
  maxSaved?: number;
  /** Expanded-profile size of the collaborative scorer (default 30). */
  coSaveExpansion?: number;
  /**
   * What content, svm and co-save scores are standardized against: "window"
   * (z-scores over the candidates) or "corpus" (z-scores against a seeded
   * sample of every paper, so a weak match stays weak in a window where
   * nothing matches better).
   */
  standardize?: "window" | "corpus";
  /** The SVM's weight shrinks with few saves: weight · n / (n + svmPrior) (0: not shrunk). */
  svmPrior?: number;
  /** Points taken per unit of cosine similarity to a paper marked "less like this" (default 4). */
  lessPenalty?: number;
}

export interface RankInput {
  model: TfidfModel;
  /** Rows that may be shown. */
  candidates: Int32Array;
  /** Rows of the reader's saved and liked papers, newest first. */
  saved: readonly number[];
  topics?: readonly TopicPreference[];
  /** Rows the SVM learns from (saved = +1, the rest −1); default every row. */
  svmTrainRows?: Int32Array;
  /**
   * Scorer outputs already computed for these candidates and saved papers
   * (the evaluation computes each once per reader and ranks several ways).
   */
  precomputed?: { content?: ContentSignal; svm?: Float32Array; collaborative?: CollaborativeSignal };
  /** The reader's fitted SVM (scores the corpus sample under "corpus" standardization); fitted when needed and absent. */
  svmModel?: LinearSvm;
  /** Corpus statistics of the scorers (see `referenceStats`); computed when needed and absent. */
  reference?: ReferenceStats;
  /** Rows the reader marked "less like this": candidates close to them lose points. */
  less?: readonly number[];
  coSaves?: ItemKnn;
  /** Day number of the window's end (recency is the age at this day). */
  untilDay: number;
  /** Positions diversified by MMR (the rest stay in score order). */
  diversify: number;
}

export interface RankedCandidate {
  row: number;
  score: number;
  /** Weighted contribution of each scorer. */
  parts: FeedWeights;
  /** Most similar saved paper (-1: none) and its cosine. */
  bestSaved: number;
  bestSimilarity: number;
  /** Indices into the topics of the liked / disliked topics matched. */
  likedTopics: number[];
  dislikedTopics: number[];
  /** The reader's saved paper behind the collaborative score (-1: none); computed on demand. */
  coSource(): number;
  /** The SVM's z-score (0 without an SVM). */
  svmZ: number;
  /** The collaborative z-score (0 without co-saves). */
  coZ: number;
}

export function resolveWeights(weights: Partial<FeedWeights> = {}): FeedWeights {
  return { ...DEFAULT_FEED_WEIGHTS, ...weights };
}

/** Mean and standard deviation of a scorer over the corpus sample. */
export interface ScaleStats {
  mean: number;
  sd: number;
}

/** The scorers' corpus statistics for one reader (see `referenceStats`). */
export interface ReferenceStats {
  content: ScaleStats;
  svm: ScaleStats;
  collaborative: ScaleStats;
}

/** Papers in the corpus sample the scorers are standardized against. */
export const REFERENCE_SAMPLE = 2000;

/** A seeded sample of at most REFERENCE_SAMPLE rows of the model, none of them `exclude`d. */
export function referenceRows(model: TfidfModel, exclude: readonly number[] = []): Int32Array {
  const skip = new Set(exclude);
  const rows: number[] = [];
  for (let r = 0; r < model.size; r++) if (!skip.has(r)) rows.push(r);
  if (rows.length <= REFERENCE_SAMPLE) return Int32Array.from(rows);
  const random = new SeededRandom(17);
  for (let i = 0; i < REFERENCE_SAMPLE; i++) {
    const j = i + random.int(rows.length - i);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return Int32Array.from(rows.slice(0, REFERENCE_SAMPLE)).sort();
}

function statsOf(scores: Float32Array): ScaleStats {
  let mean = 0;
  for (const x of scores) mean += x;
  mean /= Math.max(1, scores.length);
  let variance = 0;
  for (const x of scores) variance += (x - mean) ** 2;
  return { mean, sd: Math.sqrt(variance / Math.max(1, scores.length)) };
}

/**
 * How the reader's content, svm and co-save scores are spread over the
 * whole corpus (a seeded sample of it): what "corpus" standardization
 * measures every candidate against.
 */
export function referenceStats(
  model: TfidfModel,
  saved: readonly number[],
  options: { svm?: LinearSvm; coSaves?: ItemKnn; contentMix?: number; coSaveExpansion?: number } = {},
): ReferenceStats {
  const rows = referenceRows(model, saved);
  const none = { mean: 0, sd: 0 };
  return {
    content: saved.length ? statsOf(contentScores(model, rows, saved, options.contentMix ?? 0.5).scores) : none,
    svm: options.svm ? statsOf(svmScores(options.svm, model, rows)) : none,
    collaborative: options.coSaves && saved.length ? statsOf(collaborativeScores(options.coSaves, model, rows, saved, { expansion: options.coSaveExpansion }).scores) : none,
  };
}

/** (score − mean) / sd against corpus statistics (all zeros when the corpus spread is nil). */
function zAgainst(scores: Float32Array, stats: ScaleStats): Float32Array {
  const out = new Float32Array(scores.length);
  if (!(stats.sd > 1e-12)) return out;
  for (let k = 0; k < scores.length; k++) out[k] = (scores[k] - stats.mean) / stats.sd;
  return out;
}

/** Ranks every candidate; the first `diversify` positions are the MMR selection. */
export function rankCandidates(input: RankInput, options: RankerOptions = {}): RankedCandidate[] {
  const { model, candidates, topics = [] } = input;
  const w = resolveWeights(options.weights);
  const n = candidates.length;
  const saved = input.saved.slice(0, options.maxSaved ?? 200);
  const zero: Float32Array = new Float32Array(n);
  const byCorpus = options.standardize === "corpus";
  const pre = input.precomputed ?? {};
  const svmWeight = options.svmPrior ? (w.svm * saved.length) / (saved.length + options.svmPrior) : w.svm;

  const useContent = w.content !== 0 && saved.length > 0;
  const useSvm = svmWeight !== 0 && saved.length > 0;
  const useCo = w.collaborative !== 0 && saved.length > 0 && (pre.collaborative !== undefined || input.coSaves !== undefined);
  let svmModel = input.svmModel;
  if (useSvm && !svmModel && (byCorpus || !pre.svm)) {
    svmModel = fitReaderSvm(model, input.svmTrainRows ?? Int32Array.from({ length: model.size }, (_, r) => r), saved, model.vocabularySize, options.svm);
  }
  const reference =
    byCorpus && (useContent || useSvm || useCo)
      ? (input.reference ?? referenceStats(model, saved, { svm: useSvm ? svmModel : undefined, coSaves: useCo ? input.coSaves : undefined, contentMix: options.contentMix, coSaveExpansion: options.coSaveExpansion }))
      : undefined;
  const standardize = (scores: Float32Array, stats: ScaleStats | undefined): Float32Array => (reference && stats ? zAgainst(scores, stats) : zScores(scores));

  const content = useContent ? (pre.content ?? contentScores(model, candidates, saved, options.contentMix ?? 0.5)) : undefined;
  const contentZ = content ? standardize(content.scores, reference?.content) : zero;

  const svmZ = useSvm ? standardize(pre.svm ?? svmScores(svmModel!, model, candidates), reference?.svm) : zero;

  const co = useCo ? (pre.collaborative ?? collaborativeScores(input.coSaves!, model, candidates, saved, { expansion: options.coSaveExpansion })) : undefined;
  const coZ = co ? standardize(co.scores, reference?.collaborative) : zero;

  const topic = w.topic !== 0 && topics.length > 0 ? topicScores(model, candidates, topics, options.topics) : undefined;
  const recencyZ = w.recency !== 0 ? zScores(recencyScores(model, candidates, input.untilDay)) : zero;
  const lessPenalty = options.lessPenalty ?? 4;
  const lessSim = input.less?.length && lessPenalty > 0 ? maxSimilarity(model, candidates, input.less) : undefined;

  const scores = new Float32Array(n);
  const ranked: RankedCandidate[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const parts: FeedWeights = {
      content: w.content * contentZ[k],
      svm: svmWeight * svmZ[k],
      collaborative: w.collaborative * coZ[k],
      topic: topic ? w.topic * topic.scores[k] : 0,
      recency: w.recency * recencyZ[k],
    };
    scores[k] = parts.content + parts.svm + parts.collaborative + parts.topic + parts.recency - (lessSim ? lessPenalty * lessSim[k] : 0);
    ranked[k] = {
      row: candidates[k],
      score: scores[k],
      parts,
      bestSaved: content ? content.bestSaved[k] : -1,
      bestSimilarity: content ? content.bestSimilarity[k] : 0,
      likedTopics: topic ? topic.liked[k] : [],
      dislikedTopics: topic ? topic.disliked[k] : [],
      coSource: co ? () => co.sourceOf(k) : () => -1,
      svmZ: svmZ[k],
      coZ: coZ[k],
    };
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => scores[b] - scores[a] || candidates[a] - candidates[b]);
  const lambda = options.mmrLambda ?? DEFAULT_MMR_LAMBDA;
  const final = mmrOrder(model, candidates, scores, order, input.diversify, { lambda });
  return final.map((k) => ranked[k]);
}

/** Fits the reader's SVM (saved = +1, the other training rows −1) and scores the candidates. */
export function readerSvmScores(model: TfidfModel, candidates: Int32Array, saved: readonly number[], trainRows?: Int32Array, options?: LinearSvmOptions): Float32Array {
  const train = trainRows ?? Int32Array.from({ length: model.size }, (_, r) => r);
  return svmScores(fitReaderSvm(model, train, saved, model.vocabularySize, options), model, candidates);
}
