/**
 * Text analysis: tokenizers, lowercasing, stop words, stemmers, and the
 * named analyzers that indexes and queries use (see registry.ts for names).
 */
export { analyzeToTerms } from "./analyzer.js";
export type { Analyzer, TermSink } from "./analyzer.js";
export { getAnalyzer, listAnalyzers } from "./registry.js";
export type { AnalyzerOptions } from "./registry.js";
export { createEnglishAnalyzer, ENGLISH_STOP_WORDS } from "./english-analyzer.js";
export type { EnglishAnalyzerOptions } from "./english-analyzer.js";
export {
  createSnowballAnalyzer,
  SNOWBALL_LANGUAGES,
  FRENCH_ELISION_ARTICLES,
  ITALIAN_ELISION_ARTICLES,
} from "./snowball-analyzer.js";
export type { SnowballAnalyzerOptions } from "./snowball-analyzer.js";
export { CjkAnalyzer, createCjkAnalyzer, CJK_LANGUAGES } from "./cjk-analyzer.js";
export type { CjkAnalyzerOptions } from "./cjk-analyzer.js";
export { WhitespaceAnalyzer } from "./whitespace-analyzer.js";
export { FilteringAnalyzer, stripPossessive } from "./filtering-analyzer.js";
export type { FilteringAnalyzerOptions } from "./filtering-analyzer.js";
export {
  StandardTokenizer,
  segmenterTokens,
  DEFAULT_MAX_TOKEN_LENGTH,
  MAX_TOKEN_LENGTH_LIMIT,
} from "./standard-tokenizer.js";
export type { StandardTokenizerOptions } from "./standard-tokenizer.js";
export { TokenBuffer } from "./token-buffer.js";
export { PorterStemmer, porterStem } from "./porter-stemmer.js";
export { javaLowerCase } from "./lowercase.js";
