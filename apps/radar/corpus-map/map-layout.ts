/**
 * The corpus map's 2D layout from the papers' embeddings: UMAP (npm
 * `umap-js`, seeded with SeededRandom so a corpus gives the same map every
 * time) keeps neighbourhoods, so a click on a region lists papers on one
 * subject; for fewer than MIN_UMAP_POINTS papers (UMAP's neighbour graph
 * needs more) the two principal axes (PCA). Either way each axis is scaled
 * to [-1, 1]. docs/DECISIONS.md has the reasons and costs.
 */
import { UMAP } from "umap-js";
import { SeededRandom } from "../../../src/core/random.js";
import { symmetricEigen } from "../../../src/recommend/content/truncated-svd.js";

export const MIN_UMAP_POINTS = 16;
const NEIGHBOURS = 15;
/** Optimisation epochs (umap-js's default is 500 below 10k points; 200 gives the same picture at 40% of the cost). */
const EPOCHS = 200;

/** x and y of each of the `n` points (`vectors`: n × d, row-major), each axis in [-1, 1]. */
export function layoutPlane(vectors: Float32Array, n: number, d: number, seed: number): [Float64Array, Float64Array] {
  const plane = n >= MIN_UMAP_POINTS ? umapPlane(vectors, n, d, seed) : pcaPlane(vectors, n, d);
  for (const axis of plane) scaleToUnit(axis);
  return plane;
}

export function umapPlane(vectors: Float32Array, n: number, d: number, seed: number): [Float64Array, Float64Array] {
  const rng = new SeededRandom(seed);
  const rows = Array.from({ length: n }, (_, i) => Array.from(vectors.subarray(i * d, i * d + d)));
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(NEIGHBOURS, n - 1), minDist: 0.1, nEpochs: EPOCHS, random: () => rng.next() });
  const embedding = umap.fit(rows);
  return [Float64Array.from(embedding, (p) => p[0]), Float64Array.from(embedding, (p) => p[1])];
}

/** The points projected on the embeddings' two principal axes (the top eigenvectors of their covariance). */
export function pcaPlane(vectors: Float32Array, n: number, d: number): [Float64Array, Float64Array] {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += vectors[i * d + j] / n;
  const covariance = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = vectors[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) covariance[a * d + b] += row[a] * row[b];
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) covariance[a * d + b] = covariance[b * d + a];
  const { vectors: axes } = symmetricEigen(covariance, d);
  const out: [Float64Array, Float64Array] = [new Float64Array(n), new Float64Array(n)];
  for (let axis = 0; axis < 2; axis++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (vectors[i * d + j] - mean[j]) * axes[j * d + axis];
      out[axis][i] = s;
    }
  }
  return out;
}

/** Maps the values' range onto [-1, 1] (all equal: all 0). */
function scaleToUnit(values: Float64Array): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const half = (hi - lo) / 2;
  for (let i = 0; i < values.length; i++) values[i] = half > 0 ? (values[i] - lo) / half - 1 : 0;
}
