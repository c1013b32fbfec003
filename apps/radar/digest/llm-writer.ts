/**
 * Summaries and the takeaway written by a language model behind an
 * OpenAI-compatible endpoint (`POST <url>/chat/completions`, as served by
 * OpenAI, llama.cpp's server, vLLM, LM Studio, Ollama's /v1). Configured by
 * `LlmConfig` (the CLI reads RADAR_LLM_URL, RADAR_LLM_MODEL and
 * RADAR_LLM_API_KEY); without it the digest stays extractive and offline.
 *
 * Failure never blocks the digest for long: each request has a timeout
 * (default 20 s) and the whole digest a budget (default 60 s); the first
 * failure (refused connection, timeout, an HTTP error, an answer without
 * text) stops the model's use for this digest, and the caller falls back to
 * the extractive text, saying so in the digest's notes.
 */

export interface LlmConfig {
  /** Base URL, e.g. http://127.0.0.1:1234/v1 ("/chat/completions" is appended). */
  url: string;
  model: string;
  apiKey?: string;
  /** Per-request timeout in ms (default 20,000). */
  timeoutMs?: number;
  /** Budget of one digest's requests in ms (default 60,000). */
  budgetMs?: number;
  /** Requests in flight at once (default 3). */
  concurrency?: number;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export class LlmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LlmError";
  }
}

/** Asks the endpoint for one completion; LlmError on any failure. */
export async function chatCompletion(config: LlmConfig, messages: ChatMessage[], timeoutMs = config.timeoutMs ?? 20_000): Promise<string> {
  const url = `${config.url.replace(/\/+$/, "")}/chat/completions`;
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: config.model, messages, temperature: 0.2, max_tokens: 400, stream: false }),
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : describe(error);
    throw new LlmError(`${url}: ${reason}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new LlmError(`${url}: HTTP ${response.status}, and the answer is not JSON`);
  }
  if (!response.ok) {
    const message = (body as { error?: { message?: unknown } })?.error?.message;
    throw new LlmError(`${url}: HTTP ${response.status}${typeof message === "string" ? ` (${message.slice(0, 200)})` : ""}`);
  }
  const content = (body as { choices?: Array<{ message?: { content?: unknown } }> })?.choices?.[0]?.message?.content;
  if (typeof content !== "string" || content.trim() === "") throw new LlmError(`${url}: the answer has no choices[0].message.content`);
  return content.trim();
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  return cause && typeof cause.code === "string" ? cause.code : error.message;
}

const SYSTEM =
  "You write a weekly research newsletter for busy researchers and engineers. Be accurate and concrete; never invent results. " +
  "Answer with plain text only: no preamble, no markdown, no quotes around the answer.";

export interface LlmPaper {
  title: string;
  abstract: string;
}

/** The messages asking for one paper's summary. */
export function summaryMessages(paper: LlmPaper): ChatMessage[] {
  return [
    { role: "system", content: SYSTEM },
    {
      role: "user",
      content: `Summarize this paper in at most two sentences: what it does and what it finds.\n\nTitle: ${paper.title}\n\nAbstract: ${paper.abstract}`,
    },
  ];
}

/** The messages asking for the week's takeaway over the papers and their summaries. */
export function takeawayMessages(papers: ReadonlyArray<{ title: string; summary: string }>): ChatMessage[] {
  const list = papers.map((p, i) => `${i + 1}. ${p.title}: ${p.summary}`).join("\n");
  return [
    { role: "system", content: SYSTEM },
    { role: "user", content: `These are this week's papers. In at most two sentences, state the week's key takeaway: the common thread across them.\n\n${list}` },
  ];
}

export interface LlmDigestText {
  summaries: string[];
  takeaway: string;
}

/**
 * The model's summaries of `papers` and its takeaway, or LlmError at the
 * first failure (the budget's end counts as one).
 */
export async function writeWithLlm(config: LlmConfig, papers: readonly LlmPaper[]): Promise<LlmDigestText> {
  const deadline = Date.now() + (config.budgetMs ?? 60_000);
  const perRequest = config.timeoutMs ?? 20_000;
  const ask = (messages: ChatMessage[]): Promise<string> => {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.reject(new LlmError(`the digest's LLM budget of ${config.budgetMs ?? 60_000} ms is spent`));
    return chatCompletion(config, messages, Math.min(perRequest, left));
  };
  const summaries = new Array<string>(papers.length);
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < papers.length) {
      const i = next++;
      try {
        summaries[i] = await ask(summaryMessages(papers[i]));
      } catch (error) {
        failed ??= error;
      }
    }
  };
  const workers = Math.max(1, Math.min(config.concurrency ?? 3, papers.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failed !== undefined) throw failed instanceof LlmError ? failed : new LlmError(describe(failed));
  const takeaway = papers.length ? await ask(takeawayMessages(papers.map((p, i) => ({ title: p.title, summary: summaries[i] })))) : "";
  return { summaries, takeaway };
}
