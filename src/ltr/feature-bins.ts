/**
 * Features quantized into at most 256 bins each (as LightGBM and XGBoost's
 * "hist" method do), so that a tree split is searched over bins, not over
 * every distinct value. A feature with few distinct values gets one bin per
 * value; otherwise bin edges sit at quantiles. Bin b holds the values
 * <= upper[b] (and > upper[b - 1]); a split "bin <= b" is therefore the rule
 * "value <= upper[b]" on raw numbers, with each edge placed halfway between
 * the neighbouring distinct values. NaN falls in bin 0 and, at prediction,
 * goes the same way (left: "not greater than").
 */
export const MAX_BINS = 256;

export interface FeatureBins {
  rows: number;
  featureCount: number;
  /** Per feature, the upper edge of each bin; the last bin's edge is +Infinity. */
  upper: Float32Array[];
  /** Bin codes, column-major: codes[f * rows + r]. */
  codes: Uint8Array;
}

export function binFeatures(features: Float32Array, rows: number, featureCount: number, maxBins = MAX_BINS): FeatureBins {
  const upper: Float32Array[] = [];
  const codes = new Uint8Array(rows * featureCount);
  const column = new Float32Array(rows);
  for (let f = 0; f < featureCount; f++) {
    for (let r = 0; r < rows; r++) column[r] = features[r * featureCount + f];
    const edges = binEdges(column, maxBins);
    upper.push(edges);
    const out = codes.subarray(f * rows, (f + 1) * rows);
    for (let r = 0; r < rows; r++) out[r] = binOf(edges, column[r]);
  }
  return { rows, featureCount, upper, codes };
}

/** The first bin whose upper edge is >= value (NaN: bin 0). */
export function binOf(edges: Float32Array, value: number): number {
  if (!(value > edges[0])) return 0;
  let lo = 1;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function binEdges(column: Float32Array, maxBins: number): Float32Array {
  const sorted = Float32Array.from(column.filter((v) => !Number.isNaN(v))).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= 1) return Float32Array.of(Infinity);
  let cuts: number[];
  if (distinct.length <= maxBins) {
    cuts = distinct.slice(0, -1).map((v, i) => midpoint(v, distinct[i + 1]));
  } else {
    // quantile edges over the rows, each placed between two distinct values
    cuts = [];
    for (let b = 1; b < maxBins; b++) {
      const v = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / maxBins))];
      const next = distinct[upperIndex(distinct, v)];
      if (next === undefined) break;
      const cut = midpoint(v, next);
      if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
    }
  }
  cuts.push(Infinity);
  return Float32Array.from(cuts);
}

/** Index of the first distinct value > v. */
function upperIndex(distinct: number[], v: number): number {
  let lo = 0;
  let hi = distinct.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (distinct[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A float32 edge e with a <= e < b. */
function midpoint(a: number, b: number): number {
  const m = Math.fround(a + (b - a) / 2);
  return m >= b ? a : m;
}
