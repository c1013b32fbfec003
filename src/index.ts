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

// lexical search
export { LexicalIndex } from "./lexical/lexical-index.js";
export type { SearchOptions, SearchResult, SearchHit, FacetCount, IndexStats, WriterOptions } from "./lexical/lexical-index.js";
export type { LexicalIndexOptions, LexicalIndexConfig } from "./lexical/index-config.js";
export { DEFAULT_BM25 } from "./lexical/bm25.js";
export type { Bm25Params } from "./lexical/bm25.js";
export { parseQuery, queryToString } from "./lexical/query-parser.js";
export { validateQueryNode } from "./lexical/query-ast.js";
export type { QueryNode } from "./lexical/query-ast.js";
export type { Explanation } from "./lexical/scorer.js";

// store and collections
export { openStore, SqliteStore } from "./store/index.js";
export type { Store, CollectionInfo, PutOptions, PutResult, Change } from "./store/store.js";
export { Collection } from "./engine/collection.js";

// evaluation
export * from "./eval/index.js";
export { runBeirBm25 } from "./experiments/beir-bm25.js";
export type { BeirBm25Options, BeirBm25Result } from "./experiments/beir-bm25.js";
