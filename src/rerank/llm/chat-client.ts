/**
 * A client of an OpenAI-compatible chat endpoint (`POST {url}/chat/completions`:
 * OpenAI, vLLM, llama.cpp's server, Ollama's /v1, LM Studio), with the HTTP
 * conventions of Trove's embeddings client (src/encoders/json-endpoint.ts):
 * the key from the spec or TROVE_LLM_API_KEY, a timeout per attempt, retries
 * with backoff. Each answer reports the tokens it used (the endpoint's
 * `usage`, else an estimate of four characters per token), which rankers
 * count against their budget.
 */
import { z } from "zod";
import { AttemptError, postJson } from "../../encoders/json-endpoint.js";

export const LLM_API_KEY_VARIABLE = "TROVE_LLM_API_KEY";

export const chatEndpointSchema = z.strictObject({
  /** Base URL, e.g. http://localhost:8000/v1 ("/chat/completions" is appended). */
  url: z.url({ protocol: /^https?$/ }),
  model: z.string().min(1),
  /** Sent as a bearer token; may also come from TROVE_LLM_API_KEY. */
  apiKey: z.string().optional(),
  /** Per attempt (default 60000). */
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  /** Retries after 429, 5xx, timeouts and network errors (default 2). */
  retries: z.number().int().min(0).max(20).optional(),
  /** First retry delay; doubles each retry, Retry-After takes precedence (default 500). */
  retryDelayMs: z.number().int().min(0).max(600_000).optional(),
  /** Sampling temperature (default 0: rankings should be repeatable). */
  temperature: z.number().min(0).max(2).optional(),
});
export type ChatEndpoint = z.infer<typeof chatEndpointSchema>;

/** The endpoint as a description may show it: an API key only as "(set)". */
export function describeEndpoint(endpoint: ChatEndpoint): Record<string, unknown> {
  const { apiKey, ...rest } = endpoint;
  return apiKey ? { ...rest, apiKey: "(set)" } : rest;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatAnswer {
  /** The first choice's text ("" when the endpoint gave none). */
  content: string;
  /** Prompt plus completion tokens: the endpoint's `usage`, else estimated. */
  tokens: number;
}

/** Four characters per token: the usual estimate for English text with BPE vocabularies. */
export function estimateTokens(messages: readonly ChatMessage[]): number {
  return Math.ceil(messages.reduce((n, m) => n + m.content.length + 4, 0) / 4);
}

export class ChatClient {
  readonly endpoint: string;
  private readonly apiKey: string | undefined;

  constructor(private readonly spec: ChatEndpoint) {
    this.endpoint = `${spec.url.replace(/\/+$/, "")}/chat/completions`;
    this.apiKey = spec.apiKey ?? (process.env[LLM_API_KEY_VARIABLE] || undefined);
  }

  get model(): string {
    return this.spec.model;
  }

  /** One completion; an UnavailableError when the endpoint fails after its retries. */
  async complete(messages: readonly ChatMessage[], options: { maxTokens?: number; signal?: AbortSignal } = {}): Promise<ChatAnswer> {
    const body: Record<string, unknown> = { model: this.spec.model, messages, temperature: this.spec.temperature ?? 0, stream: false };
    if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
    const endpointOptions = {
      apiKey: this.apiKey,
      keyVariable: LLM_API_KEY_VARIABLE,
      timeoutMs: this.spec.timeoutMs ?? 60_000,
      retries: this.spec.retries ?? 2,
      retryDelayMs: this.spec.retryDelayMs ?? 500,
      what: "chat endpoint",
      signal: options.signal,
    };
    return postJson(this.endpoint, body, endpointOptions, (json) => {
      const answer = json as { choices?: Array<{ message?: { content?: unknown } }>; usage?: { total_tokens?: unknown } };
      if (!Array.isArray(answer?.choices)) throw new AttemptError('answered without a "choices" array', false);
      const content = answer.choices[0]?.message?.content;
      const text = typeof content === "string" ? content : "";
      const total = answer.usage?.total_tokens;
      const tokens = typeof total === "number" && Number.isFinite(total) && total >= 0 ? total : estimateTokens([...messages, { role: "assistant", content: text }]);
      return { content: text, tokens };
    });
  }
}
