/**
 * English analysis for peers that take a custom term processor (MiniSearch)
 * or a stop list (Orama, Xapian): the 33-word English stop list that Lucene's
 * EnglishAnalyzer and Anserini use, and the Porter stemmer from
 * @orama/stemmers (already a Trove dependency).
 */
import { stemmer } from "@orama/stemmers/english";

export const ENGLISH_STOP_WORDS: readonly string[] = [
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
  "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

const STOP = new Set(ENGLISH_STOP_WORDS);

/** Lowercases, drops stop words (returns null) and Porter-stems one token. */
export function processEnglishTerm(token: string): string | null {
  const term = token.toLowerCase();
  if (term === "" || STOP.has(term)) return null;
  return stemmer(term);
}
