/**
 * The training data turned into features once, laid out flat for the
 * kernels: every document as its title followed by its sentences (each a
 * contiguous range of (row, weight) pairs), every training query as one
 * range. Training pairs are then just ranges: title ↔ body, one sentence ↔
 * the rest of its document (inverse cloze task), query ↔ judged document.
 */
import type { TrainingData } from "./training-data.js";
import { DocumentFrequencies, FeatureBuffer, FeatureVocabulary, type AnalyzedText, type FeatureSettings } from "./text-features.js";

/**
 * Sentence boundaries: a period, question or exclamation mark (optionally
 * closed by a quote or bracket) followed by white space and an upper-case
 * letter, a digit or an opening bracket. Good enough for abstracts; a missed
 * boundary only makes one ICT sentence longer.
 */
const SENTENCE_END = /(?<=[.!?]["')\]]?)\s+(?=[A-Z0-9([])/u;

export function splitSentences(text: string): string[] {
  return text
    .split(SENTENCE_END)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export class TrainingCorpus {
  readonly features = new FeatureBuffer();
  /** Per document: where its title starts; its body starts at `bodyStart[d]` and ends at `docEnd[d]`. */
  readonly titleStart: Int32Array;
  readonly bodyStart: Int32Array;
  readonly docEnd: Int32Array;
  /** Sentence ranges of document d: boundaries sentenceBounds[sentenceOffsets[d] .. sentenceOffsets[d+1]] (inclusive). */
  readonly sentenceOffsets: Int32Array;
  readonly sentenceBounds: Int32Array;
  /** Training queries: range [queryStart[q], queryEnd[q]) and the judged document's index. */
  readonly queryStart: Int32Array;
  readonly queryEnd: Int32Array;
  readonly queryDoc: Int32Array;
  readonly queryIds: string[];

  private constructor(
    readonly vocabulary: FeatureVocabulary,
    readonly docIds: readonly string[],
    documents: ReadonlyArray<{ title: AnalyzedText; sentences: AnalyzedText[] }>,
    queries: ReadonlyArray<{ id: string; text: AnalyzedText; doc: number }>,
  ) {
    const n = documents.length;
    this.titleStart = new Int32Array(n);
    this.bodyStart = new Int32Array(n);
    this.docEnd = new Int32Array(n);
    this.sentenceOffsets = new Int32Array(n + 1);
    const bounds: number[] = [];
    const f = this.features;
    const tf = new Map<number, number>();
    const tfOf = (row: number) => tf.get(row)!;
    documents.forEach((doc, d) => {
      tf.clear();
      const count = (row: number) => tf.set(row, (tf.get(row) ?? 0) + 1);
      vocabulary.forEachRow(doc.title, count);
      for (const s of doc.sentences) vocabulary.forEachRow(s, count);
      this.titleStart[d] = f.length;
      vocabulary.featurize(doc.title, f, tfOf);
      this.bodyStart[d] = f.length;
      this.sentenceOffsets[d] = bounds.length;
      bounds.push(f.length);
      for (const s of doc.sentences) {
        vocabulary.featurize(s, f, tfOf);
        if (f.length > bounds[bounds.length - 1]) bounds.push(f.length);
      }
      this.docEnd[d] = f.length;
      this.sentenceOffsets[d + 1] = bounds.length;
    });
    this.sentenceBounds = Int32Array.from(bounds);
    this.queryStart = new Int32Array(queries.length);
    this.queryEnd = new Int32Array(queries.length);
    this.queryDoc = new Int32Array(queries.length);
    this.queryIds = queries.map((q) => q.id);
    queries.forEach((q, i) => {
      this.queryStart[i] = f.length;
      vocabulary.featurize(q.text, f);
      this.queryEnd[i] = f.length;
      this.queryDoc[i] = q.doc;
    });
  }

  /** Analyzes every document and query, builds the vocabulary from the documents, and lays out the features. */
  static build(data: TrainingData, settings: FeatureSettings, onProgress?: (done: number) => void): TrainingCorpus {
    const vocabularyOnly = new FeatureVocabulary(settings, [], 0, new Float32Array(0));
    const df = new DocumentFrequencies();
    const analyzed = data.documents.map((doc, i) => {
      const parsed = {
        title: vocabularyOnly.analyze(doc.title ?? ""),
        sentences: splitSentences(doc.text).map((s) => vocabularyOnly.analyze(s)),
      };
      df.add([parsed.title, ...parsed.sentences]);
      if ((i + 1) % 1000 === 0) onProgress?.(i + 1);
      return parsed;
    });
    const vocabulary = FeatureVocabulary.build(settings, df);
    const index = new Map(data.documents.map((d, i) => [d.id, i]));
    const queries = data.judgments.map((j) => ({ id: j.queryId, text: vocabularyOnly.analyze(j.query), doc: index.get(j.docId)! }));
    return new TrainingCorpus(vocabulary, data.documents.map((d) => d.id), analyzed, queries);
  }

  get documentCount(): number {
    return this.docIds.length;
  }

  sentenceCount(d: number): number {
    return this.sentenceOffsets[d + 1] - this.sentenceOffsets[d] - 1;
  }
}
