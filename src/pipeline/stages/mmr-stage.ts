/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): re-orders the top
 * `depth` candidates so that each next one is relevant (its score, min-max
 * normalized over those candidates) and unlike the ones already chosen
 * (cosine similarity of their vectors in `field`):
 *   pick argmax  lambda * relevance - (1 - lambda) * max similarity to the chosen.
 * Scores are kept; only the order changes. Candidates without a vector keep
 * their relevance and count as unlike everything.
 */
import { z } from "zod";
import type { Candidate } from "../candidate.js";
import { note } from "../candidate.js";
import { normalizeScores } from "../fusion/normalization.js";
import type { PipelineContext } from "../pipeline-context.js";
import { unitVector } from "../vector-math.js";
import type { FieldNeeds, Stage } from "../pipeline-registry.js";

export const mmrStageSchema = z.strictObject({
  type: z.literal("mmr"),
  name: z.string().optional(),
  /** Weight of relevance against novelty, 0 to 1 (default 0.7). */
  lambda: z.number().min(0).max(1).optional(),
  /** The vector field that says how alike two candidates are. */
  field: z.string().min(1),
  /** Candidates re-ordered (default 50); the rest follow unchanged. */
  depth: z.number().int().min(1).max(10_000).optional(),
});
export type MmrStageConfig = z.infer<typeof mmrStageSchema>;

export class MmrStage implements Stage {
  readonly name: string;
  private readonly lambda: number;
  private readonly depth: number;

  constructor(private readonly config: MmrStageConfig) {
    this.name = config.name ?? "mmr";
    this.lambda = config.lambda ?? 0.7;
    this.depth = config.depth ?? 50;
  }

  describe(): Record<string, unknown> {
    return { ...this.config, lambda: this.lambda, depth: this.depth };
  }

  needs(): FieldNeeds {
    return { vectors: [{ field: this.config.field }] };
  }

  async run(candidates: Candidate[], _request: unknown, ctx: PipelineContext): Promise<Candidate[]> {
    const head = candidates.slice(0, this.depth);
    const vectors = await Promise.all(head.map((c) => ctx.target.vectorOf(c.id, this.config.field)));
    const units = vectors.map((v) => (v ? unitVector(v) : null));
    const relevance = normalizeScores(head.map((c) => c.score), "min-max");
    const chosen: number[] = [];
    const maxSim = new Float64Array(head.length).fill(0);
    const taken = new Uint8Array(head.length);
    for (let step = 0; step < head.length; step++) {
      let best = -1;
      let bestValue = -Infinity;
      for (let i = 0; i < head.length; i++) {
        if (taken[i]) continue;
        const value = this.lambda * relevance[i] - (1 - this.lambda) * (chosen.length ? maxSim[i] : 0);
        if (value > bestValue) {
          bestValue = value;
          best = i;
        }
      }
      taken[best] = 1;
      chosen.push(best);
      const u = units[best];
      if (!u) continue;
      for (let i = 0; i < head.length; i++) {
        const v = units[i];
        if (taken[i] || !v) continue;
        let dot = 0;
        for (let d = 0; d < u.length; d++) dot += u[d] * v[d];
        if (dot > maxSim[i]) maxSim[i] = dot;
      }
    }
    const reordered = chosen.map((i) => head[i]);
    reordered.forEach((c, rank) => {
      const from = head.indexOf(c);
      if (from !== rank) note(c, this.name, `moved from rank ${from + 1} to ${rank + 1} for diversity`);
    });
    return [...reordered, ...candidates.slice(this.depth)];
  }
}
