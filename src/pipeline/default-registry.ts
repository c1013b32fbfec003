/**
 * The kinds every pipeline may use: query-expansion rewriters (RM3, Rocchio,
 * vector PRF); BM25, proximity (SDM), vector and sparse retrievers; linear,
 * learned-ranking (LambdaMART), MMR and reranking stages.
 */
import { PipelineRegistry } from "./pipeline-registry.js";
import { Bm25Retriever, bm25RetrieverSchema } from "./retrievers/bm25-retriever.js";
import { SdmRetriever, sdmRetrieverSchema } from "./retrievers/sdm-retriever.js";
import { VectorRetriever, vectorRetrieverSchema } from "./retrievers/vector-retriever.js";
import { Rm3Rewriter, rm3RewriterSchema } from "./rewriters/rm3-rewriter.js";
import { RocchioRewriter, rocchioRewriterSchema } from "./rewriters/rocchio-rewriter.js";
import { VectorPrfRewriter, vectorPrfRewriterSchema } from "./rewriters/vector-prf-rewriter.js";
import { LinearStage, linearStageSchema } from "./stages/linear-stage.js";
import { LtrStage, ltrStageSchema } from "./stages/ltr-stage.js";
import { MmrStage, mmrStageSchema } from "./stages/mmr-stage.js";
import { withRankingKinds } from "./rerankers/ranking-kinds.js";

export const defaultRegistry = withRankingKinds(new PipelineRegistry()
  .withRewriter("rm3", { summary: "RM3 query expansion from the top documents of a first pass (Anserini's defaults)", schema: rm3RewriterSchema, create: (c, where, registry) => new Rm3Rewriter(c, where, registry) })
  .withRewriter("rocchio", { summary: "Rocchio query expansion: the query plus the mean term vector of the top documents", schema: rocchioRewriterSchema, create: (c, where, registry) => new RocchioRewriter(c, where, registry) })
  .withRewriter("vector-prf", { summary: "vector feedback: the query vector plus the mean vector of the top documents", schema: vectorPrfRewriterSchema, create: (c, where, registry) => new VectorPrfRewriter(c, where, registry) })
  .withRetriever("bm25", { summary: "BM25 over text fields: the query (or its expansion), or an item's own text", schema: bm25RetrieverSchema, create: (c) => new Bm25Retriever(c) })
  .withRetriever("sdm", { summary: "term proximity: the sequential dependence model over BM25 (terms, ordered and unordered pairs)", schema: sdmRetrieverSchema, create: (c, where) => new SdmRetriever(c, where) })
  .withRetriever("vector", {
    summary: "nearest neighbours in a vector field: an explicit vector, an item's vector, or the query embedded by an encoder",
    schema: vectorRetrieverSchema,
    create: (c, where) => new VectorRetriever(c, where),
  })
  .withStage("linear", { summary: "new score = weighted sum of (normalized) features", schema: linearStageSchema, create: (c) => new LinearStage(c) })
  .withStage("ltr", { summary: "learning to rank: a LambdaMART model over Trove's features, from a file or trained on first use", schema: ltrStageSchema, create: (c, where) => new LtrStage(c, where) })
  .withStage("mmr", { summary: "maximal marginal relevance: re-order the top for diversity", schema: mmrStageSchema, create: (c) => new MmrStage(c) }));
