/**
 * Reads a local model folder in the sentence-transformers / Hugging Face
 * layout and says what the files ask for; nothing is ever downloaded.
 *
 *   tokenizer.json                    required: the tokenizer (Hugging Face tokenizers format)
 *   onnx/model.onnx or model.onnx     required: the network (or the spec's modelFile)
 *   tokenizer_config.json             optional: model_max_length, pad_token
 *   config.json                       optional: max_position_embeddings, hidden_size
 *   sentence_bert_config.json         optional: max_seq_length (sentence-transformers' limit)
 *   modules.json                      optional: the module list (Pooling, Normalize)
 *   1_Pooling/config.json             optional: the pooling mode (or the Pooling module's folder)
 *   config_sentence_transformers.json optional: "prompts" for queries and documents
 *
 * Errors name the folder and the missing or invalid file.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { InvalidArgumentError, InvalidFileError, NotFoundError } from "../core/errors.js";
import type { Pooling } from "./encoder.js";

export interface ModelFolder {
  path: string;
  tokenizerFile: string;
  modelFile: string;
  /** From tokenizer_config.json. */
  padToken?: string;
  /** sentence_bert_config.json's max_seq_length, else tokenizer_config.json's model_max_length (when sane). */
  tokenizerMaxLength?: number;
  /** config.json's max_position_embeddings: the model cannot read longer inputs. */
  maxPositions?: number;
  /** config.json's hidden_size (or the Pooling config's word_embedding_dimension). */
  hiddenSize?: number;
  /** The pooling the folder's sentence-transformers files ask for; undefined when they say nothing. */
  pooling?: Pooling;
  /** Set when the folder asks for a pooling Trove does not implement (max, weighted mean...). */
  unsupportedPooling?: string;
  /** Where the pooling was read from (for messages). */
  poolingFile?: string;
  /** Pooling's include_prompt: false means prompt tokens are left out of the pool. */
  includePrompt: boolean;
  /** True/false when modules.json exists (a Normalize module or not); undefined without modules.json. */
  normalize?: boolean;
  /** config_sentence_transformers.json's prompts. */
  queryPrompt?: string;
  documentPrompt?: string;
}

const MODEL_FILES = ["onnx/model.onnx", "model.onnx"];
const DEFAULT_MAX_LENGTH = 512;

/**
 * Tokens per text: the requested length, else the tokenizer's limit capped by the model's positions (else
 * 512); a request beyond the model's positions is refused.
 */
export function maxLengthFor(folder: ModelFolder, requested: number | undefined): number {
  const limit = folder.maxPositions;
  const maxLength = requested ?? Math.min(folder.tokenizerMaxLength ?? DEFAULT_MAX_LENGTH, limit ?? Infinity);
  if (limit !== undefined && maxLength > limit) {
    throw new InvalidArgumentError(`maxLength ${maxLength} is more than the model reads: max_position_embeddings is ${limit} in ${folder.path}/config.json`);
  }
  return maxLength;
}

export function readModelFolder(path: string, modelFile?: string): ModelFolder {
  if (!existsSync(path)) throw new NotFoundError(`model folder ${path} does not exist`);
  if (!statSync(path).isDirectory()) throw new InvalidArgumentError(`model folder ${path} is not a folder`);
  const tokenizerFile = join(path, "tokenizer.json");
  if (!existsSync(tokenizerFile)) {
    throw new NotFoundError(`model folder ${path}: tokenizer.json is missing (a Hugging Face tokenizer file is needed; Trove does not download it)`);
  }
  const folder: ModelFolder = { path, tokenizerFile, modelFile: findModelFile(path, modelFile), includePrompt: true };

  const tokenizerConfig = readOptionalJson(path, "tokenizer_config.json");
  if (tokenizerConfig) {
    const pad = tokenizerConfig.pad_token;
    if (typeof pad === "string") folder.padToken = pad;
    else if (pad && typeof pad === "object" && typeof (pad as { content?: unknown }).content === "string") folder.padToken = (pad as { content: string }).content;
    const max = tokenizerConfig.model_max_length;
    // transformers writes 1e30 when a tokenizer has no limit
    if (typeof max === "number" && Number.isInteger(max) && max > 0 && max < 1_000_000) folder.tokenizerMaxLength = max;
  }
  const sentenceBert = readOptionalJson(path, "sentence_bert_config.json");
  if (sentenceBert && sentenceBert.max_seq_length !== undefined && sentenceBert.max_seq_length !== null) {
    folder.tokenizerMaxLength = positiveInteger(sentenceBert.max_seq_length, join(path, "sentence_bert_config.json"), "max_seq_length");
  }
  const config = readOptionalJson(path, "config.json");
  if (config) {
    if (config.max_position_embeddings !== undefined) folder.maxPositions = positiveInteger(config.max_position_embeddings, join(path, "config.json"), "max_position_embeddings");
    const hidden = config.hidden_size ?? config.d_model ?? config.dim;
    if (typeof hidden === "number" && Number.isInteger(hidden) && hidden > 0) folder.hiddenSize = hidden;
  }
  readModules(folder);
  const stConfig = readOptionalJson(path, "config_sentence_transformers.json");
  const prompts = stConfig?.prompts;
  if (prompts && typeof prompts === "object" && !Array.isArray(prompts)) {
    const p = prompts as Record<string, unknown>;
    if (typeof p.query === "string") folder.queryPrompt = p.query;
    const documentPrompt = p.document ?? p.passage;
    if (typeof documentPrompt === "string") folder.documentPrompt = documentPrompt;
  }
  return folder;
}

function findModelFile(path: string, modelFile: string | undefined): string {
  if (modelFile !== undefined) {
    const file = join(path, modelFile);
    if (!existsSync(file)) throw new NotFoundError(`model folder ${path}: ${modelFile} is missing`);
    return file;
  }
  for (const candidate of MODEL_FILES) {
    const file = join(path, candidate);
    if (existsSync(file)) return file;
  }
  throw new NotFoundError(
    `model folder ${path}: no ONNX model (looked for ${MODEL_FILES.join(" and ")}; export one with optimum, or name the file with modelFile)`,
  );
}

/** modules.json names the Pooling module's folder and whether a Normalize module follows. */
function readModules(folder: ModelFolder): void {
  const modulesFile = join(folder.path, "modules.json");
  let poolingDir = "1_Pooling";
  if (existsSync(modulesFile)) {
    const modules = readJson(modulesFile);
    if (!Array.isArray(modules)) throw new InvalidFileError(modulesFile, "expected a JSON array of modules");
    folder.normalize = false;
    let sawPooling = false;
    for (const [i, module] of modules.entries()) {
      const type = (module as { type?: unknown })?.type;
      if (typeof type !== "string") throw new InvalidFileError(modulesFile, `module ${i} has no "type"`);
      if (type.endsWith(".Normalize")) folder.normalize = true;
      if (type.endsWith(".Pooling")) {
        const modulePath = (module as { path?: unknown }).path;
        if (typeof modulePath !== "string") throw new InvalidFileError(modulesFile, `the Pooling module (module ${i}) has no "path"`);
        poolingDir = modulePath;
        sawPooling = true;
      }
    }
    if (!sawPooling) return;
    const poolingFile = join(folder.path, poolingDir, "config.json");
    if (!existsSync(poolingFile)) throw new NotFoundError(`model folder ${folder.path}: modules.json names a Pooling module but ${relative(folder.path, poolingFile)} is missing`);
  }
  const poolingFile = join(folder.path, poolingDir, "config.json");
  if (!existsSync(poolingFile)) return;
  readPooling(folder, poolingFile);
}

function readPooling(folder: ModelFolder, file: string): void {
  const config = readJson(file);
  if (config === null || typeof config !== "object" || Array.isArray(config)) throw new InvalidFileError(file, "expected a JSON object");
  const c = config as Record<string, unknown>;
  folder.poolingFile = file;
  const modes: Array<[string, Pooling | undefined]> = [
    ["pooling_mode_cls_token", "cls"],
    ["pooling_mode_mean_tokens", "mean"],
    ["pooling_mode_lasttoken", "last"],
    ["pooling_mode_max_tokens", undefined],
    ["pooling_mode_mean_sqrt_len_tokens", undefined],
    ["pooling_mode_weightedmean_tokens", undefined],
  ];
  const chosen = modes.filter(([key]) => c[key] === true);
  if (chosen.length === 1 && chosen[0][1] !== undefined) folder.pooling = chosen[0][1];
  else if (chosen.length > 0) folder.unsupportedPooling = chosen.map(([key]) => key).join(" + ");
  if (c.include_prompt === false) folder.includePrompt = false;
  const dim = c.word_embedding_dimension;
  if (folder.hiddenSize === undefined && typeof dim === "number" && Number.isInteger(dim) && dim > 0) folder.hiddenSize = dim;
}

function readOptionalJson(path: string, name: string): Record<string, unknown> | undefined {
  const file = join(path, name);
  if (!existsSync(file)) return undefined;
  const value = readJson(file);
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new InvalidFileError(file, "expected a JSON object");
  return value as Record<string, unknown>;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InvalidFileError(file, `invalid JSON: ${(error as Error).message}`);
  }
}

function positiveInteger(value: unknown, file: string, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new InvalidFileError(file, `field "${field}" must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}
