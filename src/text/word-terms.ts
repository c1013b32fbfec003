/**
 * The analyzed terms of one word, remembered per analyzer. The same words
 * recur across abstracts and requests, and analysis (stemming, stop words)
 * was most of the time of the code that maps text back to terms word by word
 * (search highlighting, the feed's reasons). Bounded: an analyzer's memory is
 * cleared when it holds WORD_MEMORY words.
 */
import type { Analyzer } from "./analyzer.js";

const analyzedWords = new WeakMap<Analyzer, Map<string, readonly string[]>>();
const WORD_MEMORY = 50_000;
const NO_TERMS: readonly string[] = [];

/** The terms `analyzer` makes of `word` (empty for a stop word). */
export function termsOfWord(analyzer: Analyzer, word: string): readonly string[] {
  let memory = analyzedWords.get(analyzer);
  if (!memory) analyzedWords.set(analyzer, (memory = new Map()));
  let terms = memory.get(word);
  if (terms === undefined) {
    const out: string[] = [];
    analyzer.analyze(word, (term) => void out.push(term));
    terms = out.length > 0 ? out : NO_TERMS;
    if (memory.size >= WORD_MEMORY) memory.clear();
    memory.set(word, terms);
  }
  return terms;
}
