/**
 * The feed's ranking, shared by the FeedService and the offline evaluation
 * (so that what is measured is what is served). It runs the feed's engine
 * pipeline (feed-pipeline.ts):
 *
 *   candidates -> scorers (content, svm, collaborative, topics, recency)
 *              -> combination -> MMR diversification
 *
 * Combination: content, svm, collaborative and recency scores are each
 * standardized over the candidates (z-scores, so no scorer dominates by its
 * scale) and summed with `weights`; topic points (+1 per liked topic matched,
 * at most 2, −10 per disliked one) are added times `weights.topic` without
 * standardizing, so a disliked topic pushes a paper down by a fixed amount.
 * Content, svm and co-save scores may instead be standardized against the
 * whole corpus (`standardize: "corpus"`, standardization.ts), the svm's
 * weight may shrink with few saves (`svmPrior`), and papers close to one the
 * reader marked "less like this" lose `lessPenalty` points per unit of
 * similarity. A scorer whose weight is 0, or that has no input (no saved
 * papers, no topics, no co-saves), contributes nothing. Ties break by paper id.
 */
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { emptyTarget } from "../../../src/pipeline/pipeline-target.js";
import type { PipelineContext } from "../../../src/pipeline/pipeline-context.js";
import { FEED_CONTRIBUTIONS, FEED_STATE, candidatePositions, feedPipelineConfig, feedRegistry, readerSvm, type FeedRankState } from "./feed-pipeline.js";
import type { LinearSvmOptions } from "./linear-svm.js";
import type { TopicScoreOptions } from "./scorers.js";
import { referenceStats } from "./standardization.js";

export { readerSvmScores } from "./feed-pipeline.js";
export { referenceStats, type ReferenceStats } from "./standardization.js";

export interface FeedWeights {
  content: number;
  svm: number;
  collaborative: number;
  topic: number;
  recency: number;
  /** Research area: the semantic-ID prefix shared with a saved paper. */
  area: number;
}

/**
 * The weights the feed uses; see docs/radar-feed.md for how they were
 * chosen. Topics count 1 (they counted 0.5 until the small-history study:
 * on the validation split a liked topic at 0.5 was outweighed by weak
 * content and SVM matches in a week's window, the drift off topic readers
 * saw; at 1 the on-topic share rose by 0.05 with NDCG@10 and Recall@50
 * unchanged, for both reader protocols).
 */
export const DEFAULT_FEED_WEIGHTS: Readonly<FeedWeights> = Object.freeze({ content: 1, svm: 1, collaborative: 0.5, topic: 1, recency: 0.1, area: 0 });

/** The feed's weights before the small-history study (`trove-previous` in the evaluation). */
export const PREVIOUS_FEED_WEIGHTS: Readonly<FeedWeights> = Object.freeze({ content: 1, svm: 1, collaborative: 0.5, topic: 0.5, recency: 0.1, area: 0 });

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

/** What the ranker is given: the reader's state without the scorers' side results. */
export type RankInput = Omit<FeedRankState, "signals" | "positions">;

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

/** The feed's pipeline for these options (compiled once per distinct options). */
export function feedPipeline(options: RankerOptions = {}): Pipeline {
  const key = JSON.stringify(options);
  let pipeline = compiled.get(key);
  if (!pipeline) {
    const config = feedPipelineConfig({
      weights: resolveWeights(options.weights),
      contentMix: options.contentMix ?? 0.5,
      mmrLambda: options.mmrLambda ?? DEFAULT_MMR_LAMBDA,
      svm: options.svm,
      topics: options.topics,
      coSaveExpansion: options.coSaveExpansion ?? 30,
      standardize: options.standardize ?? "window",
      svmPrior: options.svmPrior ?? 0,
      lessPenalty: options.lessPenalty ?? 4,
    });
    pipeline = Pipeline.compile(config, feedRegistry, "feed pipeline", { maxK: Number.MAX_SAFE_INTEGER });
    if (compiled.size > 64) compiled.clear();
    compiled.set(key, pipeline);
  }
  return pipeline;
}

const compiled = new Map<string, Pipeline>();

/** The feed's stages read only their request's state: no index, no encoder. */
const FEED_CONTEXT: PipelineContext = {
  target: emptyTarget("the feed ranks the candidates its request carries"),
  encoder: async () => {
    throw new Error("the feed pipeline embeds no text");
  },
};

/** Ranks every candidate; the first `diversify` positions are the MMR selection. */
export async function rankCandidates(input: RankInput, options: RankerOptions = {}): Promise<RankedCandidate[]> {
  const w = resolveWeights(options.weights);
  const saved = input.saved.slice(0, options.maxSaved ?? 200);
  const state: FeedRankState = { ...input, saved, signals: {} };
  const n = input.candidates.length;
  if (n === 0) return [];
  if (options.standardize === "corpus" && saved.length > 0 && !state.reference) {
    // the corpus statistics need the reader's SVM; the svm stage reuses it
    const useSvm = w.svm !== 0;
    const useCo = w.collaborative !== 0 && (input.precomputed?.collaborative !== undefined || input.coSaves !== undefined);
    state.reference = referenceStats(input.model, saved, {
      svm: useSvm ? readerSvm(state, options.svm) : undefined,
      coSaves: useCo ? input.coSaves : undefined,
      contentMix: options.contentMix,
      coSaveExpansion: options.coSaveExpansion,
    });
  }
  const result = await feedPipeline(options).run({ k: n, attributes: { [FEED_STATE]: state } }, FEED_CONTEXT);
  const at = candidatePositions(state);
  const { content, topic, collaborative } = state.signals;
  const c = FEED_CONTRIBUTIONS;
  return result.hits.map((hit) => {
    const k = at.get(hit.id) as number;
    const row = input.candidates[k];
    const f = hit.features;
    const parts: FeedWeights = { content: f[c.content] ?? 0, svm: f[c.svm] ?? 0, collaborative: f[c.collaborative] ?? 0, topic: f[c.topic] ?? 0, recency: f[c.recency] ?? 0, area: f[c.area] ?? 0 };
    return {
      row,
      score: hit.score,
      parts,
      bestSaved: content ? content.bestSaved[k] : -1,
      bestSimilarity: content ? content.bestSimilarity[k] : 0,
      likedTopics: topic ? topic.liked[k] : [],
      dislikedTopics: topic ? topic.disliked[k] : [],
      coSource: collaborative ? () => collaborative.sourceOf(k) : () => -1,
      svmZ: state.signals.svmZ?.[k] ?? 0,
      coZ: state.signals.coZ?.[k] ?? 0,
    };
  });
}
