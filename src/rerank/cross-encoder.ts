/**
 * A cross-encoder from a local ONNX model folder: a transformer with a
 * sequence-classification head (transformers' *ForSequenceClassification,
 * sentence-transformers' CrossEncoder) that reads a query and a document
 * together, "[CLS] query [SEP] document [SEP]" with token type ids 0 then 1,
 * and outputs logits [batch, labels]. The pair is cut longest-first to
 * `maxLength` tokens, as transformers' tokenizers do; pairs are batched by
 * length. The relevance score is one logit (`label`; default the only one,
 * or label 1, "relevant", of two), optionally through a sigmoid or a softmax
 * over the labels. Nothing is downloaded.
 */
import { basename } from "node:path";
import { z } from "zod";
import { InvalidArgumentError, InvalidFileError, TroveError } from "../core/errors.js";
import { parseWith } from "../core/parse-with.js";
import type { EncodeOptions } from "../encoders/encoder.js";
import { forEachTokenBatch } from "../encoders/encode-batches.js";
import { maxLengthFor, readModelFolder } from "../encoders/model-folder.js";
import { TextTokenizer } from "../encoders/text-tokenizer.js";
import { TokenModel } from "../encoders/token-model.js";

export const crossEncoderSpecSchema = z.strictObject({
  /** Folder with tokenizer.json and onnx/model.onnx (or model.onnx). */
  path: z.string().min(1),
  modelFile: z.string().min(1).optional(),
  /** Tokens per pair, special tokens included (default: the tokenizer's, capped by the model's positions). */
  maxLength: z.number().int().min(4).max(100_000).optional(),
  /** Pairs per inference call (default 16). */
  batchSize: z.number().int().min(1).max(1024).optional(),
  threads: z.number().int().min(1).max(256).optional(),
  /** The logit that scores relevance (default 0 with one label, 1 with two). */
  label: z.number().int().min(0).max(1000).optional(),
  /** "none" (default: the raw logit), "sigmoid", or "softmax" over the labels. */
  activation: z.enum(["none", "sigmoid", "softmax"]).optional(),
});
export type CrossEncoderSpec = z.infer<typeof crossEncoderSpecSchema>;

const DEFAULT_BATCH_SIZE = 16;

export async function openCrossEncoder(spec: CrossEncoderSpec): Promise<CrossEncoder> {
  const checked = parseWith(crossEncoderSpecSchema, spec, "cross-encoder spec");
  const folder = readModelFolder(checked.path, checked.modelFile);
  const maxLength = maxLengthFor(folder, checked.maxLength);
  const tokenizer = TextTokenizer.open(folder.tokenizerFile, maxLength, folder.padToken);
  const model = await TokenModel.open(folder.modelFile, checked.threads ?? 1, "export a sequence-classification model, e.g. optimum's text-classification task");
  const encoder = new CrossEncoder(checked, model, tokenizer, maxLength);
  try {
    await encoder.checkModel();
  } catch (error) {
    await encoder.close();
    throw error;
  }
  return encoder;
}

export class CrossEncoder {
  readonly id: string;
  private readonly output: string;
  private labels = 0;
  private closed = false;

  constructor(
    private readonly spec: CrossEncoderSpec,
    private readonly model: TokenModel,
    private readonly tokenizer: TextTokenizer,
    readonly maxLength: number,
  ) {
    this.output = model.pickOutput(["logits", "scores"]);
    this.id = `cross-encoder:${basename(spec.path)} maxLength=${maxLength}`;
  }

  /** Runs one pair to learn the number of labels and check the output's shape. */
  async checkModel(): Promise<void> {
    const [row] = await this.tokenizer.encodePairs([["a", "b"]]);
    const output = await this.model.run([row], this.tokenizer.padId, this.output);
    if (output.dims.length !== 2) {
      throw new InvalidFileError(this.model.file, `output "${this.output}" has shape [${output.dims.join(", ")}]; expected classification logits [batch, labels]`);
    }
    this.labels = Number(output.dims[1]);
    const label = this.label;
    if (label >= this.labels) throw new InvalidArgumentError(`cross-encoder ${this.spec.path}: label ${label} does not exist; the model has ${this.labels} label${this.labels === 1 ? "" : "s"}`);
  }

  private get label(): number {
    return this.spec.label ?? (this.labels === 2 ? 1 : 0);
  }

  /** Token ids and type ids of each pair as the model sees them. */
  async tokenize(pairs: ReadonlyArray<readonly [string, string]>): Promise<Array<{ ids: Int32Array; typeIds: Int32Array }>> {
    return this.tokenizer.encodePairs(pairs);
  }

  /** The relevance score of each document for the query, in order. */
  async score(query: string, documents: readonly string[], options: Pick<EncodeOptions, "signal"> = {}): Promise<Float64Array> {
    return this.scorePairs(documents.map((d) => [query, d] as const), options);
  }

  /** The relevance score of each (query, document) pair, in order. */
  async scorePairs(pairs: ReadonlyArray<readonly [string, string]>, options: Pick<EncodeOptions, "signal"> = {}): Promise<Float64Array> {
    if (this.closed) throw new TroveError("UNAVAILABLE", `${this.id}: the cross-encoder is closed`);
    const out = new Float64Array(pairs.length);
    const tokenize = (start: number, end: number) => this.tokenize(pairs.slice(start, end));
    await forEachTokenBatch(pairs.length, this.spec.batchSize ?? DEFAULT_BATCH_SIZE, options, tokenize, async (batch) => {
      const output = await this.model.run(batch.map(({ row }) => row), this.tokenizer.padId, this.output);
      const logits = output.data as Float32Array;
      batch.forEach(({ index }, r) => (out[index] = this.activate(logits.subarray(r * this.labels, (r + 1) * this.labels))));
    });
    return out;
  }

  private activate(logits: Float32Array): number {
    const x = logits[this.label];
    switch (this.spec.activation ?? "none") {
      case "none":
        return x;
      case "sigmoid":
        return 1 / (1 + Math.exp(-x));
      case "softmax": {
        const max = Math.max(...logits);
        let sum = 0;
        for (const l of logits) sum += Math.exp(l - max);
        return Math.exp(x - max) / sum;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.model.release();
  }
}
