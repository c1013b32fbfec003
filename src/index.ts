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
export type { SearchOptions, SearchResult, SearchHit, FacetCount, IndexStats, WriterOptions, VectorSearchOptions } from "./engine/search-index.js";
export type { IndexOptions, IndexConfig } from "./segment/index-config.js";
export { QueryDeadline, QueryTimeBudgetError } from "./engine/collectors/query-deadline.js";

// pipelines: retrievers -> fusion -> stages, for search and recommendation
export { Pipeline } from "./pipeline/pipeline.js";
export type { PipelineHit, PipelineResult } from "./pipeline/pipeline.js";
export { PipelineRegistry } from "./pipeline/pipeline-registry.js";
export type { Retriever, Stage } from "./pipeline/pipeline-registry.js";
export { defaultRegistry } from "./pipeline/default-registry.js";
export type { PipelineConfig, FusionConfig } from "./pipeline/pipeline-config.js";
export type { PipelineRequest } from "./pipeline/pipeline-request.js";
export type { PipelineContext } from "./pipeline/pipeline-context.js";
export { indexTarget, collectionTarget, collectionContext, indexContext, emptyTarget } from "./pipeline/pipeline-target.js";
export { marginalRelevanceOrder } from "./pipeline/stages/marginal-relevance.js";
export type { PipelineTarget } from "./pipeline/pipeline-target.js";
export type { Candidate } from "./pipeline/candidate.js";
export { presetPipeline, loadPipelineConfig, PRESET_NAMES } from "./pipeline/presets.js";

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

// Trove's own text encoder (trained on a collection's text)
export * from "./encoders/trained/index.js";
