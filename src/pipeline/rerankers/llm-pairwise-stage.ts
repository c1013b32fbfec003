/**
 * LLM pairwise reranking (pairwise ranking prompting; src/rerank/llm/pairwise.ts)
 * over any OpenAI-compatible chat endpoint: PRP-Sliding-K (default: the top
 * 10 sorted) or PRP-Allpairs, each pair asked in both orders, with a budget
 * per query; when the budget is spent or the endpoint fails, the order
 * reached so far stands and the explanation says so.
 *
 *   {"type": "llm-pairwise", "endpoint": {"url": "http://localhost:8000/v1", "model": "flan-t5-xl"},
 *    "depth": 30, "method": "sliding", "passes": 10, "budget": {"calls": 600}}
 */
import { z } from "zod";
import { ChatClient, chatEndpointSchema, describeEndpoint } from "../../rerank/llm/chat-client.js";
import { LlmSession } from "../../rerank/llm/llm-session.js";
import { rankPairwise } from "../../rerank/llm/pairwise.js";
import type { Candidate } from "../candidate.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { Stage } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import { candidateTexts, rerankBase } from "./candidate-text.js";
import { llmBudgetSchema } from "./llm-listwise-stage.js";
import { applyHeadOrder } from "./rerank-head.js";

export const llmPairwiseStageSchema = z.strictObject({
  type: z.literal("llm-pairwise"),
  ...rerankBase,
  endpoint: chatEndpointSchema,
  /** "sliding" (default: PRP-Sliding-K) or "allpairs". */
  method: z.enum(["sliding", "allpairs"]).optional(),
  /** Sliding passes: top positions sorted (default 10). */
  passes: z.number().int().min(1).max(1000).optional(),
  /** Ask each pair in both orders to cancel position bias (default true). */
  bothOrders: z.boolean().optional(),
  passageWords: z.number().int().min(1).max(10_000).optional(),
  /** Completion tokens per answer at most (default 20: "Passage A"). */
  maxTokens: z.number().int().min(1).max(100_000).optional(),
  budget: llmBudgetSchema.optional(),
});
export type LlmPairwiseStageConfig = z.infer<typeof llmPairwiseStageSchema>;

export class LlmPairwiseStage implements Stage {
  readonly name: string;
  private readonly depth: number;
  private readonly client: ChatClient;

  constructor(private readonly config: LlmPairwiseStageConfig) {
    this.name = config.name ?? "llm-pairwise";
    this.depth = config.depth ?? 30;
    this.client = new ChatClient(config.endpoint);
  }

  describe(): Record<string, unknown> {
    return { ...this.config, endpoint: describeEndpoint(this.config.endpoint), name: this.name, depth: this.depth, method: this.config.method ?? "sliding" };
  }

  async run(candidates: Candidate[], request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]> {
    const query = request.query?.trim();
    if (!query || candidates.length < 2) return candidates;
    const head = candidates.slice(0, this.depth);
    const texts = await candidateTexts(ctx, head, this.config.fields);
    const session = new LlmSession(this.client, this.config.budget ?? {}, this.config.maxTokens ?? 20, request.signal);
    const { order, report } = await rankPairwise(query, texts, this.config, (m) => session.ask(m));
    const notes = (from: number) => (report.skipped !== null && !report.moved.has(from) ? [`comparisons stopped (${report.skipped}): order reached so far kept`] : []);
    const result = applyHeadOrder(candidates, head.length, order, this.name, notes);
    const detail = `model ${this.client.model}: ${report.comparisons} comparisons (${report.inconsistent} inconsistent, ${report.unreadable} unreadable answers), ${session.summary()}`;
    if (result.length) result[0].trace?.push({ stage: this.name, detail });
    return result;
  }
}
