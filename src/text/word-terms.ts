/**
 * Text mapped back to terms word by word, for code that shows which words of
 * a text made which terms (search highlighting, the feed's reasons): the
 * terms of one word, and the analyzed words of a whole text, both remembered
 * per analyzer. The same words and the same papers' texts recur across
 * requests, and analysis (tokenizing, stemming, stop words) was most of that
 * code's time. Bounded: an analyzer's word memory is cleared when it holds
 * WORD_MEMORY words; texts leave least recently used first.
 */
import type { Analyzer } from "./analyzer.js";
import { StandardTokenizer } from "./standard-tokenizer.js";
import { TokenBuffer } from "./token-buffer.js";

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

/** A text's words (StandardTokenizer tokens, as the index saw them) with the terms the analyzer makes of each. */
export interface AnalyzedText {
  /** UTF-16 offsets [starts[i], ends[i]) of word i. */
  starts: Int32Array;
  ends: Int32Array;
  /** The terms of word i (empty for a stop word). */
  terms: ReadonlyArray<readonly string[]>;
}

const tokenizer = new StandardTokenizer();
const buffer = new TokenBuffer(256);
const analyzedTexts = new WeakMap<Analyzer, Map<string, AnalyzedText>>();
/** Texts remembered per analyzer (least recently used leave first): a few thousand papers' titles and abstracts. */
const TEXT_MEMORY = 8192;

/**
 * The analyzed words of `text`, remembered for recent texts: search results
 * and feeds show the same papers' titles and abstracts request after request,
 * and tokenizing and analyzing them word by word was the larger part of
 * highlighting a page of hits or naming a feed item's matched words.
 */
export function analyzedText(analyzer: Analyzer, text: string): AnalyzedText {
  let memory = analyzedTexts.get(analyzer);
  if (!memory) analyzedTexts.set(analyzer, (memory = new Map()));
  const known = memory.get(text);
  if (known) {
    memory.delete(text);
    memory.set(text, known);
    return known;
  }
  const n = tokenizer.tokenize(text, buffer);
  const terms: Array<readonly string[]> = new Array(n);
  for (let t = 0; t < n; t++) terms[t] = termsOfWord(analyzer, text.slice(buffer.starts[t], buffer.ends[t]));
  const analyzed: AnalyzedText = { starts: buffer.starts.slice(0, n), ends: buffer.ends.slice(0, n), terms };
  memory.set(text, analyzed);
  if (memory.size > TEXT_MEMORY) memory.delete(memory.keys().next().value!);
  return analyzed;
}
