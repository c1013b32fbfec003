/**
 * LLM listwise reranking (RankGPT's sliding window; src/rerank/llm/listwise.ts)
 * over any OpenAI-compatible chat endpoint, with a budget per query. Windows
 * the model could not rank (budget spent, endpoint failing) and ids its
 * answers left out keep their incoming order, and the explanation says so.
 *
 *   {"type": "llm-listwise", "endpoint": {"url": "http://localhost:8000/v1", "model": "qwen2.5-7b-instruct"},
 *    "depth": 100, "window": 20, "step": 10, "budget": {"calls": 10}}
 */
import { z } from "zod";
import { ChatClient, chatEndpointSchema, describeEndpoint } from "../../rerank/llm/chat-client.js";
import { rankListwise } from "../../rerank/llm/listwise.js";
import { LlmSession } from "../../rerank/llm/llm-session.js";
import type { Candidate } from "../candidate.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { Stage } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import { candidateTexts, rerankBase } from "./candidate-text.js";
import { applyHeadOrder } from "./rerank-head.js";

export const llmBudgetSchema = z.strictObject({
  /** Chat calls per query at most. */
  calls: z.number().int().min(0).max(1_000_000).optional(),
  /** Prompt plus completion tokens per query at most (the endpoint's usage, else estimated). */
  tokens: z.number().int().min(0).max(1_000_000_000).optional(),
});

export const llmListwiseStageSchema = z.strictObject({
  type: z.literal("llm-listwise"),
  ...rerankBase,
  endpoint: chatEndpointSchema,
  /** Passages per prompt (default 20). */
  window: z.number().int().min(2).max(200).optional(),
  /** Positions the window moves towards the front each time (default 10). */
  step: z.number().int().min(1).max(200).optional(),
  /** Words kept of each passage (default 300). */
  passageWords: z.number().int().min(1).max(10_000).optional(),
  /** Completion tokens per answer at most (default 300). */
  maxTokens: z.number().int().min(1).max(100_000).optional(),
  budget: llmBudgetSchema.optional(),
}).refine((c) => (c.step ?? 10) < (c.window ?? 20), { message: "step must be smaller than window", path: ["step"] });
export type LlmListwiseStageConfig = z.infer<typeof llmListwiseStageSchema>;

export class LlmListwiseStage implements Stage {
  readonly name: string;
  private readonly depth: number;
  private readonly client: ChatClient;

  constructor(private readonly config: LlmListwiseStageConfig) {
    this.name = config.name ?? "llm-listwise";
    this.depth = config.depth ?? 100;
    this.client = new ChatClient(config.endpoint);
  }

  describe(): Record<string, unknown> {
    return { ...this.config, endpoint: describeEndpoint(this.config.endpoint), name: this.name, depth: this.depth, window: this.config.window ?? 20, step: this.config.step ?? 10 };
  }

  async run(candidates: Candidate[], request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]> {
    const query = request.query?.trim();
    if (!query || candidates.length < 2) return candidates;
    const head = candidates.slice(0, this.depth);
    const texts = await candidateTexts(ctx, head, this.config.fields);
    const session = new LlmSession(this.client, this.config.budget ?? {}, this.config.maxTokens ?? 300, request.signal);
    const { order, windows } = await rankListwise(query, texts, this.config, (m) => session.ask(m));
    // per incoming position: what happened to it in each window
    const notes = head.map(() => [] as string[]);
    for (const w of windows) {
      const label = `window ${w.start + 1}-${w.end}`;
      if (w.skipped !== null) {
        for (const item of w.items) notes[item].push(`${label} not ranked (${w.skipped}): incoming order kept`);
        continue;
      }
      const { unknown, repeated, missing } = w.parsed!;
      const problems = [unknown.length ? `unknown ids ${unknown.join(", ")}` : "", repeated.length ? `repeated ids ${repeated.join(", ")}` : ""].filter(Boolean);
      if (problems.length) for (const item of w.items) notes[item].push(`${label}: the answer had ${problems.join(" and ")} (ignored)`);
      for (const id of missing) notes[w.items[id - 1]].push(`${label}: left out of the answer, kept in incoming order after the ranked ones`);
    }
    const result = applyHeadOrder(candidates, head.length, order, this.name, (from) => notes[from]);
    if (result.length) result[0].trace?.push({ stage: this.name, detail: `model ${this.client.model}: ${session.summary()}` });
    return result;
  }
}
