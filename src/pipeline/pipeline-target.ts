/**
 * What a pipeline runs against: a search index, directly or through a
 * collection (which refreshes from the store and holds the records). The
 * pipeline only needs these few calls, so search and recommendation over any
 * index share one machinery.
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { StoredRecord } from "../core/schema.js";
import type { Collection } from "../engine/collection.js";
import type { SearchIndex, SearchOptions, SearchResult, SparseSearchOptions, SparseSearchResult, VectorSearchOptions } from "../engine/search-index.js";
import type { QueryNode } from "../lexical/query-ast.js";
import type { IndexConfig } from "../segment/index-config.js";
import type { FieldEncoders } from "../engine/field-encoders.js";
import type { PipelineContext } from "./pipeline-context.js";

export interface PipelineTarget {
  readonly config: IndexConfig;
  search(query: string | QueryNode, options: SearchOptions): Promise<SearchResult>;
  searchVector(options: VectorSearchOptions): Promise<SearchResult>;
  vectorOf(id: string, field: string): Promise<Float32Array | null>;
  searchSparse(options: SparseSearchOptions): Promise<SparseSearchResult>;
  sparseVectorOf(id: string, field: string): Promise<Record<string, number> | null>;
  /** The stored records (undefined where missing); an index without a store has none. */
  records(ids: readonly string[]): Promise<Array<StoredRecord | undefined>>;
}

/** A bare index: records are whatever `records` returns (default: none). */
export function indexTarget(index: SearchIndex, records?: (ids: readonly string[]) => Promise<Array<StoredRecord | undefined>>): PipelineTarget {
  return {
    get config() {
      return index.config;
    },
    search: async (query, options) => index.search(query, options),
    searchVector: async (options) => index.searchVector(options),
    vectorOf: async (id, field) => index.vectorOf(id, field),
    searchSparse: async (options) => index.searchSparse(options),
    sparseVectorOf: async (id, field) => index.sparseVectorOf(id, field),
    records: records ?? (async (ids) => ids.map(() => undefined)),
  };
}

/** A collection: its refresh-before-search and its store's records. */
export function collectionTarget(collection: Collection): PipelineTarget {
  return {
    get config() {
      return collection.index.config;
    },
    search: (query, options) => collection.searchIndex((index) => index.search(query, options)),
    searchVector: (options) => collection.searchIndex((index) => index.searchVector(options)),
    vectorOf: (id, field) => collection.searchIndex((index) => index.vectorOf(id, field)),
    searchSparse: (options) => collection.searchIndex((index) => index.searchSparse(options)),
    sparseVectorOf: (id, field) => collection.searchIndex((index) => index.sparseVectorOf(id, field)),
    records: (ids) => collection.store.getRecords(collection.name, ids),
  };
}

/** A context over a collection: its index and records, and its vector fields' encoders. */
export function collectionContext(collection: Collection): PipelineContext {
  return { target: collectionTarget(collection), encoder: (field, spec) => collection.encoders.encoderFor(field, spec) };
}

/** A context over a bare index and the encoders of its vector fields. */
export function indexContext(index: SearchIndex, encoders: FieldEncoders): PipelineContext {
  return { target: indexTarget(index), encoder: (field, spec) => encoders.encoderFor(field, spec) };
}

/**
 * No index at all, for pipelines whose retrievers bring their own candidates
 * (an application's in-memory list): every search refuses with `why`.
 */
export function emptyTarget(why: string): PipelineTarget {
  const refuse = async (): Promise<never> => {
    throw new InvalidArgumentError(`this pipeline has no index to search: ${why}`);
  };
  return {
    config: { idField: "id", fields: {}, bm25: { k1: 0.9, b: 0.4 } },
    search: refuse,
    searchVector: refuse,
    vectorOf: async () => null,
    searchSparse: refuse,
    sparseVectorOf: async () => null,
    records: async (ids) => ids.map(() => undefined),
  };
}
