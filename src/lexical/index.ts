/** The lexical engine's public surface (re-exported by src/index.ts). */
export { DEFAULT_BM25 } from "./bm25.js";
export type { Bm25Params } from "./bm25.js";
export { parseQuery, queryToString, escapeQueryWord } from "./query-parser.js";
export { validateQueryNode } from "./query-ast.js";
export type { QueryNode } from "./query-ast.js";
export type { Explanation } from "./scorer.js";
