/**
 * A weighted sum of features as the new score: score = sum of weight x
 * feature, each feature normalized over the candidate list first (min-max by
 * default). Scorer stages add features; this stage combines them, as a
 * learned or hand-set linear model does. A candidate without a feature counts
 * that feature's lowest normalized value.
 */
import { z } from "zod";
import type { Candidate } from "../candidate.js";
import { note, sortByScore } from "../candidate.js";
import { normalizeScores } from "../fusion/normalization.js";
import type { Stage } from "../pipeline-registry.js";

export const linearStageSchema = z.strictObject({
  type: z.literal("linear"),
  name: z.string().optional(),
  /** Feature name -> weight (negative weights push down). */
  weights: z.record(z.string(), z.number()).refine((w) => Object.keys(w).length > 0, "needs at least one weight"),
  normalization: z.enum(["none", "min-max", "z-score"]).optional(),
  /** Per-feature exceptions to `normalization` (e.g. a feature already on a fixed scale: "none"). */
  featureNormalization: z.record(z.string(), z.enum(["none", "min-max", "z-score"])).optional(),
  /** Also keep each weighted, normalized term as the feature "<name>.<feature>" (what each feature added). */
  contributions: z.boolean().optional(),
});
export type LinearStageConfig = z.infer<typeof linearStageSchema>;

export class LinearStage implements Stage {
  readonly name: string;

  constructor(private readonly config: LinearStageConfig) {
    this.name = config.name ?? "linear";
  }

  describe(): Record<string, unknown> {
    return { ...this.config };
  }

  async run(candidates: Candidate[]): Promise<Candidate[]> {
    const how = this.config.normalization ?? "min-max";
    const totals = new Float64Array(candidates.length);
    for (const [feature, weight] of Object.entries(this.config.weights)) {
      const present = candidates.map((c) => c.features[feature]).filter((v): v is number => v !== undefined);
      const normalized = normalizeScores(present, this.config.featureNormalization?.[feature] ?? how);
      let floor = 0;
      if (normalized.length) {
        floor = Infinity;
        for (const v of normalized) if (v < floor) floor = v;
      }
      let j = 0;
      const contribution = this.config.contributions ? `${this.name}.${feature}` : undefined;
      candidates.forEach((c, i) => {
        const term = weight * (c.features[feature] !== undefined ? normalized[j++] : floor);
        totals[i] += term;
        if (contribution) c.features[contribution] = term;
      });
    }
    candidates.forEach((c, i) => {
      c.score = totals[i];
      note(c, this.name, `weighted sum of ${Object.keys(this.config.weights).join(", ")}`);
    });
    return sortByScore(candidates);
  }
}
