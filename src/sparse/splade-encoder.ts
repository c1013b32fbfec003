/**
 * SPLADE-style sparse encoding with a local ONNX masked-language model (the
 * model's output is MLM logits [batch, sequence, vocabulary]): the weight of
 * vocabulary term v for a text is max over the text's tokens t of
 * log(1 + relu(logits[t, v])) (Formal et al., SPLADE v2: max pooling), and
 * the non-zero weights form the vector, keyed by the tokenizer's tokens
 * (special tokens included, as the model scores them). Batching, padding and
 * truncation as the dense ONNX encoder's; padded positions never count.
 */
import { basename } from "node:path";
import { InvalidFileError, TroveError } from "../core/errors.js";
import type { EncodeOptions } from "../encoders/encoder.js";
import { forEachTokenBatch, prefixedTexts } from "../encoders/encode-batches.js";
import { maxLengthFor, readModelFolder } from "../encoders/model-folder.js";
import { TextTokenizer } from "../encoders/text-tokenizer.js";
import { TokenModel } from "../encoders/token-model.js";
import type { SparseEncoder, SparseEncoderSpec, SparseVector } from "./sparse-encoder.js";

type SpladeSpec = Extract<SparseEncoderSpec, { type: "splade" }>;

const DEFAULT_BATCH_SIZE = 8;
const LOGIT_OUTPUTS = ["logits", "prediction_scores", "output"];

export async function openSpladeEncoder(spec: SpladeSpec): Promise<SpladeEncoder> {
  const folder = readModelFolder(spec.path, spec.modelFile);
  const maxLength = maxLengthFor(folder, spec.maxLength);
  const tokenizer = TextTokenizer.open(folder.tokenizerFile, maxLength, folder.padToken);
  const model = await TokenModel.open(folder.modelFile, spec.threads ?? 1, "export the masked-language model, e.g. optimum's fill-mask task");
  const encoder = new SpladeEncoder(spec, model, tokenizer, maxLength);
  try {
    await encoder.checkModel();
  } catch (error) {
    await encoder.close();
    throw error;
  }
  return encoder;
}

export class SpladeEncoder implements SparseEncoder {
  readonly id: string;
  private readonly output: string;
  private readonly tokens: string[];
  private closed = false;

  constructor(
    private readonly spec: SpladeSpec,
    private readonly model: TokenModel,
    private readonly tokenizer: TextTokenizer,
    readonly maxLength: number,
  ) {
    this.output = model.pickOutput(LOGIT_OUTPUTS);
    this.tokens = Array.from({ length: tokenizer.vocabularySize }, (_, id) => tokenizer.tokenOf(id) ?? `[${id}]`);
    const prefixes = spec.queryPrefix || spec.documentPrefix ? ` prefixes=${JSON.stringify([spec.queryPrefix ?? "", spec.documentPrefix ?? ""])}` : "";
    this.id = `splade:${basename(spec.path)} maxLength=${maxLength}${spec.maxTerms ? ` maxTerms=${spec.maxTerms}` : ""}${prefixes}`;
  }

  /** One short text, to check that the output is logits over the tokenizer's vocabulary. */
  async checkModel(): Promise<void> {
    const [ids] = await this.tokenizer.encode(["a"]);
    const output = await this.model.run([{ ids }], this.tokenizer.padId, this.output);
    const vocabulary = Number(output.dims[2]);
    const least = this.tokenizer.baseVocabularySize;
    if (output.dims.length !== 3 || vocabulary < least || vocabulary > this.tokens.length) {
      const size = least === this.tokens.length ? `${least}` : `${least} to ${this.tokens.length}`;
      throw new InvalidFileError(
        this.model.file,
        `output "${this.output}" has shape [${output.dims.join(", ")}]; expected masked-language-model logits [batch, sequence, vocabulary] over the tokenizer's ${size} tokens`,
      );
    }
  }

  /** Token ids per text as the model sees them. */
  async tokenize(texts: readonly string[], kind?: EncodeOptions["kind"]): Promise<Int32Array[]> {
    return this.tokenizer.encode(prefixedTexts(texts, kind, this.spec));
  }

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<SparseVector[]> {
    if (this.closed) throw new TroveError("UNAVAILABLE", `${this.id}: the encoder is closed`);
    const out = new Array<SparseVector>(texts.length);
    const tokenize = async (start: number, end: number) => (await this.tokenize(texts.slice(start, end), options.kind)).map((ids) => ({ ids }));
    await forEachTokenBatch(texts.length, this.spec.batchSize ?? DEFAULT_BATCH_SIZE, options, tokenize, async (batch) => {
      const output = await this.model.run(batch.map(({ row }) => row), this.tokenizer.padId, this.output);
      const logits = output.data as Float32Array;
      const sequence = Number(output.dims[1]);
      const vocabulary = Number(output.dims[2]);
      const best = new Float32Array(vocabulary);
      batch.forEach(({ index, row }, r) => {
        best.fill(0);
        for (let t = 0; t < row.ids.length; t++) {
          const base = (r * sequence + t) * vocabulary;
          for (let v = 0; v < vocabulary; v++) if (logits[base + v] > best[v]) best[v] = logits[base + v];
        }
        out[index] = this.vectorOf(best);
      });
    });
    return out;
  }

  /** log(1 + relu) of the largest logits (relu and log1p are monotone, so max first), cut to maxTerms. */
  private vectorOf(best: Float32Array): SparseVector {
    let entries: Array<[string, number]> = [];
    for (let v = 0; v < best.length; v++) if (best[v] > 0) entries.push([this.tokens[v], Math.fround(Math.log1p(best[v]))]);
    if (this.spec.maxTerms !== undefined && entries.length > this.spec.maxTerms) {
      entries = entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, this.spec.maxTerms);
    }
    return Object.fromEntries(entries);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.model.release();
  }
}
