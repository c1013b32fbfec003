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
 *              feed-area         the longest semantic-ID prefix shared with a saved paper (area-codes.ts)
 *              feed-less         similarity to papers the reader marked "less like this"
 *              linear            the weighted sum (each scorer stage standardizes its own feature)
 *              feed-mmr          MMR over tf-idf cosine for the positions the page shows
 *
 * The pipeline is data (`feedPipelineConfig`); the reader's inputs (tf-idf
 * model, candidate rows, saved rows, topics, co-save model) travel in the
 * request's attributes as a `FeedRankState`, where the scorer stages also
 * leave their side results (the saved paper closest to each candidate, the
 * topics matched, the co-saved source) for the reasons shown with each paper.
 * Content, svm and co-save features are standardized over the window or
 * against the corpus (standardization.ts; the svm's also shrunk with few
 * saves when `prior` is set), recency over the window; topic points and the
 * "less like this" similarity stay raw. A scorer whose weight is 0 is left
 * out of the pipeline; one without input (no saved papers, no topics, no
 * co-saves) adds no feature.
 */
import { z } from "zod";
import type { ItemKnn } from "../../../src/recommend/item-knn.js";
import type { Candidate } from "../../../src/pipeline/candidate.js";
import { defaultRegistry } from "../../../src/pipeline/default-registry.js";
import type { PipelineConfig } from "../../../src/pipeline/pipeline-config.js";
import type { PipelineRegistry, Retriever, Stage } from "../../../src/pipeline/pipeline-registry.js";
import type { PipelineRequest } from "../../../src/pipeline/pipeline-request.js";
import { InvalidArgumentError } from "../../../src/core/errors.js";
import { areaScores, type AreaCodes } from "./area-codes.js";
import { mmrOrder } from "./diversify.js";
import { collaborativeScores, type CollaborativeSignal } from "./collaborative.js";
import { fitReaderSvm, svmScores, type LinearSvm, type LinearSvmOptions } from "./linear-svm.js";
import { contentScores, maxSimilarity, recencyScores, topicScores, zScores, type ContentSignal, type TopicPreference, type TopicSignal } from "./scorers.js";
import { standardized, type ReferenceStats, type Standardization } from "./standardization.js";
import type { TfidfModel } from "./tfidf.js";

/** The request attribute holding the reader's FeedRankState. */
export const FEED_STATE = "feed";

/** Name of the linear stage; its contributions are the features "combine.<scorer>". */
export const FEED_COMBINE = "combine";

/** The feed's scorers, as features and weights. */
export const FEED_SCORERS = ["content", "svm", "collaborative", "topic", "recency", "area"] as const;
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
  /** The reader's fitted SVM (fitted by the svm stage when absent and no scores were precomputed). */
  svmModel?: LinearSvm;
  /** Corpus statistics of the scorers, for "corpus" standardization. */
  reference?: ReferenceStats;
  /** Rows the reader marked "less like this". */
  less?: readonly number[];
  coSaves?: ItemKnn;
  /** The papers' research-area codes by row (absent until the areas are fitted: the area stage then adds nothing). */
  areas?: AreaCodes;
  /** Day number of the window's end (recency is the age at this day). */
  untilDay: number;
  /** Positions diversified by MMR. */
  diversify: number;
  /** Side results the scorer stages leave for the reasons (indexed like `candidates`). */
  signals: { content?: ContentSignal; topic?: TopicSignal; collaborative?: CollaborativeSignal; svmZ?: Float32Array; coZ?: Float32Array };
  /** Candidate id -> position in `candidates` (filled on first use). */
  positions?: Map<string, number>;
}

export interface FeedPipelineSettings {
  weights: Record<FeedScorer, number>;
  contentMix: number;
  mmrLambda: number;
  svm?: LinearSvmOptions;
  topics?: { maxLikes?: number; dislikePenalty?: number };
  coSaveExpansion: number;
  standardize: Standardization;
  /** The svm feature shrinks with few saves: n / (n + svmPrior) (0: not shrunk). */
  svmPrior: number;
  /** Points taken per unit of similarity to a "less like this" paper (0: none). */
  lessPenalty: number;
}

/** The feature of the "less like this" stage. */
export const LESS_FEATURE = "less";

/** The feed's pipeline as JSON: one stage per scorer with a weight, the weighted sum, MMR. */
export function feedPipelineConfig(s: FeedPipelineSettings): PipelineConfig {
  const used = (scorer: FeedScorer) => s.weights[scorer] !== 0;
  const stages: PipelineConfig["stages"] = [];
  if (used("content")) stages.push({ type: "feed-content", mix: s.contentMix, standardize: s.standardize });
  if (used("svm")) stages.push({ type: "feed-svm", standardize: s.standardize, prior: s.svmPrior, ...(s.svm ? { svm: s.svm } : {}) });
  if (used("collaborative")) stages.push({ type: "feed-co-saves", expansion: s.coSaveExpansion, standardize: s.standardize });
  if (used("topic")) stages.push({ type: "feed-topics", ...s.topics });
  if (used("recency")) stages.push({ type: "feed-recency" });
  if (used("area")) stages.push({ type: "feed-area" });
  const weights: Record<string, number> = Object.fromEntries(FEED_SCORERS.filter(used).map((f) => [f, s.weights[f]]));
  if (s.lessPenalty > 0) {
    stages.push({ type: "feed-less" });
    weights[LESS_FEATURE] = -s.lessPenalty;
  }
  if (Object.keys(weights).length > 0) stages.push({ type: "linear", name: FEED_COMBINE, weights, normalization: "none", contributions: true });
  stages.push({ type: "feed-mmr", lambda: s.mmrLambda });
  return { name: "radar-feed", description: "Paper Radar's feed: the window's papers scored by the reader's saves, topics and co-saves", retrievers: [{ type: "feed-candidates" }], stages };
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
    readonly name: FeedScorer | typeof LESS_FEATURE,
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
  constructor(
    private readonly mix: number,
    private readonly standardize: Standardization,
  ) {
    super("content", { mix, standardize });
  }
  protected score(state: FeedRankState): Float32Array | undefined {
    if (state.saved.length === 0) return undefined;
    const signal = state.precomputed?.content ?? contentScores(state.model, state.candidates, state.saved, this.mix);
    state.signals.content = signal;
    return standardized(signal.scores, this.standardize === "corpus" ? state.reference?.content : undefined);
  }
}

class SvmStage extends FeedScorerStage {
  constructor(
    private readonly svm: LinearSvmOptions | undefined,
    private readonly standardize: Standardization,
    private readonly prior: number,
  ) {
    super("svm", { svm, standardize, prior });
  }
  protected score(state: FeedRankState): Float32Array | undefined {
    const n = state.saved.length;
    if (n === 0) return undefined;
    let scores = state.precomputed?.svm;
    if (!scores) {
      scores = svmScores(readerSvm(state, this.svm), state.model, state.candidates);
    }
    const z = standardized(scores, this.standardize === "corpus" ? state.reference?.svm : undefined);
    state.signals.svmZ = z;
    const shrink = this.prior > 0 ? n / (n + this.prior) : 1;
    return shrink === 1 ? z : z.map((x) => x * shrink);
  }
}

class CoSavesStage extends FeedScorerStage {
  constructor(
    private readonly expansion: number,
    private readonly standardize: Standardization,
  ) {
    super("collaborative", { expansion, standardize });
  }
  protected score(state: FeedRankState): Float32Array | undefined {
    if (state.saved.length === 0) return undefined;
    const signal =
      state.precomputed?.collaborative ??
      (state.coSaves ? collaborativeScores(state.coSaves, state.model, state.candidates, state.saved, { expansion: this.expansion }) : undefined);
    if (!signal) return undefined;
    state.signals.collaborative = signal;
    state.signals.coZ = standardized(signal.scores, this.standardize === "corpus" ? state.reference?.collaborative : undefined);
    return state.signals.coZ;
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
    return zScores(recencyScores(state.model, state.candidates, state.untilDay));
  }
}

class AreaStage extends FeedScorerStage {
  constructor() {
    super("area", {});
  }
  protected score(state: FeedRankState): Float32Array | undefined {
    if (state.saved.length === 0 || !state.areas) return undefined;
    return zScores(areaScores(state.areas, state.candidates, state.saved));
  }
}

class LessStage extends FeedScorerStage {
  constructor() {
    super(LESS_FEATURE, {});
  }
  protected score(state: FeedRankState): Float32Array | undefined {
    return state.less?.length ? maxSimilarity(state.model, state.candidates, state.less) : undefined;
  }
}

/** The reader's SVM (saved = +1, the other training rows −1), fitted once per request and kept in the state. */
export function readerSvm(state: Pick<FeedRankState, "model" | "saved" | "svmTrainRows" | "svmModel">, options?: LinearSvmOptions): LinearSvm {
  state.svmModel ??= fitReaderSvm(state.model, state.svmTrainRows ?? allRows(state.model), state.saved, state.model.vocabularySize, options);
  return state.svmModel;
}

function allRows(model: TfidfModel): Int32Array {
  return Int32Array.from({ length: model.size }, (_, r) => r);
}

/** The window's candidates, in row order, score 0 (scorer stages follow). */
class FeedCandidates implements Retriever {
  readonly name = "feed-candidates";
  readonly depth = Number.MAX_SAFE_INTEGER;

  describe(): Record<string, unknown> {
    return { type: this.name };
  }

  async retrieve(request: PipelineRequest): Promise<Candidate[]> {
    const state = feedState(request);
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
  return svmScores(fitReaderSvm(model, trainRows ?? allRows(model), saved, model.vocabularySize, options), model, candidates);
}

const positive = z.number().int().min(1);
const standardize = z.enum(["window", "corpus"]).optional();
const svmSchema = z.strictObject({ C: z.number().positive().optional(), balanced: z.boolean().optional(), maxEpochs: positive.optional(), tol: z.number().positive().optional(), seed: z.number().int().optional() });

/** The engine's kinds plus the feed's retriever and stages. */
export const feedRegistry: PipelineRegistry = defaultRegistry
  .withRetriever("feed-candidates", {
    summary: "Paper Radar: the feed window's candidate papers (from the request's feed state)",
    schema: z.strictObject({ type: z.literal("feed-candidates"), name: z.string().optional() }),
    create: () => new FeedCandidates(),
  })
  .withStage("feed-content", {
    summary: "Paper Radar: cosine to the reader's saved papers, mix · max + (1 − mix) · mean",
    schema: z.strictObject({ type: z.literal("feed-content"), mix: z.number().min(0).max(1).optional(), standardize }),
    create: (c) => new ContentStage(c.mix ?? 0.5, c.standardize ?? "window"),
  })
  .withStage("feed-svm", {
    summary: "Paper Radar: the reader's linear SVM over tf-idf (arxiv-sanity style)",
    schema: z.strictObject({ type: z.literal("feed-svm"), svm: svmSchema.optional(), standardize, prior: z.number().min(0).optional() }),
    create: (c) => new SvmStage(c.svm, c.standardize ?? "window", c.prior ?? 0),
  })
  .withStage("feed-co-saves", {
    summary: "Paper Radar: item-kNN over the papers readers save together",
    schema: z.strictObject({ type: z.literal("feed-co-saves"), expansion: positive.optional(), standardize }),
    create: (c) => new CoSavesStage(c.expansion ?? 30, c.standardize ?? "window"),
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
  .withStage("feed-area", {
    summary: "Paper Radar: the longest semantic-ID prefix a paper shares with a saved paper (its research area), standardized over the window",
    schema: z.strictObject({ type: z.literal("feed-area") }),
    create: () => new AreaStage(),
  })
  .withStage("feed-less", {
    summary: "Paper Radar: similarity to the papers the reader marked \"less like this\"",
    schema: z.strictObject({ type: z.literal("feed-less") }),
    create: () => new LessStage(),
  })
  .withStage("feed-mmr", {
    summary: "Paper Radar: MMR over tf-idf cosine for the positions a page shows",
    schema: z.strictObject({ type: z.literal("feed-mmr"), lambda: z.number().min(0).max(1).optional() }),
    create: (c) => new FeedMmrStage(c.lambda ?? 0.7),
  });
