/**
 * One call from a dataset file to validation and test metrics, for the CLI
 * (`trove eval rec`) and the benchmarks: load, split, fit on train, rank
 * validation targets from train histories and test targets from
 * train+validation histories, and describe the protocol exactly.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { loadItemContent, type ItemContentTable } from "../content/item-content.js";
import type { ItemEmbedder } from "../content/item-embedder.js";
import type { InteractionData } from "../interactions.js";
import { loadInteractions, type InteractionFormat, type LoadInteractionsOptions } from "../io/load.js";
import type { BaseRecommender, FitProgress } from "../recommender.js";
import { createRecommender, resolveRecommenderName } from "../registry.js";
import { DEFAULT_KS, evaluateSplit, type CandidateSet, type RankingEvaluation } from "./protocol.js";
import { splitInteractions, type Split, type SplitOptions } from "./splits.js";

export interface RecEvaluationOptions {
  /** Interaction file (ignored when `data` is given). */
  datasetPath?: string;
  format?: InteractionFormat;
  /** Extra loader options (column mapping, minRating, ...). */
  load?: Omit<LoadInteractionsOptions, "path" | "format">;
  /** Already loaded data. */
  data?: InteractionData;
  /** Recommender name (see RECOMMENDER_NAMES). */
  model: string;
  modelOptions?: Record<string, unknown>;
  /** Cutoff(s); the metrics always include 5, 10 and 20 plus these. */
  k?: number | number[];
  /** Default: leave-one-out by timestamp with validation. */
  split?: SplitOptions;
  /** "all" (default, full ranking) or sampled negatives. */
  candidates?: CandidateSet;
  /** Skip the validation pass (saves time; `validation` is then null). */
  skipValidation?: boolean;
  /** Refit on train+validation before the test pass (default false: the S3-Rec protocol). */
  refitForTest?: boolean;
  /** Save the fitted model here. */
  saveModelTo?: string;
  /** Polled by iterative models (SASRec stops training early and keeps its best weights). */
  interrupt?: { readonly interrupted: boolean };
  /** Item content for content models (generative, content-knn...), keyed by item id. */
  itemContent?: ItemContentTable;
  /** Or: item content files to read (JSONL, CSV, RecBole .item), merged in order. */
  itemContentPaths?: string[];
  /** Item embedder for content models (default: their own tf-idf + SVD). */
  itemEmbedder?: ItemEmbedder;
  onProgress?: (message: string, progress?: FitProgress) => void;
  /** Progress lines on stderr from models with a training loop (default: when stderr is a terminal). */
  progress?: boolean;
  /** Keep each test user's value of these metrics (`perUser` in the result), for paired comparisons. */
  keepPerUser?: string[];
}

export interface RecEvaluationResult {
  /** Exact protocol description (split, histories, candidates, masking, ties). */
  protocol: string;
  dataset: { path: string | null; users: number; items: number; events: number };
  split: { strategy: string; description: string; train: number; validation: number; test: number; coldItems?: number; coldTestUsers?: number; warmTestUsers?: number };
  /** Test metrics: recall@k, hr@k, ndcg@k, mrr@k, precision@k, coverage@k, arp@k, gini@k, novelty@k. */
  metrics: Record<string, number>;
  /** The same metrics on the validation targets (for tuning), or null. */
  validation: Record<string, number> | null;
  /** Cold-start split: the test accuracy metrics over cold targets and over warm targets (same keys). */
  cold?: Record<string, number>;
  warm?: Record<string, number>;
  /** Cold-start split: the same over the validation targets (for tuning). */
  validationCold?: Record<string, number>;
  validationWarm?: Record<string, number>;
  test: Omit<RankingEvaluation, "metrics">;
  trainingSeconds: number;
  /** Training-loop details of models that have one (SASRec: epochs, best epoch, how it stopped). */
  training: Record<string, unknown> | null;
  evaluationSeconds: number;
  /** With `keepPerUser`: each test user's values (overall, and over cold and warm targets on a cold-start split). */
  perUser?: RankingEvaluation["perUser"];
  /** Everything that determined the numbers, defaults filled in. */
  options: {
    model: string;
    modelOptions: Record<string, unknown>;
    ks: number[];
    split: Record<string, unknown>;
    candidates: CandidateSet;
    refitForTest: boolean;
  };
}

export async function runRecEvaluation(options: RecEvaluationOptions): Promise<RecEvaluationResult> {
  const log = options.onProgress ?? (() => {});
  const modelName = resolveRecommenderName(options.model);
  let data = options.data;
  if (!data) {
    if (!options.datasetPath) throw new InvalidArgumentError("runRecEvaluation needs datasetPath or data");
    log(`loading ${options.datasetPath}`);
    data = await loadInteractions({ ...(options.load ?? {}), path: options.datasetPath, format: options.format });
  }
  const extra = options.k === undefined ? [] : Array.isArray(options.k) ? options.k : [options.k];
  const ks = [...new Set([...DEFAULT_KS, ...extra])].sort((a, b) => a - b);
  const splitOptions: SplitOptions = options.split ?? { strategy: "leave-one-out" };
  const split = splitInteractions(data, splitOptions);
  log(`split: ${split.description}`);
  const candidates = options.candidates ?? "all";
  let itemContent = options.itemContent;
  if (!itemContent && options.itemContentPaths?.length) {
    log(`loading item content ${options.itemContentPaths.join(", ")}`);
    itemContent = await loadItemContent(options.itemContentPaths);
  }
  const model = createRecommender(modelName, options.modelOptions ?? {});
  const content = { itemContent, itemEmbedder: options.itemEmbedder, progress: options.progress };
  const fitProgress = (p: FitProgress): void => log(`fit ${modelName}: ${p.phase} ${p.done}/${p.total}`, p);
  // Validation targets go to fit too: models that stop early (SASRec) select on them.
  await model.fit(split.train, { ...content, onProgress: fitProgress, validation: split.validationEvents.length > 0 ? split.validation : undefined, interrupt: options.interrupt });
  let trainingSeconds = model.trainingSeconds;
  log(`fit ${modelName} on train in ${trainingSeconds.toFixed(2)} s`);
  let validation: RankingEvaluation | null = null;
  if (!options.skipValidation && split.validationEvents.length > 0) {
    validation = evaluateSplit(model, split, "validation", { ks, candidates });
    log(`validation: ndcg@10 ${validation.metrics["ndcg@10"]?.toFixed(4)} over ${validation.users} users`);
  }
  let testModel: BaseRecommender<object> = model;
  if (options.refitForTest) {
    // A model that early-stopped on validation is refit for the epochs validation chose (no validation left to stop on).
    const bestEpoch = model.fitReport?.bestEpoch;
    const refitOptions = typeof bestEpoch === "number" && bestEpoch > 0 ? { ...(options.modelOptions ?? {}), epochs: bestEpoch } : (options.modelOptions ?? {});
    testModel = createRecommender(modelName, refitOptions);
    await testModel.fit(split.trainAndValidation(), { ...content, onProgress: fitProgress, interrupt: options.interrupt });
    trainingSeconds += testModel.trainingSeconds;
  }
  const test = evaluateSplit(testModel, split, "test", { ks, candidates, keepPerUser: options.keepPerUser });
  log(`test: ndcg@10 ${test.metrics["ndcg@10"]?.toFixed(4)} over ${test.users} users`);
  if (options.saveModelTo) testModel.save(options.saveModelTo);
  const { metrics, groups, perUser, ...testInfo } = test;
  const fitNote = options.refitForTest ? "model refit on train+validation for test" : "model fit on train only (not refit for test)";
  return {
    protocol: `${test.protocol}; ${fitNote}; metrics averaged over ${test.users} users with a test target`,
    dataset: { path: options.datasetPath ?? null, users: data.numUsers, items: data.numItems, events: data.length },
    split: {
      strategy: split.strategy,
      description: split.description,
      train: split.trainEvents.length,
      validation: split.validationEvents.length,
      test: split.testEvents.length,
      ...(split.coldItems ? { coldItems: split.coldItems.reduce((a, b) => a + b, 0), coldTestUsers: groups?.coldUsers, warmTestUsers: groups?.warmUsers } : {}),
    },
    metrics,
    validation: validation?.metrics ?? null,
    ...(groups ? { cold: groups.cold, warm: groups.warm } : {}),
    ...(validation?.groups ? { validationCold: validation.groups.cold, validationWarm: validation.groups.warm } : {}),
    test: testInfo,
    trainingSeconds,
    training: testModel.fitReport ?? null,
    ...(perUser ? { perUser } : {}),
    evaluationSeconds: (validation?.seconds ?? 0) + test.seconds,
    options: {
      model: modelName,
      modelOptions: { ...(model.options as Record<string, unknown>) },
      ks,
      split: { strategy: split.strategy, ...split.options },
      candidates,
      refitForTest: options.refitForTest ?? false,
    },
  };
}

/** Splits once and fits/evaluates several configurations on the same split (for tuning and benchmarks). */
export async function evaluateOnSplit(
  split: Split,
  model: string,
  modelOptions: Record<string, unknown>,
  options: { ks?: number[]; candidates?: CandidateSet; parts?: ("validation" | "test")[] } = {},
): Promise<{ model: BaseRecommender<object>; validation: RankingEvaluation | null; test: RankingEvaluation | null; trainingSeconds: number }> {
  const recommender = createRecommender(model, modelOptions);
  await recommender.fit(split.train);
  const parts = options.parts ?? ["validation", "test"];
  const ks = options.ks ?? DEFAULT_KS;
  const candidates = options.candidates ?? "all";
  return {
    model: recommender,
    validation: parts.includes("validation") ? evaluateSplit(recommender, split, "validation", { ks, candidates }) : null,
    test: parts.includes("test") ? evaluateSplit(recommender, split, "test", { ks, candidates }) : null,
    trainingSeconds: recommender.trainingSeconds,
  };
}
