/** Trove's own encoder, trained offline on a collection's text (docs/trained-encoder.md). */
export { openTroveEncoder, TroveEncoder } from "./trove-encoder.js";
export { ensureTrainedEncoder, encoderCacheRoot } from "./ensure-trained-encoder.js";
export type { EnsureTrainedEncoderOptions } from "./ensure-trained-encoder.js";
export { trainEncoder, trainingConfig } from "./train-encoder.js";
export type { EncoderTrainingConfig, EncoderTrainingOverrides, TrainedEncoderResult, TrainEncoderOptions } from "./train-encoder.js";
export { loadTrainingData, storeCollectionDocuments } from "./training-data.js";
export type { TrainingData, TrainingDocument, TrainingJudgment, TrainingSource } from "./training-data.js";
export { DEFAULT_TRAINING_SETTINGS } from "./contrastive-trainer.js";
export type { TrainingReport, TrainingSettings } from "./contrastive-trainer.js";
export { DEFAULT_FEATURE_SETTINGS } from "./text-features.js";
export type { FeatureSettings } from "./text-features.js";
export { readModelConfig, writeModelFolder } from "./model-folder.js";
export type { ModelConfig } from "./model-folder.js";
