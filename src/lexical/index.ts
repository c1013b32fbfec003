/** The lexical engine's public surface (re-exported by src/index.ts). */
export { LexicalIndex } from "./lexical-index.js";
export type { SearchOptions, SearchResult, SearchHit, FacetCount, IndexStats, WriterOptions } from "./lexical-index.js";
export type { LexicalIndexOptions, LexicalIndexConfig } from "./index-config.js";
export { DEFAULT_BM25 } from "./bm25.js";
export type { Bm25Params } from "./bm25.js";
export { parseQuery, queryToString, escapeQueryWord } from "./query-parser.js";
export { validateQueryNode } from "./query-ast.js";
export type { QueryNode } from "./query-ast.js";
export type { Explanation } from "./scorer.js";
