/**
 * How a learned-ranking stage gets its training data and its model: every
 * judged query of the training split goes through the pipeline up to the
 * stage (exactly what the stage sees when it ranks), its top `depth`
 * candidates get their features and their judged relevance (0 when
 * unjudged), and LambdaMART learns from them (src/ltr/train-ranker.ts).
 *
 * "Train on first use, reuse after": the model is cached under a key made of
 * everything it depends on (the model format, the features, the pipeline up
 * to the stage with its defaults, the candidate depth, the training
 * settings, the judgments and the target's fingerprint, which covers the
 * documents and the encoders of its vector fields), so a change in any of
 * them trains a new model and nothing else does.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Progress } from "../core/progress.js";
import { InterruptedError, InvalidArgumentError } from "../core/errors.js";
import { LTR_MODEL_VERSION, LtrModel } from "../ltr/ltr-model.js";
import { datasetFromQueries, type RankingDataset } from "../ltr/ranking-dataset.js";
import { trainRanker, type RankerTrainingReport, type RankerTrainingSettings } from "../ltr/train-ranker.js";
import type { FeatureExtractor } from "./features/extract-features.js";
import type { JudgedQueries } from "./judgments.js";
import type { PipelineContext } from "./pipeline-context.js";
import type { Upstream } from "./pipeline-registry.js";

/** Bumped when what training computes changes, so cached models retrain. */
export const LTR_TRAINER_VERSION = 2;

export interface CollectOptions {
  depth: number;
  signal?: AbortSignal;
  progress?: boolean;
}

/** Candidates, features and labels of every judged query (the training data of a ranker, or an export). */
export async function collectRankingData(judged: JudgedQueries, upstream: Upstream, extractor: FeatureExtractor, ctx: PipelineContext, options: CollectOptions): Promise<RankingDataset> {
  const progress = new Progress("computing ranking features", judged.queries.length, { enabled: options.progress ?? true });
  const queries: Parameters<typeof datasetFromQueries>[1][number][] = [];
  for (const [i, { id, text }] of judged.queries.entries()) {
    // features read the request as the stage would see it: rewritten (e.g. RM3's expansion)
    const upstreamResult = await upstream.run({ query: text, exclude: [id], signal: options.signal }, ctx);
    const candidates = upstreamResult.candidates.slice(0, options.depth);
    const features = await extractor.extract(candidates, upstreamResult.request, ctx);
    const labels = judged.qrels.get(id) ?? new Map<string, number>();
    const f = extractor.names.length;
    queries.push({
      id,
      rows: candidates.map((c, r) => ({ docId: c.id, label: labels.get(c.id) ?? 0, features: features.subarray(r * f, (r + 1) * f) })),
      judged: [...labels.values()].filter((v) => v > 0),
    });
    progress.update(i + 1);
    if (options.signal?.aborted) throw new InterruptedError("computing ranking features was interrupted; no model was saved");
  }
  progress.done();
  return datasetFromQueries(extractor.names, queries);
}

export interface LtrTrainingRequest {
  /** The split whose judgments train the model. */
  split: string;
  depth: number;
  settings: RankerTrainingSettings;
  /** What the stage's features are, as data (stored in the model). */
  featureSpecs: unknown[];
}

/** The cache file a model for this stage, pipeline, judgments and target would live in. */
export function ltrCachePath(request: LtrTrainingRequest, judged: JudgedQueries, sourceName: string, upstream: Upstream, ctx: PipelineContext): string {
  const target = ctx.fingerprint ?? JSON.stringify({ fields: ctx.target.config.fields });
  const key = createHash("sha256")
    .update(JSON.stringify([LTR_MODEL_VERSION, LTR_TRAINER_VERSION, request.featureSpecs, upstream.describe(), request.depth, request.split, request.settings, judged.fingerprint, target]))
    .digest("hex")
    .slice(0, 16);
  const root = resolve(ctx.cacheDir ?? process.env.TROVE_CACHE_DIR ?? join(".trove", "cache"));
  return join(root, "ltr", `${sourceName.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 64) || "ltr"}-${key}.json`);
}

/** Collects the training data and fits a model (with the grid and validation of trainRanker). */
export async function trainLtrModel(
  request: LtrTrainingRequest,
  judged: JudgedQueries,
  upstream: Upstream,
  extractor: FeatureExtractor,
  ctx: PipelineContext,
  options: { signal?: AbortSignal; progress?: boolean; onProgress?: (message: string) => void } = {},
): Promise<{ model: LtrModel; report: RankerTrainingReport; data: RankingDataset; collectSeconds: number }> {
  const started = performance.now();
  const data = await collectRankingData(judged, upstream, extractor, ctx, { depth: request.depth, signal: options.signal, progress: options.progress });
  const collectSeconds = (performance.now() - started) / 1000;
  if (!data.labels.some((l) => l > 0)) throw new InvalidArgumentError(`no candidate of the ${data.queryIds.length} training queries is judged relevant; nothing to learn from`);
  const { model, report } = trainRanker(data, request.settings, {
    info: { features: request.featureSpecs, training: { split: request.split, depth: request.depth, settings: request.settings, queries: data.queryIds.length, collectSeconds } },
    onProgress: options.onProgress,
    signal: options.signal,
  });
  return { model, report, data, collectSeconds };
}

/** The cached model for this training request, trained and saved (atomically) when there is none. */
export async function ensureLtrModel(
  request: LtrTrainingRequest,
  judged: JudgedQueries,
  sourceName: string,
  upstream: Upstream,
  extractor: FeatureExtractor,
  ctx: PipelineContext,
  options: { signal?: AbortSignal; progress?: boolean } = {},
): Promise<{ model: LtrModel; path: string; trained: boolean }> {
  const path = ltrCachePath(request, judged, sourceName, upstream, ctx);
  if (existsSync(path)) return { model: LtrModel.load(path), path, trained: false };
  const log = options.progress === false ? undefined : (message: string) => process.stderr.write(`ltr: ${message}\n`);
  const { model } = await trainLtrModel(request, judged, upstream, extractor, ctx, { ...options, onProgress: log });
  mkdirSync(join(path, ".."), { recursive: true });
  model.save(path);
  return { model, path, trained: true };
}
