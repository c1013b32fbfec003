/**
 * Paper Radar's hybrid ranking: BM25 and the papers' vectors, fused by a
 * convex combination of min-max normalized scores (the engine's fusion,
 * src/pipeline/fusion/fuse.ts), BM25 weighted 0.75 and the vectors 0.25.
 *
 * Why convex and why these weights (docs/DECISIONS.md, "Paper Radar: hybrid
 * search"): Radar's encoder is Trove's own, trained on the papers alone (no
 * judgments). On SciFact, with an encoder trained the same way, the held-out
 * train queries (never the test judgments) chose the convex combination
 * with the encoder at 0.25 over BM25 alone and over reciprocal rank fusion,
 * which weighs the weaker list as much as BM25.
 *
 * Each list is cut at HYBRID_DEPTH, so a request costs one BM25 search of
 * that depth (plus one for pages past it) and one graph search of 100.
 */
import type { CollectionSearchHit } from "../../../src/engine/collection.js";
import type { QueryNode } from "../../../src/lexical/query-ast.js";
import type { Candidate } from "../../../src/pipeline/candidate.js";
import { fuse } from "../../../src/pipeline/fusion/fuse.js";
import type { FusionConfig } from "../../../src/pipeline/pipeline-config.js";
import type { SemanticStatus } from "./paper-embeddings.js";

/** Candidates each side contributes to the fused list: BM25's top 200 and the vector's 100 nearest papers. */
export const HYBRID_DEPTH = { lexical: 200, dense: 100 } as const;

export type HybridDepth = { lexical: number; dense: number };

/** The fusion of Radar's hybrid search and "more like this collection". */
export const HYBRID_FUSION: FusionConfig = { type: "convex", normalization: "min-max", weights: { bm25: 0.75, dense: 0.25 } };

/** What search needs of the papers' vectors (PaperEmbeddings, or a test's own). */
export interface QueryEmbedder {
  /** The papers' vector field. */
  readonly field: string;
  /** Whether the papers have their vectors (else searches stay lexical). */
  readonly ready: boolean;
  /** The text's query vector; null when there is none (not ready, or no known word). */
  embedQuery(text: string, signal?: AbortSignal): Promise<ArrayLike<number> | null>;
  status(): SemanticStatus;
}

/** The fused ranking of BM25's hits and the vector's hits, best first. */
export function fuseHybrid(lexical: ReadonlyArray<Pick<CollectionSearchHit, "id" | "score">>, dense: ReadonlyArray<{ id: string; score: number }>): Candidate[] {
  const list = (name: string, hits: ReadonlyArray<{ id: string; score: number }>): { name: string; candidates: Candidate[] } => ({
    name,
    candidates: hits.map((h, i) => ({ id: h.id, score: h.score, features: { [name]: h.score, [`${name}.rank`]: i + 1 } })),
  });
  return fuse([list("bm25", lexical), list("dense", dense)], HYBRID_FUSION, false);
}

/**
 * The words of a query that the vector should embed: its unfielded words and
 * phrases and those for text fields, never negated ones ("dense -survey"
 * embeds "dense"), nor author, category or date values, nor prefixes. Empty
 * when the query is only such filters (`authors:"Jane Doe"`): then a vector
 * would add papers unrelated to it.
 */
export function semanticText(query: QueryNode, textFields: ReadonlySet<string>): string {
  const words: string[] = [];
  const walk = (node: QueryNode): void => {
    if (node.kind === "term" || node.kind === "phrase") {
      if (node.field === undefined || textFields.has(node.field)) words.push(node.text);
    } else if (node.kind === "bool") {
      for (const child of [...node.must, ...node.should]) walk(child);
    }
  };
  walk(query);
  return words.join(" ").trim();
}
