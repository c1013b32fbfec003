/**
 * Collaborative signals for the feed from other readers' saves and likes,
 * with Trove's item-kNN recommender (src/recommend/item-knn.ts: cosine with
 * shrinkage over reader × paper interactions).
 *
 * With readers' history H (the reader's saved papers) and each saved paper's
 * kNN neighbours ("readers who saved h also saved e", weight sim(h, e)):
 *
 * - direct: a candidate that is itself a neighbour scores Σ_h sim(h, c);
 * - expansion: new papers rarely have saves yet, so the neighbours also form
 *   an expanded profile E (the `expansion` best by w_e = Σ_h sim(h, e), not
 *   saved by the reader), and a candidate scores Σ_e w_e · cos(c, e) / Σ_e w_e
 *   over tf-idf (one dot product with the weighted centroid).
 *
 * The signal is the sum of both; `source` names, per candidate, the reader's
 * saved paper behind it ("saved by readers who saved <title>"). With fewer
 * than `minReaders` readers having positives, `fitCoSaves` returns undefined
 * and the feed uses no collaborative signal.
 */
import { InteractionData } from "../../../src/recommend/interactions.js";
import { ItemKnn } from "../../../src/recommend/item-knn.js";
import type { TfidfModel } from "./tfidf.js";

export interface CoSaveEvent {
  reader: string;
  paperId: string;
  kind?: string;
  timestamp?: number;
}

export interface CoSaveOptions {
  /** Readers with positives needed before the signal is used (default 3). */
  minReaders?: number;
  /** item-kNN neighbours per paper (default 50). */
  neighbours?: number;
  /** item-kNN shrinkage (default 2). */
  shrinkage?: number;
}

export interface CollaborativeSignal {
  scores: Float32Array;
  /** Row of the reader's saved paper behind candidate k's score (-1: none); computed on demand. */
  sourceOf(k: number): number;
}

/** Fits item-kNN on positive events; undefined with too few readers. */
export async function fitCoSaves(events: Iterable<CoSaveEvent>, options: CoSaveOptions = {}): Promise<ItemKnn | undefined> {
  const records = [...events].map((e) => ({ user: e.reader, item: e.paperId, kind: e.kind ?? "save", value: 1, timestamp: e.timestamp }));
  const data = InteractionData.fromRecords(records);
  if (data.numUsers < (options.minReaders ?? 3) || data.numItems < 2) return undefined;
  const knn = new ItemKnn({ neighbours: options.neighbours ?? 50, shrinkage: options.shrinkage ?? 2, binary: true });
  await knn.fit(data);
  return knn;
}

/** Papers co-saved with `paperId`, most similar first: [paper id, similarity]. */
export function coSavedWith(knn: ItemKnn, paperId: string, k: number): Array<[string, number]> {
  const item = knn.itemIndex(paperId);
  if (item < 0) return [];
  const { items, scores } = knn.similarItems(item, k);
  return Array.from(items, (i, p) => [knn.itemId(i), scores[p]] as [string, number]).filter(([, s]) => s > 0);
}

export function collaborativeScores(
  knn: ItemKnn,
  model: TfidfModel,
  candidates: Int32Array,
  savedRows: readonly number[],
  options: { expansion?: number; neighbours?: number } = {},
): CollaborativeSignal {
  const n = candidates.length;
  const scores = new Float32Array(n);
  const expansionSize = options.expansion ?? 30;
  const saved = new Set(savedRows);
  // neighbour papers of the saved ones, by summed similarity, with their best source
  const weight = new Map<number, number>();
  const bestSource = new Map<number, { row: number; sim: number }>();
  for (const h of savedRows) {
    for (const [id, sim] of coSavedWith(knn, model.ids[h], options.neighbours ?? 50)) {
      const row = model.rowOf(id);
      if (row < 0 || saved.has(row)) continue;
      weight.set(row, (weight.get(row) ?? 0) + sim);
      const best = bestSource.get(row);
      if (!best || sim > best.sim) bestSource.set(row, { row: h, sim });
    }
  }
  if (weight.size === 0) return { scores, sourceOf: () => -1 };
  // direct: candidates that are neighbours themselves
  for (let k = 0; k < n; k++) scores[k] = weight.get(candidates[k]) ?? 0;
  // expansion: similarity to the weighted centroid of the best neighbours
  const expansion = [...weight.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, expansionSize);
  const total = expansion.reduce((sum, [, w]) => sum + w, 0);
  const centroid = new Float32Array(model.vocabularySize);
  for (const [row, w] of expansion) model.addTo(row, centroid, w / total);
  for (let k = 0; k < n; k++) scores[k] += model.dotDense(candidates[k], centroid);
  return {
    scores,
    sourceOf(k: number): number {
      const row = candidates[k];
      if (weight.has(row)) return bestSource.get(row)!.row;
      let best = 0;
      let source = -1;
      for (const [e, w] of expansion) {
        const contribution = w * model.dot(row, e);
        if (contribution > best) {
          best = contribution;
          source = bestSource.get(e)!.row;
        }
      }
      return source;
    },
  };
}
