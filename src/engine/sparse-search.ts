/**
 * Learned-sparse search over one snapshot: each segment's sparse vector field
 * finds its best k documents by inner product with the query (approximately,
 * with Seismic's blocked lists, or exactly; src/sparse), only among live
 * documents that pass the filter, and one heap keeps the best k overall.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { sparseVectorProblem } from "../core/schema.js";
import type { QueryNode } from "../lexical/query-ast.js";
import { sparseVectorFieldNames } from "../segment/index-config.js";
import type { SegmentReader } from "../segment/segment-reader.js";
import { resolveSparseSearchParams, type SparseSearchParams } from "../sparse/sparse-index-params.js";
import { TopKHeap } from "./collectors/top-k-collector.js";
import type { IndexSnapshot } from "./index-snapshot.js";

export interface SparseSearchOptions extends SparseSearchParams {
  /** The sparse vector field to search. */
  field: string;
  /** The query: term -> weight (terms the index lacks are ignored). */
  vector: Readonly<Record<string, number>>;
  /** Number of hits (default 10). */
  k?: number;
  offset?: number;
  /** Non-scoring filter in the query language or as an AST. */
  filter?: string | QueryNode;
}

export interface SparseSearchResult {
  hits: Array<{ id: string; score: number }>;
  /** Live documents passing the filter that have a vector in the field. */
  totalHits: number;
  totalHitsExact: true;
  /** Documents whose score was computed, over all segments. */
  scored: number;
  tookMs: number;
}

export function searchSparseSnapshot(
  snapshot: IndexSnapshot,
  options: SparseSearchOptions,
  filterBits: (segment: SegmentReader) => Uint8Array | null,
): SparseSearchResult {
  const started = performance.now();
  const config = snapshot.config.fields[options.field];
  if (!config || config.type !== "sparse_vector") {
    const names = sparseVectorFieldNames(snapshot.config);
    throw new InvalidArgumentError(`"${options.field}" is not a sparse vector field of this index${names.length ? ` (sparse vector fields: ${names.join(", ")})` : " (it has none)"}`);
  }
  const problem = sparseVectorProblem(options.vector);
  if (problem) throw new InvalidArgumentError(`the sparse query for "${options.field}": ${problem}`);
  const k = options.k ?? 10;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(k) || k < 1 || k > 10_000) throw new InvalidArgumentError(`k must be an integer from 1 to 10000, got ${k}`);
  if (!Number.isInteger(offset) || offset < 0 || offset > 10_000) throw new InvalidArgumentError(`offset must be an integer from 0 to 10000, got ${offset}`);
  const params = resolveSparseSearchParams(options);
  const query = new Map(Object.entries(options.vector).filter(([, w]) => w > 0));
  const heap = new TopKHeap(k + offset);
  let eligibleTotal = 0;
  let scored = 0;
  snapshot.segments.forEach((segment, s) => {
    const field = segment.sparseVectors.get(options.field);
    if (!field || field.count === 0) return;
    const live = segment.liveDocs;
    const filter = filterBits(segment);
    let accept: Uint8Array | null = null;
    let eligible = field.count;
    if (live || filter) {
      accept = new Uint8Array(field.count);
      eligible = 0;
      for (let o = 0; o < field.count; o++) {
        const doc = field.ordToDoc[o];
        if ((live === null || live[doc] === 1) && (filter === null || filter[doc] === 1)) {
          accept[o] = 1;
          eligible++;
        }
      }
    }
    eligibleTotal += eligible;
    if (eligible === 0 || query.size === 0) return;
    const found = field.search(query, k + offset, params, accept);
    scored += found.scored;
    const base = snapshot.bases[s];
    for (let i = 0; i < found.ords.length; i++) heap.offer(found.scores[i], base + field.ordToDoc[found.ords[i]]);
  });
  const hits = heap
    .sorted()
    .slice(offset)
    .map(({ score, doc }) => {
      const [s, local] = snapshot.locate(doc);
      return { id: snapshot.segments[s].idOf(local), score };
    });
  return { hits, totalHits: eligibleTotal, totalHitsExact: true, scored, tookMs: performance.now() - started };
}

/** The stored sparse vector of document `id` (term -> weight as given), or null. */
export function sparseVectorOfSnapshot(snapshot: IndexSnapshot, id: string, field: string): Record<string, number> | null {
  const config = snapshot.config.fields[field];
  if (!config || config.type !== "sparse_vector") throw new InvalidArgumentError(`"${field}" is not a sparse vector field of this index`);
  for (const segment of snapshot.segments) {
    const doc = segment.findDoc(id);
    if (doc >= 0) return segment.sparseVectors.get(field)?.vectorOf(doc) ?? null;
  }
  return null;
}
