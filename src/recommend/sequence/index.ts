/**
 * Sequential recommendation: SASRec trained on the CPU in TypeScript, with
 * hand-written forward/backward passes and a WebAssembly SIMD matrix kernel.
 */
export { SasRec, trainSasRec, formatEpoch, DEFAULT_TRAIN_OPTIONS } from "./sasrec.js";
export type { Recommendations, TrainOptions, EpochReport, TrainResult } from "./sasrec.js";
export { DEFAULT_CONFIG, resolveConfig } from "./model.js";
export type { SasRecConfig, LossKind } from "./model.js";
export { buildExamples } from "./examples.js";
export type { ExampleStrategy, Examples } from "./examples.js";
export { evaluateNextItem, leaveOneOut, readSequenceFile } from "./evaluate.js";
export type { NextItemScorer, LeaveOneOutSplit, RankingMetrics } from "./evaluate.js";
export { FORMAT_NAME, FORMAT_VERSION } from "./format.js";
export type { KernelKind } from "./heap.js";
export { Rng } from "./rng.js";
export { SasRecRecommender, SASREC_DEFAULTS } from "./sasrec-recommender.js";
export type { SasRecOptions } from "./sasrec-recommender.js";
