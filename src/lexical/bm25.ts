/**
 * BM25 exactly as Lucene's BM25Similarity computes it, in 32-bit floats:
 *   idf    = (float) ln(1 + (N - n + 0.5) / (n + 0.5))            (in double, then rounded)
 *   avgdl  = (float) (sumTotalTermFreq / docCount)
 *   cache[norm] = 1 / (k1 * ((1 - b) + b * LENGTH_TABLE[norm] / avgdl))   (float arithmetic)
 *   score  = weight - weight / (1 + freq * cache[norm]),  weight = boost * idf
 * Math.fround after every float operation mirrors Java's float semantics.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { LENGTH_TABLE } from "./small-float.js";

const f = Math.fround;

export interface Bm25Params {
  k1: number;
  b: number;
}

/** Anserini's BEIR setting. Lucene's own default is k1=1.2, b=0.75. */
export const DEFAULT_BM25: Readonly<Bm25Params> = Object.freeze({ k1: 0.9, b: 0.4 });

export function validateBm25(params: Bm25Params): Bm25Params {
  if (!Number.isFinite(params.k1) || params.k1 < 0) throw new InvalidArgumentError(`k1 must be a non-negative finite number, got ${params.k1}`);
  if (!Number.isFinite(params.b) || params.b < 0 || params.b > 1) throw new InvalidArgumentError(`b must be between 0 and 1, got ${params.b}`);
  return params;
}

export function bm25Idf(docFreq: number, docCount: number): number {
  return f(Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5)));
}

export function bm25AvgFieldLength(sumTotalTermFreq: number, docCount: number): number {
  return docCount === 0 ? 1 : f(sumTotalTermFreq / docCount);
}

/** The per-norm-byte table of 1 / (k1 * ((1 - b) + b * dl / avgdl)). */
export function bm25NormInverseCache(params: Bm25Params, avgdl: number): Float32Array {
  const k1 = f(params.k1);
  const b = f(params.b);
  const oneMinusB = f(1 - b);
  const cache = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    cache[i] = f(1 / f(k1 * f(oneMinusB + f(f(b * LENGTH_TABLE[i]) / avgdl))));
  }
  return cache;
}

/** One term's score in one document, as BM25Scorer.score(freq, norm). */
export function bm25Score(weight: number, freq: number, normInverse: number): number {
  return f(weight - f(weight / f(1 + f(freq * normInverse))));
}

/** Everything needed to score one query term in one field, shared by all segments. */
export class Bm25TermWeight {
  readonly idf: number;
  readonly weight: number;
  readonly avgdl: number;
  readonly normInverse: Float32Array;

  constructor(
    readonly params: Bm25Params,
    readonly boost: number,
    readonly docFreq: number,
    readonly docCount: number,
    readonly sumTotalTermFreq: number,
    normInverse?: Float32Array,
    /** Phrases use the sum of their terms' idf instead. */
    idfOverride?: number,
  ) {
    this.idf = idfOverride ?? bm25Idf(docFreq, docCount);
    this.weight = f(f(boost) * this.idf);
    this.avgdl = bm25AvgFieldLength(sumTotalTermFreq, docCount);
    this.normInverse = normInverse ?? bm25NormInverseCache(params, this.avgdl);
  }

  score(freq: number, norm: number): number {
    return bm25Score(this.weight, freq, this.normInverse[norm]);
  }
}
