/**
 * The second-stage ranking kinds (learned-sparse retrieval and the
 * rerankers), added to a registry in one call so the default registry lists
 * them in one place.
 */
import type { PipelineRegistry } from "../pipeline-registry.js";
import { SparseRetriever, sparseRetrieverSchema } from "../retrievers/sparse-retriever.js";
import { CrossEncoderStage, crossEncoderStageSchema } from "./cross-encoder-stage.js";
import { LateInteractionStage, lateInteractionStageSchema } from "./late-interaction-stage.js";
import { LlmListwiseStage, llmListwiseStageSchema } from "./llm-listwise-stage.js";
import { LlmPairwiseStage, llmPairwiseStageSchema } from "./llm-pairwise-stage.js";

export function withRankingKinds(registry: PipelineRegistry): PipelineRegistry {
  return registry
    .withRetriever("sparse", {
      summary: "learned-sparse retrieval (SPLADE-style) from a sparse vector field: approximate (Seismic) or exact",
      schema: sparseRetrieverSchema,
      create: (c, where) => new SparseRetriever(c, where),
    })
    .withStage("cross-encoder", { summary: "rerank the top with a local ONNX cross-encoder", schema: crossEncoderStageSchema, create: (c) => new CrossEncoderStage(c) })
    .withStage("late-interaction", {
      summary: "rerank the top by ColBERT's MaxSim over the token vectors of a local ONNX model",
      schema: lateInteractionStageSchema,
      create: (c) => new LateInteractionStage(c),
    })
    .withStage("llm-listwise", { summary: "rerank the top with a chat model: RankGPT's sliding window", schema: llmListwiseStageSchema, create: (c) => new LlmListwiseStage(c) })
    .withStage("llm-pairwise", { summary: "rerank the top with a chat model: pairwise ranking prompting", schema: llmPairwiseStageSchema, create: (c) => new LlmPairwiseStage(c) });
}
