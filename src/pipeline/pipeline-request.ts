/**
 * One request to a pipeline: a text query, a query vector, an item ("more like
 * this"), a user (recommendation stages read it), or several at once, plus a
 * filter every retriever honours and ids never to return.
 */
import type { AnalyzedQuery } from "../lexical/analyzed-query.js";
import type { QueryNode } from "../lexical/query-ast.js";

/**
 * What rewriters made of the query (pseudo-relevance feedback): retrievers
 * search these instead of the query text unless told otherwise
 * (`"expanded": false`). `by` names the rewriter, for explanations.
 */
export interface QueryExpansion {
  /** Weighted index terms for BM25 retrievers (RM3, Rocchio). */
  terms?: { query: AnalyzedQuery; by: string };
  /** A query vector per vector field (vector PRF). */
  vectors?: Record<string, { vector: Float32Array; by: string }>;
}

export interface PipelineRequest {
  /** Text: the BM25 query and, through the field's encoder, the dense query. */
  query?: string;
  /** An explicit query vector for vector retrievers (skips the encoder). */
  vector?: ArrayLike<number>;
  /** An explicit learned-sparse query (term -> weight) for sparse retrievers (skips the encoder). */
  sparse?: Readonly<Record<string, number>>;
  /** An item id: vector retrievers search with its stored vector, BM25 with its text; the item itself is never returned. */
  item?: string;
  /** A user id, for stages that personalize (registered by applications). */
  user?: string;
  /** Non-scoring filter in the query language (or an AST), applied by every retriever. */
  filter?: string | QueryNode;
  /** Ids never returned. */
  exclude?: readonly string[];
  /** Hits to return (default: the pipeline's k, else 10). */
  k?: number;
  /** Hits to skip (pagination). */
  offset?: number;
  /** Attach each hit's trace through the stages. */
  explain?: boolean;
  /** Aborting stops at the next stage boundary. */
  signal?: AbortSignal;
  /** Set by rewriters; see QueryExpansion. */
  expansion?: QueryExpansion;
  /** Values applications attach for their own stages (e.g. a reader's profile). */
  attributes?: Record<string, unknown>;
}
