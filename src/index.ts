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
export * from "./lexical/index.js";

// store and collections
export { openStore, SqliteStore } from "./store/index.js";
export type { Store, CollectionInfo, PutOptions, PutResult, Change } from "./store/store.js";
export { Collection } from "./engine/collection.js";

// evaluation
export * from "./eval/index.js";
export { runBeirBm25 } from "./experiments/beir-bm25.js";
export type { BeirBm25Options, BeirBm25Result } from "./experiments/beir-bm25.js";

// Trove's own text encoder (trained on a collection's text)
export * from "./encoders/trained/index.js";
