/**
 * What every encoder does around its model: the prefix for the kind of text
 * (query or document), the walk over batches with an abort check before each
 * one (so a stop never lands mid-request) and a progress call after it.
 */
import { InterruptedError } from "../core/errors.js";
import type { EncodeKind, EncodeOptions } from "./encoder.js";

export interface Prefixes {
  queryPrefix?: string;
  documentPrefix?: string;
}

/** The texts as the model sees them: with the query or document prefix (default kind: document). */
export function prefixedTexts(texts: readonly string[], kind: EncodeKind | undefined, prefixes: Prefixes): string[] {
  const prefix = (kind ?? "document") === "query" ? prefixes.queryPrefix : prefixes.documentPrefix;
  return prefix ? texts.map((text) => prefix + text) : [...texts];
}

/**
 * Calls `run(start, end)` for consecutive slices of `count` items, `batchSize` at a time, checking
 * `options.signal` before each and reporting `options.onProgress(end)` after each.
 */
export async function forEachBatch(
  count: number,
  batchSize: number,
  options: EncodeOptions,
  run: (start: number, end: number) => Promise<void>,
  progressOffset = 0,
): Promise<void> {
  for (let start = 0; start < count; start += batchSize) {
    if (options.signal?.aborted) throw new InterruptedError("encoding interrupted");
    const end = Math.min(count, start + batchSize);
    await run(start, end);
    options.onProgress?.(progressOffset + end);
  }
}

/** Scales `vector` to unit length in place (a zero vector stays zero), as torch's F.normalize does. */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  const norm = Math.max(Math.sqrt(sum), 1e-12);
  for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}
