/** The kinds every pipeline may use: BM25, vector and sparse retrievers; linear, MMR and reranking stages. */
import { PipelineRegistry } from "./pipeline-registry.js";
import { Bm25Retriever, bm25RetrieverSchema } from "./retrievers/bm25-retriever.js";
import { VectorRetriever, vectorRetrieverSchema } from "./retrievers/vector-retriever.js";
import { LinearStage, linearStageSchema } from "./stages/linear-stage.js";
import { MmrStage, mmrStageSchema } from "./stages/mmr-stage.js";
import { withRankingKinds } from "./rerankers/ranking-kinds.js";

export const defaultRegistry = withRankingKinds(new PipelineRegistry()
  .withRetriever("bm25", { summary: "BM25 over text fields: the query, or an item's own text", schema: bm25RetrieverSchema, create: (c) => new Bm25Retriever(c) })
  .withRetriever("vector", {
    summary: "nearest neighbours in a vector field: an explicit vector, an item's vector, or the query embedded by an encoder",
    schema: vectorRetrieverSchema,
    create: (c, where) => new VectorRetriever(c, where),
  })
  .withStage("linear", { summary: "new score = weighted sum of (normalized) features", schema: linearStageSchema, create: (c) => new LinearStage(c) })
  .withStage("mmr", { summary: "maximal marginal relevance: re-order the top for diversity", schema: mmrStageSchema, create: (c) => new MmrStage(c) }));
