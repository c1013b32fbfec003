/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): re-orders the top
 * `depth` candidates so that each next one is relevant (its score, min-max
 * normalized over those candidates) and unlike the ones already chosen
 * (cosine similarity of their vectors in `field`):
 *   pick argmax  lambda * relevance - (1 - lambda) * max similarity to the chosen.
 * Scores are kept; only the order changes. Candidates without a vector keep
 * their relevance and count as unlike everything. The selection itself is
 * marginal-relevance.ts, shared with applications' own similarities.
 */
import { z } from "zod";
import type { Candidate } from "../candidate.js";
import { note } from "../candidate.js";
import type { PipelineContext } from "../pipeline-context.js";
import type { FieldNeeds, Stage } from "../pipeline-registry.js";
import { unitVector } from "../vector-math.js";
import { marginalRelevanceOrder } from "./marginal-relevance.js";

export const mmrStageSchema = z.strictObject({
  type: z.literal("mmr"),
  name: z.string().optional(),
  /** Weight of relevance against novelty, 0 to 1 (default 0.7). */
  lambda: z.number().min(0).max(1).optional(),
  /** The vector field that says how alike two candidates are. */
  field: z.string().min(1),
  /** Candidates considered (default 50); the rest follow unchanged. */
  depth: z.number().int().min(1).max(10_000).optional(),
  /** Positions chosen by MMR from those (default: all of them); the others follow in score order. */
  pick: z.number().int().min(1).max(10_000).optional(),
});
export type MmrStageConfig = z.infer<typeof mmrStageSchema>;

export class MmrStage implements Stage {
  readonly name: string;
  private readonly lambda: number;
  private readonly depth: number;
  private readonly pick: number;

  constructor(private readonly config: MmrStageConfig) {
    this.name = config.name ?? "mmr";
    this.lambda = config.lambda ?? 0.7;
    this.depth = config.depth ?? 50;
    this.pick = config.pick ?? this.depth;
  }

  describe(): Record<string, unknown> {
    return { ...this.config, lambda: this.lambda, depth: this.depth, pick: this.pick };
  }

  needs(): FieldNeeds {
    return { vectors: [{ field: this.config.field }] };
  }

  async run(candidates: Candidate[], _request: unknown, ctx: PipelineContext): Promise<Candidate[]> {
    const head = candidates.slice(0, this.depth);
    const vectors = await Promise.all(head.map((c) => ctx.target.vectorOf(c.id, this.config.field)));
    const units = vectors.map((v) => (v ? unitVector(v) : null));
    const cosine = (a: number, b: number): number => {
      const u = units[a];
      const v = units[b];
      if (!u || !v) return 0;
      let dot = 0;
      for (let d = 0; d < u.length; d++) dot += u[d] * v[d];
      return dot;
    };
    const order = marginalRelevanceOrder(
      head.map((c) => c.score),
      cosine,
      { lambda: this.lambda, pick: this.pick },
    );
    const reordered = order.map((i) => head[i]);
    reordered.forEach((c, rank) => {
      if (order[rank] !== rank) note(c, this.name, `moved from rank ${order[rank] + 1} to ${rank + 1} for diversity`);
    });
    return [...reordered, ...candidates.slice(this.depth)];
  }
}
