/**
 * Public API of the evaluation module: trec_eval-identical metrics, TREC run
 * and qrels files, BEIR dataset loading, and reports.
 */
export {
  averagePrecision,
  compareTrecEvalOrder,
  compareUtf8,
  dcgAtK,
  DEFAULT_RELEVANCE_LEVEL,
  evaluateQuery,
  evaluateRun,
  ndcgAtK,
  parseMeasures,
  precisionAtK,
  rankForTrecEval,
  recallAtK,
  reciprocalRank,
  TREC_EVAL_DEFAULT_CUTOFFS,
} from "./metrics.js";
export type { EvaluateOptions, EvaluationResult, MeasureName, MeasureSpec, RelevanceList } from "./metrics.js";
export { parseQrels, qrelsFormatOf, qrelsStats, readBeirQrels, readQrels, readTrecQrels } from "./qrels.js";
export type { Qrels, QrelsFormat } from "./qrels.js";
export { formatRunLines, formatScore, parseRun, readRun, roundRunScores, writeRun } from "./run.js";
export type { Run, ScoredDoc } from "./run.js";
export { formatFixed } from "./format.js";
export { pairedBootstrap } from "./paired-bootstrap.js";
export type { PairedDifference } from "./paired-bootstrap.js";
export { openBeirDataset, readBeirCorpus, readBeirQueries, readBeirSplitQrels, streamBeirQueries } from "./beir.js";
export type { BeirDataset, BeirDocument, BeirQuery } from "./beir.js";
export { displayName, formatMetricsTable, formatTrecEvalOutput, toJsonReport } from "./report.js";
export type { EvaluationJson, ReportRow } from "./report.js";
