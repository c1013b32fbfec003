/**
 * Vector pseudo-relevance feedback (Rocchio on dense vectors, as Li et al.
 * 2021 apply it to dense retrievers): the query vector of `field` plus the
 * mean of the top fbDocs documents' vectors,
 *   q' = queryWeight q + feedbackWeight mean(d),
 * with q and each d scaled to unit length first when the field compares by
 * cosine. Vector retrievers on the field then search q'.
 */
import { z } from "zod";
import { parseEncoderSpec } from "../../encoders/encoder-spec.js";
import type { EncoderSpec } from "../../encoders/encoder.js";
import { InvalidArgumentError } from "../../core/errors.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { FieldNeeds, PipelineRegistry, Rewriter } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import { Pipeline } from "../pipeline.js";
import { queryVector } from "../retrievers/vector-retriever.js";
import { runFeedback } from "./term-feedback.js";
import { unitVector } from "../vector-math.js";

export const vectorPrfRewriterSchema = z.strictObject({
  type: z.literal("vector-prf"),
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/).optional(),
  /** The vector field whose query vector moves. */
  field: z.string().min(1),
  /** Feedback documents (default 3). */
  fbDocs: z.number().int().min(1).max(1000).optional(),
  /** Weight of the query's own vector (default 1). */
  queryWeight: z.number().min(0).max(100).optional(),
  /** Weight of the feedback documents' mean (default 1). */
  feedbackWeight: z.number().min(0).max(100).optional(),
  /** The encoder for query text (default: the field's). */
  encoder: z.looseObject({ type: z.string() }).optional(),
  /** The first pass whose top documents are the feedback: a pipeline (default: the vector field's nearest neighbours). */
  feedback: z.record(z.string(), z.unknown()).optional(),
});
export type VectorPrfRewriterConfig = z.infer<typeof vectorPrfRewriterSchema>;

export class VectorPrfRewriter implements Rewriter {
  readonly name: string;
  private readonly fbDocs: number;
  private readonly queryWeight: number;
  private readonly feedbackWeight: number;
  private readonly encoderSpec: EncoderSpec | undefined;
  private readonly feedback: Pipeline;

  constructor(
    private readonly config: VectorPrfRewriterConfig,
    private readonly where: string,
    registry: PipelineRegistry,
  ) {
    this.name = config.name ?? "vector-prf";
    this.fbDocs = config.fbDocs ?? 3;
    this.queryWeight = config.queryWeight ?? 1;
    this.feedbackWeight = config.feedbackWeight ?? 1;
    this.encoderSpec = config.encoder ? parseEncoderSpec(config.encoder, `${where}.encoder`) : undefined;
    const feedback = config.feedback ?? { retrievers: [{ type: "vector", field: config.field, depth: this.fbDocs, encoder: config.encoder, expanded: false }] };
    this.feedback = Pipeline.compile(feedback, registry, `${where}.feedback`);
  }

  describe(): Record<string, unknown> {
    return { ...this.config, name: this.name, fbDocs: this.fbDocs, queryWeight: this.queryWeight, feedbackWeight: this.feedbackWeight, feedback: this.feedback.describe() };
  }

  needs(): FieldNeeds {
    const feedback = this.feedback.needs();
    return { text: feedback.text, vectors: [this.encoderSpec ? { field: this.config.field, encoder: this.encoderSpec } : { field: this.config.field }, ...feedback.vectors] };
  }

  async rewrite(request: PipelineRequest, ctx: PipelineContext): Promise<PipelineRequest> {
    const fieldConfig = ctx.target.config.fields[this.config.field];
    if (!fieldConfig || fieldConfig.type !== "vector") throw new InvalidArgumentError(`${this.where}: "${this.config.field}" is not a vector field of the index`);
    const query = request.expansion?.vectors?.[this.config.field]?.vector ?? (await queryVector(request, ctx, this.config.field, this.encoderSpec));
    if (!query) return request;
    const cosine = fieldConfig.metric === "cosine";
    const top = await runFeedback(this.feedback, request, ctx, this.fbDocs);
    const vectors = (await Promise.all(top.map((d) => ctx.target.vectorOf(d.id, this.config.field)))).filter((v): v is Float32Array => v !== null);
    const moved = new Float32Array(query.length);
    const q = cosine ? unitVector(query) : Float32Array.from(query);
    for (let i = 0; i < moved.length; i++) moved[i] = this.queryWeight * q[i];
    for (const v of vectors) {
      const d = cosine ? unitVector(v) : v;
      const w = this.feedbackWeight / vectors.length;
      for (let i = 0; i < moved.length; i++) moved[i] += w * d[i];
    }
    return { ...request, expansion: { ...request.expansion, vectors: { ...request.expansion?.vectors, [this.config.field]: { vector: moved, by: this.name } } } };
  }
}
