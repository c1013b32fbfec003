/**
 * Making scores from different retrievers comparable before a weighted sum:
 * "min-max" maps a list onto [0, 1] (all equal: all 1), "z-score" subtracts
 * the mean and divides by the standard deviation (all equal: all 0), "none"
 * keeps the raw scores. Used by convex fusion and the linear stage.
 */
export type Normalization = "none" | "min-max" | "z-score";

/** Normalized copies of `scores`. */
export function normalizeScores(scores: readonly number[], how: Normalization): number[] {
  if (how === "none" || scores.length === 0) return [...scores];
  if (how === "min-max") {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const range = max - min;
    return scores.map((s) => (range > 0 ? (s - min) / range : 1));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const variance = scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length;
  const std = Math.sqrt(variance);
  return scores.map((s) => (std > 0 ? (s - mean) / std : 0));
}
