/**
 * Builds a learned-sparse index (layout in sparse-index-data.ts) from
 * documents given column-wise (CSR: per document its term ids and float
 * weights): quantize the weights to one-byte impacts, write the forward index
 * (terms ascending per document), invert it, order each term's postings by
 * impact (a counting sort on the 256 values, ties by ordinal), block each
 * list's head with Seismic's clustering (block-clustering.ts) and write each
 * block's energy-preserving summary. Summaries and centroids are computed
 * from each document's `summaryMaxTerms` heaviest entries only: a lighter
 * entry can never be among a block's `summaryMaxTerms` largest maxima, and
 * reading fewer entries makes the build about twice as fast (energy is then
 * measured over those entries).
 */
import { InvalidArgumentError } from "../core/errors.js";
import { SeededRandom } from "../core/random.js";
import { HeadClusterer } from "./block-clustering.js";
import type { SparseIndexParams } from "./sparse-index-params.js";
import type { ForwardIndex, SparseIndexData } from "./sparse-index-data.js";

/** Documents column-wise: document d's entries are offsets[d]..offsets[d+1] of terms and weights (distinct terms, weights > 0). */
export interface SparseDocuments {
  offsets: Uint32Array;
  terms: Uint32Array;
  weights: Float32Array;
  termCount: number;
}

export function buildSparseIndex(documents: SparseDocuments, params: SparseIndexParams, onProgress?: (termsDone: number) => void): SparseIndexData {
  const { offsets, weights, termCount } = documents;
  const count = offsets.length - 1;
  const entries = count >= 0 ? offsets[count] : 0;
  let max = 0;
  for (let i = 0; i < entries; i++) {
    const w = weights[i];
    if (!(w > 0) || !Number.isFinite(w)) throw new InvalidArgumentError(`sparse weight ${w} at entry ${i}: weights must be positive finite numbers`);
    if (w > max) max = w;
  }
  const scale = max > 0 ? max / 255 : 1;
  const forward = quantizedForward(documents, scale);
  const { postOffsets, postOrds, postImpacts } = invert(forward, count, termCount);
  // a document's lighter entries can never be among a block's summaryMaxTerms largest maxima (it has
  // summaryMaxTerms heavier ones), so summaries and centroids read only each document's heaviest entries
  const heavy = heaviestTerms(forward, count, params.summaryMaxTerms);
  const top = heaviestTerms(heavy, count, params.clusteringDocCut);
  const clusterer = new HeadClusterer(heavy, top, termCount, params.centroidFraction, params.minClusterSize);
  const random = new SeededRandom(params.seed);
  const termBlocks = new Uint32Array(termCount + 1);
  const blockStart: number[] = [];
  const blockEnd: number[] = [];
  const summaries = new SummaryWriter(termCount, params.summaryEnergy, params.summaryMaxTerms);
  for (let t = 0; t < termCount; t++) {
    const start = postOffsets[t];
    const headEnd = Math.min(postOffsets[t + 1], start + params.postingsPerTerm);
    termBlocks[t] = blockStart.length;
    if (headEnd > start) {
      const ends = clusterer.cluster(postOrds.subarray(start, headEnd), postImpacts.subarray(start, headEnd), random);
      let from = start;
      for (const end of ends) {
        blockStart.push(from);
        blockEnd.push(start + end);
        summaries.add(heavy, postOrds, from, start + end);
        from = start + end;
      }
    }
    if (onProgress && (t & 4095) === 4095) onProgress(t + 1);
  }
  termBlocks[termCount] = blockStart.length;
  const summary = summaries.finish();
  return {
    count,
    termCount,
    scale,
    forward,
    postOffsets,
    postOrds,
    postImpacts,
    termBlocks,
    blockStart: Uint32Array.from(blockStart),
    blockEnd: Uint32Array.from(blockEnd),
    summaryOffsets: summary.offsets,
    summaryTerms: summary.terms,
    summaryImpacts: summary.impacts,
  };
}

/** Impact of a weight: round(weight / scale), at least 1 (every stored term stays findable), at most 255. */
export function quantizeWeight(weight: number, scale: number): number {
  return Math.min(255, Math.max(1, Math.round(weight / scale)));
}

function quantizedForward(documents: SparseDocuments, scale: number): ForwardIndex {
  const { offsets, terms, weights, termCount } = documents;
  const count = offsets.length - 1;
  const entries = offsets[count];
  const outTerms = new Uint32Array(entries);
  const impacts = new Uint8Array(entries);
  let order = new Int32Array(256);
  for (let d = 0; d < count; d++) {
    const start = offsets[d];
    const n = offsets[d + 1] - start;
    if (order.length < n) order = new Int32Array(n * 2);
    let sorted = true;
    for (let i = 0; i < n; i++) {
      order[i] = i;
      const t = terms[start + i];
      if (t >= termCount) throw new InvalidArgumentError(`sparse term id ${t} of document ${d} is outside the dictionary of ${termCount} terms`);
      if (i > 0 && terms[start + i - 1] >= t) sorted = false;
    }
    if (!sorted) {
      order.subarray(0, n).sort((a, b) => terms[start + a] - terms[start + b]);
      for (let i = 1; i < n; i++) {
        if (terms[start + order[i]] === terms[start + order[i - 1]]) throw new InvalidArgumentError(`document ${d} holds term id ${terms[start + order[i]]} twice`);
      }
    }
    for (let i = 0; i < n; i++) {
      outTerms[start + i] = terms[start + order[i]];
      impacts[start + i] = quantizeWeight(weights[start + order[i]], scale);
    }
  }
  return { offsets: offsets.slice(), terms: outTerms, impacts };
}

/** Inverted lists, each in impact order (highest first, ties by ordinal). */
function invert(forward: ForwardIndex, count: number, termCount: number): { postOffsets: Uint32Array; postOrds: Uint32Array; postImpacts: Uint8Array } {
  const entries = forward.terms.length;
  const postOffsets = new Uint32Array(termCount + 1);
  for (let i = 0; i < entries; i++) postOffsets[forward.terms[i] + 1]++;
  for (let t = 0; t < termCount; t++) postOffsets[t + 1] += postOffsets[t];
  const cursor = postOffsets.slice(0, termCount);
  const ords = new Uint32Array(entries);
  const impacts = new Uint8Array(entries);
  for (let d = 0; d < count; d++) {
    for (let e = forward.offsets[d]; e < forward.offsets[d + 1]; e++) {
      const at = cursor[forward.terms[e]]++;
      ords[at] = d;
      impacts[at] = forward.impacts[e];
    }
  }
  // counting sort of each list by impact, descending; stable, so ordinals stay ascending among equals
  const position = new Uint32Array(256);
  let scratchOrds = new Uint32Array(1024);
  let scratchImpacts = new Uint8Array(1024);
  for (let t = 0; t < termCount; t++) {
    const start = postOffsets[t];
    const end = postOffsets[t + 1];
    const n = end - start;
    if (n < 2) continue;
    if (scratchOrds.length < n) {
      scratchOrds = new Uint32Array(n * 2);
      scratchImpacts = new Uint8Array(n * 2);
    }
    position.fill(0);
    for (let i = start; i < end; i++) position[impacts[i]]++;
    let placed = 0;
    for (let v = 255; v >= 0; v--) {
      const c = position[v];
      position[v] = placed;
      placed += c;
    }
    for (let i = start; i < end; i++) {
      const at = position[impacts[i]]++;
      scratchOrds[at] = ords[i];
      scratchImpacts[at] = impacts[i];
    }
    ords.set(scratchOrds.subarray(0, n), start);
    impacts.set(scratchImpacts.subarray(0, n), start);
  }
  return { postOffsets, postOrds: ords, postImpacts: impacts };
}

/** Per document its `cut` heaviest entries (ties: lower term id), CSR, in term order. */
function heaviestTerms(forward: ForwardIndex, count: number, cut: number): ForwardIndex {
  const offsets = new Uint32Array(count + 1);
  for (let d = 0; d < count; d++) offsets[d + 1] = offsets[d] + Math.min(cut, forward.offsets[d + 1] - forward.offsets[d]);
  const terms = new Uint32Array(offsets[count]);
  const impacts = new Uint8Array(offsets[count]);
  const histogram = new Uint32Array(256);
  for (let d = 0; d < count; d++) {
    const start = forward.offsets[d];
    const end = forward.offsets[d + 1];
    const want = offsets[d + 1] - offsets[d];
    if (want === end - start) {
      terms.set(forward.terms.subarray(start, end), offsets[d]);
      impacts.set(forward.impacts.subarray(start, end), offsets[d]);
      continue;
    }
    // the impact threshold: entries above it all, entries at it in term order until `want`
    histogram.fill(0);
    for (let e = start; e < end; e++) histogram[forward.impacts[e]]++;
    let threshold = 255;
    let above = 0;
    while (above + histogram[threshold] < want) above += histogram[threshold--];
    let atThreshold = want - above;
    let out = offsets[d];
    for (let e = start; e < end; e++) {
      const v = forward.impacts[e];
      if (v > threshold || (v === threshold && atThreshold-- > 0)) {
        terms[out] = forward.terms[e];
        impacts[out++] = v;
      }
    }
  }
  return { offsets, terms, impacts };
}

/**
 * Block summaries: per term the block's largest impact, kept from the largest down until `energy` of the L1
 * mass is reached (the entry that crosses it included; among equal impacts, in first-seen order), and at
 * most `maxTerms` of them.
 */
class SummaryWriter {
  private readonly maxImpact: Uint8Array;
  private touched: Uint32Array = new Uint32Array(1024);
  private readonly histogram = new Uint32Array(256);
  private terms: Uint32Array = new Uint32Array(1 << 16);
  private impacts = new Uint8Array(1 << 16);
  private size = 0;
  private readonly offsets: number[] = [0];

  constructor(
    termCount: number,
    private readonly energy: number,
    private readonly maxTerms: number,
  ) {
    this.maxImpact = new Uint8Array(termCount);
  }

  add(forward: ForwardIndex, ords: Uint32Array, from: number, to: number): void {
    const maxImpact = this.maxImpact;
    const { offsets, terms, impacts } = forward;
    let touched = this.touched;
    let n = 0;
    let mass = 0;
    for (let i = from; i < to; i++) {
      const doc = ords[i];
      const end = offsets[doc + 1];
      for (let e = offsets[doc]; e < end; e++) {
        const t = terms[e];
        const v = impacts[e];
        const old = maxImpact[t];
        if (v > old) {
          if (old === 0) {
            if (n === touched.length) touched = this.touched = grow32(touched, n * 2);
            touched[n++] = t;
          }
          maxImpact[t] = v;
          mass += v - old;
        }
      }
    }
    const histogram = this.histogram;
    histogram.fill(0);
    for (let i = 0; i < n; i++) histogram[maxImpact[this.touched[i]]]++;
    // the energy cut: entries above `threshold` all, `atThreshold` of those equal to it (the one crossing included)
    const target = this.energy * mass;
    let threshold = 255;
    let kept = 0;
    while (threshold > 1 && kept + threshold * histogram[threshold] < target) kept += threshold * histogram[threshold--];
    let atThreshold = Math.max(1, Math.ceil((target - kept) / threshold));
    // the size cap: at most maxTerms entries, the largest
    let capThreshold = 255;
    let above = 0;
    while (capThreshold > 1 && above + histogram[capThreshold] < this.maxTerms) above += histogram[capThreshold--];
    const capAtThreshold = this.maxTerms - above;
    if (capThreshold > threshold) {
      threshold = capThreshold;
      atThreshold = capAtThreshold;
    } else if (capThreshold === threshold) {
      atThreshold = Math.min(atThreshold, capAtThreshold);
    }
    this.reserve(n);
    for (let i = 0; i < n; i++) {
      const t = this.touched[i];
      const v = maxImpact[t];
      if (v > threshold || (v === threshold && atThreshold-- > 0)) {
        this.terms[this.size] = t;
        this.impacts[this.size++] = v;
      }
      maxImpact[t] = 0;
    }
    this.offsets.push(this.size);
  }

  private reserve(more: number): void {
    if (this.size + more <= this.terms.length) return;
    const size = Math.max(this.terms.length * 2, this.size + more);
    this.terms = grow32(this.terms, size);
    const impacts = new Uint8Array(size);
    impacts.set(this.impacts.subarray(0, this.size));
    this.impacts = impacts;
  }

  finish(): { offsets: Uint32Array; terms: Uint32Array; impacts: Uint8Array } {
    return { offsets: Uint32Array.from(this.offsets), terms: this.terms.slice(0, this.size), impacts: this.impacts.slice(0, this.size) };
  }
}

function grow32(array: Uint32Array, size: number): Uint32Array {
  const out = new Uint32Array(size);
  out.set(array.subarray(0, Math.min(array.length, size)));
  return out;
}
