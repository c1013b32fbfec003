/**
 * Exact k-nearest-neighbour search over float vectors: the ground truth that
 * recall is measured against, and what a flat index does. Scores every
 * eligible vector with the same SIMD kernel as the graph search.
 */
import { AnnIndexReader } from "./ann-index-reader.js";
import { resolveAnnParams } from "./params.js";
import { sectionsFromMap } from "./sections.js";
import type { AnnIndexMeta, FloatVectorSource, VectorMetric } from "./types.js";

/** A flat index over `floats` (copied once into kernel memory), searched exactly. */
export class ExactSearcher {
  private readonly reader: AnnIndexReader;

  constructor(floats: FloatVectorSource, metric: VectorMetric) {
    this.reader = AnnIndexReader.open(flatMeta(metric, floats.dimensions, floats.count), sectionsFromMap(new Map()), floats);
  }

  /** The k best eligible vectors (accept: one byte per ordinal, 1 = eligible), best first. */
  search(query: Float32Array, k: number, accept: Uint8Array | null = null): { ords: Int32Array; scores: Float32Array } {
    const { ords, scores } = this.reader.search(query, k, { accept, exact: true });
    return { ords, scores };
  }

  get memoryBytes(): number {
    return this.reader.memoryBytes;
  }

  close(): void {
    this.reader.close();
  }
}

/** One exact search (copies the vectors; use ExactSearcher for many queries). */
export function exactSearch(
  floats: FloatVectorSource,
  metric: VectorMetric,
  query: Float32Array,
  k: number,
  accept: Uint8Array | null = null,
): { ords: Int32Array; scores: Float32Array } {
  const searcher = new ExactSearcher(floats, metric);
  try {
    return searcher.search(query, k, accept);
  } finally {
    searcher.close();
  }
}

/** The meta of an index without a graph or quantization. */
export function flatMeta(metric: VectorMetric, dimensions: number, count: number): AnnIndexMeta {
  return {
    format: 1,
    graph: "flat",
    params: resolveAnnParams({ metric, dimensions }),
    count,
    m0: 0,
    entryPoint: -1,
    topLevel: -1,
    build: { seededNodes: 0, insertedNodes: 0, repairedLists: 0, seconds: 0 },
  };
}
