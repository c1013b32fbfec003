/**
 * An Encoder over an OpenAI-compatible `POST {url}/embeddings` endpoint
 * (Ollama, vLLM, Hugging Face TEI, llama.cpp's server, OpenAI itself).
 *
 * Texts go in batches, one request each, in order. A request that fails with
 * 429, a 5xx status, a timeout or a network error is retried with exponential
 * backoff (Retry-After, when the server sends it, sets the wait); other 4xx
 * answers fail at once. Vectors are put in input order by the response's
 * `index`, checked for count and size, and L2-normalized unless told not to.
 * Errors name the endpoint, the status and the server's own error message.
 */
import { InvalidArgumentError, UnavailableError } from "../core/errors.js";
import { AttemptError, postJson } from "./json-endpoint.js";
import type { EncodeOptions, Encoder, HttpEncoderSpec } from "./encoder.js";
import { forEachBatch, normalizeInPlace, prefixedTexts } from "./encode-batches.js";

const DEFAULT_BATCH_SIZE = 32;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_RETRIES = 4;
const DEFAULT_RETRY_DELAY_MS = 500;
export const API_KEY_VARIABLE = "TROVE_EMBEDDINGS_API_KEY";

export async function openHttpEncoder(spec: HttpEncoderSpec): Promise<HttpEncoder> {
  return new HttpEncoder(spec);
}

export class HttpEncoder implements Encoder {
  readonly id: string;
  readonly normalized: boolean;
  readonly endpoint: string;
  private dims: number | undefined;
  private readonly apiKey: string | undefined;
  private closed = false;

  constructor(private readonly spec: HttpEncoderSpec) {
    this.endpoint = `${spec.url.replace(/\/+$/, "")}/embeddings`;
    this.normalized = spec.normalize ?? true;
    this.dims = spec.dimensions;
    this.apiKey = spec.apiKey ?? (process.env[API_KEY_VARIABLE] || undefined);
    this.id = `http:${this.endpoint} model=${spec.model} normalize=${this.normalized}`;
  }

  /** Known after the first answer when the spec does not give it (0 until then). */
  get dimensions(): number {
    return this.dims ?? 0;
  }

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    if (this.closed) throw new UnavailableError(`${this.endpoint}: the encoder is closed`);
    const inputs = prefixedTexts(texts, options.kind, this.spec);
    const out: Float32Array[] = [];
    await forEachBatch(inputs.length, this.spec.batchSize ?? DEFAULT_BATCH_SIZE, options, async (start, end) => {
      out.push(...(await this.request(inputs.slice(start, end))));
    });
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** One batch, with retries. */
  private async request(inputs: string[]): Promise<Float32Array[]> {
    const options = {
      apiKey: this.apiKey,
      keyVariable: API_KEY_VARIABLE,
      timeoutMs: this.spec.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retries: this.spec.retries ?? DEFAULT_RETRIES,
      retryDelayMs: this.spec.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
      what: "embeddings endpoint",
    };
    return postJson(this.endpoint, { model: this.spec.model, input: inputs }, options, (json) => this.parse(json, inputs.length));
  }

  /** Checks an OpenAI-style answer and returns its vectors in input order. */
  private parse(json: unknown, count: number): Float32Array[] {
    const data = (json as { data?: unknown })?.data;
    if (!Array.isArray(data)) throw new AttemptError('answered without a "data" array of embeddings', false);
    if (data.length !== count) throw new AttemptError(`answered ${data.length} embeddings for ${count} inputs`, false);
    const out = new Array<Float32Array | undefined>(count);
    data.forEach((item, position) => {
      const { embedding, index } = (item ?? {}) as { embedding?: unknown; index?: unknown };
      const slot = index === undefined ? position : index;
      if (typeof slot !== "number" || !Number.isInteger(slot) || slot < 0 || slot >= count || out[slot] !== undefined) {
        throw new AttemptError(`data[${position}].index is ${JSON.stringify(index)}; expected each of 0..${count - 1} once`, false);
      }
      if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every((x) => typeof x === "number" && Number.isFinite(x))) {
        throw new AttemptError(`data[${position}].embedding is not an array of finite numbers (was encoding_format base64 forced by a proxy?)`, false);
      }
      if (this.dims === undefined) this.dims = embedding.length;
      if (embedding.length !== this.dims) {
        throw new InvalidArgumentError(
          `embeddings endpoint ${this.endpoint}: model ${this.spec.model} returned ${embedding.length} dimensions, expected ${this.dims}${this.spec.dimensions ? " (the spec's dimensions)" : " (as in its earlier answers)"}`,
        );
      }
      const vector = Float32Array.from(embedding as number[]);
      out[slot] = this.normalized ? normalizeInPlace(vector) : vector;
    });
    return out as Float32Array[];
  }
}
