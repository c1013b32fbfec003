/**
 * Cross-encoder reranking: the top `depth` candidates are scored by a local
 * ONNX cross-encoder reading the query and each candidate's text together
 * (src/rerank/cross-encoder.ts), and ordered by that score.
 *
 *   {"type": "cross-encoder", "path": "models/ms-marco-MiniLM-L-6-v2", "depth": 100, "fields": ["title", "text"]}
 */
import { z } from "zod";
import { crossEncoderSpecSchema, openCrossEncoder, type CrossEncoder } from "../../rerank/cross-encoder.js";
import type { Candidate } from "../candidate.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { Stage } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import { candidateTexts, rerankBase } from "./candidate-text.js";
import { applyHeadScores } from "./rerank-head.js";
import { sharedModel } from "./shared-models.js";

export const crossEncoderStageSchema = crossEncoderSpecSchema.extend({ type: z.literal("cross-encoder"), ...rerankBase });
export type CrossEncoderStageConfig = z.infer<typeof crossEncoderStageSchema>;

export class CrossEncoderStage implements Stage {
  readonly name: string;
  private readonly depth: number;

  constructor(private readonly config: CrossEncoderStageConfig) {
    this.name = config.name ?? "cross-encoder";
    this.depth = config.depth ?? 100;
  }

  describe(): Record<string, unknown> {
    return { ...this.config, name: this.name, depth: this.depth };
  }

  private model(): Promise<CrossEncoder> {
    const { type: _type, name: _name, depth: _depth, fields: _fields, ...spec } = this.config;
    return sharedModel("cross-encoder", spec, () => openCrossEncoder(spec), (m) => m.close());
  }

  async run(candidates: Candidate[], request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]> {
    const query = request.query?.trim();
    if (!query || candidates.length === 0) return candidates;
    const head = candidates.slice(0, this.depth);
    const texts = await candidateTexts(ctx, head, this.config.fields);
    const scores = await (await this.model()).score(query, texts, { signal: request.signal });
    return applyHeadScores(candidates, head.length, scores, this.name, (s) => `cross-encoder score ${s.toPrecision(4)}`);
  }
}
