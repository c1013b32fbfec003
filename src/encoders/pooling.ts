/**
 * Pooling of a transformer's token states into one vector per text, as
 * sentence-transformers' Pooling module does. The states come right-padded:
 * row r holds `lengths[r]` real tokens followed by padding, so the attention
 * mask is implied by the lengths.
 *
 *   mean  average of the real tokens' states (the attention-mask weighted mean)
 *   cls   the first token's state
 *   last  the last real token's state (decoder embedding models: Qwen, Mistral-based)
 */
import type { Pooling } from "./encoder.js";

/** Token states of a batch: `data` is [batch, sequenceLength, dimensions] row-major. */
export interface TokenStates {
  data: Float32Array;
  sequenceLength: number;
  dimensions: number;
}

export function poolRow(states: TokenStates, row: number, length: number, pooling: Pooling): Float32Array {
  const { data, sequenceLength, dimensions } = states;
  const base = row * sequenceLength * dimensions;
  const out = new Float32Array(dimensions);
  if (pooling === "mean") {
    if (length === 0) return out;
    const sums = new Float64Array(dimensions);
    for (let t = 0; t < length; t++) {
      const offset = base + t * dimensions;
      for (let d = 0; d < dimensions; d++) sums[d] += data[offset + d];
    }
    for (let d = 0; d < dimensions; d++) out[d] = sums[d] / length;
    return out;
  }
  const token = pooling === "cls" ? 0 : Math.max(0, length - 1);
  out.set(data.subarray(base + token * dimensions, base + (token + 1) * dimensions));
  return out;
}
