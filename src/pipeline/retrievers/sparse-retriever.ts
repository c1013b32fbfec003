/**
 * Learned-sparse retrieval from a sparse vector field (src/sparse): top-k by
 * inner product, approximate (Seismic's blocked lists; `queryCut`,
 * `heapFactor`) or `exact`. The query vector is, in this order: the request's
 * explicit sparse vector, the stored vector of the request's item ("more
 * like this"; the item itself is left out), or the request's text encoded by
 * the retriever's `encoder` (a SPLADE model folder, or an inference-free
 * token weight table). `documentEncoder` names the model that fills the
 * field where Trove fills it (BEIR evaluations; default: `encoder`).
 *
 *   {"type": "sparse", "field": "splade", "depth": 100,
 *    "encoder": {"type": "splade", "path": "models/splade-v3"}}
 */
import { z } from "zod";
import { InvalidArgumentError } from "../../core/errors.js";
import { openSparseEncoder, parseSparseEncoderSpec, type SparseEncoder, type SparseEncoderSpec } from "../../sparse/sparse-encoder.js";
import type { Candidate } from "../candidate.js";
import { retrieverBase } from "../pipeline-config.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { Retriever } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import { sharedModel } from "../rerankers/shared-models.js";

export const sparseRetrieverSchema = z.strictObject({
  type: z.literal("sparse"),
  ...retrieverBase,
  /** The sparse vector field to search. */
  field: z.string().min(1),
  /** Encodes query text (a {"type": "splade"} or {"type": "term-weights"} spec). */
  encoder: z.looseObject({ type: z.string() }).optional(),
  /** Encodes documents where Trove fills the field (default: encoder). */
  documentEncoder: z.looseObject({ type: z.string() }).optional(),
  /** Score every posting of every query term (default false: Seismic's approximate search). */
  exact: z.boolean().optional(),
  /** Query terms (heaviest first) whose lists are visited (default 10). */
  queryCut: z.number().int().min(1).max(100_000).optional(),
  /** Skip a block when its summary scores below heapFactor x the k-th best (default 0.8). */
  heapFactor: z.number().gt(0).max(10).optional(),
  sortFirstList: z.boolean().optional(),
});
export type SparseRetrieverConfig = z.infer<typeof sparseRetrieverSchema>;

export class SparseRetriever implements Retriever {
  readonly name: string;
  readonly depth: number;
  readonly encoderSpec: SparseEncoderSpec | undefined;
  readonly documentEncoderSpec: SparseEncoderSpec | undefined;

  constructor(
    private readonly config: SparseRetrieverConfig,
    where: string,
  ) {
    this.name = config.name ?? "sparse";
    this.depth = config.depth ?? 100;
    this.encoderSpec = config.encoder ? parseSparseEncoderSpec(config.encoder, `${where}.encoder`) : undefined;
    this.documentEncoderSpec = config.documentEncoder ? parseSparseEncoderSpec(config.documentEncoder, `${where}.documentEncoder`) : this.encoderSpec;
  }

  describe(): Record<string, unknown> {
    return { ...this.config, name: this.name, depth: this.depth };
  }

  private encoder(): Promise<SparseEncoder> {
    const spec = this.encoderSpec!;
    return sharedModel("sparse-encoder", spec, () => openSparseEncoder(spec), (e) => e.close());
  }

  /** The query vector this request asks for, or null when it gives none. */
  async queryVector(request: PipelineRequest, ctx: PipelineContext): Promise<Readonly<Record<string, number>> | null> {
    if (request.sparse !== undefined) return request.sparse;
    if (request.item !== undefined) return ctx.target.sparseVectorOf(request.item, this.config.field);
    const text = request.query?.trim();
    if (!text) return null;
    if (!this.encoderSpec) {
      throw new InvalidArgumentError(`sparse retriever "${this.name}" got a text query but has no "encoder" to encode it (give {"type": "splade", "path": ...} or {"type": "term-weights", "path": ...}, or send a sparse query vector)`);
    }
    const [vector] = await (await this.encoder()).encode([text], { kind: "query", signal: request.signal });
    return vector;
  }

  async retrieve(request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]> {
    const vector = await this.queryVector(request, ctx);
    if (!vector || Object.keys(vector).length === 0) return [];
    const skip = request.item !== undefined ? 1 : 0;
    const { exact, queryCut, heapFactor, sortFirstList } = this.config;
    const result = await ctx.target.searchSparse({ field: this.config.field, vector, k: this.depth + skip, filter: request.filter, exact, queryCut, heapFactor, sortFirstList });
    const out: Candidate[] = [];
    for (const hit of result.hits) {
      if (hit.id === request.item) continue;
      if (out.length === this.depth) break;
      out.push({ id: hit.id, score: hit.score, features: { [this.name]: hit.score, [`${this.name}.rank`]: out.length + 1 } });
    }
    return out;
  }
}
