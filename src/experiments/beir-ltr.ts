/**
 * `trove ltr train` and `trove ltr export` on a BEIR dataset: the pipeline's
 * learned-ranking stage is trained from a split's judgments (refusing test,
 * dev and validation) and saved where its `train` block would cache it (or
 * to a file named by the caller), or the stage's features of a split's
 * candidates are written in SVMlight/LETOR form for other toolkits.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../core/atomic-file.js";
import { InvalidArgumentError } from "../core/errors.js";
import { InterruptSignal } from "../core/interrupt.js";
import type { FeatureImportance } from "../ltr/ltr-model.js";
import type { RankingDataset } from "../ltr/ranking-dataset.js";
import { toSvmLight } from "../ltr/svmlight.js";
import type { RankerTrainingReport } from "../ltr/train-ranker.js";
import { collectRankingData, ltrCachePath, trainLtrModel } from "../pipeline/ltr-training.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { LtrStage } from "../pipeline/stages/ltr-stage.js";
import { openBeirPipeline, type BeirPipelineOptions } from "./beir-pipeline.js";

export interface BeirLtrTrainResult {
  /** Where the model was saved. */
  model: string;
  stage: string;
  queries: number;
  rows: number;
  features: string[];
  importance: FeatureImportance[];
  report: RankerTrainingReport;
  timings: { collectSeconds: number; trainSeconds: number };
  /** The SVMlight file written too, if asked. */
  exported?: string;
}

/** The last ltr stage of the pipeline, with its index. */
function ltrStageOf(pipeline: Pipeline, where: string): { stage: LtrStage; index: number } {
  const stages = pipeline.stageList;
  for (let i = stages.length - 1; i >= 0; i--) if (stages[i] instanceof LtrStage) return { stage: stages[i] as LtrStage, index: i };
  throw new InvalidArgumentError(`${where} has no "ltr" stage to train or export features for`);
}

export async function trainBeirLtr(options: BeirPipelineOptions & { out?: string; exportPath?: string }): Promise<BeirLtrTrainResult> {
  const split = options.split ?? "train";
  const opened = await openBeirPipeline({ ...options, split }, "learn");
  const interrupt = new InterruptSignal();
  try {
    const { stage, index } = ltrStageOf(opened.pipeline, options.pipeline);
    const source = stage.judgmentSource(opened.ctx);
    const request = stage.trainingRequest(split);
    const judged = await source.load(split);
    const upstream = opened.pipeline.upstreamOf(index);
    await opened.pipeline.prepareStages(opened.ctx, index);
    const started = performance.now();
    const { model, report, data, collectSeconds } = await trainLtrModel(request, judged, upstream, stage.features(), opened.ctx, {
      signal: interrupt.signal,
      onProgress: (message) => process.stderr.write(`ltr: ${message}\n`),
    });
    const path = options.out ?? ltrCachePath(request, judged, source.name, upstream, opened.ctx);
    mkdirSync(dirname(path), { recursive: true });
    model.save(path);
    if (options.exportPath) writeSvm(options.exportPath, data);
    return {
      model: path,
      stage: stage.name,
      queries: data.queryIds.length,
      rows: data.labels.length,
      features: model.featureNames,
      importance: model.importance(),
      report,
      timings: { collectSeconds, trainSeconds: (performance.now() - started) / 1000 - collectSeconds },
      exported: options.exportPath,
    };
  } finally {
    interrupt.dispose();
    await opened.close();
  }
}

/** Writes the ltr stage's features of a split's candidates (with the split's judgments as labels) as SVMlight. */
export async function exportBeirFeatures(options: BeirPipelineOptions & { out: string }): Promise<{ path: string; queries: number; rows: number; features: string[] }> {
  const opened = await openBeirPipeline(options, "learn");
  const interrupt = new InterruptSignal();
  try {
    const { stage, index } = ltrStageOf(opened.pipeline, options.pipeline);
    // the stage's own model is loaded only when its features come from it
    await opened.pipeline.prepareStages(opened.ctx, stage.listsFeatures ? index : index + 1);
    const queries = opened.queries.map(([id, text]) => ({ id, text }));
    const data = await collectRankingData({ queries, qrels: opened.qrels, fingerprint: "" }, opened.pipeline.upstreamOf(index), stage.features(), opened.ctx, {
      depth: stage.depth,
      signal: interrupt.signal,
    });
    writeSvm(options.out, data);
    return { path: options.out, queries: data.queryIds.length, rows: data.labels.length, features: [...data.featureNames] };
  } finally {
    interrupt.dispose();
    await opened.close();
  }
}

function writeSvm(path: string, data: RankingDataset): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, toSvmLight(data));
}
