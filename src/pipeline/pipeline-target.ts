/**
 * What a pipeline runs against: a search index, directly or through a
 * collection (which refreshes from the store and holds the records). The
 * pipeline only needs these few calls, so search and recommendation over any
 * index share one machinery.
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { StoredRecord } from "../core/schema.js";
import type { Collection } from "../engine/collection.js";
import type { ScoringOptions, SearchIndex, SearchOptions, SearchQuery, SearchResult, SparseSearchOptions, SparseSearchResult, VectorSearchOptions } from "../engine/search-index.js";
import type { IndexConfig } from "../segment/index-config.js";
import type { FieldEncoders } from "../engine/field-encoders.js";
import type { PipelineContext } from "./pipeline-context.js";

export interface PipelineTarget {
  readonly config: IndexConfig;
  search(query: SearchQuery, options: SearchOptions): Promise<SearchResult>;
  searchVector(options: VectorSearchOptions): Promise<SearchResult>;
  vectorOf(id: string, field: string): Promise<Float32Array | null>;
  searchSparse(options: SparseSearchOptions): Promise<SparseSearchResult>;
  sparseVectorOf(id: string, field: string): Promise<Record<string, number> | null>;
  /** The stored records (undefined where missing); an index without a store has none. */
  records(ids: readonly string[]): Promise<Array<StoredRecord | undefined>>;
  /** Each document's score for `query` as search ranks it (0 where it does not match). */
  scoreDocuments(query: SearchQuery, ids: readonly string[], options: ScoringOptions): Promise<Float64Array>;
  /** Each document's length in a text field as BM25 sees it. */
  fieldLengths(ids: readonly string[], field: string): Promise<Float64Array>;
  /** Each document's value of a number or date field (NaN where none). */
  numericValues(ids: readonly string[], field: string): Promise<Float64Array>;
  /** The terms a text field's analyzer makes of `text`. */
  analyze(field: string, text: string): Promise<Array<{ term: string; position: number }>>;
  /** Documents holding an (analyzed) term in a text field, as BM25 counts them. */
  docFreq(field: string, term: string): Promise<number>;
  /** Live documents. */
  documentCount(): Promise<number>;
}

/** Every call but `records` answered by `read(index)`: the index directly, or through a collection's refresh. */
function targetOver(
  config: () => IndexConfig,
  read: <T>(f: (index: SearchIndex) => T) => Promise<T>,
  records: (ids: readonly string[]) => Promise<Array<StoredRecord | undefined>>,
): PipelineTarget {
  return {
    get config() {
      return config();
    },
    search: (query, options) => read((index) => index.search(query, options)),
    searchVector: (options) => read((index) => index.searchVector(options)),
    vectorOf: (id, field) => read((index) => index.vectorOf(id, field)),
    searchSparse: (options) => read((index) => index.searchSparse(options)),
    sparseVectorOf: (id, field) => read((index) => index.sparseVectorOf(id, field)),
    records,
    scoreDocuments: (query, ids, options) => read((index) => index.scoreDocuments(query, ids, options)),
    fieldLengths: (ids, field) => read((index) => index.fieldLengths(ids, field)),
    numericValues: (ids, field) => read((index) => index.numericValues(ids, field)),
    analyze: (field, text) => read((index) => index.analyze(field, text)),
    docFreq: (field, term) => read((index) => index.docFreq(field, term)),
    documentCount: () => read((index) => index.documentCount),
  };
}

/** A bare index: records are whatever `records` returns (default: none). */
export function indexTarget(index: SearchIndex, records?: (ids: readonly string[]) => Promise<Array<StoredRecord | undefined>>): PipelineTarget {
  return targetOver(
    () => index.config,
    async (f) => f(index),
    records ?? (async (ids) => ids.map(() => undefined)),
  );
}

/** A collection: its refresh-before-search and its store's records. */
export function collectionTarget(collection: Collection): PipelineTarget {
  return targetOver(
    () => collection.index.config,
    (f) => collection.searchIndex(f),
    (ids) => collection.store.getRecords(collection.name, ids),
  );
}

/** A context over a collection: its index and records, and its vector fields' encoders. */
export function collectionContext(collection: Collection): PipelineContext {
  return { target: collectionTarget(collection), encoder: (field, spec) => collection.encoders.encoderFor(field, spec) };
}

/** A context over a bare index and the encoders of its vector fields (and its records, when the caller has them). */
export function indexContext(index: SearchIndex, encoders: FieldEncoders, records?: (ids: readonly string[]) => Promise<Array<StoredRecord | undefined>>): PipelineContext {
  return { target: indexTarget(index, records), encoder: (field, spec) => encoders.encoderFor(field, spec) };
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
    scoreDocuments: refuse,
    fieldLengths: refuse,
    numericValues: refuse,
    analyze: refuse,
    docFreq: refuse,
    documentCount: async () => 0,
  };
}
