/**
 * Nearest neighbours in a vector field. The query vector is, in this order:
 * the request's explicit vector, the stored vector of the request's item
 * ("more like this"; the item itself is left out), or the request's text
 * embedded by the field's encoder (kind "query"). A rewriter's vector for
 * the field (vector PRF) comes first, unless the retriever says
 * `"expanded": false`.
 */
import { z } from "zod";
import { parseEncoderSpec } from "../../encoders/encoder-spec.js";
import type { EncoderSpec } from "../../encoders/encoder.js";
import type { Candidate } from "../candidate.js";
import { retrieverBase } from "../pipeline-config.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { FieldNeeds, Retriever } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";

export const vectorRetrieverSchema = z.strictObject({
  type: z.literal("vector"),
  ...retrieverBase,
  /** The vector field to search. */
  field: z.string().min(1),
  /** The encoder for query text (default: the field's; see the context). */
  encoder: z.looseObject({ type: z.string() }).optional(),
  efSearch: z.number().int().min(1).max(100_000).optional(),
  rescore: z.number().min(0).max(1000).optional(),
  exact: z.boolean().optional(),
  /** Search the rewriters' query vector for this field when there is one (default true). */
  expanded: z.boolean().optional(),
});
export type VectorRetrieverConfig = z.infer<typeof vectorRetrieverSchema>;

export class VectorRetriever implements Retriever {
  readonly name: string;
  readonly depth: number;
  private readonly encoderSpec: EncoderSpec | undefined;

  constructor(
    private readonly config: VectorRetrieverConfig,
    where: string,
  ) {
    this.name = config.name ?? "vector";
    this.depth = config.depth ?? 100;
    this.encoderSpec = config.encoder ? parseEncoderSpec(config.encoder, `${where}.encoder`) : undefined;
  }

  describe(): Record<string, unknown> {
    return { ...this.config, name: this.name, depth: this.depth };
  }

  needs(): FieldNeeds {
    return { vectors: [this.encoderSpec ? { field: this.config.field, encoder: this.encoderSpec } : { field: this.config.field }] };
  }

  async retrieve(request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]> {
    const expanded = this.config.expanded !== false ? request.expansion?.vectors?.[this.config.field]?.vector : undefined;
    const vector = expanded ?? (await queryVector(request, ctx, this.config.field, this.encoderSpec));
    if (!vector) return [];
    const skip = request.item !== undefined ? 1 : 0;
    const result = await ctx.target.searchVector({
      field: this.config.field,
      vector,
      k: this.depth + skip,
      filter: request.filter,
      efSearch: this.config.efSearch,
      rescore: this.config.rescore,
      exact: this.config.exact,
    });
    const out: Candidate[] = [];
    for (const hit of result.hits) {
      if (hit.id === request.item) continue;
      if (out.length === this.depth) break;
      out.push({ id: hit.id, score: hit.score, features: { [this.name]: hit.score, [`${this.name}.rank`]: out.length + 1 } });
    }
    return out;
  }
}

/**
 * The query vector a request asks for in `field`: its explicit vector, its
 * item's stored vector, or its text embedded by the field's encoder; null
 * when it gives none.
 */
export async function queryVector(request: PipelineRequest, ctx: PipelineContext, field: string, encoderSpec: EncoderSpec | undefined): Promise<ArrayLike<number> | null> {
  if (request.vector !== undefined) return request.vector;
  if (request.item !== undefined) return ctx.target.vectorOf(request.item, field);
  if (request.query !== undefined && request.query.trim() !== "") {
    const encoder = await ctx.encoder(field, encoderSpec);
    const [vector] = await encoder.encode([request.query], { kind: "query", signal: request.signal });
    return vector;
  }
  return null;
}
