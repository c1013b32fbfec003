/**
 * Terms of the feed's tf-idf model (Porter stems such as "retriev", and
 * bigrams of adjacent stems such as "dens retriev") shown as the words a
 * paper actually uses ("retrieval", "dense retrieval"), so that a reason can
 * name what matched. Each word of the text is analyzed on its own with the
 * model's analyzer, as the model's terms were made (tfidf.ts: a stop word
 * breaks a bigram).
 */
import type { Analyzer } from "../../../src/text/analyzer.js";
import { getAnalyzer } from "../../../src/text/registry.js";
import { analyzedText } from "../../../src/text/word-terms.js";

let english: Analyzer | undefined;

/** For each of `terms` that occurs in `text`, the words that make it there (first occurrence, lower-cased). */
export function wordsOfTerms(text: string, terms: Iterable<string>): Map<string, string> {
  english ??= getAnalyzer("english");
  const wanted = new Set(terms);
  const out = new Map<string, string>();
  const analyzed = analyzedText(english, text);
  const word = (i: number) => text.slice(analyzed.starts[i], analyzed.ends[i]).toLowerCase();
  let previous: string | undefined;
  for (let i = 0; i < analyzed.terms.length && out.size < wanted.size; i++) {
    const term: string | undefined = analyzed.terms[i][0];
    if (term === undefined) {
      previous = undefined; // a stop word: no bigram across it
      continue;
    }
    if (wanted.has(term) && !out.has(term)) out.set(term, word(i));
    if (previous !== undefined) {
      const bigram = `${previous} ${term}`;
      if (wanted.has(bigram) && !out.has(bigram)) out.set(bigram, `${word(i - 1)} ${word(i)}`);
    }
    previous = term;
  }
  return out;
}

/**
 * Up to `max` phrases for people from weighted terms, best first: each
 * term's words in `text`; a bigram replaces the unigrams chosen from it, and
 * a unigram already said inside a chosen bigram is left out. With the term
 * each phrase shows.
 */
export function phrasesOfTerms(text: string, weighted: ReadonlyArray<{ term: string; weight: number }>, max = 3): Array<{ term: string; phrase: string }> {
  const ranked = [...weighted].sort((a, b) => b.weight - a.weight);
  const words = wordsOfTerms(
    text,
    ranked.map((w) => w.term),
  );
  const chosen: Array<{ term: string; phrase: string }> = [];
  for (const { term } of ranked) {
    const phrase = words.get(term);
    if (!phrase || /^\d+$/.test(term) || chosen.some((c) => c.phrase === phrase)) continue;
    const parts = term.split(" ");
    if (parts.length === 1) {
      // already said inside a bigram
      if (chosen.some((c) => c.term.split(" ").includes(term))) continue;
      if (chosen.length < max) chosen.push({ term, phrase });
      continue;
    }
    // a bigram says more than its words alone: it takes the place of the unigrams chosen from it
    const inside = chosen.filter((c) => parts.includes(c.term));
    if (inside.length > 0) {
      const at = chosen.indexOf(inside[0]);
      chosen.splice(at, 1, { term, phrase });
      for (const other of inside.slice(1)) chosen.splice(chosen.indexOf(other), 1);
    } else if (chosen.length < max && !chosen.some((c) => c.term.split(" ").some((p) => parts.includes(p)))) {
      chosen.push({ term, phrase });
    }
  }
  return chosen;
}

/** The phrases of `phrasesOfTerms` alone. */
export function phrasesOf(text: string, weighted: ReadonlyArray<{ term: string; weight: number }>, max = 3): string[] {
  return phrasesOfTerms(text, weighted, max).map((c) => c.phrase);
}
