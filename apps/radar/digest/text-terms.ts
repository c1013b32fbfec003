/**
 * The text pieces the digest's summarizer and takeaway work on, built from
 * Trove's analyzers (src/text):
 *
 * - `splitSentences`: `Intl.Segmenter` sentence boundaries (Unicode UAX #29),
 *   with the fragments it makes after abbreviations common in abstracts
 *   ("e.g.", "et al.", "Fig.") glued back;
 * - `termsOf`: a text's terms as the papers index reads it (the "english"
 *   analyzer: stop words removed, Porter stems), each with the words that
 *   produced it, so themes can be shown as words, not stems;
 * - sparse tf-idf vectors and their cosine.
 */
import type { Analyzer } from "../../../src/text/analyzer.js";
import { getAnalyzer } from "../../../src/text/registry.js";
import { StandardTokenizer } from "../../../src/text/standard-tokenizer.js";

const ABBREVIATION = /(?:\b(?:e\.g|i\.e|et al|cf|vs|etc|Fig|Figs|Eq|Eqs|Sec|Tab|approx|resp|w\.r\.t|No|Dr|Prof)\.|\b[A-Z]\.)\s*$/;

/** The sentences of `text`, trimmed, in order. */
export function splitSentences(text: string): string[] {
  const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  const out: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    const s = segment.trim();
    if (!s) continue;
    const prev = out[out.length - 1];
    if (prev !== undefined && (ABBREVIATION.test(prev) || /^[a-z)\]]/.test(s))) out[out.length - 1] = `${prev} ${s}`;
    else out.push(s);
  }
  return out;
}

export interface Terms {
  /** Term -> count. */
  counts: Map<string, number>;
  /** Term -> the words (lowercased) that produced it, with their counts. */
  surface: Map<string, Map<string, number>>;
  /** Number of words (tokens, stop words included). */
  words: number;
}

/** Analysis shared by the digest: the index's English analyzer over standard tokens. */
export class TermReader {
  private readonly tokenizer = new StandardTokenizer();
  private readonly analyzer: Analyzer;

  constructor(analyzerName = "english") {
    this.analyzer = getAnalyzer(analyzerName);
  }

  termsOf(text: string): Terms {
    const counts = new Map<string, number>();
    const surface = new Map<string, Map<string, number>>();
    const words = this.tokenizer.tokens(text);
    for (const word of words) {
      this.analyzer.analyze(word, (term) => {
        if (term.length < 2 || /^\d+$/.test(term)) return;
        counts.set(term, (counts.get(term) ?? 0) + 1);
        let forms = surface.get(term);
        if (!forms) surface.set(term, (forms = new Map()));
        const form = word.toLowerCase();
        forms.set(form, (forms.get(form) ?? 0) + 1);
      });
    }
    return { counts, surface, words: words.length };
  }
}

/** Document frequencies over a set of texts, for idf. */
export class DocumentFrequencies {
  private readonly df = new Map<string, number>();
  private n = 0;

  /** The frequencies of `a`'s and `b`'s documents together. */
  static merged(a: DocumentFrequencies, b: DocumentFrequencies): DocumentFrequencies {
    const out = new DocumentFrequencies();
    out.n = a.n + b.n;
    for (const source of [a.df, b.df]) for (const [t, c] of source) out.df.set(t, (out.df.get(t) ?? 0) + c);
    return out;
  }

  add(terms: Iterable<string>): void {
    this.n++;
    for (const t of new Set(terms)) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  get size(): number {
    return this.n;
  }

  count(term: string): number {
    return this.df.get(term) ?? 0;
  }

  /** Smoothed idf, ln(1 + N / (1 + df)): positive for every term. */
  idf(term: string): number {
    return Math.log(1 + this.n / (1 + (this.df.get(term) ?? 0)));
  }
}

/** A unit-length tf-idf vector (log-scaled tf). */
export function tfidfVector(counts: ReadonlyMap<string, number>, df: DocumentFrequencies): Map<string, number> {
  const v = new Map<string, number>();
  let norm = 0;
  for (const [term, tf] of counts) {
    const w = (1 + Math.log(tf)) * df.idf(term);
    v.set(term, w);
    norm += w * w;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (const [term, w] of v) v.set(term, w * inv);
  }
  return v;
}

/** Cosine of two unit-length sparse vectors. */
export function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [term, w] of small) {
    const o = large.get(term);
    if (o !== undefined) s += w * o;
  }
  return s;
}
