/**
 * The feed's content representation of papers: tf-idf vectors of title and
 * abstract (never authors: see docs/radar-feed.md on leakage), as in
 * arxiv-sanity-lite's TfidfVectorizer, with Trove's English analyzer
 * (src/text: Lucene tokenizer, stop words, Porter stemming):
 *
 * - terms: analyzed unigrams and bigrams of adjacent kept terms;
 * - vocabulary: terms in at least `minDf` and at most `maxDf` (a fraction)
 *   of the papers, the `maxFeatures` with the highest document frequency;
 * - weight: (1 + ln tf) · idf, idf = ln((1 + n) / (1 + df)) + 1 (sklearn's
 *   smooth idf, sublinear tf), each row L2-normalized;
 * - storage: CSR over typed arrays (row pointers, sorted term indices,
 *   Float32 weights), one row per paper, with each paper's day number
 *   (days since 1970-01-01) and categories (interned, CSR) beside it.
 *
 * `extend` vectorizes new papers with the existing vocabulary and idf (the
 * persisted model is extended instead of rebuilt when only new papers
 * arrived; feed-model.ts decides).
 */
import type { Analyzer } from "../../../src/text/analyzer.js";
import { getAnalyzer } from "../../../src/text/registry.js";

export interface TfidfOptions {
  /** Smallest document frequency of a kept term (default 5 for corpora of 1,000+ papers, else 1). */
  minDf?: number;
  /** Largest document frequency, as a fraction of the papers (default 0.1 for 1,000+ papers, else 1). */
  maxDf?: number;
  /** Most terms kept, by document frequency (default 20,000). */
  maxFeatures?: number;
  /** Add bigrams of adjacent terms (default true). */
  bigrams?: boolean;
}

/** What the model needs of a paper. */
export interface TfidfPaper {
  id: string;
  title: string;
  abstract?: string;
  categories?: readonly string[];
  /** YYYY-MM-DD. */
  date: string;
}

export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD (or ISO) date. */
export function dayNumber(date: string): number {
  return Math.floor(Date.parse(date.slice(0, 10) + "T00:00:00Z") / DAY_MS);
}

/** YYYY-MM-DD of a day number. */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function resolveTfidfOptions(options: TfidfOptions, n: number): Required<TfidfOptions> {
  const large = n >= 1000;
  return {
    minDf: options.minDf ?? (large ? 5 : 1),
    maxDf: options.maxDf ?? (large ? 0.1 : 1),
    maxFeatures: options.maxFeatures ?? 20_000,
    bigrams: options.bigrams ?? true,
  };
}

/** The analyzed terms (unigrams, then bigrams) of a paper's title and abstract. */
export function paperTerms(analyzer: Analyzer, paper: Pick<TfidfPaper, "title" | "abstract">, bigrams: boolean, out: string[] = []): string[] {
  out.length = 0;
  const text = paper.abstract ? `${paper.title}\n${paper.abstract}` : paper.title;
  let previous: string | undefined;
  let previousPosition = -2;
  analyzer.analyze(text, (term, position) => {
    out.push(term);
    if (bigrams && previous !== undefined && position === previousPosition + 1) out.push(`${previous} ${term}`);
    previous = term;
    previousPosition = position;
  });
  return out;
}

export class TfidfModel {
  private readonly termIndex: Map<string, number>;
  private readonly idIndex: Map<string, number>;
  private readonly categoryIndex: Map<string, number>;

  constructor(
    /** Paper id of each row. */
    readonly ids: string[],
    readonly terms: string[],
    readonly idf: Float32Array,
    /** Row r spans indices/values[indptr[r] .. indptr[r + 1]). */
    readonly indptr: Int32Array,
    readonly indices: Int32Array,
    readonly values: Float32Array,
    /** Day number of each row. */
    readonly days: Int32Array,
    readonly categoryNames: string[],
    readonly catPtr: Int32Array,
    readonly catIdx: Int32Array,
    readonly options: Required<TfidfOptions>,
  ) {
    this.termIndex = new Map(terms.map((t, i) => [t, i]));
    this.idIndex = new Map(ids.map((id, i) => [id, i]));
    this.categoryIndex = new Map(categoryNames.map((c, i) => [c, i]));
  }

  get size(): number {
    return this.ids.length;
  }

  get vocabularySize(): number {
    return this.terms.length;
  }

  /** Row of a paper id, or -1. */
  rowOf(id: string): number {
    return this.idIndex.get(id) ?? -1;
  }

  termOf(term: string): number {
    return this.termIndex.get(term) ?? -1;
  }

  categoryOf(name: string): number {
    return this.categoryIndex.get(name) ?? -1;
  }

  /** True when row `r` has category index `c`. */
  hasCategory(r: number, c: number): boolean {
    for (let p = this.catPtr[r]; p < this.catPtr[r + 1]; p++) if (this.catIdx[p] === c) return true;
    return false;
  }

  /** Category names of row `r`. */
  categoriesOf(r: number): string[] {
    const out: string[] = [];
    for (let p = this.catPtr[r]; p < this.catPtr[r + 1]; p++) out.push(this.categoryNames[this.catIdx[p]]);
    return out;
  }

  /** Cosine of two rows (rows are unit length, indices sorted). */
  dot(a: number, b: number): number {
    const { indptr, indices, values } = this;
    let p = indptr[a];
    let q = indptr[b];
    const pe = indptr[a + 1];
    const qe = indptr[b + 1];
    let s = 0;
    while (p < pe && q < qe) {
      const ip = indices[p];
      const iq = indices[q];
      if (ip === iq) {
        s += values[p++] * values[q++];
      } else if (ip < iq) p++;
      else q++;
    }
    return s;
  }

  /** Dot product of row `r` with a dense vector. */
  dotDense(r: number, dense: ArrayLike<number>): number {
    let s = 0;
    for (let p = this.indptr[r]; p < this.indptr[r + 1]; p++) s += this.values[p] * dense[this.indices[p]];
    return s;
  }

  /** Adds `scale` × row `r` into a dense vector. */
  addTo(r: number, dense: Float64Array | Float32Array, scale = 1): void {
    for (let p = this.indptr[r]; p < this.indptr[r + 1]; p++) dense[this.indices[p]] += scale * this.values[p];
  }

  /** Builds a model over `papers` (ids must be unique). */
  static build(papers: readonly TfidfPaper[], options: TfidfOptions = {}): TfidfModel {
    const opts = resolveTfidfOptions(options, papers.length);
    const analyzer = getAnalyzer("english");
    const n = papers.length;
    // pass 1: intern every term, keep each paper's term ids, count document frequencies
    const intern = new Map<string, number>();
    let df = new Int32Array(1 << 16);
    // last paper that counted each term (df counts a term once per paper)
    let lastDoc = new Int32Array(1 << 16).fill(-1);
    const docTerms: Int32Array[] = new Array(n);
    const scratch: string[] = [];
    for (let d = 0; d < n; d++) {
      const terms = paperTerms(analyzer, papers[d], opts.bigrams, scratch);
      const row = new Int32Array(terms.length);
      for (let t = 0; t < terms.length; t++) {
        let id = intern.get(terms[t]);
        if (id === undefined) {
          id = intern.size;
          intern.set(terms[t], id);
          if (id >= df.length) {
            const grown = new Int32Array(df.length * 2);
            grown.set(df);
            df = grown;
            const grownLast = new Int32Array(df.length).fill(-1);
            grownLast.set(lastDoc);
            lastDoc = grownLast;
          }
        }
        row[t] = id;
        if (lastDoc[id] !== d) {
          lastDoc[id] = d;
          df[id]++;
        }
      }
      docTerms[d] = row;
    }
    // vocabulary: df within [minDf, maxDf * n], the maxFeatures most frequent, in term order
    const maxDocs = opts.maxDf * n;
    const kept: Array<[string, number]> = [];
    for (const [term, id] of intern) if (df[id] >= opts.minDf && df[id] <= maxDocs) kept.push([term, id]);
    kept.sort((a, b) => df[b[1]] - df[a[1]] || (a[0] < b[0] ? -1 : 1));
    kept.length = Math.min(kept.length, opts.maxFeatures);
    kept.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const remap = new Int32Array(intern.size).fill(-1);
    const terms = kept.map(([term]) => term);
    const idf = new Float32Array(kept.length);
    kept.forEach(([, id], i) => {
      remap[id] = i;
      idf[i] = Math.log((1 + n) / (1 + df[id])) + 1;
    });
    intern.clear();
    // pass 2: weights
    const vectors = docTerms.map((row) => vectorize(row, remap, idf));
    const model = assemble(
      papers.map((p) => p.id),
      terms,
      idf,
      vectors,
      papers.map((p) => dayNumber(p.date)),
      papers.map((p) => p.categories ?? []),
      [],
      opts,
    );
    return model;
  }

  /** A new model with `papers` appended, vectorized with this model's vocabulary and idf. */
  extend(papers: readonly TfidfPaper[]): TfidfModel {
    const analyzer = getAnalyzer("english");
    const scratch: string[] = [];
    const identity = new Int32Array(0);
    const vectors: Array<{ indices: Int32Array; values: Float32Array }> = [];
    for (let r = 0; r < this.size; r++) {
      vectors.push({ indices: this.indices.subarray(this.indptr[r], this.indptr[r + 1]), values: this.values.subarray(this.indptr[r], this.indptr[r + 1]) });
    }
    for (const paper of papers) {
      const ids: number[] = [];
      for (const term of paperTerms(analyzer, paper, this.options.bigrams, scratch)) {
        const t = this.termIndex.get(term);
        ids.push(t ?? -1);
      }
      vectors.push(vectorize(Int32Array.from(ids), identity, this.idf));
    }
    const categories: string[][] = [];
    for (let r = 0; r < this.size; r++) categories.push(this.categoriesOf(r));
    return assemble(
      [...this.ids, ...papers.map((p) => p.id)],
      this.terms,
      this.idf,
      vectors,
      [...this.days, ...papers.map((p) => dayNumber(p.date))],
      [...categories, ...papers.map((p) => p.categories ?? [])],
      this.categoryNames,
      this.options,
    );
  }
}

/**
 * One row's sorted term indices and L2-normalized (1 + ln tf) · idf weights.
 * `remap` maps raw term ids to vocabulary indices (-1: dropped); an empty
 * `remap` means the ids are vocabulary indices already (-1: unknown term).
 */
function vectorize(termIds: Int32Array, remap: Int32Array, idf: Float32Array): { indices: Int32Array; values: Float32Array } {
  const counts = new Map<number, number>();
  for (let t = 0; t < termIds.length; t++) {
    const v = remap.length ? remap[termIds[t]] : termIds[t];
    if (v >= 0) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const indices = Int32Array.from(counts.keys()).sort();
  const values = new Float32Array(indices.length);
  let norm = 0;
  for (let i = 0; i < indices.length; i++) {
    const w = (1 + Math.log(counts.get(indices[i])!)) * idf[indices[i]];
    values[i] = w;
    norm += w * w;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < values.length; i++) values[i] *= inv;
  }
  return { indices, values };
}

function assemble(
  ids: string[],
  terms: string[],
  idf: Float32Array,
  vectors: ReadonlyArray<{ indices: Int32Array; values: Float32Array }>,
  days: ArrayLike<number>,
  categories: ReadonlyArray<readonly string[]>,
  knownCategories: readonly string[],
  options: Required<TfidfOptions>,
): TfidfModel {
  const n = ids.length;
  const indptr = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) indptr[r + 1] = indptr[r] + vectors[r].indices.length;
  const indices = new Int32Array(indptr[n]);
  const values = new Float32Array(indptr[n]);
  for (let r = 0; r < n; r++) {
    indices.set(vectors[r].indices, indptr[r]);
    values.set(vectors[r].values, indptr[r]);
  }
  const categoryNames = [...knownCategories];
  const catIndex = new Map(categoryNames.map((c, i) => [c, i]));
  const catPtr = new Int32Array(n + 1);
  const catList: number[] = [];
  for (let r = 0; r < n; r++) {
    for (const c of categories[r]) {
      let i = catIndex.get(c);
      if (i === undefined) {
        i = categoryNames.length;
        categoryNames.push(c);
        catIndex.set(c, i);
      }
      catList.push(i);
    }
    catPtr[r + 1] = catList.length;
  }
  return new TfidfModel(ids, terms, idf, indptr, indices, values, Int32Array.from(days), categoryNames, catPtr, Int32Array.from(catList), options);
}
