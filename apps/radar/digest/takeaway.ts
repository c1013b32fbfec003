/**
 * The week's key takeaway, extractively: the common thread across the
 * digest's papers.
 *
 * - Themes: the terms (english analyzer stems, each shown as its most frequent word)
 *   found in the title or abstract of at least two papers and in at least one
 *   title (so they name a subject, not a turn of phrase), ranked by how many
 *   papers share them times the term's idf in the whole corpus when the
 *   corpus is given (shared and distinctive), else by how many papers share
 *   them, then by their weight summed over the papers (log tf × idf against
 *   the digest); words every paper writes ("model", "propose",
 *   "result") are left out by a small list of research-prose stems, and
 *   function words ("from", "between") by the Snowball English stop list.
 * - The most representative sentence: of all the papers' summary
 *   sentences, the one whose tf-idf vector is on average most similar to the
 *   other papers' texts (similarity to its own paper does not count), so it
 *   states what several papers have in common.
 *
 * The takeaway reads: "Common thread: <themes> (in k of n papers). Most
 * representative: "<sentence>" (<title>)."
 */
import { stopwords as englishStopwords } from "@orama/stopwords/english";
import { DocumentFrequencies, TermReader, cosine, splitSentences, tfidfVector } from "./text-terms.js";

/**
 * Function words ("from", "between", "through") that the index's analyzer
 * keeps (Lucene's English stop set is short on purpose) but that are never a
 * theme: the Snowball English list, checked against a term's shown word.
 */
const FUNCTION_WORDS = new Set(englishStopwords);

/** Stems of words that research abstracts use whatever their subject. */
const RESEARCH_PROSE = new Set(
  (
    "model propos method approach result show paper work use base perform task data new improv achiev demonstr experi " +
    "evalu studi present introduc find problem framework howev significantli effect state art exist outperform " +
    "signific further larg effici provid gener differ two three first one also address novel well can"
  ).split(" "),
);

export interface TakeawayPaper {
  title: string;
  abstract: string;
  /** The sentences the digest shows for the paper. */
  summary: string;
}

export interface Takeaway {
  text: string;
  themes: string[];
}

const reader = new TermReader();

/**
 * Document frequencies over a whole corpus (the papers index), so that
 * themes are what this week's papers share *and* what sets them apart:
 * "entity matching" rather than "LLMs" or "across".
 */
export interface CorpusFrequencies {
  docCount: number;
  docFreq(term: string): number;
}

export function takeawayOf(papers: readonly TakeawayPaper[], maxThemes = 3, corpus?: CorpusFrequencies): Takeaway {
  if (papers.length === 0) return { text: "No papers this week.", themes: [] };
  const docs = papers.map((p) => reader.termsOf(`${p.title}. ${p.abstract}`));
  const df = new DocumentFrequencies();
  for (const d of docs) df.add(d.counts.keys());
  const docVectors = docs.map((d) => tfidfVector(d.counts, df));

  const weight = new Map<string, number>();
  const forms = new Map<string, Map<string, number>>();
  for (const d of docs) {
    for (const [term, tf] of d.counts) {
      weight.set(term, (weight.get(term) ?? 0) + (1 + Math.log(tf)) * df.idf(term));
      let f = forms.get(term);
      if (!f) forms.set(term, (f = new Map()));
      for (const [word, n] of d.surface.get(term) ?? []) f.set(word, (f.get(word) ?? 0) + n);
    }
  }
  // a term is shown as its most frequent word (ties: the shorter, then the first in order)
  const surface = (term: string): string =>
    [...(forms.get(term) ?? new Map<string, number>([[term, 1]]))].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length)[0][0];
  // with a corpus: papers sharing the term × the term's corpus idf; without: papers sharing it, then weight
  const corpusIdf = (t: string): number => (corpus ? Math.log((corpus.docCount + 1) / (corpus.docFreq(t) + 1)) : 1);
  const themeScore = (t: string): number => df.count(t) * corpusIdf(t);
  // a theme names a subject: it appears in at least one title (abstract prose such as "whether" or "points" never does)
  const inTitles = new Set(papers.flatMap((p) => [...reader.termsOf(p.title).counts.keys()]));
  const shared = [...weight.keys()]
    .filter((t) => df.count(t) >= 2 && inTitles.has(t) && !RESEARCH_PROSE.has(t) && t.length > 2 && !FUNCTION_WORDS.has(surface(t)))
    .sort((a, b) => themeScore(b) - themeScore(a) || df.count(b) - df.count(a) || weight.get(b)! - weight.get(a)! || (a < b ? -1 : 1))
    .slice(0, maxThemes);
  const themes = shared.map(surface);

  let best: { sentence: string; title: string; score: number } | undefined;
  if (papers.length > 1) {
    papers.forEach((p, i) => {
      for (const sentence of splitSentences(p.summary)) {
        const v = tfidfVector(reader.termsOf(sentence).counts, df);
        let sum = 0;
        docVectors.forEach((d, j) => {
          if (j !== i) sum += cosine(v, d);
        });
        const score = sum / (papers.length - 1);
        if (!best || score > best.score) best = { sentence, title: p.title, score };
      }
    });
  }

  const parts: string[] = [];
  if (themes.length > 0) {
    const inPapers = docs.filter((d) => shared.some((t) => d.counts.has(t))).length;
    parts.push(`Common thread: ${themes.join(", ")} (in ${inPapers} of ${papers.length} papers).`);
  } else {
    parts.push(`${papers.length === 1 ? "One paper" : `${papers.length} papers`} on different subjects this week.`);
  }
  if (best && best.score > 0) parts.push(`Most representative: “${best.sentence}” (${best.title}).`);
  return { text: parts.join(" "), themes };
}
