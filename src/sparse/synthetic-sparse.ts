/**
 * Seeded SPLADE-like sparse vectors for tests and the benchmark, when no
 * model is at hand. The statistics follow what learned-sparse encoders
 * produce on passages: a BERT-sized vocabulary (30,522 terms), 100-200
 * non-zeros per document and 20-40 per query, term popularity skewed (a
 * power law over the vocabulary, exponent 0.6: flatter than Zipf, as Seismic
 * observes for SPLADE; the most common term is in about 60% of documents) and
 * weights concentrated on a few terms (log-normal with sigma 1.2: the top 10%
 * of a vector's coordinates hold about half of its L1 mass, the
 * "concentration of importance" Seismic builds on).
 * Texts are about topics: each topic prefers 400 terms, a document mixes two
 * topics (70% of its terms from them), a query one topic of a document, so
 * queries have real nearest neighbours instead of uniform noise.
 */
import { SeededRandom, type RandomStream } from "../core/random.js";

export interface SyntheticSparseOptions {
  documents: number;
  queries: number;
  vocabulary?: number;
  topics?: number;
  seed?: number;
  /** Non-zeros per document, inclusive range (default 100-200). */
  documentTerms?: [number, number];
  /** Non-zeros per query, inclusive range (default 20-40). */
  queryTerms?: [number, number];
}

export interface SparseVectors {
  offsets: Uint32Array;
  terms: Uint32Array;
  weights: Float32Array;
}

export interface SyntheticSparseData {
  vocabulary: number;
  documents: SparseVectors;
  queries: SparseVectors;
}

const TOPIC_TERMS = 400;

export function syntheticSparse(options: SyntheticSparseOptions): SyntheticSparseData {
  const vocabulary = options.vocabulary ?? 30522;
  const topicCount = options.topics ?? 2000;
  const random = new SeededRandom(options.seed ?? 42);
  const popularity = new PowerLaw(vocabulary, 0.6);
  const topics: Uint32Array[] = [];
  for (let t = 0; t < topicCount; t++) topics.push(Uint32Array.from({ length: TOPIC_TERMS }, () => popularity.sample(random)));
  const [dMin, dMax] = options.documentTerms ?? [100, 200];
  const [qMin, qMax] = options.queryTerms ?? [20, 40];
  const documentTopics = new Uint32Array(options.documents * 2);
  const documents = generate(options.documents, dMin, dMax, random, (d, out, size) => {
    const a = random.int(topicCount);
    const b = random.int(topicCount);
    documentTopics[2 * d] = a;
    documentTopics[2 * d + 1] = b;
    fill(out, size, random, popularity, [topics[a], topics[b]], 0.7);
  });
  const queries = generate(options.queries, qMin, qMax, random, (_q, out, size) => {
    const d = random.int(Math.max(1, options.documents));
    fill(out, size, random, popularity, [topics[documentTopics[2 * d + random.int(2)]]], 0.8);
  });
  return { vocabulary, documents, queries };
}

function generate(count: number, min: number, max: number, random: RandomStream, one: (i: number, out: Map<number, number>, size: number) => void): SparseVectors {
  const offsets = new Uint32Array(count + 1);
  const sizes = Uint32Array.from({ length: count }, () => min + random.int(max - min + 1));
  const capacity = sizes.reduce((a, b) => a + b, 0);
  const terms = new Uint32Array(capacity);
  const weights = new Float32Array(capacity);
  const entries = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    entries.clear();
    one(i, entries, sizes[i]);
    const sorted = [...entries].sort((a, b) => a[0] - b[0]);
    sorted.forEach(([term, weight], j) => {
      terms[offsets[i] + j] = term;
      weights[offsets[i] + j] = weight;
    });
    offsets[i + 1] = offsets[i] + sorted.length;
  }
  return { offsets, terms: terms.slice(0, offsets[count]), weights: weights.slice(0, offsets[count]) };
}

/** Draws distinct terms (a share from the topics' preferred terms) with log-normal weights. */
function fill(out: Map<number, number>, size: number, random: RandomStream, popularity: PowerLaw, topics: Uint32Array[], topicShare: number): void {
  let guard = 0;
  while (out.size < size && guard++ < size * 50) {
    const fromTopic = random.next() < topicShare;
    const term = fromTopic ? topics[random.int(topics.length)][random.int(TOPIC_TERMS)] : popularity.sample(random);
    if (out.has(term)) continue;
    const weight = Math.exp(1.2 * random.normal() - 1) * (fromTopic ? 1.6 : 1);
    out.set(term, Math.fround(Math.min(weight, 20)));
  }
}

/** P(rank r) proportional to (r + 1)^-exponent over a shuffled vocabulary, sampled by inverting the cumulative sum. */
class PowerLaw {
  private readonly cumulative: Float64Array;
  private readonly termOfRank: Uint32Array;

  constructor(size: number, exponent: number) {
    this.cumulative = new Float64Array(size);
    let sum = 0;
    for (let r = 0; r < size; r++) this.cumulative[r] = sum += (r + 1) ** -exponent;
    for (let r = 0; r < size; r++) this.cumulative[r] /= sum;
    this.termOfRank = Uint32Array.from({ length: size }, (_, i) => i);
    new SeededRandom(7).shuffle(this.termOfRank);
  }

  sample(random: RandomStream): number {
    const u = random.next();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return this.termOfRank[lo];
  }
}
