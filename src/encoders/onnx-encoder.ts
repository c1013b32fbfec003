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
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { InvalidArgumentError, InvalidFileError, TroveError } from "../core/errors.js";
import type { EncodeKind, EncodeOptions, Encoder, OnnxEncoderSpec, Pooling } from "./encoder.js";
import { forEachBatch, normalizeInPlace, prefixedTexts } from "./encode-batches.js";
import { readModelFolder, type ModelFolder } from "./model-folder.js";
import { poolRow } from "./pooling.js";
import { TextTokenizer } from "./text-tokenizer.js";

const DEFAULT_BATCH_SIZE = 32;
const DEFAULT_MAX_LENGTH = 512;
/** Texts tokenized and sorted together; bounds memory for very large calls. */
const WINDOW_BATCHES = 32;
const KNOWN_INPUTS = ["input_ids", "attention_mask", "token_type_ids", "position_ids"];
const TOKEN_OUTPUTS = ["last_hidden_state", "token_embeddings"];

type Ort = typeof import("onnxruntime-node");

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
  const ort: Ort = await import("onnxruntime-node");
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(folder.modelFile, {
      intraOpNumThreads: settings.threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      logSeverityLevel: 3,
    });
  } catch (error) {
    throw new InvalidFileError(folder.modelFile, `ONNX Runtime cannot load it: ${(error as Error).message}`);
  }
  const encoder = new OnnxEncoder(ort, session, tokenizer, folder, settings);
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
  const limit = folder.maxPositions;
  const maxLength = spec.maxLength ?? Math.min(folder.tokenizerMaxLength ?? DEFAULT_MAX_LENGTH, limit ?? Infinity);
  if (limit !== undefined && maxLength > limit) {
    throw new InvalidArgumentError(`maxLength ${maxLength} is more than the model reads: max_position_embeddings is ${limit} in ${folder.path}/config.json`);
  }
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
  private readonly inputTypes = new Map<string, "int64" | "int32">();
  private closed = false;

  constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    private readonly tokenizer: TextTokenizer,
    private readonly folder: ModelFolder,
    readonly settings: OnnxEncoderSettings,
  ) {
    this.normalized = settings.normalize;
    this.dimensions = folder.hiddenSize ?? 0;
    const prefixes = settings.queryPrefix || settings.documentPrefix ? ` prefixes=${JSON.stringify([settings.queryPrefix, settings.documentPrefix])}` : "";
    this.id = `onnx:${basename(folder.path)} pooling=${settings.pooling} normalize=${settings.normalize} maxLength=${settings.maxLength}${prefixes}`;
    this.outputName = session.outputNames.find((name) => TOKEN_OUTPUTS.includes(name)) ?? session.outputNames[0];
    for (const meta of session.inputMetadata) {
      if (!KNOWN_INPUTS.includes(meta.name)) {
        throw new InvalidFileError(folder.modelFile, `the model needs an input "${meta.name}"; Trove feeds only ${KNOWN_INPUTS.join(", ")} (export an encoder without caches, e.g. optimum's feature-extraction task)`);
      }
      const type = meta.isTensor ? meta.type : undefined;
      if (type !== "int64" && type !== "int32") throw new InvalidFileError(folder.modelFile, `input "${meta.name}" has type ${type ?? "non-tensor"}; expected int64 or int32`);
      this.inputTypes.set(meta.name, type);
    }
    if (!this.inputTypes.has("input_ids")) throw new InvalidFileError(folder.modelFile, 'the model has no "input_ids" input');
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
    const window = this.settings.batchSize * WINDOW_BATCHES;
    for (let offset = 0; offset < texts.length; offset += window) {
      const slice = texts.slice(offset, offset + window);
      const ids = await this.tokenize(slice, options.kind);
      // longest first: a text too long for memory fails at once, and rows of a batch have similar lengths
      const order = ids.map((_, i) => i).sort((a, b) => ids[b].length - ids[a].length || a - b);
      await forEachBatch(order.length, this.settings.batchSize, options, async (start, end) => {
        const rows = order.slice(start, end);
        const output = await this.run(rows.map((i) => ids[i]));
        const states = { data: output.data as Float32Array, sequenceLength: Number(output.dims[1]), dimensions: Number(output.dims[2]) };
        rows.forEach((i, row) => {
          const vector = poolRow(states, row, ids[i].length, this.settings.pooling);
          out[offset + i] = this.settings.normalize ? normalizeInPlace(vector) : vector;
        });
      }, offset);
    }
    return out;
  }

  /** One inference call over right-padded rows. */
  private async run(rows: Int32Array[]): Promise<Tensor> {
    const batch = rows.length;
    const length = Math.max(1, ...rows.map((r) => r.length));
    const inputIds = new Array<number>(batch * length).fill(this.tokenizer.padId);
    const mask = new Array<number>(batch * length).fill(0);
    const positions = new Array<number>(batch * length).fill(0);
    rows.forEach((row, r) => {
      for (let t = 0; t < row.length; t++) {
        inputIds[r * length + t] = row[t];
        mask[r * length + t] = 1;
        positions[r * length + t] = t;
      }
    });
    const values: Record<string, number[]> = {
      input_ids: inputIds,
      attention_mask: mask,
      token_type_ids: new Array<number>(batch * length).fill(0),
      position_ids: positions,
    };
    const feeds: Record<string, Tensor> = {};
    for (const [name, type] of this.inputTypes) {
      const data = type === "int64" ? BigInt64Array.from(values[name], BigInt) : Int32Array.from(values[name]);
      feeds[name] = new this.ort.Tensor(type, data, [batch, length]);
    }
    const result = await this.session.run(feeds, [this.outputName]);
    return result[this.outputName];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.release();
  }
}
