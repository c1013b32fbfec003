/**
 * Training from data to model: featurize the corpus, train the dual
 * encoder, and wrap the result as a `TrainedModel` with its report. The
 * configuration (features + training settings) and the data fingerprint
 * together name the model, so the same data and configuration always give
 * the same folder (and, seeded, the same weights).
 */
import { createHash } from "node:crypto";
import { ContrastiveTrainer, DEFAULT_TRAINING_SETTINGS, type TrainOptions, type TrainingReport, type TrainingSettings } from "./contrastive-trainer.js";
import { TrainingCorpus } from "./training-corpus.js";
import { fingerprintData, type TrainingData } from "./training-data.js";
import { DEFAULT_FEATURE_SETTINGS, type FeatureSettings } from "./text-features.js";
import { TrainedModel } from "./trained-model.js";

export interface EncoderTrainingConfig {
  features: FeatureSettings;
  training: TrainingSettings;
}

export type EncoderTrainingOverrides = { features?: Partial<FeatureSettings>; training?: Partial<TrainingSettings> };

export function trainingConfig(overrides: EncoderTrainingOverrides = {}): EncoderTrainingConfig {
  return {
    features: { ...DEFAULT_FEATURE_SETTINGS, ...overrides.features },
    training: { ...DEFAULT_TRAINING_SETTINGS, ...overrides.training },
  };
}

/** sha256 of the configuration, canonical key order. */
export function fingerprintConfig(config: EncoderTrainingConfig): string {
  const canonical = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash("sha256").update(JSON.stringify([canonical(config.features), canonical(config.training)])).digest("hex");
}

export interface TrainedEncoderResult {
  model: TrainedModel;
  report: TrainingReport;
  corpus: { documents: number; judgments: number; words: number; bigrams: number; features: number; featurizeSeconds: number };
  dataFingerprint: string;
  configFingerprint: string;
  config: EncoderTrainingConfig;
  description: string;
}

export interface TrainEncoderOptions extends TrainOptions {
  onStage?: (message: string) => void;
}

export async function trainEncoder(data: TrainingData, config: EncoderTrainingConfig, options: TrainEncoderOptions = {}): Promise<TrainedEncoderResult> {
  const started = performance.now();
  options.onStage?.(`featurizing ${data.documents.length} documents and ${data.judgments.length} judgments`);
  const corpus = await TrainingCorpus.build(data, config.features, options.signal);
  const featurizeSeconds = (performance.now() - started) / 1000;
  options.onStage?.(
    `vocabulary: ${corpus.vocabulary.wordCount} words, ${corpus.vocabulary.bigramCount} bigrams; ${corpus.features.length} features (${featurizeSeconds.toFixed(1)} s)`,
  );
  const trainer = new ContrastiveTrainer(corpus, config.training);
  const report = await trainer.train(options);
  report.seconds += featurizeSeconds;
  return {
    model: new TrainedModel(corpus.vocabulary, trainer.bag),
    report,
    corpus: {
      documents: corpus.documentCount,
      judgments: data.judgments.length,
      words: corpus.vocabulary.wordCount,
      bigrams: corpus.vocabulary.bigramCount,
      features: corpus.features.length,
      featurizeSeconds,
    },
    dataFingerprint: fingerprintData(data),
    configFingerprint: fingerprintConfig(config),
    config,
    description: data.description,
  };
}
