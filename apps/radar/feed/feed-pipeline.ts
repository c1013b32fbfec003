/**
 * The feed as an engine pipeline (src/pipeline), so the feed, its offline
 * evaluation and search run the same machinery:
 *
 *   retriever  feed-candidates   the window's candidate papers
 *   stages     feed-content      cosine to the saved papers (mix of max and mean)
 *              feed-svm          the reader's linear SVM over tf-idf
 *              feed-co-saves     item-kNN over readers' saves
 *              feed-topics       points for liked topics, a penalty for disliked ones
 *              feed-recency      minus the age in days
 *              linear            z-scored content, svm, co-saves and recency plus raw topic points, weighted
 *              feed-mmr          MMR over tf-idf cosine for the positions the page shows
 *
 * The pipeline is data (`feedPipelineConfig`); the reader's inputs (tf-idf
 * model, candidate rows, saved rows, topics, co-save model) travel in the
 * request's attributes as a `FeedRankState`, where the scorer stages also
 * leave their side results (the saved paper closest to each candidate, the
 * topics matched, the co-saved source) for the reasons shown with each paper.
 * A scorer whose weight is 0 is left out of the pipeline; one without input
 * (no saved papers, no topics, no co-saves) adds no feature.
 */
import { z } from "zod";
import type { ItemKnn } from "../../../src/recommend/item-knn.js";
import type { Candidate } from "../../../src/pipeline/candidate.js";
import { defaultRegistry } from "../../../src/pipeline/default-registry.js";
import type { PipelineConfig } from "../../../src/pipeline/pipeline-config.js";
import type { PipelineRegistry, Retriever, Stage } from "../../../src/pipeline/pipeline-registry.js";
import type { PipelineRequest } from "../../../src/pipeline/pipeline-request.js";
import { InvalidArgumentError } from "../../../src/core/errors.js";
import { mmrOrder } from "./diversify.js";
import { collaborativeScores, type CollaborativeSignal } from "./collaborative.js";
import { fitReaderSvm, svmScores, type LinearSvmOptions } from "./linear-svm.js";
import { contentScores, recencyScores, topicScores, type ContentSignal, type TopicPreference, type TopicSignal } from "./scorers.js";
import type { TfidfModel } from "./tfidf.js";

/** The request attribute holding the reader's FeedRankState. */
export const FEED_STATE = "feed";

/** Name of the linear stage; its contributions are the features "combine.<scorer>". */
export const FEED_COMBINE = "combine";

/** The feed's scorers, as features and weights. */
export const FEED_SCORERS = ["content", "svm", "collaborative", "topic", "recency"] as const;
export type FeedScorer = (typeof FEED_SCORERS)[number];

/** The feature holding each scorer's weighted contribution. */
export const FEED_CONTRIBUTIONS: Readonly<Record<FeedScorer, string>> = Object.freeze(
  Object.fromEntries(FEED_SCORERS.map((f) => [f, `${FEED_COMBINE}.${f}`])) as Record<FeedScorer, string>,
);

export interface FeedRankState {
  model: TfidfModel;
  /** Rows that may be shown. */
  candidates: Int32Array;
  /** Rows of the reader's saved and liked papers, newest first. */
  saved: readonly number[];
  topics?: readonly TopicPreference[];
  /** Rows the SVM learns from (saved = +1, the rest −1); default every row. */
  svmTrainRows?: Int32Array;
  /** Scorer outputs already computed for these candidates (the evaluation computes each once per reader). */
  precomputed?: { content?: ContentSignal; svm?: Float32Array; collaborative?: CollaborativeSignal };
  coSaves?: ItemKnn;
  /** Day number of the window's end (recency is the age at this day). */
  untilDay: number;
  /** Positions diversified by MMR. */
  diversify: number;
  /** Side results the scorer stages leave for the reasons (indexed like `candidates`). */
  signals: { content?: ContentSignal; topic?: TopicSignal; collaborative?: CollaborativeSignal };
  /** Candidate id -> position in `candidates` (filled on first use). */
  positions?: Map<string, number>;
}

export interface FeedPipelineSettings {
  weights: Record<FeedScorer, number>;
  contentMix: number;
  mmrLambda: number;
  svm?: LinearSvmOptions;
  topics?: { maxLikes?: number; dislikePenalty?: number };
  maxSaved: number;
  coSaveExpansion: number;
}

/** The feed's pipeline as JSON: one stage per scorer with a weight, the weighted sum, MMR. */
export function feedPipelineConfig(s: FeedPipelineSettings): PipelineConfig {
  const used = (scorer: FeedScorer) => s.weights[scorer] !== 0;
  const stages: PipelineConfig["stages"] = [];
  if (used("content")) stages.push({ type: "feed-content", mix: s.contentMix });
  if (used("svm")) stages.push({ type: "feed-svm", ...(s.svm ? { svm: s.svm } : {}) });
  if (used("collaborative")) stages.push({ type: "feed-co-saves", expansion: s.coSaveExpansion });
  if (used("topic")) stages.push({ type: "feed-topics", ...s.topics });
  if (used("recency")) stages.push({ type: "feed-recency" });
  const weights = Object.fromEntries(FEED_SCORERS.filter(used).map((f) => [f, s.weights[f]]));
  if (Object.keys(weights).length > 0) {
    stages.push({ type: "linear", name: FEED_COMBINE, weights, normalization: "z-score", featureNormalization: { topic: "none" }, contributions: true });
  }
  stages.push({ type: "feed-mmr", lambda: s.mmrLambda });
  return { name: "radar-feed", description: "Paper Radar's feed: the window's papers scored by the reader's saves, topics and co-saves", retrievers: [{ type: "feed-candidates", maxSaved: s.maxSaved }], stages };
}

/** The state a feed request carries; a clear error when a feed stage runs without one. */
export function feedState(request: PipelineRequest): FeedRankState {
  const state = request.attributes?.[FEED_STATE] as FeedRankState | undefined;
  if (!state) throw new InvalidArgumentError(`feed stages need the request attribute "${FEED_STATE}" (a reader's feed state)`);
  return state;
}

/** Position of each candidate id in the state's candidate rows (computed once per request). */
export function candidatePositions(state: FeedRankState): Map<string, number> {
  if (!state.positions) {
    const out = new Map<string, number>();
    state.candidates.forEach((row, k) => out.set(state.model.ids[row], k));
    state.positions = out;
  }
  return state.positions;
}

/** A stage that sets one feature per candidate from scores indexed like the state's candidates. */
abstract class FeedScorerStage implements Stage {
  constructor(
    readonly name: FeedScorer,
    private readonly settings: Record<string, unknown>,
  ) {}

  describe(): Record<string, unknown> {
    return { type: `feed-${this.name}`, ...this.settings };
  }

  /** Scores indexed like `state.candidates`, or undefined when the scorer has no input. */
  protected abstract score(state: FeedRankState): Float32Array | undefined;

  async run(candidates: Candidate[], request: PipelineRequest): Promise<Candidate[]> {
    const state = feedState(request);
    const scores = this.score(state);
    if (!scores) return candidates;
    const at = candidatePositions(state);
    for (const c of candidates) {
      const k = at.get(c.id);
      if (k !== undefined) c.features[this.name] = scores[k];
    }
    return candidates;
  }
}

class ContentStage extends FeedScorerStage {
  constructor(private readonly mix: number) {
    super("content", { mix });
  }
  protected score(state: FeedRankState): Float32Array | undefined {
    if (state.saved.length === 0) return undefined;
    const signal = state.precomputed?.content ?? contentScores(state.model, state.candidates, state.saved, this.mix);
    state.signals.content = signal;
    return signal.scores;
  }
}

class SvmStage extends FeedScorerStage {
  constructor(private readonly svm: LinearSvmOptions | undefined) {
    super("svm", { svm });
  }
  protected score(state: FeedRankState): Float32Array | undefined {
    if (state.saved.length === 0) return undefined;
    return state.precomputed?.svm ?? readerSvmScores(state.model, state.candidates, state.saved, state.svmTrainRows, this.svm);
  }
}

class CoSavesStage extends FeedScorerStage {
  constructor(private readonly expansion: number) {
    super("collaborative", { expansion });
  }
  protected score(state: FeedRankState): Float32Array | undefined {
    if (state.saved.length === 0) return undefined;
    const signal =
      state.precomputed?.collaborative ??
      (state.coSaves ? collaborativeScores(state.coSaves, state.model, state.candidates, state.saved, { expansion: this.expansion }) : undefined);
    state.signals.collaborative = signal;
    return signal?.scores;
  }
}

class TopicsStage extends FeedScorerStage {
  constructor(private readonly options: { maxLikes?: number; dislikePenalty?: number }) {
    super("topic", options);
  }
  protected score(state: FeedRankState): Float32Array | undefined {
    if (!state.topics?.length) return undefined;
    const signal = topicScores(state.model, state.candidates, state.topics, this.options);
    state.signals.topic = signal;
    return signal.scores;
  }
}

class RecencyStage extends FeedScorerStage {
  constructor() {
    super("recency", {});
  }
  protected score(state: FeedRankState): Float32Array {
    return recencyScores(state.model, state.candidates, state.untilDay);
  }
}

/** The window's candidates, in row order, score 0 (scorer stages follow). */
class FeedCandidates implements Retriever {
  readonly name = "feed-candidates";
  readonly depth = Number.MAX_SAFE_INTEGER;

  constructor(private readonly maxSaved: number) {}

  describe(): Record<string, unknown> {
    return { type: this.name, maxSaved: this.maxSaved };
  }

  async retrieve(request: PipelineRequest): Promise<Candidate[]> {
    const state = feedState(request);
    state.saved = state.saved.slice(0, this.maxSaved);
    return Array.from(state.candidates, (row) => ({ id: state.model.ids[row], score: 0, features: {} }));
  }
}

/**
 * MMR over the tf-idf cosine: the first `diversify` positions (the state's)
 * are chosen from a pool of the best max(4 · diversify, 100); the rest keep
 * the score order.
 */
class FeedMmrStage implements Stage {
  readonly name = "mmr";

  constructor(private readonly lambda: number) {}

  describe(): Record<string, unknown> {
    return { type: "feed-mmr", lambda: this.lambda, similarity: "tf-idf cosine" };
  }

  async run(candidates: Candidate[], request: PipelineRequest): Promise<Candidate[]> {
    const state = feedState(request);
    const at = candidatePositions(state);
    const rows = Int32Array.from(candidates, (c) => state.candidates[at.get(c.id) as number]);
    const scores = Float32Array.from(candidates, (c) => c.score);
    const order = mmrOrder(state.model, rows, scores, Array.from(candidates, (_, i) => i), state.diversify, { lambda: this.lambda });
    return order.map((i) => candidates[i]);
  }
}

/** Fits the reader's SVM (saved = +1, the other training rows −1) and scores the candidates. */
export function readerSvmScores(model: TfidfModel, candidates: Int32Array, saved: readonly number[], trainRows?: Int32Array, options?: LinearSvmOptions): Float32Array {
  const train = trainRows ?? Int32Array.from({ length: model.size }, (_, r) => r);
  return svmScores(fitReaderSvm(model, train, saved, model.vocabularySize, options), model, candidates);
}

const positive = z.number().int().min(1);
const svmSchema = z.strictObject({ C: z.number().positive().optional(), balanced: z.boolean().optional(), maxEpochs: positive.optional(), tol: z.number().positive().optional(), seed: z.number().int().optional() });

/** The engine's kinds plus the feed's retriever and stages. */
export const feedRegistry: PipelineRegistry = defaultRegistry
  .withRetriever("feed-candidates", {
    summary: "Paper Radar: the feed window's candidate papers (from the request's feed state)",
    schema: z.strictObject({ type: z.literal("feed-candidates"), name: z.string().optional(), maxSaved: positive.optional() }),
    create: (c) => new FeedCandidates(c.maxSaved ?? 200),
  })
  .withStage("feed-content", {
    summary: "Paper Radar: cosine to the reader's saved papers, mix · max + (1 − mix) · mean",
    schema: z.strictObject({ type: z.literal("feed-content"), mix: z.number().min(0).max(1).optional() }),
    create: (c) => new ContentStage(c.mix ?? 0.5),
  })
  .withStage("feed-svm", {
    summary: "Paper Radar: the reader's linear SVM over tf-idf (arxiv-sanity style)",
    schema: z.strictObject({ type: z.literal("feed-svm"), svm: svmSchema.optional() }),
    create: (c) => new SvmStage(c.svm),
  })
  .withStage("feed-co-saves", {
    summary: "Paper Radar: item-kNN over the papers readers save together",
    schema: z.strictObject({ type: z.literal("feed-co-saves"), expansion: positive.optional() }),
    create: (c) => new CoSavesStage(c.expansion ?? 30),
  })
  .withStage("feed-topics", {
    summary: "Paper Radar: +1 per liked topic matched (at most maxLikes), −dislikePenalty per disliked one",
    schema: z.strictObject({ type: z.literal("feed-topics"), maxLikes: positive.optional(), dislikePenalty: z.number().min(0).optional() }),
    create: (c) => new TopicsStage({ maxLikes: c.maxLikes, dislikePenalty: c.dislikePenalty }),
  })
  .withStage("feed-recency", {
    summary: "Paper Radar: minus the paper's age in days at the window's end",
    schema: z.strictObject({ type: z.literal("feed-recency") }),
    create: () => new RecencyStage(),
  })
  .withStage("feed-mmr", {
    summary: "Paper Radar: MMR over tf-idf cosine for the positions a page shows",
    schema: z.strictObject({ type: z.literal("feed-mmr"), lambda: z.number().min(0).max(1).optional() }),
    create: (c) => new FeedMmrStage(c.lambda ?? 0.7),
  });
