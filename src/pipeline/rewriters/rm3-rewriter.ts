/**
 * RM3 query expansion (Abdul-Jaleel et al., 2004) with Anserini's defaults:
 * the top fbDocs (10) documents of a first pass give a relevance model of
 * fbTerms (10) terms, interpolated with the query's own terms at
 * originalQueryWeight (0.5); BM25 retrievers then search the expanded,
 * weighted terms (see feedback-models.ts for the arithmetic).
 */
import { z } from "zod";
import { rm3 } from "./feedback-models.js";
import { compileFeedback, documentTermVectors, expandedQuery, feedbackNeeds, feedbackQuery, runFeedback, termFeedbackSettings, type TermFeedbackConfig } from "./term-feedback.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { FieldNeeds, PipelineRegistry, Rewriter } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import type { Pipeline } from "../pipeline.js";

export const rm3RewriterSchema = z.strictObject({
  type: z.literal("rm3"),
  ...termFeedbackSettings,
  fbDocs: z.number().int().min(1).max(1000).optional(),
  fbTerms: z.number().int().min(1).max(1000).optional(),
  originalQueryWeight: z.number().min(0).max(1).optional(),
});
export type Rm3RewriterConfig = z.infer<typeof rm3RewriterSchema>;

export const RM3_DEFAULTS = { fbDocs: 10, fbTerms: 10, originalQueryWeight: 0.5, maxDocFrequency: 0.1, filterTerms: true };

export class Rm3Rewriter implements Rewriter {
  readonly name: string;
  private readonly settings: typeof RM3_DEFAULTS;
  private readonly feedback: Pipeline;

  constructor(
    private readonly config: Rm3RewriterConfig,
    private readonly where: string,
    registry: PipelineRegistry,
  ) {
    this.name = config.name ?? "rm3";
    this.settings = {
      fbDocs: config.fbDocs ?? RM3_DEFAULTS.fbDocs,
      fbTerms: config.fbTerms ?? RM3_DEFAULTS.fbTerms,
      originalQueryWeight: config.originalQueryWeight ?? RM3_DEFAULTS.originalQueryWeight,
      maxDocFrequency: config.maxDocFrequency ?? RM3_DEFAULTS.maxDocFrequency,
      filterTerms: config.filterTerms ?? RM3_DEFAULTS.filterTerms,
    };
    this.feedback = compileFeedback(config as TermFeedbackConfig, this.settings.fbDocs, where, registry);
  }

  describe(): Record<string, unknown> {
    return { ...this.config, name: this.name, ...this.settings, feedback: this.feedback.describe() };
  }

  needs(): FieldNeeds {
    return feedbackNeeds(this.config, this.feedback);
  }

  async rewrite(request: PipelineRequest, ctx: PipelineContext): Promise<PipelineRequest> {
    const query = await feedbackQuery(this.config, request, ctx, this.where);
    if (!query) return request;
    const { fields, terms } = query;
    const top = await runFeedback(this.feedback, request, ctx, this.settings.fbDocs);
    const vectors = await documentTermVectors(top.map((d) => d.id), fields.map((f) => f.field), this.settings, ctx, this.where);
    const weights = rm3(terms, vectors.map((v, i) => ({ terms: v, score: top[i].score })), this.settings);
    return { ...request, expansion: { ...request.expansion, terms: { query: expandedQuery(weights, fields), by: this.name } } };
  }
}
