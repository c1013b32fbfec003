/**
 * Late-interaction reranking (ColBERT's MaxSim): the query and the top
 * `depth` candidates' texts are encoded into token vectors by a local ONNX
 * model (src/rerank/late-interaction.ts) and each candidate is scored by the
 * sum over query tokens of its best-matching token.
 *
 *   {"type": "late-interaction", "path": "models/colbertv2", "depth": 100}
 */
import { z } from "zod";
import { lateInteractionSpecSchema, maxSim, openLateInteractionModel, type LateInteractionModel } from "../../rerank/late-interaction.js";
import type { Candidate } from "../candidate.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { Stage } from "../pipeline-registry.js";
import type { PipelineRequest } from "../pipeline-request.js";
import { candidateTexts, rerankBase } from "./candidate-text.js";
import { applyHeadScores } from "./rerank-head.js";
import { sharedModel } from "./shared-models.js";

export const lateInteractionStageSchema = lateInteractionSpecSchema.extend({ type: z.literal("late-interaction"), ...rerankBase });
export type LateInteractionStageConfig = z.infer<typeof lateInteractionStageSchema>;

export class LateInteractionStage implements Stage {
  readonly name: string;
  private readonly depth: number;

  constructor(private readonly config: LateInteractionStageConfig) {
    this.name = config.name ?? "late-interaction";
    this.depth = config.depth ?? 100;
  }

  describe(): Record<string, unknown> {
    return { ...this.config, name: this.name, depth: this.depth };
  }

  private model(): Promise<LateInteractionModel> {
    const { type: _type, name: _name, depth: _depth, fields: _fields, ...spec } = this.config;
    return sharedModel("late-interaction", spec, () => openLateInteractionModel(spec), (m) => m.close());
  }

  async run(candidates: Candidate[], request: PipelineRequest, ctx: PipelineContext): Promise<Candidate[]> {
    const query = request.query?.trim();
    if (!query || candidates.length === 0) return candidates;
    const head = candidates.slice(0, this.depth);
    const model = await this.model();
    const [queryVectors] = await model.encodeQueries([query], { signal: request.signal });
    const documents = await model.encodeDocuments(await candidateTexts(ctx, head, this.config.fields), { signal: request.signal });
    const scores = documents.map((d) => maxSim(queryVectors, d));
    return applyHeadScores(candidates, head.length, scores, this.name, (s) => `MaxSim ${s.toPrecision(4)} over ${queryVectors.count} query tokens`);
  }
}
