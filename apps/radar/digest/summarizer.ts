/**
 * Extractive summaries: an abstract's most informative sentences, kept in
 * their original order. Each sentence gets
 *
 *   score = (0.45·centrality + 0.25·title + 0.15·position + 0.15·evidence) · boilerplate · length
 *
 * - centrality: LexRank (Erkan & Radev 2004) — PageRank (damping 0.85) over
 *   the graph of cosine similarities between the sentences' tf-idf vectors,
 *   scaled so the most central sentence has 1. A sentence that shares the
 *   abstract's main terms with many others is what the abstract is about.
 * - title: cosine with the title's tf-idf vector (the authors' own summary).
 * - position: 1 for the first sentence down to 0.5 for the last (abstracts
 *   lead with their claim more often than not; a weak prior only).
 * - evidence: 1 when the sentence reports figures (a number, a percentage,
 *   "outperforms", "improves ... by"), else 0: results are what a busy
 *   reader wants.
 * - boilerplate: ×0.2 for sentences that say nothing about this paper (code
 *   availability, URLs, "to the best of our knowledge", "extensive
 *   experiments demonstrate the effectiveness"), ×0.7 for a bare
 *   "In this paper, we ..." opener (the rest of such a sentence often is the
 *   contribution, so it is damped, not dropped).
 * - length: ×0.5 for sentences with fewer than 5 content terms.
 * - context: ×0.85 for a sentence that opens by pointing back ("Therefore,",
 *   "To address this problem,", "Furthermore,"): it reads worse alone. When
 *   such a sentence is chosen anyway, the connective is trimmed off
 *   ("To this end, we introduce X" shows as "We introduce X"), the one
 *   change made to the authors' words.
 *
 * idf comes from the abstract's own sentences plus, when given, a background
 * of other abstracts (the digest passes the week's papers), so terms every
 * paper uses ("model", "task") weigh little.
 */
import { DocumentFrequencies, TermReader, cosine, splitSentences, tfidfVector } from "./text-terms.js";

export interface SummaryOptions {
  /** Most sentences to keep (default 2). */
  maxSentences?: number;
  /** Longest summary in characters (default 450); at least one sentence is kept, cut at a word if need be. */
  maxChars?: number;
  /** Other texts (abstracts) whose document frequencies join the idf. */
  background?: DocumentFrequencies;
}

export interface ScoredSentence {
  index: number;
  text: string;
  score: number;
  boilerplate: boolean;
}

export interface Summary {
  text: string;
  /** Every sentence with its score, in the abstract's order. */
  sentences: ScoredSentence[];
  /** Indexes of the chosen sentences, in order. */
  chosen: number[];
}

const STRONG_BOILERPLATE: readonly RegExp[] = [
  /\b(?:code|data|datasets?|models?|implementation|resources?|artifacts?)\b[^.]{0,60}\b(?:is|are|will be|has been|have been)\b[^.]{0,30}\b(?:publicly |freely |openly )?(?:available|released|open-sourced)\b/i,
  /\bhttps?:\/\/|\bgithub\.com\b|\bwww\./i,
  /\bto the best of our knowledge\b/i,
  /^(?:extensive |comprehensive |thorough )?(?:experiments?|experimental results|evaluations?)\b[^.]{0,80}\b(?:demonstrate|show|verify|validate|confirm)s?\b[^.]{0,40}\b(?:effectiveness|superiority|efficacy|efficiency|advantages?)\b/i,
  /\b(?:the )?(?:remainder|rest) of (?:this|the) paper\b/i,
  /^(?:accepted|to appear|published) (?:at|in)\b/i,
];
const WEAK_BOILERPLATE = /^(?:in|within) this (?:paper|work|article|study|letter|report),? (?:we|i)\b/i;
const BACK_REFERENCE =
  /^(?:therefore|thus|hence|furthermore|moreover|additionally|in addition|finally|however|consequently|as a result|specifically|to this end|to (?:address|tackle|solve|overcome|fill|bridge|mitigate|close) (?:this|these|the) (?:\w+ ){0,2}(?:problems?|issues?|gaps?|challenges?|limitations?|shortcomings?)),\s+/i;
const EVIDENCE = /\d|%|\b(?:outperform\w*|improv\w* [^.]{0,40}\bby|state[- ]of[- ]the[- ]art)\b/i;

const reader = new TermReader();

/** True when `sentence` is boilerplate that says nothing about its paper (see the header). */
export function isBoilerplate(sentence: string): boolean {
  return STRONG_BOILERPLATE.some((re) => re.test(sentence));
}

/** LexRank scores of a similarity matrix (row i, column j), scaled to a maximum of 1. */
export function lexRank(similarity: ReadonlyArray<Float64Array>, damping = 0.85, iterations = 40): Float64Array {
  const n = similarity.length;
  const rank = new Float64Array(n).fill(1 / Math.max(n, 1));
  if (n <= 1) return rank.fill(1);
  const rowSums = similarity.map((row) => row.reduce((s, x) => s + x, 0));
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(n).fill((1 - damping) / n);
    for (let i = 0; i < n; i++) {
      // a sentence like no other spreads its rank evenly
      if (rowSums[i] === 0) {
        for (let j = 0; j < n; j++) next[j] += (damping * rank[i]) / n;
        continue;
      }
      for (let j = 0; j < n; j++) next[j] += (damping * rank[i] * similarity[i][j]) / rowSums[i];
    }
    rank.set(next);
  }
  const max = Math.max(...rank);
  return max > 0 ? rank.map((r) => r / max) : rank;
}

/** Scores the sentences of `abstract` and keeps the best (see the header for the formula). */
export function summarize(title: string, abstract: string, options: SummaryOptions = {}): Summary {
  const maxSentences = options.maxSentences ?? 2;
  const maxChars = options.maxChars ?? 450;
  const texts = splitSentences(abstract);
  if (texts.length === 0) return { text: "", sentences: [], chosen: [] };
  const terms = texts.map((t) => reader.termsOf(t));
  const df = new DocumentFrequencies();
  for (const t of terms) df.add(t.counts.keys());
  const background = options.background;
  const idfSource = background ? DocumentFrequencies.merged(df, background) : df;
  const vectors = terms.map((t) => tfidfVector(t.counts, idfSource));
  const titleVector = tfidfVector(reader.termsOf(title).counts, idfSource);
  const similarity = vectors.map((a, i) => Float64Array.from(vectors, (b, j) => (i === j ? 0 : cosine(a, b))));
  const centrality = lexRank(similarity);
  const n = texts.length;
  const sentences: ScoredSentence[] = texts.map((text, i) => {
    const strong = isBoilerplate(text);
    const position = n === 1 ? 1 : 1 - (0.5 * i) / (n - 1);
    const evidence = EVIDENCE.test(text) ? 1 : 0;
    let score = 0.45 * centrality[i] + 0.25 * cosine(vectors[i], titleVector) + 0.15 * position + 0.15 * evidence;
    if (strong) score *= 0.2;
    else if (WEAK_BOILERPLATE.test(text)) score *= 0.7;
    if (terms[i].counts.size < 5) score *= 0.5;
    if (BACK_REFERENCE.test(text)) score *= 0.85;
    return { index: i, text, score, boilerplate: strong };
  });
  const chosen: number[] = [];
  let chars = 0;
  for (const s of [...sentences].sort((a, b) => b.score - a.score || a.index - b.index)) {
    if (chosen.length >= maxSentences) break;
    if (chosen.length > 0 && chars + 1 + s.text.length > maxChars) continue;
    chosen.push(s.index);
    chars += (chars ? 1 : 0) + s.text.length;
  }
  chosen.sort((a, b) => a - b);
  const text = chosen.map((i) => trimConnective(texts[i])).join(" ");
  return { text: cutAtWord(text, maxChars), sentences, chosen };
}

/** The sentence without a leading back-pointing connective, its first letter capitalized. */
export function trimConnective(sentence: string): string {
  const m = BACK_REFERENCE.exec(sentence);
  if (!m) return sentence;
  const rest = sentence.slice(m[0].length);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** `text` cut to at most `max` characters at a word boundary, with an ellipsis when cut. */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "")}…`;
}
