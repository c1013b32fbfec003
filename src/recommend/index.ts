/**
 * Public API of the recommendation core: interaction data and importers,
 * splits, the ranking protocol and metrics, and the recommenders behind one
 * interface, SASRec among them (the sequence module's own API is exported too).
 */
export { IdDictionary, InteractionBuilder, InteractionData, DEFAULT_KIND, DEFAULT_KIND_WEIGHTS } from "./interactions.js";
export type { InteractionColumns, InteractionDataOptions, InteractionRecord, UserSequences } from "./interactions.js";
export { csrFromCoordinates, csrTranspose, csrRow, csrRowData, csrFind, csrNnz } from "./csr.js";
export type { CsrMatrix } from "./csr.js";
export { SeededRandom } from "../core/random.js";
export { topK, TopKSelector } from "./top-k.js";
export type { ScoredItems } from "./top-k.js";

export { InteractionStore, INTERACTION_STORE_SCHEMA, DEFAULT_INTERACTIONS_COLLECTION, eventsOf } from "./interaction-store.js";
export type { AppendResult } from "./interaction-store.js";
export { loadInteractions, detectInteractionFormat, INTERACTION_FORMATS } from "./io/load.js";
export type { InteractionFormat, LoadInteractionsOptions } from "./io/load.js";
export { readSequenceFile } from "./io/sequence-file.js";
export { readMovieLens } from "./io/movielens.js";
export { readRecBoleInter } from "./io/recbole.js";
export type { RecBoleOptions } from "./io/recbole.js";
export { readInteractionsCsv, readInteractionsJsonl, parseCsvLine } from "./io/tabular.js";
export type { ColumnMapping, TabularOptions } from "./io/tabular.js";

export {
  leaveOneOutSplit,
  globalTemporalSplit,
  userTemporalSplit,
  randomHoldoutSplit,
  splitInteractions,
} from "./eval/splits.js";
export type { Split, SplitOptions, SplitStrategy, LeaveOneOutOptions, GlobalTemporalOptions, TemporalFractionOptions, RandomHoldoutOptions } from "./eval/splits.js";
export { evaluateRanking, evaluateSplit, DEFAULT_KS } from "./eval/protocol.js";
export type { CandidateSet, RankingEvaluation, RankingEvaluationOptions } from "./eval/protocol.js";
export {
  catalogCoverage,
  giniIndex,
  AccuracyAccumulator,
  BeyondAccuracyAccumulator,
} from "./eval/rank-metrics.js";
export { runRecEvaluation, evaluateOnSplit } from "./eval/run.js";
export type { RecEvaluationOptions, RecEvaluationResult } from "./eval/run.js";

export { BaseRecommender } from "./recommender.js";
export type { Recommender, RecommendOptions, UserQuery, FitProgress, CommonFitOptions, FitContext } from "./recommender.js";
export { createRecommender, loadRecommender, resolveRecommenderName, RECOMMENDER_NAMES } from "./registry.js";
export type { RecommenderName, RecommenderOptionsByName } from "./registry.js";
export { MostPopular, RecentPopular } from "./popularity.js";
export type { PopularityOptions } from "./popularity.js";
export { ItemKnn, ITEM_KNN_DEFAULTS } from "./item-knn.js";
export type { ItemKnnOptions } from "./item-knn.js";
export { Ease, EASE_DEFAULTS } from "./ease.js";
export type { EaseOptions } from "./ease.js";
export { ImplicitAls, ALS_DEFAULTS } from "./als.js";
export type { AlsOptions } from "./als.js";
export { Bpr, BPR_DEFAULTS } from "./bpr.js";
export type { BprOptions } from "./bpr.js";
export { Item2Vec, ITEM2VEC_DEFAULTS } from "./item2vec.js";
export type { Item2VecOptions } from "./item2vec.js";
export { SasRecRecommender, SASREC_DEFAULTS } from "./sequence/sasrec-recommender.js";
export type { SasRecOptions } from "./sequence/sasrec-recommender.js";
export * as sequence from "./sequence/index.js";
export { invertSpd, choleskyLower } from "./linalg.js";
export { writeModel, readModel, readModelHeader, MODEL_FORMAT, MODEL_FORMAT_VERSION } from "./model-io.js";
export type { ModelHeader } from "./model-io.js";
