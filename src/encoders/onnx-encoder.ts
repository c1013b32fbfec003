/**
 * An Encoder over a local model folder (sentence-transformers / Hugging Face
 * layout), run with ONNX Runtime on the CPU. Nothing is downloaded.
 *
 * Per call: prefix each text for its kind, tokenize (tokenizer.json, truncated
 * to maxLength), sort by token count so each batch pads little, run the batch
 * (right-padded; token_type_ids and position_ids only when the model has those
 * inputs), pool each row over its real tokens, normalize, and return the
 * vectors in input order. Configuration not in the spec comes from the folder's
 * sentence-transformers files (model-folder.ts).
 */
import { basename } from "node:path";
import type { Tensor } from "onnxruntime-node";
import { InvalidFileError, TroveError } from "../core/errors.js";
import type { EncodeKind, EncodeOptions, Encoder, OnnxEncoderSpec, Pooling } from "./encoder.js";
import { forEachTokenBatch, normalizeInPlace, prefixedTexts } from "./encode-batches.js";
import { maxLengthFor, readModelFolder, type ModelFolder } from "./model-folder.js";
import { poolRow } from "./pooling.js";
import { TextTokenizer } from "./text-tokenizer.js";
import { TokenModel } from "./token-model.js";

const DEFAULT_BATCH_SIZE = 32;
const TOKEN_OUTPUTS = ["last_hidden_state", "token_embeddings"];

export interface OnnxEncoderSettings {
  pooling: Pooling;
  normalize: boolean;
  maxLength: number;
  queryPrefix: string;
  documentPrefix: string;
  batchSize: number;
  threads: number;
}

export async function openOnnxEncoder(spec: OnnxEncoderSpec): Promise<OnnxEncoder> {
  const folder = readModelFolder(spec.path, spec.modelFile);
  const settings = resolveSettings(spec, folder);
  const tokenizer = TextTokenizer.open(folder.tokenizerFile, settings.maxLength, folder.padToken);
  const model = await TokenModel.open(folder.modelFile, settings.threads, "export an encoder without caches, e.g. optimum's feature-extraction task");
  const encoder = new OnnxEncoder(model, tokenizer, folder, settings);
  await encoder.checkModel();
  return encoder;
}

/** The spec's settings, else what the folder says, else defaults; checked against the model's limits. */
export function resolveSettings(spec: OnnxEncoderSpec, folder: ModelFolder): OnnxEncoderSettings {
  let pooling = spec.pooling ?? folder.pooling;
  if (pooling === undefined) {
    if (folder.unsupportedPooling !== undefined) {
      throw new InvalidFileError(
        folder.poolingFile ?? folder.path,
        `asks for ${folder.unsupportedPooling}, which Trove does not implement; choose mean, cls or last in the spec (pooling)`,
      );
    }
    pooling = "mean";
  }
  const maxLength = maxLengthFor(folder, spec.maxLength);
  const queryPrefix = spec.queryPrefix ?? folder.queryPrompt ?? "";
  const documentPrefix = spec.documentPrefix ?? folder.documentPrompt ?? "";
  if (!folder.includePrompt && (queryPrefix !== "" || documentPrefix !== "")) {
    throw new InvalidFileError(folder.poolingFile ?? folder.path, "include_prompt is false (prompt tokens left out of the pool), which Trove does not implement; use a folder without prefixes or set include_prompt to true");
  }
  return {
    pooling,
    normalize: spec.normalize ?? folder.normalize ?? true,
    maxLength,
    queryPrefix,
    documentPrefix,
    batchSize: spec.batchSize ?? DEFAULT_BATCH_SIZE,
    threads: spec.threads ?? 1,
  };
}

export class OnnxEncoder implements Encoder {
  readonly id: string;
  dimensions: number;
  readonly normalized: boolean;
  private readonly outputName: string;
  private closed = false;

  constructor(
    private readonly model: TokenModel,
    private readonly tokenizer: TextTokenizer,
    private readonly folder: ModelFolder,
    readonly settings: OnnxEncoderSettings,
  ) {
    this.normalized = settings.normalize;
    this.dimensions = folder.hiddenSize ?? 0;
    const prefixes = settings.queryPrefix || settings.documentPrefix ? ` prefixes=${JSON.stringify([settings.queryPrefix, settings.documentPrefix])}` : "";
    this.id = `onnx:${basename(folder.path)} pooling=${settings.pooling} normalize=${settings.normalize} maxLength=${settings.maxLength}${prefixes}`;
    this.outputName = model.pickOutput(TOKEN_OUTPUTS);
  }

  /** Runs one short text to learn the output size and check that the output is token states. */
  async checkModel(): Promise<void> {
    const ids = await this.tokenizer.encode(["a"]);
    const output = await this.run(ids);
    if (output.dims.length !== 3) {
      throw new InvalidFileError(this.folder.modelFile, `output "${this.outputName}" has shape [${output.dims.join(", ")}]; expected token states [batch, sequence, hidden]`);
    }
    const dims = Number(output.dims[2]);
    if (this.dimensions !== 0 && this.dimensions !== dims) {
      throw new InvalidFileError(this.folder.modelFile, `outputs ${dims} dimensions, but config.json says hidden_size ${this.dimensions}`);
    }
    this.dimensions = dims;
  }

  /** Token ids per text as the model sees them (prefix, special tokens, truncation). */
  async tokenize(texts: readonly string[], kind?: EncodeKind): Promise<Int32Array[]> {
    return this.tokenizer.encode(prefixedTexts(texts, kind, this.settings));
  }

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    if (this.closed) throw new TroveError("UNAVAILABLE", `${this.id}: the encoder is closed`);
    const out = new Array<Float32Array>(texts.length);
    const tokenize = async (start: number, end: number) => (await this.tokenize(texts.slice(start, end), options.kind)).map((ids) => ({ ids }));
    await forEachTokenBatch(texts.length, this.settings.batchSize, options, tokenize, async (batch) => {
      const output = await this.run(batch.map(({ row }) => row.ids));
      const states = { data: output.data as Float32Array, sequenceLength: Number(output.dims[1]), dimensions: Number(output.dims[2]) };
      batch.forEach(({ index, row }, r) => {
        const vector = poolRow(states, r, row.ids.length, this.settings.pooling);
        out[index] = this.settings.normalize ? normalizeInPlace(vector) : vector;
      });
    });
    return out;
  }

  /** One inference call over right-padded rows. */
  private async run(rows: Int32Array[]): Promise<Tensor> {
    return this.model.run(rows.map((ids) => ({ ids })), this.tokenizer.padId, this.outputName);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.model.release();
  }
}
