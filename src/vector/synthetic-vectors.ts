/**
 * Seeded synthetic embeddings for tests and benchmarks: clustered vectors of
 * low intrinsic dimension, as text embeddings are. Each vector is a cluster
 * centre plus a point of that cluster's own low-rank subspace plus a little
 * isotropic noise:
 *
 *   x = c_k + B_k z + sigma e,   z ~ N(0, I_rank), e ~ N(0, I_d)
 *
 * with centres of norm ~1, subspace spread of norm ~`spread` and noise of
 * norm ~`noise`. The same options and seed always give the same vectors, and
 * `offset` lets a caller generate row ranges of one large set independently
 * (row i depends only on the seed and i).
 */
import { SeededRandom, mix32 } from "../core/random.js";

export interface ClusteredVectorOptions {
  dimensions: number;
  /** Number of clusters (default 1000). */
  clusters?: number;
  /** Rank of each cluster's subspace (default 12). */
  rank?: number;
  /** Norm of the in-cluster spread relative to the centres' (default 0.8). */
  spread?: number;
  /** Norm of the isotropic noise (default 0.3). */
  noise?: number;
  seed?: number;
}

/** The shared part of a clustered set: centres and subspace bases. */
export class ClusteredVectors {
  readonly dimensions: number;
  private readonly clusters: number;
  private readonly rank: number;
  private readonly centres: Float32Array;
  private readonly bases: Float32Array;
  private readonly noise: number;
  private readonly seed: number;

  constructor(options: ClusteredVectorOptions) {
    const d = options.dimensions;
    this.dimensions = d;
    this.clusters = options.clusters ?? 1000;
    this.rank = options.rank ?? 12;
    this.seed = options.seed ?? 1;
    this.noise = (options.noise ?? 0.3) / Math.sqrt(d);
    const spread = (options.spread ?? 0.8) / Math.sqrt(this.rank);
    const rng = new SeededRandom(this.seed);
    this.centres = new Float32Array(this.clusters * d);
    for (let i = 0; i < this.centres.length; i++) this.centres[i] = rng.normal() / Math.sqrt(d);
    this.bases = new Float32Array(this.clusters * this.rank * d);
    for (let i = 0; i < this.bases.length; i++) this.bases[i] = (rng.normal() * spread) / Math.sqrt(d);
  }

  /** Rows [first, first + n) of the stream named `stream` (e.g. 0 = corpus, 1 = queries). */
  rows(first: number, n: number, stream = 0, out = new Float32Array(n * this.dimensions)): Float32Array {
    const { dimensions: d, rank } = this;
    const z = new Float64Array(rank);
    for (let r = 0; r < n; r++) {
      const rng = new SeededRandom(mix32((this.seed * 0x9e3779b1) ^ mix32(first + r) ^ Math.imul(stream + 1, 0x85ebca6b)));
      const k = rng.int(this.clusters);
      for (let j = 0; j < rank; j++) z[j] = rng.normal();
      const row = out.subarray(r * d, (r + 1) * d);
      const centre = this.centres.subarray(k * d, (k + 1) * d);
      for (let i = 0; i < d; i++) row[i] = centre[i] + rng.normal() * this.noise;
      for (let j = 0; j < rank; j++) {
        const b = this.bases.subarray((k * rank + j) * d, (k * rank + j + 1) * d);
        const zj = z[j];
        for (let i = 0; i < d; i++) row[i] += zj * b[i];
      }
    }
    return out;
  }
}

/** `count` clustered vectors of `dimensions` (row-major). */
export function clusteredVectors(count: number, options: ClusteredVectorOptions, stream = 0): Float32Array {
  return new ClusteredVectors(options).rows(0, count, stream);
}
