/**
 * Rocchio query expansion with Anserini's defaults: alpha 1 (the query),
 * beta 0.75 (the mean of the top 10 documents' term vectors, pruned to 10
 * terms) and, when `useNegative` is set, gamma 0.15 times the mean of the
 * bottom 10 documents of a deeper first pass (default 1000 hits). See
 * feedback-models.ts for the arithmetic.
 */
import { z } from "zod";
import { rocchio } from "./feedback-models.js";
import { compileFeedback, documentTermVectors, expandedQuery, feedbackNeeds, feedbackQuery, runFeedback, termFeedbackSettings, type TermFeedbackConfig } from "./term-feedback.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { FieldNeeds, PipelineRegistry, Rewriter } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import type { Pipeline } from "../pipeline.js";

export const rocchioRewriterSchema = z.strictObject({
  type: z.literal("rocchio"),
  ...termFeedbackSettings,
  topFbDocs: z.number().int().min(1).max(1000).optional(),
  topFbTerms: z.number().int().min(1).max(1000).optional(),
  bottomFbDocs: z.number().int().min(1).max(1000).optional(),
  bottomFbTerms: z.number().int().min(1).max(1000).optional(),
  alpha: z.number().min(0).max(100).optional(),
  beta: z.number().min(0).max(100).optional(),
  gamma: z.number().min(0).max(100).optional(),
  /** Subtract the bottom documents of the first pass (default false). */
  useNegative: z.boolean().optional(),
  /** First-pass depth whose tail is the negative feedback (default 1000). */
  negativeDepth: z.number().int().min(1).max(10_000).optional(),
});
export type RocchioRewriterConfig = z.infer<typeof rocchioRewriterSchema>;

export const ROCCHIO_DEFAULTS = {
  topFbDocs: 10,
  topFbTerms: 10,
  bottomFbDocs: 10,
  bottomFbTerms: 10,
  alpha: 1,
  beta: 0.75,
  gamma: 0.15,
  useNegative: false,
  negativeDepth: 1000,
  maxDocFrequency: 0.1,
  filterTerms: false,
};

export class RocchioRewriter implements Rewriter {
  readonly name: string;
  private readonly settings: typeof ROCCHIO_DEFAULTS;
  private readonly feedback: Pipeline;

  constructor(
    private readonly config: RocchioRewriterConfig,
    private readonly where: string,
    registry: PipelineRegistry,
  ) {
    this.name = config.name ?? "rocchio";
    const d = ROCCHIO_DEFAULTS;
    this.settings = {
      topFbDocs: config.topFbDocs ?? d.topFbDocs,
      topFbTerms: config.topFbTerms ?? d.topFbTerms,
      bottomFbDocs: config.bottomFbDocs ?? d.bottomFbDocs,
      bottomFbTerms: config.bottomFbTerms ?? d.bottomFbTerms,
      alpha: config.alpha ?? d.alpha,
      beta: config.beta ?? d.beta,
      gamma: config.gamma ?? d.gamma,
      useNegative: config.useNegative ?? d.useNegative,
      negativeDepth: config.negativeDepth ?? d.negativeDepth,
      maxDocFrequency: config.maxDocFrequency ?? d.maxDocFrequency,
      filterTerms: config.filterTerms ?? d.filterTerms,
    };
    this.feedback = compileFeedback(config as TermFeedbackConfig, this.depth, where, registry);
  }

  private get depth(): number {
    return this.settings.useNegative ? Math.max(this.settings.negativeDepth, this.settings.topFbDocs) : this.settings.topFbDocs;
  }

  describe(): Record<string, unknown> {
    return { ...this.config, name: this.name, ...this.settings, feedback: this.feedback.describe() };
  }

  needs(): FieldNeeds {
    return feedbackNeeds(this.config, this.feedback);
  }

  async rewrite(request: PipelineRequest, ctx: PipelineContext): Promise<PipelineRequest> {
    const s = this.settings;
    const query = await feedbackQuery(this.config, request, ctx, this.where);
    if (!query) return request;
    const { fields, terms } = query;
    const hits = await runFeedback(this.feedback, request, ctx, this.depth);
    const names = fields.map((f) => f.field);
    const top = await documentTermVectors(hits.slice(0, s.topFbDocs).map((d) => d.id), names, s, ctx, this.where);
    const bottomIds = s.useNegative ? hits.slice(Math.max(0, hits.length - s.bottomFbDocs)).reverse().map((d) => d.id) : [];
    const bottom = await documentTermVectors(bottomIds, names, s, ctx, this.where);
    const weights = rocchio(terms, top, bottom, s);
    return { ...request, expansion: { ...request.expansion, terms: { query: expandedQuery(weights, fields), by: this.name } } };
  }
}
