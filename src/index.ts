/**
 * Trove's public API. Everything a library user needs is exported here; other
 * modules are internal and may change.
 */

// errors and schemas
export * from "./core/errors.js";
export { normalizeSchema, validateRecord, parseDateValue } from "./core/schema.js";
export type { CollectionSchema, FieldSpec, FieldType, StoredRecord } from "./core/schema.js";

// text analysis
export * from "./text/index.js";

// search index (segments: text, keyword, number, date fields) and the query language
export * from "./lexical/index.js";
export { SearchIndex } from "./engine/search-index.js";
export type { SearchOptions, SearchResult, SearchHit, FacetCount, IndexStats, WriterOptions } from "./engine/search-index.js";
export type { IndexOptions, IndexConfig } from "./segment/index-config.js";

// store and collections
export { openStore, SqliteStore } from "./store/index.js";
export type { Store, CollectionInfo, PutOptions, PutResult, Change } from "./store/store.js";
export { Collection } from "./engine/collection.js";

// encoders (text to vectors)
export * from "./encoders/index.js";

// evaluation
export * from "./eval/index.js";
export { runBeirBm25 } from "./experiments/beir-bm25.js";
export type { BeirBm25Options, BeirBm25Result } from "./experiments/beir-bm25.js";
