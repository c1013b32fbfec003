/**
 * What the trained encoder sees of a text: its analyzed words (Porter stems,
 * stop words removed, by a registry analyzer) and its frequent word bigrams,
 * each a row of the embedding table with an idf weight. `FeatureVocabulary`
 * is built from the training corpus (document frequencies), saved beside the
 * weights, and turns any text into a list of (row, weight) pairs: the input
 * of the embedding bag.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { Analyzer } from "../../text/analyzer.js";
import { getAnalyzer } from "../../text/registry.js";

export interface FeatureSettings {
  /** Analyzer registry name (default "english": Anserini's, Porter stems, 33 stop words removed). */
  analyzer: string;
  /** A word needs this many training documents to get a row (default 2). */
  minWordDf: number;
  /** At most this many words (most frequent first). */
  maxWords: number;
  /** A bigram of adjacent words needs this many documents (default 3); 0 disables bigrams. */
  minBigramDf: number;
  /** At most this many bigrams (most frequent first). */
  maxBigrams: number;
  /** "sqrt": a term repeated t times in a text weighs idf·√t (saturation, as BM25's tf); "raw": idf·t. */
  tf: "raw" | "sqrt";
  /** Terms read per text, the rest ignored (default 1024). */
  maxTerms: number;
}

export const DEFAULT_FEATURE_SETTINGS: FeatureSettings = {
  analyzer: "english",
  minWordDf: 2,
  maxWords: 200_000,
  minBigramDf: 3,
  maxBigrams: 200_000,
  tf: "sqrt",
  maxTerms: 1024,
};

/** A text as analyzed terms: `terms[i]` at position `positions[i]` (stop words leave gaps). */
export interface AnalyzedText {
  terms: string[];
  positions: Int32Array;
}

export function analyzeText(analyzer: Analyzer, text: string, maxTerms: number): AnalyzedText {
  const terms: string[] = [];
  const positions: number[] = [];
  analyzer.analyze(text, (term, position) => {
    if (terms.length < maxTerms) {
      terms.push(term);
      positions.push(position);
    }
  });
  return { terms, positions: Int32Array.from(positions) };
}

/** Bigrams join two words that stand next to each other, or with one stop word between them. */
const BIGRAM_MAX_GAP = 2;

function forEachBigram(text: AnalyzedText, fn: (bigram: string) => void): void {
  const { terms, positions } = text;
  for (let i = 1; i < terms.length; i++) {
    if (positions[i] - positions[i - 1] <= BIGRAM_MAX_GAP) fn(`${terms[i - 1]} ${terms[i]}`);
  }
}

/** Growable (row, weight) lists, laid out flat: what the kernels read. */
export class FeatureBuffer {
  ids = new Int32Array(1024);
  weights = new Float32Array(1024);
  length = 0;

  push(id: number, weight: number): void {
    if (this.length === this.ids.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const weights = new Float32Array(this.weights.length * 2);
      weights.set(this.weights);
      this.weights = weights;
    }
    this.ids[this.length] = id;
    this.weights[this.length++] = weight;
  }

  clear(): void {
    this.length = 0;
  }
}

/** Counts document frequencies of words and bigrams over training documents. */
export class DocumentFrequencies {
  readonly words = new Map<string, number>();
  readonly bigrams = new Map<string, number>();
  documents = 0;

  /** Adds one document, given as the analyzed texts it is made of (title, sentences). */
  add(parts: readonly AnalyzedText[]): void {
    this.documents++;
    const seenWords = new Set<string>();
    const seenBigrams = new Set<string>();
    for (const part of parts) {
      for (const term of part.terms) seenWords.add(term);
      forEachBigram(part, (bigram) => seenBigrams.add(bigram));
    }
    for (const w of seenWords) this.words.set(w, (this.words.get(w) ?? 0) + 1);
    for (const b of seenBigrams) this.bigrams.set(b, (this.bigrams.get(b) ?? 0) + 1);
  }
}

/** BM25's idf (Lucene's, always positive). */
function idf(df: number, documents: number): number {
  return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
}

function frequentTerms(counts: Map<string, number>, minDf: number, max: number): Array<[string, number]> {
  return [...counts]
    .filter(([, df]) => df >= minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, max);
}

export class FeatureVocabulary {
  readonly analyzer: Analyzer;
  private readonly rows = new Map<string, number>();

  /**
   * `terms`: words first, then bigrams ("a b"), in row order; `idf`: one weight per row.
   */
  constructor(
    readonly settings: FeatureSettings,
    readonly terms: readonly string[],
    readonly wordCount: number,
    readonly idf: Float32Array,
  ) {
    if (terms.length !== idf.length) throw new InvalidArgumentError(`vocabulary has ${terms.length} terms but ${idf.length} weights`);
    this.analyzer = getAnalyzer(settings.analyzer);
    terms.forEach((term, row) => this.rows.set(term, row));
  }

  static build(settings: FeatureSettings, df: DocumentFrequencies): FeatureVocabulary {
    const words = frequentTerms(df.words, settings.minWordDf, settings.maxWords);
    const known = new Set(words.map(([w]) => w));
    const bigrams =
      settings.minBigramDf > 0
        ? frequentTerms(df.bigrams, settings.minBigramDf, settings.maxBigrams).filter(([b]) => {
            const space = b.indexOf(" ");
            return known.has(b.slice(0, space)) && known.has(b.slice(space + 1));
          })
        : [];
    const all = [...words, ...bigrams];
    const weights = Float32Array.from(all, ([, f]) => idf(f, df.documents));
    return new FeatureVocabulary(settings, all.map(([t]) => t), words.length, weights);
  }

  get size(): number {
    return this.terms.length;
  }

  get bigramCount(): number {
    return this.terms.length - this.wordCount;
  }

  row(term: string): number | undefined {
    return this.rows.get(term);
  }

  analyze(text: string): AnalyzedText {
    return analyzeText(this.analyzer, text, this.settings.maxTerms);
  }

  /**
   * Appends the features of `text` (already analyzed) to `out`. `tfOf` gives
   * the count that saturates a term's weight: by default its count in this
   * text; training passes the count in the whole document, so that a sentence
   * cut from it weighs its terms as the document does.
   */
  featurize(text: AnalyzedText, out: FeatureBuffer, tfOf?: (row: number) => number): void {
    const sqrt = this.settings.tf === "sqrt";
    let counts: Map<number, number> | undefined;
    if (sqrt && !tfOf) {
      counts = new Map();
      this.forEachRow(text, (row) => counts!.set(row, (counts!.get(row) ?? 0) + 1));
      tfOf = (row) => counts!.get(row)!;
    }
    this.forEachRow(text, (row) => {
      const w = this.idf[row];
      out.push(row, sqrt ? w / Math.sqrt(tfOf!(row)) : w);
    });
  }

  /** Calls `fn` with the row of every word and bigram of the text that has one, in text order. */
  forEachRow(text: AnalyzedText, fn: (row: number) => void): void {
    for (const term of text.terms) {
      const row = this.rows.get(term);
      if (row !== undefined) fn(row);
    }
    if (this.bigramCount > 0) {
      forEachBigram(text, (bigram) => {
        const row = this.rows.get(bigram);
        if (row !== undefined) fn(row);
      });
    }
  }
}
