/**
 * The term weighting of pseudo-relevance feedback, as Anserini computes it
 * (io.anserini.rerank.lib.Rm3Reranker and RocchioReranker, with
 * io.anserini.util.FeatureVector), in Java's float arithmetic:
 *
 * RM3 (Lavrenko & Croft's relevance model, Abdul-Jaleel et al.'s RM3):
 *   each feedback document's term counts are pruned to its fbTerms heaviest;
 *   P(t|R) = sum over documents of tf(t, d) / |d|_1 x score(d), pruned to the
 *   fbTerms heaviest and scaled to sum 1; the query's own terms (counts
 *   scaled to sum 1) are interpolated with weight originalQueryWeight.
 * Rocchio: q' = alpha q + beta mean(d / |d|_2 over the top documents)
 *   - gamma mean(over the bottom documents), the query and each mean scaled to
 *   unit L2 length, each mean pruned to its fbTerms heaviest; terms whose
 *   weight is not positive are dropped.
 *
 * Where Anserini iterates a hash map, ties between equal weights fall in
 * hash order; here they fall in term order, so a run is reproducible.
 */

const f = Math.fround;

/** Term -> weight. */
export type TermWeights = Map<string, number>;

export interface FeedbackDocument {
  /** Term counts of the document (already filtered). */
  terms: TermWeights;
  /** Its first-pass score. */
  score: number;
}

/** The k heaviest terms (ties: term order). */
export function pruneToSize(weights: TermWeights, k: number): TermWeights {
  const sorted = [...weights].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Map(sorted.slice(0, k));
}

function l1(weights: TermWeights): number {
  let norm = 0;
  for (const w of weights.values()) norm += Math.abs(w);
  return norm;
}

function l2(weights: TermWeights): number {
  let norm = 0;
  for (const w of weights.values()) norm += w * w;
  return Math.sqrt(norm);
}

function scaled(weights: TermWeights, norm: number): TermWeights {
  const out: TermWeights = new Map();
  for (const [t, w] of weights) out.set(t, f(w / norm));
  return out;
}

/** Counts of each term in `terms` (a term listed twice counts 2). */
export function termCounts(terms: readonly string[]): TermWeights {
  const out: TermWeights = new Map();
  for (const t of terms) out.set(t, f((out.get(t) ?? 0) + 1));
  return out;
}

/** RM1 over the feedback documents: the fbTerms heaviest terms, weights summing to 1. */
export function relevanceModel(docs: readonly FeedbackDocument[], fbTerms: number): TermWeights {
  const vectors = docs.map((d) => pruneToSize(d.terms, fbTerms));
  const norms = vectors.map((v) => f(l1(v)));
  const vocabulary = new Set<string>();
  for (const v of vectors) for (const t of v.keys()) vocabulary.add(t);
  const model: TermWeights = new Map();
  for (const term of vocabulary) {
    let weight = 0;
    vectors.forEach((v, i) => {
      // a document without any feedback term carries no weight (Anserini: norm > 0.001)
      if (norms[i] > f(0.001)) weight = f(weight + f(f((v.get(term) ?? 0) / norms[i]) * f(docs[i].score)));
    });
    model.set(term, weight);
  }
  const pruned = pruneToSize(model, fbTerms);
  return scaled(pruned, l1(pruned));
}

/** x weighted by xWeight, y by 1 - xWeight, over the union of their terms. */
export function interpolate(x: TermWeights, y: TermWeights, xWeight: number): TermWeights {
  const w = f(xWeight);
  const out: TermWeights = new Map();
  for (const t of new Set([...x.keys(), ...y.keys()])) out.set(t, f(f(w * (x.get(t) ?? 0)) + (1 - w) * (y.get(t) ?? 0)));
  return out;
}

/** RM3: the query's terms and the relevance model of the feedback documents, interpolated. */
export function rm3(queryTerms: readonly string[], docs: readonly FeedbackDocument[], settings: { fbTerms: number; originalQueryWeight: number }): TermWeights {
  const query = termCounts(queryTerms);
  return interpolate(scaled(query, l1(query)), relevanceModel(docs, settings.fbTerms), settings.originalQueryWeight);
}

/** The mean of the documents' L2-normalized term vectors: the fbTerms heaviest terms, scaled to unit L2 length. */
export function meanDocumentVector(docs: readonly TermWeights[], fbTerms: number): TermWeights {
  const norms = docs.map((d) => f(l2(d)));
  const vocabulary = new Set<string>();
  for (const d of docs) for (const t of d.keys()) vocabulary.add(t);
  const mean: TermWeights = new Map();
  for (const term of vocabulary) {
    let weight = 0;
    docs.forEach((d, i) => {
      if (norms[i] > f(0.001)) weight = f(weight + f((d.get(term) ?? 0) / norms[i]));
    });
    mean.set(term, f(weight / docs.length));
  }
  const pruned = pruneToSize(mean, fbTerms);
  return scaled(pruned, l2(pruned));
}

export interface RocchioSettings {
  alpha: number;
  beta: number;
  gamma: number;
  topFbTerms: number;
  bottomFbTerms: number;
}

/** Rocchio: alpha query + beta mean(top documents) - gamma mean(bottom documents), positive weights only. */
export function rocchio(queryTerms: readonly string[], top: readonly TermWeights[], bottom: readonly TermWeights[], s: RocchioSettings): TermWeights {
  const counts = termCounts(queryTerms);
  const query = scaled(counts, l2(counts));
  const relevant = top.length ? meanDocumentVector(top, s.topFbTerms) : new Map<string, number>();
  const nonRelevant = bottom.length ? meanDocumentVector(bottom, s.bottomFbTerms) : new Map<string, number>();
  const [alpha, beta, gamma] = [f(s.alpha), f(s.beta), f(s.gamma)];
  const out: TermWeights = new Map();
  for (const t of new Set([...query.keys(), ...relevant.keys(), ...nonRelevant.keys()])) {
    const w = f(f(f(alpha * (query.get(t) ?? 0)) + f(beta * (relevant.get(t) ?? 0))) - f(gamma * (nonRelevant.get(t) ?? 0)));
    if (w > 0) out.set(t, w);
  }
  return out;
}
