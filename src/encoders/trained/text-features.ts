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
import { PairTable } from "./pair-table.js";

export interface FeatureSettings {
  /** Analyzer registry name (default "english": Anserini's, Porter stems, 33 stop words removed). */
  analyzer: string;
  /** A word needs this many training documents to get a row (default 2). */
  minWordDf: number;
  /** At most this many words (most frequent first). */
  maxWords: number;
  /** A bigram of adjacent words needs this many documents; 0 (the default) disables bigrams: measured worse on SciFact validation (docs/trained-encoder.md). */
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
  minBigramDf: 0,
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

/**
 * Document frequencies of words and bigrams over the training documents.
 * Words get dense ids as they are met; a bigram is the number
 * first·2^24 + second of its word ids, so counting allocates no strings.
 */
export class DocumentFrequencies {
  private readonly ids = new Map<string, number>();
  readonly words: string[] = [];
  private wordDf = new Int32Array(1024);
  private lastDoc = new Int32Array(1024);
  /** Bigram document frequencies by (first word id, second word id). */
  readonly bigramDf = new PairTable(1 << 16);
  documents = 0;
  private keys = new Float64Array(1024);

  /** Adds one document, given as the analyzed texts it is made of (title, sentences). */
  add(parts: readonly AnalyzedText[]): void {
    const doc = ++this.documents;
    let keyCount = 0;
    for (const part of parts) {
      const { terms, positions } = part;
      let previous = -1;
      for (let i = 0; i < terms.length; i++) {
        const id = this.idOf(terms[i]);
        if (this.lastDoc[id] !== doc) {
          this.lastDoc[id] = doc;
          this.wordDf[id]++;
        }
        if (i > 0 && positions[i] - positions[i - 1] <= BIGRAM_MAX_GAP) {
          if (keyCount === this.keys.length) {
            const grown = new Float64Array(keyCount * 2);
            grown.set(this.keys);
            this.keys = grown;
          }
          this.keys[keyCount++] = previous * BIGRAM_SHIFT + id;
        }
        previous = id;
      }
    }
    // each bigram once per document
    const keys = this.keys.subarray(0, keyCount).sort();
    for (let i = 0; i < keyCount; i++) {
      if (i > 0 && keys[i] === keys[i - 1]) continue;
      this.bigramDf.increment(Math.floor(keys[i] / BIGRAM_SHIFT), keys[i] % BIGRAM_SHIFT);
    }
  }

  df(word: number): number {
    return this.wordDf[word];
  }

  private idOf(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(term, id);
      this.words.push(term);
      if (id === this.wordDf.length) {
        const df = new Int32Array(id * 2);
        df.set(this.wordDf);
        this.wordDf = df;
        const last = new Int32Array(id * 2);
        last.set(this.lastDoc);
        this.lastDoc = last;
      }
    }
    return id;
  }
}

const BIGRAM_SHIFT = 2 ** 24;

/** BM25's idf (Lucene's, always positive). */
function idf(df: number, documents: number): number {
  return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
}

/** Most frequent first; ties by key, so the order is deterministic. */
function frequent<K extends string | number>(entries: Array<[K, number]>, minDf: number, max: number): Array<[K, number]> {
  return entries
    .filter(([, df]) => df >= minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, max);
}

export class FeatureVocabulary {
  readonly analyzer: Analyzer;
  private readonly wordRows = new Map<string, number>();
  /** Bigram rows by (first word's row, second word's row). */
  private readonly bigramRows = new PairTable();
  private rowScratch = new Int32Array(1024);
  private wordScratch = new Int32Array(1024);
  private readonly tfCounts: Int32Array;

  /**
   * `terms`: words first, then bigrams ("a b", both words in the vocabulary), in row order; `idf`: one weight per row.
   */
  constructor(
    readonly settings: FeatureSettings,
    readonly terms: readonly string[],
    readonly wordCount: number,
    readonly idf: Float32Array,
  ) {
    if (terms.length !== idf.length) throw new InvalidArgumentError(`vocabulary has ${terms.length} terms but ${idf.length} weights`);
    this.analyzer = getAnalyzer(settings.analyzer);
    for (let row = 0; row < wordCount; row++) this.wordRows.set(terms[row], row);
    for (let row = wordCount; row < terms.length; row++) {
      const space = terms[row].indexOf(" ");
      const a = this.wordRows.get(terms[row].slice(0, space));
      const b = this.wordRows.get(terms[row].slice(space + 1));
      if (a === undefined || b === undefined) throw new InvalidArgumentError(`vocabulary bigram ${JSON.stringify(terms[row])} (row ${row}) joins words that have no row`);
      this.bigramRows.set(a, b, row);
    }
    this.tfCounts = new Int32Array(terms.length);
  }

  static build(settings: FeatureSettings, df: DocumentFrequencies): FeatureVocabulary {
    const words = frequent(df.words.map((w, id): [string, number] => [w, df.df(id)]), settings.minWordDf, settings.maxWords);
    const known = new Map(words.map(([w]) => [w, true]));
    const bigrams: Array<[string, number]> = [];
    if (settings.minBigramDf > 0) {
      const candidates: Array<[number, number]> = [];
      df.bigramDf.forEach((a, b, f) => {
        if (f >= settings.minBigramDf) candidates.push([a * BIGRAM_SHIFT + b, f]);
      });
      for (const [key, f] of frequent(candidates, settings.minBigramDf, Infinity)) {
        const a = df.words[Math.floor(key / BIGRAM_SHIFT)];
        const b = df.words[key % BIGRAM_SHIFT];
        if (!known.has(a) || !known.has(b)) continue;
        bigrams.push([`${a} ${b}`, f]);
        if (bigrams.length === settings.maxBigrams) break;
      }
    }
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

  analyze(text: string): AnalyzedText {
    return analyzeText(this.analyzer, text, this.settings.maxTerms);
  }

  /** Appends the features of `text` (already analyzed) to `out`, each term weighted by its idf and its count in this text. */
  featurize(text: AnalyzedText, out: FeatureBuffer): void {
    const rows = this.rowsOf(text);
    if (this.settings.tf !== "sqrt") {
      for (const row of rows) out.push(row, this.idf[row]);
      return;
    }
    const counts = this.tfCounts;
    for (const row of rows) counts[row]++;
    this.featurizeRows(rows, out, counts);
    for (const row of rows) counts[row] = 0;
  }

  /**
   * Appends features for rows found by `rowsOf`; `counts[row]` is the count
   * that saturates the row's weight (training passes the counts of the whole
   * document, so that a sentence cut from it weighs its terms as the
   * document does).
   */
  featurizeRows(rows: Int32Array, out: FeatureBuffer, counts: Int32Array): void {
    const sqrt = this.settings.tf === "sqrt";
    for (const row of rows) out.push(row, sqrt ? this.idf[row] / Math.sqrt(counts[row]) : this.idf[row]);
  }

  /** The rows of the text's words, then of its bigrams (terms without a row are skipped). */
  rowsOf(text: AnalyzedText): Int32Array {
    const { terms, positions } = text;
    if (this.rowScratch.length < terms.length * 2) this.rowScratch = new Int32Array(terms.length * 2);
    const rows = this.rowScratch;
    let n = 0;
    const bigrams = this.bigramRows.size > 0;
    const wordRow = this.wordScratch.length >= terms.length ? this.wordScratch : (this.wordScratch = new Int32Array(terms.length));
    for (let i = 0; i < terms.length; i++) {
      const row = this.wordRows.get(terms[i]) ?? -1;
      if (row >= 0) rows[n++] = row;
      wordRow[i] = row;
    }
    if (bigrams) {
      for (let i = 1; i < terms.length; i++) {
        const previous = wordRow[i - 1];
        const row = wordRow[i];
        if (previous < 0 || row < 0 || positions[i] - positions[i - 1] > BIGRAM_MAX_GAP) continue;
        const bigram = this.bigramRows.get(previous, row);
        if (bigram >= 0) rows[n++] = bigram;
      }
    }
    return rows.slice(0, n);
  }
}
