/**
 * A trained encoder on disk, one folder:
 *
 *     config.json      format and version, architecture, dimensions, feature
 *                      (tokenizer) settings, training data fingerprint, the
 *                      training settings and report
 *     vocabulary.txt   one term per line, in row order: words, then bigrams ("a b")
 *     weights.f32      little-endian float32: the embedding table (rows ×
 *                      dimensions), then one idf weight per row
 *
 * `writeModelFolder` writes into a folder the caller then renames into place
 * (see ensure-trained-encoder.ts and the CLI), so a reader never sees half a
 * model. `readModelFolder` checks every size against the config and names the
 * file at fault.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { endianness } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../core/atomic-file.js";
import { InvalidFileError, NotFoundError } from "../../core/errors.js";
import type { TrainingReport } from "./contrastive-trainer.js";
import type { EncoderTrainingConfig, TrainedEncoderResult } from "./train-encoder.js";
import { FeatureVocabulary, type FeatureSettings } from "./text-features.js";
import { EmbeddingBag } from "./embedding-bag.js";
import { TrainedModel } from "./trained-model.js";

export const MODEL_FORMAT = "trove-encoder";
export const MODEL_FORMAT_VERSION = 1;
export const ARCHITECTURE = "embedding-bag dual encoder";

export interface ModelConfig {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  architecture: string;
  /** How a text becomes a vector, in words. */
  pooling: string;
  dimensions: number;
  normalized: true;
  features: FeatureSettings;
  vocabulary: { file: string; words: number; bigrams: number };
  weights: { file: string; dtype: "float32"; byteOrder: "little"; embeddings: { offset: number; rows: number; columns: number }; idf: { offset: number; length: number } };
  training: {
    data: { fingerprint: string; description: string; documents: number; judgments: number };
    configFingerprint: string;
    settings: EncoderTrainingConfig["training"];
    report: TrainingReport;
    trainedAt: string;
  };
}

const CONFIG = "config.json";
const VOCABULARY = "vocabulary.txt";
const WEIGHTS = "weights.f32";

export function writeModelFolder(dir: string, result: TrainedEncoderResult): ModelConfig {
  mkdirSync(dir, { recursive: true });
  const { model } = result;
  const vocabulary = model.vocabulary;
  const rows = vocabulary.size;
  const dim = model.dimensions;
  const table = model.bag.tableView();
  const embeddingBytes = rows * dim * 4;
  const config: ModelConfig = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    architecture: ARCHITECTURE,
    pooling: "sum of the rows of the text's words and bigrams, each weighted by idf·√tf (tf: \"sqrt\") or idf·tf, then L2-normalized",
    dimensions: dim,
    normalized: true,
    features: vocabulary.settings,
    vocabulary: { file: VOCABULARY, words: vocabulary.wordCount, bigrams: vocabulary.bigramCount },
    weights: {
      file: WEIGHTS,
      dtype: "float32",
      byteOrder: "little",
      embeddings: { offset: 0, rows, columns: dim },
      idf: { offset: embeddingBytes, length: rows },
    },
    training: {
      data: { fingerprint: result.dataFingerprint, description: result.description, documents: result.corpus.documents, judgments: result.corpus.judgments },
      configFingerprint: result.configFingerprint,
      settings: result.config.training,
      report: result.report,
      trainedAt: new Date().toISOString(),
    },
  };
  const weights = [
    new Uint8Array(table.buffer, table.byteOffset, table.byteLength),
    new Uint8Array(vocabulary.idf.buffer, vocabulary.idf.byteOffset, vocabulary.idf.byteLength),
  ];
  writeFileAtomic(join(dir, WEIGHTS), weights);
  writeFileAtomic(join(dir, VOCABULARY), `${vocabulary.terms.join("\n")}\n`);
  writeFileAtomic(join(dir, CONFIG), `${JSON.stringify(config, null, 2)}\n`);
  return config;
}

/** Reads and checks a model folder's config.json. */
export function readModelConfig(dir: string): ModelConfig {
  const path = join(dir, CONFIG);
  if (!existsSync(dir)) throw new NotFoundError(`trained encoder folder not found: ${dir}`);
  if (!existsSync(path)) throw new NotFoundError(`${dir} is not a trained encoder folder: ${CONFIG} is missing (train one with trove encoder train)`);
  let config: ModelConfig;
  try {
    config = JSON.parse(readFileSync(path, "utf8")) as ModelConfig;
  } catch (error) {
    throw new InvalidFileError(path, `not valid JSON: ${(error as Error).message}`);
  }
  if (config?.format !== MODEL_FORMAT) throw new InvalidFileError(path, `"format" must be "${MODEL_FORMAT}", got ${JSON.stringify(config?.format)}`);
  if (config.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new InvalidFileError(path, `format version ${config.formatVersion} is not supported (this Trove reads version ${MODEL_FORMAT_VERSION}); retrain the encoder`);
  }
  const e = config.weights?.embeddings;
  if (!e || !Number.isInteger(e.rows) || e.columns !== config.dimensions) throw new InvalidFileError(path, `"weights.embeddings" does not match "dimensions"`);
  return config;
}

export function readModelFolder(dir: string): { config: ModelConfig; model: TrainedModel } {
  const config = readModelConfig(dir);
  if (endianness() !== "LE") throw new InvalidFileError(join(dir, WEIGHTS), "float32 weights are little-endian; this machine is big-endian");
  const vocabPath = join(dir, config.vocabulary.file);
  const weightsPath = join(dir, config.weights.file);
  const { rows, columns } = config.weights.embeddings;
  if (!existsSync(vocabPath)) throw new NotFoundError(`${vocabPath} is missing`);
  if (!existsSync(weightsPath)) throw new NotFoundError(`${weightsPath} is missing`);
  const terms = readFileSync(vocabPath, "utf8").split("\n");
  if (terms[terms.length - 1] === "") terms.pop();
  if (terms.length !== rows || config.vocabulary.words + config.vocabulary.bigrams !== rows) {
    throw new InvalidFileError(vocabPath, `expected ${rows} terms (${config.vocabulary.words} words + ${config.vocabulary.bigrams} bigrams), found ${terms.length}`);
  }
  const bytes = readFileSync(weightsPath);
  const expected = rows * columns * 4 + rows * 4;
  if (bytes.byteLength !== expected) throw new InvalidFileError(weightsPath, `expected ${expected} bytes (${rows} × ${columns} float32 + ${rows} idf), found ${bytes.byteLength}`);
  // the idf weights are copied out (the Buffer's offset need not be 4-byte aligned); the table goes straight into kernel memory
  const idfStart = config.weights.idf.offset;
  const idf = new Float32Array(rows);
  new Uint8Array(idf.buffer).set(bytes.subarray(idfStart, idfStart + rows * 4));
  const vocabulary = new FeatureVocabulary(config.features, terms, config.vocabulary.words, idf);
  const bag = new EmbeddingBag(rows, columns);
  bag.heap.u8.set(bytes.subarray(config.weights.embeddings.offset, config.weights.embeddings.offset + rows * columns * 4), bag.table);
  return { config, model: new TrainedModel(vocabulary, bag) };
}
