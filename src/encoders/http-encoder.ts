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
import type { EncodeOptions, Encoder, HttpEncoderSpec } from "./encoder.js";
import { forEachBatch, normalizeInPlace, prefixedTexts } from "./encode-batches.js";

const DEFAULT_BATCH_SIZE = 32;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_RETRIES = 4;
const DEFAULT_RETRY_DELAY_MS = 500;
/** No single wait is longer than this, whatever Retry-After says. */
const MAX_RETRY_DELAY_MS = 60_000;
export const API_KEY_VARIABLE = "TROVE_EMBEDDINGS_API_KEY";

export async function openHttpEncoder(spec: HttpEncoderSpec): Promise<HttpEncoder> {
  return new HttpEncoder(spec);
}

/** A failed attempt: `retry` says whether another attempt may succeed. */
class AttemptError extends Error {
  constructor(message: string, readonly retry: boolean, readonly retryAfterMs?: number) {
    super(message);
  }
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
    const retries = this.spec.retries ?? DEFAULT_RETRIES;
    const baseDelay = this.spec.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return this.parse(await this.post(inputs), inputs.length);
      } catch (error) {
        if (!(error instanceof AttemptError)) throw error;
        if (!error.retry || attempt >= retries) {
          const tries = attempt + 1;
          throw new UnavailableError(`embeddings endpoint ${this.endpoint}: ${error.message}${tries > 1 ? ` (after ${tries} attempts)` : ""}`);
        }
        const delay = Math.min(MAX_RETRY_DELAY_MS, error.retryAfterMs ?? baseDelay * 2 ** attempt);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async post(inputs: string[]): Promise<unknown> {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const timeoutMs = this.spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let response: Response;
    let body: string;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: this.spec.model, input: inputs }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      if (e.name === "TimeoutError") throw new AttemptError(`no answer within ${timeoutMs} ms`, true);
      throw new AttemptError(`cannot be reached: ${e.cause?.code ?? e.cause?.message ?? e.message}`, true);
    }
    if (!response.ok) {
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
      const detail = errorMessage(body);
      const retry = response.status === 429 || response.status >= 500;
      const hint = response.status === 401 || response.status === 403 ? ` (check the API key: spec apiKey or ${API_KEY_VARIABLE})` : "";
      throw new AttemptError(`${status}${detail ? `: ${detail}` : ""}${hint}`, retry, retryAfterMs(response.headers.get("retry-after")));
    }
    try {
      return JSON.parse(body);
    } catch {
      throw new AttemptError(`answered with something that is not JSON: ${JSON.stringify(body.slice(0, 120))}`, false);
    }
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

/** The error text of an OpenAI ({error: {message}}), TEI ({error}) or Ollama ({error}) answer, else the body's start. */
function errorMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = json.error;
    if (typeof error === "string") return error;
    if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") return (error as { message: string }).message;
    if (typeof json.message === "string") return json.message;
    if (typeof json.detail === "string") return json.detail;
  } catch {
    // not JSON: fall through
  }
  return body.trim().slice(0, 200);
}

/** Retry-After as seconds or an HTTP date. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
