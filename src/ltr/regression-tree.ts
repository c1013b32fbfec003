/**
 * One gradient-boosting tree: fitted to per-row gradients and second
 * derivatives (Newton boosting, as XGBoost and LightGBM do), grown best leaf
 * first up to `maxLeaves` leaves. A split of a node is searched over the
 * bins of every feature with histograms of summed gradients and weights
 * (the smaller child's histogram is built from its rows, the larger one's
 * by subtracting it from the parent's); its gain is
 *   G_L^2 / (H_L + l2) + G_R^2 / (H_R + l2) - G^2 / (H + l2)
 * and a leaf's value is G / (H + l2), G and H the sums over its rows.
 * Gradients here point uphill (the direction that raises the objective), so
 * the value is added to the scores.
 *
 * A tree is columnar: node i splits on feature[i] at threshold[i] ("value >
 * threshold" goes right) or, when feature[i] is -1, is a leaf with value[i].
 */
import type { FeatureBins } from "./feature-bins.js";

export interface TreeParams {
  maxLeaves: number;
  /** Fewest rows a leaf may hold. */
  minDataInLeaf: number;
  /** Smallest summed second derivative a leaf may hold. */
  minHessianInLeaf: number;
  /** L2 regularization of leaf values. */
  l2: number;
  /** Smallest gain worth a split. */
  minGain: number;
}

export interface RegressionTree {
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  /** Gain of each split (0 for leaves), for feature importance. */
  gain: Float64Array;
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
  leftG: number;
  leftH: number;
  leftCount: number;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  g: number;
  h: number;
  hist: Float64Array;
  split: Split | null;
}

/**
 * Fits a tree to `gradient`/`hessian` over the rows listed in `rows` (which
 * it reorders so each leaf's rows are contiguous); `leafRanges` receives, per
 * leaf node, [start, end) into `rows`, so the caller can add leaf values to
 * the scores without walking the tree.
 */
export function fitTree(
  bins: FeatureBins,
  gradient: Float64Array,
  hessian: Float64Array,
  rows: Int32Array,
  params: TreeParams,
  features: ArrayLike<number>,
  leafRanges?: Map<number, [number, number]>,
): RegressionTree {
  const binCount = 256;
  const nodes: { feature: number; threshold: number; left: number; right: number; value: number; gain: number }[] = [];
  const newNode = () => nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: 0, gain: 0 }) - 1;
  const histogram = (start: number, end: number): Float64Array => {
    const hist = new Float64Array(bins.featureCount * binCount * 3);
    for (let k = 0; k < features.length; k++) {
      const f = features[k];
      const codes = bins.codes.subarray(f * bins.rows, (f + 1) * bins.rows);
      const base = f * binCount * 3;
      for (let i = start; i < end; i++) {
        const r = rows[i];
        const at = base + codes[r] * 3;
        hist[at] += gradient[r];
        hist[at + 1] += hessian[r];
        hist[at + 2] += 1;
      }
    }
    return hist;
  };
  const bestSplit = (leaf: Leaf): Split | null => {
    const count = leaf.end - leaf.start;
    if (count < 2 * params.minDataInLeaf) return null;
    const parentScore = (leaf.g * leaf.g) / (leaf.h + params.l2);
    let best: Split | null = null;
    for (let k = 0; k < features.length; k++) {
      const f = features[k];
      const edges = bins.upper[f].length;
      const base = f * binCount * 3;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let b = 0; b + 1 < edges; b++) {
        gl += leaf.hist[base + b * 3];
        hl += leaf.hist[base + b * 3 + 1];
        cl += leaf.hist[base + b * 3 + 2];
        const cr = count - cl;
        if (cl < params.minDataInLeaf) continue;
        if (cr < params.minDataInLeaf) break;
        const hr = leaf.h - hl;
        if (hl < params.minHessianInLeaf || hr < params.minHessianInLeaf) continue;
        const gr = leaf.g - gl;
        const gain = (gl * gl) / (hl + params.l2) + (gr * gr) / (hr + params.l2) - parentScore;
        if (gain > params.minGain && (best === null || gain > best.gain)) best = { gain, feature: f, bin: b, leftG: gl, leftH: hl, leftCount: cl };
      }
    }
    return best;
  };

  let g = 0;
  let h = 0;
  for (let i = 0; i < rows.length; i++) {
    g += gradient[rows[i]];
    h += hessian[rows[i]];
  }
  const root: Leaf = { node: newNode(), start: 0, end: rows.length, g, h, hist: histogram(0, rows.length), split: null };
  root.split = bestSplit(root);
  const leaves: Leaf[] = [root];
  while (leaves.length < params.maxLeaves) {
    let pick = -1;
    for (let i = 0; i < leaves.length; i++) if (leaves[i].split && (pick < 0 || leaves[i].split!.gain > leaves[pick].split!.gain)) pick = i;
    if (pick < 0) break;
    const leaf = leaves[pick];
    const split = leaf.split!;
    // partition the leaf's rows: bin <= split.bin to the left
    const codes = bins.codes.subarray(split.feature * bins.rows, (split.feature + 1) * bins.rows);
    let i = leaf.start;
    let j = leaf.end - 1;
    while (i <= j) {
      if (codes[rows[i]] <= split.bin) i++;
      else {
        const t = rows[i];
        rows[i] = rows[j];
        rows[j] = t;
        j--;
      }
    }
    const node = nodes[leaf.node];
    node.feature = split.feature;
    node.threshold = bins.upper[split.feature][split.bin];
    node.gain = split.gain;
    node.left = newNode();
    node.right = newNode();
    const left: Leaf = { node: node.left, start: leaf.start, end: i, g: split.leftG, h: split.leftH, hist: new Float64Array(0), split: null };
    const right: Leaf = { node: node.right, start: i, end: leaf.end, g: leaf.g - split.leftG, h: leaf.h - split.leftH, hist: new Float64Array(0), split: null };
    const [small, large] = left.end - left.start <= right.end - right.start ? [left, right] : [right, left];
    small.hist = histogram(small.start, small.end);
    large.hist = leaf.hist;
    for (let k = 0; k < large.hist.length; k++) large.hist[k] -= small.hist[k];
    left.split = bestSplit(left);
    right.split = bestSplit(right);
    leaves.splice(pick, 1, left, right);
  }
  for (const leaf of leaves) {
    nodes[leaf.node].value = leaf.g / (leaf.h + params.l2);
    leafRanges?.set(leaf.node, [leaf.start, leaf.end]);
  }
  return {
    feature: Int32Array.from(nodes, (n) => n.feature),
    threshold: Float32Array.from(nodes, (n) => n.threshold),
    left: Int32Array.from(nodes, (n) => n.left),
    right: Int32Array.from(nodes, (n) => n.right),
    value: Float64Array.from(nodes, (n) => n.value),
    gain: Float64Array.from(nodes, (n) => n.gain),
  };
}

/** The tree's value for one row of raw features (row-major, `featureCount` per row). */
export function predictTree(tree: RegressionTree, features: Float32Array, row: number, featureCount: number): number {
  let node = 0;
  const base = row * featureCount;
  while (tree.feature[node] >= 0) node = features[base + tree.feature[node]] > tree.threshold[node] ? tree.right[node] : tree.left[node];
  return tree.value[node];
}

/** Multiplies every leaf value by `factor` (the learning rate). */
export function scaleTree(tree: RegressionTree, factor: number): void {
  for (let i = 0; i < tree.value.length; i++) if (tree.feature[i] < 0) tree.value[i] *= factor;
}
