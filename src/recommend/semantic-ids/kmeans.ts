/**
 * Seeded k-means (k-means++ seeding, then Lloyd iterations) for the semantic-ID
 * tokenizers. The point-to-centroid products run in the SIMD matrix kernel
 * (X·Cᵀ through sequence/kernels.ts's gemm over one WebAssembly heap), so a
 * pass over 12k points and 256 centroids of 128 dimensions takes milliseconds.
 *
 * Deterministic: the same points, k and seed give the same centroids (the
 * kernel sums in a fixed order; ties go to the lower centroid index). A
 * cluster that empties is re-seeded with the point farthest from its centroid.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { SeededRandom } from "../../core/random.js";
import { Heap } from "../sequence/heap.js";
import { gemm, transpose } from "../sequence/kernels.js";

export interface KMeansOptions {
  /** Lloyd iterations at most (stops earlier when no point changes cluster). */
  iterations?: number;
  seed?: number;
}

export interface KMeansResult {
  /** k × d, row-major. */
  centroids: Float32Array;
  assignments: Int32Array;
  /** Sum of squared distances of the points to their centroids. */
  inertia: number;
  iterations: number;
}

/** Nearest-centroid search over a fixed set of points, reusing one heap. */
export class NearestCentroids {
  private readonly heap = new Heap(1 << 16);
  private readonly x: number;
  private rows = 0;
  private ct = 0;
  private prod = 0;
  private capacityK = 0;

  constructor(points: Float32Array, readonly n: number, readonly d: number) {
    if (points.length < n * d) throw new InvalidArgumentError(`expected ${n}×${d} points, got ${points.length} values`);
    this.x = this.heap.alloc(n * d);
    this.heap.f32.set(points.subarray(0, n * d), this.x);
  }

  /** Replaces the points (same n × d), e.g. with the next residuals. */
  setPoints(points: Float32Array): void {
    this.heap.f32.set(points.subarray(0, this.n * this.d), this.x);
  }

  /**
   * For every point, the nearest of the k centroids (squared Euclidean) and the
   * squared distance. Writes into `assignments` and `distances`.
   */
  assign(centroids: Float32Array, k: number, assignments: Int32Array, distances: Float64Array): void {
    const { n, d } = this;
    if (k > this.capacityK) {
      this.rows = this.heap.alloc(k * d);
      this.ct = this.heap.alloc(d * k);
      this.prod = this.heap.alloc(n * k);
      this.capacityK = k;
    }
    const cNorm = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += centroids[j * d + t] * centroids[j * d + t];
      cNorm[j] = s;
    }
    const f = this.heap.f32;
    f.set(centroids.subarray(0, k * d), this.rows);
    transpose(f, this.rows, k, d, d, this.ct, k);
    gemm(this.heap, n, k, d, this.x, d, 1, this.ct, k, this.prod, k, false);
    for (let i = 0; i < n; i++) {
      const xo = this.x + i * d;
      let xn = 0;
      for (let t = 0; t < d; t++) xn += f[xo + t] * f[xo + t];
      const po = this.prod + i * k;
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < k; j++) {
        const dist = cNorm[j] - 2 * f[po + j];
        if (dist < bestD) {
          bestD = dist;
          best = j;
        }
      }
      assignments[i] = best;
      distances[i] = Math.max(0, bestD + xn);
    }
  }
}

/** k-means++ seeding and Lloyd iterations over n points of d dimensions (row-major). */
export function kmeans(points: Float32Array, n: number, d: number, k: number, options: KMeansOptions = {}): KMeansResult {
  if (!(Number.isInteger(k) && k >= 1)) throw new InvalidArgumentError(`k-means: k must be a positive integer, got ${k}`);
  if (n === 0) throw new InvalidArgumentError("k-means: no points");
  const iterations = options.iterations ?? 50;
  const rng = new SeededRandom(options.seed ?? 42);
  const centroids = new Float32Array(k * d);
  seedPlusPlus(points, n, d, k, rng, centroids);
  const search = new NearestCentroids(points, n, d);
  const assignments = new Int32Array(n).fill(-1);
  const next = new Int32Array(n);
  const distances = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  let iteration = 0;
  let inertia = 0;
  for (; iteration < Math.max(1, iterations); iteration++) {
    search.assign(centroids, k, next, distances);
    let changed = 0;
    for (let i = 0; i < n; i++) if (next[i] !== assignments[i]) changed++;
    assignments.set(next);
    inertia = 0;
    for (let i = 0; i < n; i++) inertia += distances[i];
    if (changed === 0 || iteration === iterations) break;
    updateCentroids(points, n, d, k, assignments, distances, sums, counts, centroids);
  }
  return { centroids, assignments, inertia, iterations: iteration + 1 };
}

/** Means of the assigned points; an empty cluster takes the point farthest from its centroid. */
function updateCentroids(
  points: Float32Array, n: number, d: number, k: number,
  assignments: Int32Array, distances: Float64Array, sums: Float64Array, counts: Int32Array, centroids: Float32Array,
): void {
  sums.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const j = assignments[i];
    counts[j]++;
    for (let t = 0; t < d; t++) sums[j * d + t] += points[i * d + t];
  }
  let farthest: number[] | undefined;
  for (let j = 0; j < k; j++) {
    if (counts[j] > 0) {
      for (let t = 0; t < d; t++) centroids[j * d + t] = sums[j * d + t] / counts[j];
      continue;
    }
    farthest ??= Array.from({ length: n }, (_, i) => i).sort((a, b) => distances[b] - distances[a] || a - b);
    const i = farthest.shift();
    if (i === undefined) continue;
    distances[i] = 0;
    for (let t = 0; t < d; t++) centroids[j * d + t] = points[i * d + t];
  }
}

/** k-means++ (Arthur & Vassilvitskii 2007): each next centroid drawn with probability ∝ squared distance. */
function seedPlusPlus(points: Float32Array, n: number, d: number, k: number, rng: SeededRandom, centroids: Float32Array): void {
  const nearest = new Float64Array(n).fill(Infinity);
  let chosen = rng.int(n);
  for (let j = 0; j < k; j++) {
    centroids.set(points.subarray(chosen * d, chosen * d + d), j * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const o = i * d;
      const c = chosen * d;
      for (let t = 0; t < d; t++) {
        const diff = points[o + t] - points[c + t];
        s += diff * diff;
      }
      if (s < nearest[i]) nearest[i] = s;
      total += nearest[i];
    }
    if (j + 1 === k) break;
    if (!(total > 0)) {
      // fewer distinct points than clusters: repeat points in order
      chosen = (chosen + 1) % n;
      continue;
    }
    let r = rng.next() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      r -= nearest[i];
      if (r < 0) {
        chosen = i;
        break;
      }
    }
  }
}
