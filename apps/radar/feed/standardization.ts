/**
 * How the feed's scorers are put on one scale before they are weighted:
 * "window" standardizes each scorer over the window's candidates (z-scores);
 * "corpus" measures every candidate against the scorer's spread over a
 * seeded sample of the whole corpus, so a weak match stays weak in a window
 * where nothing matches better.
 */
import { SeededRandom } from "../../../src/core/random.js";
import type { ItemKnn } from "../../../src/recommend/item-knn.js";
import { collaborativeScores } from "./collaborative.js";
import { svmScores, type LinearSvm } from "./linear-svm.js";
import { contentScores, zScores } from "./scorers.js";
import type { TfidfModel } from "./tfidf.js";

export type Standardization = "window" | "corpus";

/** Mean and standard deviation of a scorer over the corpus sample. */
export interface ScaleStats {
  mean: number;
  sd: number;
}

/** The scorers' corpus statistics for one reader (see `referenceStats`). */
export interface ReferenceStats {
  content: ScaleStats;
  svm: ScaleStats;
  collaborative: ScaleStats;
}

/** Papers in the corpus sample the scorers are standardized against. */
export const REFERENCE_SAMPLE = 2000;

/** A seeded sample of at most REFERENCE_SAMPLE rows of the model, none of them `exclude`d. */
export function referenceRows(model: TfidfModel, exclude: readonly number[] = []): Int32Array {
  const skip = new Set(exclude);
  const rows: number[] = [];
  for (let r = 0; r < model.size; r++) if (!skip.has(r)) rows.push(r);
  if (rows.length <= REFERENCE_SAMPLE) return Int32Array.from(rows);
  const random = new SeededRandom(17);
  for (let i = 0; i < REFERENCE_SAMPLE; i++) {
    const j = i + random.int(rows.length - i);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return Int32Array.from(rows.slice(0, REFERENCE_SAMPLE)).sort();
}

function statsOf(scores: Float32Array): ScaleStats {
  let mean = 0;
  for (const x of scores) mean += x;
  mean /= Math.max(1, scores.length);
  let variance = 0;
  for (const x of scores) variance += (x - mean) ** 2;
  return { mean, sd: Math.sqrt(variance / Math.max(1, scores.length)) };
}

/**
 * How the reader's content, svm and co-save scores are spread over the
 * whole corpus (a seeded sample of it): what "corpus" standardization
 * measures every candidate against.
 */
export function referenceStats(
  model: TfidfModel,
  saved: readonly number[],
  options: { svm?: LinearSvm; coSaves?: ItemKnn; contentMix?: number; coSaveExpansion?: number } = {},
): ReferenceStats {
  const rows = referenceRows(model, saved);
  const none = { mean: 0, sd: 0 };
  return {
    content: saved.length ? statsOf(contentScores(model, rows, saved, options.contentMix ?? 0.5).scores) : none,
    svm: options.svm ? statsOf(svmScores(options.svm, model, rows)) : none,
    collaborative: options.coSaves && saved.length ? statsOf(collaborativeScores(options.coSaves, model, rows, saved, { expansion: options.coSaveExpansion }).scores) : none,
  };
}

/** (score − mean) / sd against corpus statistics (all zeros when the corpus spread is nil). */
function zAgainst(scores: Float32Array, stats: ScaleStats): Float32Array {
  const out = new Float32Array(scores.length);
  if (!(stats.sd > 1e-12)) return out;
  for (let k = 0; k < scores.length; k++) out[k] = (scores[k] - stats.mean) / stats.sd;
  return out;
}

/** Scores standardized over the window, or against the corpus statistics when they are given. */
export function standardized(scores: Float32Array, stats: ScaleStats | undefined): Float32Array {
  return stats ? zAgainst(scores, stats) : zScores(scores);
}
