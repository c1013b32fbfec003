/**
 * Top-k selection over a dense score vector. The order is score descending,
 * then item index ascending, the same order the evaluation protocol uses to
 * rank a target, so a recommended list and a measured rank always agree.
 * Items scored -Infinity or NaN are never returned (that is how masks work).
 */

/** Items with their scores, best first. */
export interface ScoredItems {
  items: Int32Array;
  scores: Float32Array;
}

/** A reusable bounded heap; `select` allocates only its result arrays. */
export class TopKSelector {
  private heapItems: Int32Array;
  private heapScores: Float32Array;

  constructor(capacity = 16) {
    this.heapItems = new Int32Array(capacity);
    this.heapScores = new Float32Array(capacity);
  }

  /**
   * The best k items of `scores`, optionally only those with `allowed[i]`
   * non-zero. Writes into `out` when given (must have room for k).
   */
  select(scores: Float32Array, k: number, allowed: Uint8Array | null = null, out?: ScoredItems): ScoredItems {
    k = Math.max(0, Math.min(k, scores.length));
    if (this.heapItems.length < k) {
      this.heapItems = new Int32Array(k);
      this.heapScores = new Float32Array(k);
    }
    const hi = this.heapItems;
    const hs = this.heapScores;
    let size = 0;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i];
      if (!(s > -Infinity)) continue; // -Infinity and NaN
      if (allowed !== null && allowed[i] === 0) continue;
      if (size < k) {
        // Sift up: the root is the worst (lowest score, then highest index).
        let c = size++;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (worse(hs[p], hi[p], s, i)) break;
          hs[c] = hs[p];
          hi[c] = hi[p];
          c = p;
        }
        hs[c] = s;
        hi[c] = i;
      } else if (k > 0 && s > hs[0]) {
        // Items arrive in ascending index order, so an equal score never beats the root.
        siftDown(hs, hi, size, s, i);
      }
    }
    return this.drain(size, out);
  }

  /**
   * The best k among `count` candidate items (any order, no duplicates),
   * scored by `scores[item]` (dense) or, when `candidateScores` is given,
   * by `candidateScores[c]` for candidate c.
   */
  selectFrom(
    candidates: Int32Array,
    count: number,
    scores: Float32Array,
    k: number,
    candidateScores: Float32Array | null = null,
  ): ScoredItems {
    k = Math.max(0, Math.min(k, count));
    if (this.heapItems.length < k) {
      this.heapItems = new Int32Array(k);
      this.heapScores = new Float32Array(k);
    }
    const hi = this.heapItems;
    const hs = this.heapScores;
    let size = 0;
    for (let c = 0; c < count; c++) {
      const i = candidates[c];
      const s = candidateScores ? candidateScores[c] : scores[i];
      if (!(s > -Infinity)) continue;
      if (size < k) {
        let p = size++;
        while (p > 0) {
          const q = (p - 1) >> 1;
          if (worse(hs[q], hi[q], s, i)) break;
          hs[p] = hs[q];
          hi[p] = hi[q];
          p = q;
        }
        hs[p] = s;
        hi[p] = i;
      } else if (k > 0 && worse(hs[0], hi[0], s, i)) {
        siftDown(hs, hi, size, s, i);
      }
    }
    return this.drain(size);
  }

  private drain(size: number, out?: ScoredItems): ScoredItems {
    const hi = this.heapItems;
    const hs = this.heapScores;
    const result = out ?? { items: new Int32Array(size), scores: new Float32Array(size) };
    // Pop worst-first into the back of the result.
    let n = size;
    while (n > 0) {
      const s = hs[0];
      const item = hi[0];
      n--;
      result.items[n] = item;
      result.scores[n] = s;
      if (n > 0) siftDown(hs, hi, n, hs[n], hi[n]);
    }
    if (out && size < out.items.length) {
      // Callers that pass a buffer read `size` entries; mark the rest unused.
      out.items.fill(-1, size);
      out.scores.fill(-Infinity, size);
    }
    return result;
  }
}

function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

/** Replaces the root with (s, i) and restores the heap over [0, size). */
function siftDown(hs: Float32Array, hi: Int32Array, size: number, s: number, i: number): void {
  let c = 0;
  while (true) {
    const l = 2 * c + 1;
    if (l >= size) break;
    const r = l + 1;
    const m = r < size && worse(hs[r], hi[r], hs[l], hi[l]) ? r : l;
    if (!worse(hs[m], hi[m], s, i)) break;
    hs[c] = hs[m];
    hi[c] = hi[m];
    c = m;
  }
  hs[c] = s;
  hi[c] = i;
}

const shared = new TopKSelector();

/** The best k items of `scores` (score descending, index ascending). */
export function topK(scores: Float32Array, k: number, allowed: Uint8Array | null = null): ScoredItems {
  return shared.select(scores, k, allowed);
}
