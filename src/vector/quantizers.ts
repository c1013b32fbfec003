/**
 * Parameters of the two quantizations, fitted on the (normalised) float
 * vectors at build time. The codes themselves are written by the kernel
 * (quantizeI8, binarize), which also encodes each query, so index and query
 * codes always come from the same code.
 *
 * int8: one global range [lower, upper] clipped at quantiles of a sample of
 * components (confidence 1 - 1/(d + 1), Lucene's default), mapped to 256 levels.
 * With per-vector corrections the kernel computes the dot product (or squared
 * distance) of the dequantised vectors exactly from int8 products.
 *
 * binary: the centroid of all vectors; a code is the sign of each component
 * after subtracting it, compared by Hamming distance.
 */
import { SeededRandom } from "../core/random.js";
import type { Int8QuantizationMeta } from "./types.js";

/** Vectors sampled to fit the int8 range (as Lucene's 25k-vector sample, smaller: 384-d components are plentiful). */
const INT8_SAMPLE_VECTORS = 10000;

/**
 * Fits the int8 range on `count` vectors of `dim` floats at `floats[offset..]`.
 * Deterministic for a seed.
 */
export function fitInt8Range(floats: Float32Array, offset: number, count: number, dim: number, seed: number): Int8QuantizationMeta {
  const confidence = Math.max(0.9, 1 - 1 / (dim + 1));
  const take = Math.min(count, INT8_SAMPLE_VECTORS);
  const sample = new Float32Array(take * dim);
  if (take === count) {
    sample.set(floats.subarray(offset, offset + count * dim));
  } else {
    // a seeded sample without replacement: the first `take` of a shuffled prefix of indices
    const rng = new SeededRandom(seed ^ 0x51ed270b);
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    for (let i = 0; i < take; i++) {
      const j = i + rng.int(count - i);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let s = 0; s < take; s++) {
      const at = offset + order[s] * dim;
      sample.set(floats.subarray(at, at + dim), s * dim);
    }
  }
  sample.sort();
  const n = sample.length;
  const tail = (1 - confidence) / 2;
  const lower = n ? sample[Math.min(n - 1, Math.floor(n * tail))] : 0;
  const upper = n ? sample[Math.max(0, Math.min(n - 1, Math.ceil(n * (1 - tail)) - 1))] : 0;
  const alpha = upper > lower ? (upper - lower) / 255 : 1;
  return { lower, upper, alpha: Math.fround(alpha), confidence };
}

/** Mean of `count` vectors of `dim` floats at `floats[offset..]`, accumulated in float64. */
export function centroid(floats: Float32Array, offset: number, count: number, dim: number): Float32Array {
  const sum = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    const at = offset + i * dim;
    for (let j = 0; j < dim; j++) sum[j] += floats[at + j];
  }
  const out = new Float32Array(dim);
  if (count > 0) for (let j = 0; j < dim; j++) out[j] = sum[j] / count;
  return out;
}

/** 64-bit words of a binary code of `dim` dimensions. */
export function binaryWords(dim: number): number {
  return Math.ceil(dim / 64);
}
