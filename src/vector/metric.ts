/**
 * Metrics as the index sees them. Internally every comparison is a distance
 * (lower is better: the negated dot product, or the squared Euclidean
 * distance); callers get scores (higher is better): the dot product (cosine
 * similarity on normalised vectors) or, for l2, 1 / (1 + squared distance),
 * Lucene's convention, which keeps every score in (0, 1].
 */
import type { VectorMetric } from "./types.js";

/** Kinds of space the WebAssembly kernel compares in (src/kernels/assembly/hnsw.ts). */
export const SpaceKind = { F32_DOT: 0, F32_L2: 1, I8_DOT: 2, I8_L2: 3, BITS_DOT: 4, BITS_L2: 5 } as const;
export type SpaceKind = (typeof SpaceKind)[keyof typeof SpaceKind];

export function floatSpace(metric: VectorMetric): SpaceKind {
  return metric === "l2" ? SpaceKind.F32_L2 : SpaceKind.F32_DOT;
}

/** A kernel distance of a float or int8 space turned into the metric's score. */
export function scoreOfDistance(metric: VectorMetric, distance: number): number {
  return metric === "l2" ? 1 / (1 + distance) : -distance;
}

/**
 * Scales `vector` to unit length in place (a zero vector stays zero) and
 * returns it. Cosine indexes do this to every vector at build time and to every
 * query; call it yourself to store normalised vectors.
 */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  if (sum === 0) return vector;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] *= inv;
  return vector;
}
