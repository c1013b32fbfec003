/**
 * Validation and defaults of the index parameters. Every error names the
 * parameter, the value given and what is accepted.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { VECTOR_METRICS, VECTOR_QUANTIZATIONS, type AnnParams, type ResolvedAnnParams } from "./types.js";

export const DEFAULT_M = 16;
export const DEFAULT_EF_CONSTRUCTION = 100;
export const DEFAULT_SEED = 42;
/**
 * Below this many vectors a segment gets no graph: up to about 4k vectors of 384
 * dimensions an exact scan is as fast as a graph search at recall@10 0.95
 * (docs/vector-search.md, "Flat threshold"), and the graph would cost 0.25 ms
 * per vector to build.
 */
export const DEFAULT_FLAT_THRESHOLD = 4096;
/** dotI8 sums products of at most 128 * 128 in int32: 2^16 dimensions stay exact. */
export const MAX_DIMENSIONS = 65536;

function integerIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`vector index parameter ${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}

export function resolveAnnParams(params: AnnParams): ResolvedAnnParams {
  if (params === null || typeof params !== "object") throw new InvalidArgumentError("vector index parameters must be an object");
  if (!VECTOR_METRICS.includes(params.metric)) {
    throw new InvalidArgumentError(`vector index parameter metric must be one of ${VECTOR_METRICS.join(", ")}, got ${JSON.stringify(params.metric)}`);
  }
  const quantization = params.quantization ?? "none";
  if (!VECTOR_QUANTIZATIONS.includes(quantization)) {
    throw new InvalidArgumentError(`vector index parameter quantization must be one of ${VECTOR_QUANTIZATIONS.join(", ")}, got ${JSON.stringify(quantization)}`);
  }
  const m = integerIn("m", params.m ?? DEFAULT_M, 2, 128);
  return {
    metric: params.metric,
    dimensions: integerIn("dimensions", params.dimensions, 1, MAX_DIMENSIONS),
    m,
    efConstruction: integerIn("efConstruction", params.efConstruction ?? DEFAULT_EF_CONSTRUCTION, 1, 100000),
    quantization,
    seed: integerIn("seed", params.seed ?? DEFAULT_SEED, 0, 0xffffffff),
    flatThreshold: integerIn("flatThreshold", params.flatThreshold ?? DEFAULT_FLAT_THRESHOLD, 0, 0x7fffffff),
  };
}

/** Checks a search's k and options; returns k. */
export function checkSearchArguments(k: number, efSearch: number | undefined, rescore: number | undefined): void {
  integerIn("k", k, 1, 0x7fffffff);
  if (efSearch !== undefined) integerIn("efSearch", efSearch, 1, 0x7fffffff);
  if (rescore !== undefined && (typeof rescore !== "number" || !(rescore >= 0) || !Number.isFinite(rescore))) {
    throw new InvalidArgumentError(`search option rescore must be a number >= 0, got ${JSON.stringify(rescore)}`);
  }
}
