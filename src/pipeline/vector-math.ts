/**
 * Small vector helpers for stages that compare a handful of vectors in
 * JavaScript (MMR, vector feedback, dense features); bulk distance
 * computations run in the kernels of src/kernels.
 */
import type { VectorMetric } from "../core/schema.js";

/** `v` scaled to length 1 (a zero vector stays zero). */
export function unitVector(v: ArrayLike<number>): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  return Float32Array.from(v, (x) => x * s);
}

/** Similarity as the index ranks by it: cosine, dot product, or 1 / (1 + squared distance) for l2. */
export function similarity(metric: VectorMetric, a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  let d2 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
    d2 += (a[i] - b[i]) ** 2;
  }
  if (metric === "dot") return dot;
  if (metric === "l2") return 1 / (1 + d2);
  return aa > 0 && bb > 0 ? dot / Math.sqrt(aa * bb) : 0;
}
