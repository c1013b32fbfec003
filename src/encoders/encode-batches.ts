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

/** Texts tokenized and sorted together; bounds memory for very large calls. */
const WINDOW_BATCHES = 32;

/**
 * The batching of every local model: the `count` inputs in windows of batchSize x 32, each window tokenized
 * at once (`tokenize(start, end)` returns one row per input), its rows sorted longest first (a text too long
 * for memory fails at once, and the rows of a batch have similar lengths, so they pad little), then
 * `run(batch)` per batch, each row with its input's index; abort checks and progress as forEachBatch.
 */
export async function forEachTokenBatch<R extends { ids: Int32Array }>(
  count: number,
  batchSize: number,
  options: EncodeOptions,
  tokenize: (start: number, end: number) => Promise<R[]>,
  run: (batch: Array<{ index: number; row: R }>) => Promise<void>,
): Promise<void> {
  const window = batchSize * WINDOW_BATCHES;
  for (let offset = 0; offset < count; offset += window) {
    const rows = await tokenize(offset, Math.min(count, offset + window));
    const order = rows.map((_, i) => i).sort((a, b) => rows[b].ids.length - rows[a].ids.length || a - b);
    await forEachBatch(order.length, batchSize, options, async (start, end) => {
      await run(order.slice(start, end).map((i) => ({ index: offset + i, row: rows[i] })));
    }, offset);
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
