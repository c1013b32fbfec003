/**
 * The training data turned into features once, laid out flat for the
 * kernels: every document as its title followed by its sentences (each a
 * contiguous range of (row, weight) pairs), every training query as one
 * range. Training pairs are then just ranges: title ↔ body, one sentence ↔
 * the rest of its document (inverse cloze task), query ↔ judged document.
 */
import { InterruptedError } from "../../core/errors.js";
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
    const tf = new Int32Array(vocabulary.size);
    documents.forEach((doc, d) => {
      const title = vocabulary.rowsOf(doc.title);
      const sentences = doc.sentences.map((s) => vocabulary.rowsOf(s));
      for (const part of [title, ...sentences]) for (const row of part) tf[row]++;
      this.titleStart[d] = f.length;
      vocabulary.featurizeRows(title, f, tf);
      this.bodyStart[d] = f.length;
      this.sentenceOffsets[d] = bounds.length;
      bounds.push(f.length);
      for (const s of sentences) {
        vocabulary.featurizeRows(s, f, tf);
        if (f.length > bounds[bounds.length - 1]) bounds.push(f.length);
      }
      this.docEnd[d] = f.length;
      this.sentenceOffsets[d + 1] = bounds.length;
      for (const part of [title, ...sentences]) for (const row of part) tf[row] = 0;
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

  /**
   * Analyzes every document and query, builds the vocabulary from the
   * documents, and lays out the features. Yields to the event loop every 500
   * documents, so Ctrl-C is seen; `signal` stops it with InterruptedError.
   */
  static async build(data: TrainingData, settings: FeatureSettings, signal?: { readonly aborted: boolean }): Promise<TrainingCorpus> {
    const vocabularyOnly = new FeatureVocabulary(settings, [], 0, new Float32Array(0));
    const df = new DocumentFrequencies();
    const analyzed: Array<{ title: AnalyzedText; sentences: AnalyzedText[] }> = [];
    for (const doc of data.documents) {
      const parsed = {
        title: vocabularyOnly.analyze(doc.title ?? ""),
        sentences: splitSentences(doc.text).map((s) => vocabularyOnly.analyze(s)),
      };
      df.add([parsed.title, ...parsed.sentences]);
      analyzed.push(parsed);
      if (analyzed.length % 500 === 0) {
        await new Promise((done) => setImmediate(done));
        if (signal?.aborted) throw new InterruptedError("encoder training interrupted while reading the corpus; nothing was written");
      }
    }
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
