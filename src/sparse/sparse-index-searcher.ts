/**
 * Top-k search over one learned-sparse index (sparse-index-data.ts): the score
 * of a document is the dot product of the query's weights with the
 * document's impacts, times the index's scale.
 *
 * Approximate (Seismic): the query's `queryCut` heaviest terms choose the
 * posting lists; for each list (heaviest term first) each block's summary is
 * scored against the whole query and the block is skipped when the heap is
 * full and that score is below `heapFactor` x the k-th best score; the
 * documents of the other blocks (not seen before) are scored exactly from the
 * forward index. Exact: every posting of every query term is accumulated
 * (term at a time) and the best k accumulators are taken, ties by ordinal.
 *
 * Scratch buffers (the dense query, visit stamps, accumulators) are kept
 * between searches; searches are synchronous, so one searcher serves one at
 * a time.
 */
import { TopKHeap } from "../engine/collectors/top-k-collector.js";
import type { SparseIndexData } from "./sparse-index-data.js";
import { resolveSparseSearchParams, type SparseSearchParams } from "./sparse-index-params.js";

export interface SparseQuery {
  /** Term ids of this index (distinct). */
  terms: Uint32Array;
  weights: Float32Array;
}

export interface SparseHits {
  ords: Uint32Array;
  scores: Float64Array;
  /** Documents whose score was computed (approximate: from the forward index; exact: postings touched). */
  scored: number;
  /** Blocks whose summary was scored, and how many of them were skipped. */
  blocksScored: number;
  blocksSkipped: number;
}

export class SparseIndexSearcher {
  private dense: Float64Array | null = null;
  private stamps: Uint32Array | null = null;
  private stamp = 0;
  private accumulators: Float64Array | null = null;

  constructor(readonly data: SparseIndexData) {}

  /** The best k documents for `query`; `accept[ord]` (when given) says which documents may be returned. */
  search(query: SparseQuery, k: number, params: SparseSearchParams = {}, accept: Uint8Array | null = null): SparseHits {
    const p = resolveSparseSearchParams(params);
    const heap = new TopKHeap(k);
    const stats = { scored: 0, blocksScored: 0, blocksSkipped: 0 };
    if (k > 0 && query.terms.length > 0 && this.data.count > 0) {
      if (p.exact) this.exact(query, heap, accept, stats);
      else this.approximate(query, heap, accept, p, stats);
    }
    const sorted = heap.sorted();
    const ords = new Uint32Array(sorted.length);
    const scores = new Float64Array(sorted.length);
    sorted.forEach((hit, i) => {
      ords[i] = hit.doc;
      scores[i] = hit.score * this.data.scale;
    });
    return { ords, scores, ...stats };
  }

  private exact(query: SparseQuery, heap: TopKHeap, accept: Uint8Array | null, stats: { scored: number }): void {
    const { postOffsets, postOrds, postImpacts, count } = this.data;
    const acc = (this.accumulators ??= new Float64Array(count));
    const seen = this.nextStamps();
    const stamp = this.stamp;
    let touched = 0;
    for (let q = 0; q < query.terms.length; q++) {
      const w = query.weights[q];
      const t = query.terms[q];
      for (let i = postOffsets[t]; i < postOffsets[t + 1]; i++) {
        const d = postOrds[i];
        if (seen[d] !== stamp) {
          seen[d] = stamp;
          acc[d] = 0;
          touched++;
        }
        acc[d] += w * postImpacts[i];
      }
    }
    stats.scored = touched;
    for (let d = 0; d < count; d++) {
      if (seen[d] !== stamp || (accept !== null && accept[d] === 0)) continue;
      heap.offer(acc[d], d);
    }
  }

  private approximate(
    query: SparseQuery,
    heap: TopKHeap,
    accept: Uint8Array | null,
    p: Required<SparseSearchParams>,
    stats: { scored: number; blocksScored: number; blocksSkipped: number },
  ): void {
    const { termBlocks, blockStart, blockEnd, summaryOffsets, summaryTerms, summaryImpacts, postOrds, forward } = this.data;
    const dense = (this.dense ??= new Float64Array(this.data.termCount));
    for (let q = 0; q < query.terms.length; q++) dense[query.terms[q]] = query.weights[q];
    const visited = this.nextStamps();
    const stamp = this.stamp;
    const lists = heaviestFirst(query, p.queryCut);
    try {
      for (let l = 0; l < lists.length; l++) {
        const t = lists[l];
        const firstBlock = termBlocks[t];
        const lastBlock = termBlocks[t + 1];
        const n = lastBlock - firstBlock;
        if (n === 0) continue;
        // summary scores of this list's blocks
        const summaryScores = new Float64Array(n);
        for (let b = 0; b < n; b++) {
          let s = 0;
          const block = firstBlock + b;
          for (let e = summaryOffsets[block]; e < summaryOffsets[block + 1]; e++) s += dense[summaryTerms[e]] * summaryImpacts[e];
          summaryScores[b] = s;
        }
        stats.blocksScored += n;
        let order: Int32Array | null = null;
        if (l === 0 && p.sortFirstList) order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => summaryScores[b] - summaryScores[a] || a - b);
        for (let i = 0; i < n; i++) {
          const b = order ? order[i] : i;
          if (heap.full && summaryScores[b] < p.heapFactor * heap.scores[0]) {
            stats.blocksSkipped++;
            continue;
          }
          const block = firstBlock + b;
          for (let x = blockStart[block]; x < blockEnd[block]; x++) {
            const d = postOrds[x];
            if (visited[d] === stamp) continue;
            visited[d] = stamp;
            if (accept !== null && accept[d] === 0) continue;
            let s = 0;
            for (let e = forward.offsets[d]; e < forward.offsets[d + 1]; e++) s += dense[forward.terms[e]] * forward.impacts[e];
            stats.scored++;
            heap.offer(s, d);
          }
        }
      }
    } finally {
      for (let q = 0; q < query.terms.length; q++) dense[query.terms[q]] = 0;
    }
  }

  /** A fresh visit stamp (the stamp array is cleared only when the counter wraps). */
  private nextStamps(): Uint32Array {
    const stamps = (this.stamps ??= new Uint32Array(this.data.count));
    if (++this.stamp === 0xffffffff) {
      stamps.fill(0);
      this.stamp = 1;
    }
    return stamps;
  }
}

/** The `cut` heaviest query terms, heaviest first (ties: lower term id). */
function heaviestFirst(query: SparseQuery, cut: number): Uint32Array {
  const order = Array.from({ length: query.terms.length }, (_, i) => i).sort((a, b) => query.weights[b] - query.weights[a] || query.terms[a] - query.terms[b]);
  return Uint32Array.from(order.slice(0, cut), (i) => query.terms[i]);
}
