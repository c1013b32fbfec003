/**
 * Anserini's default English analyzer (DefaultEnglishAnalyzer, the one behind
 * its BM25 baselines), which is Lucene's EnglishAnalyzer chain:
 *
 *   StandardTokenizer -> EnglishPossessiveFilter -> LowerCaseFilter
 *     -> StopFilter(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET) -> PorterStemFilter
 */
import type { Analyzer } from "./analyzer.js";
import { InvalidArgumentError } from "../core/errors.js";
import { FilteringAnalyzer } from "./filtering-analyzer.js";
import { PorterStemmer } from "./porter-stemmer.js";

/** Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET (33 words). */
export const ENGLISH_STOP_WORDS: readonly string[] = Object.freeze([
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
  "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
  "they", "this", "to", "was", "will", "with",
]);

export interface EnglishAnalyzerOptions {
  /** Registry name; default "english" (or "english-nostem" without stemming). */
  name?: string;
  /** "porter" (default, Lucene's PorterStemFilter) or "none". */
  stemmer?: "porter" | "none";
  /** true (default): Lucene's 33 English stop words; false: keep all; or a custom list. */
  stopWords?: boolean | readonly string[];
  /** Lucene's maxTokenLength (default 255). */
  maxTokenLength?: number;
}

/** Creates Anserini's default English analyzer (or a variant of it). */
export function createEnglishAnalyzer(options: EnglishAnalyzerOptions = {}): Analyzer {
  const stemmer = options.stemmer ?? "porter";
  if (stemmer !== "porter" && stemmer !== "none") {
    throw new InvalidArgumentError(`English stemmer must be "porter" or "none", got ${JSON.stringify(stemmer)}`);
  }
  const sw = options.stopWords ?? true;
  const stopWords = sw === true ? ENGLISH_STOP_WORDS : sw === false ? [] : sw;
  let stem: ((term: string) => string) | undefined;
  if (stemmer === "porter") {
    const porter = new PorterStemmer();
    stem = (term) => porter.stem(term);
  }
  return new FilteringAnalyzer({
    name: options.name ?? (stemmer === "porter" ? "english" : "english-nostem"),
    possessive: true,
    stopWords,
    stem,
    maxTokenLength: options.maxTokenLength,
  });
}
