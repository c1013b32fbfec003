/**
 * Seismic's blocking of one posting list's head: documents that look alike
 * (share heavy terms) go into the same block, so a block's summary is tight
 * and whole blocks can be skipped. As Seismic's approximate random k-means
 * over an inverted index of the centroids: `centroidFraction` x length
 * documents of the head, sampled at random, are the centroids; each other
 * document joins the centroid with the largest dot product over its
 * `clusteringDocCut` heaviest terms (ties: the lower centroid; no shared term:
 * the centroid weighing the list's own term most); blocks smaller than
 * `minClusterSize` are dissolved into the others the same way. Inside a block
 * documents are in ordinal order.
 *
 * All scratch space is allocated once per builder and reused for every list.
 */
import type { RandomStream } from "../core/random.js";
import type { ForwardIndex } from "./sparse-index-data.js";

export class HeadClusterer {
  private termHead: Int32Array;
  private entryNext = new Int32Array(1024);
  private entryCentroid = new Int32Array(1024);
  private entryImpact = new Uint8Array(1024);
  private positions = new Int32Array(64);
  private assignment = new Int32Array(64);
  private scores = new Float64Array(64);
  private touched = new Int32Array(64);
  private packed = new Float64Array(64);
  private sizes = new Int32Array(64);

  constructor(
    private readonly forward: ForwardIndex,
    /** Per document its heaviest terms (clusteringDocCut of them), CSR. */
    private readonly top: ForwardIndex,
    termCount: number,
    private readonly centroidFraction: number,
    private readonly minClusterSize: number,
  ) {
    this.termHead = new Int32Array(termCount).fill(-1);
  }

  /**
   * Reorders the head of one term's list (`ords` and `impacts`, aligned views, impact order) in place into blocks;
   * returns each block's end, relative to the head's start.
   */
  cluster(ords: Uint32Array, impacts: Uint8Array, random: RandomStream): number[] {
    const h = ords.length;
    const centroids = Math.floor(this.centroidFraction * h);
    if (centroids <= 1 || h < 2 * this.minClusterSize) {
      this.orderBlocks(ords, impacts, null);
      return [h];
    }
    this.ensure(h, centroids);
    // centroids: a partial Fisher-Yates shuffle of the head's positions
    const positions = this.positions;
    for (let i = 0; i < h; i++) positions[i] = i;
    for (let i = 0; i < centroids; i++) {
      const j = i + random.int(h - i);
      const t = positions[i];
      positions[i] = positions[j];
      positions[j] = t;
    }
    const assignment = this.assignment;
    assignment.fill(-1, 0, h);
    for (let c = 0; c < centroids; c++) assignment[positions[c]] = c;
    this.indexCentroids(ords, centroids);
    for (let i = 0; i < h; i++) {
      if (assignment[i] < 0) assignment[i] = this.nearest(ords[i], impacts, centroids, null);
    }
    // dissolve small blocks
    const sizes = this.sizes;
    sizes.fill(0, 0, centroids);
    for (let i = 0; i < h; i++) sizes[assignment[i]]++;
    let big = 0;
    for (let c = 0; c < centroids; c++) if (sizes[c] >= this.minClusterSize) big++;
    if (big === 0) {
      this.resetIndex(ords, centroids);
      this.orderBlocks(ords, impacts, null);
      return [h];
    }
    if (big < centroids) {
      for (let i = 0; i < h; i++) {
        if (sizes[assignment[i]] < this.minClusterSize) assignment[i] = this.nearest(ords[i], impacts, centroids, sizes);
      }
    }
    this.resetIndex(ords, centroids);
    return this.orderBlocks(ords, impacts, assignment);
  }

  /** Linked lists per term over the centroids' postings. */
  private indexCentroids(ords: Uint32Array, centroids: number): void {
    const { offsets, terms, impacts } = this.forward;
    let n = 0;
    for (let c = 0; c < centroids; c++) {
      const doc = ords[this.positions[c]];
      for (let e = offsets[doc]; e < offsets[doc + 1]; e++) {
        if (n === this.entryNext.length) this.growEntries();
        const t = terms[e];
        this.entryNext[n] = this.termHead[t];
        this.entryCentroid[n] = c;
        this.entryImpact[n] = impacts[e];
        this.termHead[t] = n++;
      }
    }
  }

  private resetIndex(ords: Uint32Array, centroids: number): void {
    const { offsets, terms } = this.forward;
    for (let c = 0; c < centroids; c++) {
      const doc = ords[this.positions[c]];
      for (let e = offsets[doc]; e < offsets[doc + 1]; e++) this.termHead[terms[e]] = -1;
    }
  }

  /** The centroid with the largest dot product over the document's heaviest terms (only large clusters when `sizes` is given). */
  private nearest(doc: number, impacts: Uint8Array, centroids: number, sizes: Int32Array | null): number {
    const { offsets, terms, impacts: topImpacts } = this.top;
    const { termHead, entryNext, entryCentroid, entryImpact, scores, touched } = this;
    const minSize = this.minClusterSize;
    let n = 0;
    for (let e = offsets[doc]; e < offsets[doc + 1]; e++) {
      const v = topImpacts[e];
      for (let x = termHead[terms[e]]; x >= 0; x = entryNext[x]) {
        const c = entryCentroid[x];
        if (sizes !== null && sizes[c] < minSize) continue;
        if (scores[c] === 0) touched[n++] = c;
        scores[c] += v * entryImpact[x];
      }
    }
    let best = -1;
    let bestScore = 0;
    for (let i = 0; i < n; i++) {
      const c = touched[i];
      if (scores[c] > bestScore || (scores[c] === bestScore && c < best)) {
        bestScore = scores[c];
        best = c;
      }
      scores[c] = 0;
    }
    if (best >= 0) return best;
    // no shared heavy term: the centroid weighing this list's term most (every centroid has it)
    let bestImpact = -1;
    for (let c = 0; c < centroids; c++) {
      if (sizes !== null && sizes[c] < this.minClusterSize) continue;
      const v = impacts[this.positions[c]];
      if (v > bestImpact) {
        bestImpact = v;
        best = c;
      }
    }
    return best;
  }

  /** Writes the head back grouped by block (blocks in centroid order, ordinals ascending inside); returns block ends. */
  private orderBlocks(ords: Uint32Array, impacts: Uint8Array, assignment: Int32Array | null): number[] {
    const h = ords.length;
    const packed = this.packed.length >= h ? this.packed : (this.packed = new Float64Array(h));
    // (block, ordinal, impact) in one exactly representable number: block * 2^40 + ordinal * 2^8 + impact
    for (let i = 0; i < h; i++) packed[i] = (assignment ? assignment[i] : 0) * 1099511627776 + ords[i] * 256 + impacts[i];
    const view = packed.subarray(0, h);
    view.sort();
    const ends: number[] = [];
    let current = -1;
    for (let i = 0; i < h; i++) {
      const value = view[i];
      const block = Math.floor(value / 1099511627776);
      const rest = value - block * 1099511627776;
      ords[i] = Math.floor(rest / 256);
      impacts[i] = rest - ords[i] * 256;
      if (block !== current) {
        if (current >= 0) ends.push(i);
        current = block;
      }
    }
    ends.push(h);
    return ends;
  }

  private ensure(h: number, centroids: number): void {
    if (this.positions.length < h) {
      this.positions = new Int32Array(h);
      this.assignment = new Int32Array(h);
    }
    if (this.scores.length < centroids) {
      this.scores = new Float64Array(centroids);
      this.touched = new Int32Array(centroids);
      this.sizes = new Int32Array(centroids);
    }
  }

  private growEntries(): void {
    const size = this.entryNext.length * 2;
    const next = new Int32Array(size);
    next.set(this.entryNext);
    this.entryNext = next;
    const centroid = new Int32Array(size);
    centroid.set(this.entryCentroid);
    this.entryCentroid = centroid;
    const impact = new Uint8Array(size);
    impact.set(this.entryImpact);
    this.entryImpact = impact;
  }
}
