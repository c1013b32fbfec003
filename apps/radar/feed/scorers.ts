/**
 * The feed's scorers, each over a list of candidate rows of the tf-idf model
 * (one Float32Array entry per candidate):
 *
 * - `contentScores`: cosine similarity to the reader's saved papers,
 *   mix · max + (1 − mix) · mean over the saved papers, with the saved paper
 *   of the max (for "similar to <title> you saved");
 * - `svmScores` (linear-svm.ts): the per-reader linear SVM, arxiv-sanity style;
 * - `topicScores`: +1 for each liked topic a paper matches (at most
 *   `maxLikes` counted), −`dislikePenalty` (10) for each disliked one; categories
 *   match a paper's categories, keyword topics match the papers the caller
 *   found for them (a phrase search in the service);
 * - `recencyScores`: minus the age in days at the window's end;
 * - collaborative signals come from collaborative.ts.
 */
import { ARXIV_CATEGORY } from "../papers.js";
import type { TfidfModel } from "./tfidf.js";

export interface ContentSignal {
  scores: Float32Array;
  /** Row of the most similar saved paper per candidate (-1 with no saved papers). */
  bestSaved: Int32Array;
  /** Cosine with that paper. */
  bestSimilarity: Float32Array;
}

/** Similarity of each candidate to the saved rows: mix · max + (1 − mix) · mean. */
export function contentScores(model: TfidfModel, candidates: Int32Array, saved: readonly number[], mix = 0.5): ContentSignal {
  const n = candidates.length;
  const scores = new Float32Array(n);
  const bestSaved = new Int32Array(n).fill(-1);
  const bestSimilarity = new Float32Array(n);
  if (saved.length === 0) return { scores, bestSaved, bestSimilarity };
  const dense = new Float32Array(model.vocabularySize);
  const sum = new Float32Array(n);
  for (const s of saved) {
    model.addTo(s, dense, 1);
    for (let k = 0; k < n; k++) {
      const c = candidates[k];
      const sim = c === s ? 0 : model.dotDense(c, dense);
      sum[k] += sim;
      if (bestSaved[k] < 0 || sim > bestSimilarity[k]) {
        bestSimilarity[k] = sim;
        bestSaved[k] = s;
      }
    }
    model.addTo(s, dense, -1);
    // clear rounding residue so the next saved paper starts from zero
    for (let p = model.indptr[s]; p < model.indptr[s + 1]; p++) dense[model.indices[p]] = 0;
  }
  for (let k = 0; k < n; k++) scores[k] = mix * bestSimilarity[k] + (1 - mix) * (sum[k] / saved.length);
  return { scores, bestSaved, bestSimilarity };
}

export interface TopicPreference {
  kind: "category" | "keyword";
  value: string;
  level: "like" | "neutral" | "dislike";
  /** Keyword topics: the rows of the papers matching the keyword. */
  rows?: ReadonlySet<number>;
  /** Set when the topic was inferred from the reader's saves: `count` of their `of` saved papers are in it. */
  support?: { count: number; of: number };
}

export interface TopicSignal {
  scores: Float32Array;
  /** Per candidate, the indices (into the topics list) of the liked topics it matches. */
  liked: number[][];
  /** Per candidate, the indices of the disliked topics it matches. */
  disliked: number[][];
}

export interface TopicScoreOptions {
  /** Liked topics counted per paper (default 2). */
  maxLikes?: number;
  /** Points taken per disliked topic (default 10). */
  dislikePenalty?: number;
}

export function topicMatches(model: TfidfModel, row: number, topic: TopicPreference): boolean {
  if (topic.kind === "keyword") return topic.rows?.has(row) ?? false;
  const c = model.categoryOf(topic.value);
  return c >= 0 && model.hasCategory(row, c);
}

export function topicScores(model: TfidfModel, candidates: Int32Array, topics: readonly TopicPreference[], options: TopicScoreOptions = {}): TopicSignal {
  const maxLikes = options.maxLikes ?? 2;
  const penalty = options.dislikePenalty ?? 10;
  const n = candidates.length;
  const scores = new Float32Array(n);
  const liked: number[][] = Array.from({ length: n }, () => []);
  const disliked: number[][] = Array.from({ length: n }, () => []);
  topics.forEach((topic, t) => {
    if (topic.level === "neutral") return;
    for (let k = 0; k < n; k++) {
      if (!topicMatches(model, candidates[k], topic)) continue;
      (topic.level === "like" ? liked : disliked)[k].push(t);
    }
  });
  for (let k = 0; k < n; k++) scores[k] = Math.min(liked[k].length, maxLikes) - penalty * disliked[k].length;
  return { scores, liked, disliked };
}

/**
 * The categories a reader's saves suggest: arXiv categories of at least half
 * of the saved papers, liked, each with its support ("6 of 8"). The
 * evaluation gives every reader these as topics; the live feed uses them for
 * readers who follow no category themselves.
 */
export function topicsFromSaves(model: TfidfModel, saved: readonly number[]): TopicPreference[] {
  const counts = new Map<string, number>();
  for (const r of saved) for (const c of model.categoriesOf(r)) if (ARXIV_CATEGORY.test(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts.entries()]
    .filter(([, n]) => n * 2 >= saved.length)
    .map(([value, count]) => ({ kind: "category", value, level: "like", support: { count, of: saved.length } }));
}

/** The largest similarity of each candidate to any of `rows` (0 without rows): how close it is to papers the reader wants less of. */
export function maxSimilarity(model: TfidfModel, candidates: Int32Array, rows: readonly number[]): Float32Array {
  const out = new Float32Array(candidates.length);
  for (const r of rows) {
    for (let k = 0; k < candidates.length; k++) {
      const sim = candidates[k] === r ? 1 : model.dot(candidates[k], r);
      if (sim > out[k]) out[k] = sim;
    }
  }
  return out;
}

/** Minus the age in days of each candidate at day `untilDay`. */
export function recencyScores(model: TfidfModel, candidates: Int32Array, untilDay: number): Float32Array {
  return Float32Array.from(candidates, (r) => model.days[r] - untilDay);
}

/** Scores standardized to mean 0 and standard deviation 1 (all zeros when constant). */
export function zScores(scores: Float32Array): Float32Array {
  const n = scores.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += scores[k];
  mean /= n;
  let variance = 0;
  for (let k = 0; k < n; k++) variance += (scores[k] - mean) ** 2;
  const sd = Math.sqrt(variance / n);
  if (!(sd > 1e-12)) return out;
  for (let k = 0; k < n; k++) out[k] = (scores[k] - mean) / sd;
  return out;
}
