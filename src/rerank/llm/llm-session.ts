/**
 * One query's conversation budget with the model: calls and tokens spent,
 * the limits (`calls`, `tokens`; either may be absent), and what happened to
 * the calls that did not give an answer. A call is refused before it is made
 * when it would go past a limit (its tokens estimated from the prompt); a
 * call that fails after the client's retries is recorded and answered with
 * the reason, so rankers fall back to the incoming order and say why.
 */
import { TroveError } from "../../core/errors.js";
import { estimateTokens, type ChatClient, type ChatMessage } from "./chat-client.js";

export interface LlmBudget {
  /** Chat calls per query at most. */
  calls?: number;
  /** Prompt plus completion tokens per query at most. */
  tokens?: number;
}

/** An answer, or why there is none. */
export type LlmReply = { content: string } | { skipped: string };

/** Asks the model; rankers take this function so tests and other clients can stand in for it. */
export type AskModel = (messages: ChatMessage[]) => Promise<LlmReply>;

export class LlmSession {
  calls = 0;
  tokens = 0;
  /** Calls refused by the budget. */
  refused = 0;
  /** Calls that failed (endpoint errors after retries), with the first error's message. */
  failed = 0;
  firstFailure: string | null = null;

  constructor(
    private readonly client: ChatClient,
    private readonly budget: LlmBudget,
    private readonly maxTokens: number | undefined,
    private readonly signal?: AbortSignal,
  ) {}

  /** Why the next call with this prompt may not be made, or null when it may. */
  refusal(messages: readonly ChatMessage[]): string | null {
    if (this.budget.calls !== undefined && this.calls >= this.budget.calls) return `the budget of ${this.budget.calls} calls is spent`;
    if (this.budget.tokens !== undefined && this.tokens + estimateTokens(messages) + (this.maxTokens ?? 0) > this.budget.tokens) {
      return `the budget of ${this.budget.tokens} tokens would be passed (${this.tokens} spent)`;
    }
    return null;
  }

  /** The model's answer, or why there is none: the budget refused the call, or the endpoint failed (both recorded). */
  async ask(messages: readonly ChatMessage[]): Promise<LlmReply> {
    const refusal = this.refusal(messages);
    if (refusal !== null) {
      this.refused++;
      return { skipped: refusal };
    }
    this.calls++;
    try {
      const answer = await this.client.complete(messages, { maxTokens: this.maxTokens, signal: this.signal });
      this.tokens += answer.tokens;
      return { content: answer.content };
    } catch (error) {
      if (error instanceof TroveError && error.code === "INTERRUPTED") throw error;
      const message = error instanceof Error ? error.message : String(error);
      this.tokens += estimateTokens(messages);
      this.failed++;
      this.firstFailure ??= message;
      return { skipped: `the call failed: ${message}` };
    }
  }

  /** One line for explanations: calls, tokens, refusals and failures. */
  summary(): string {
    const parts = [`${this.calls} call${this.calls === 1 ? "" : "s"}`, `${this.tokens} tokens`];
    if (this.refused) parts.push(`${this.refused} refused by the budget`);
    if (this.failed) parts.push(`${this.failed} failed (${this.firstFailure})`);
    return parts.join(", ");
  }
}
