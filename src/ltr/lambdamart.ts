/**
 * LambdaMART (Wu, Burges, Svore & Gao 2010): gradient-boosted regression
 * trees fitted to LambdaRank gradients, so each tree moves the scores in
 * the direction that raises nDCG. Each iteration computes the lambdas and
 * their second derivatives for the current scores (lambda-gradients.ts),
 * fits one tree to them with Newton leaf values (regression-tree.ts) over
 * binned features (feature-bins.ts), and adds it shrunk by the learning
 * rate. With a validation set, training stops when validation nDCG@k has
 * not improved for `patience` trees and keeps the trees up to the best one.
 *
 * Everything numeric lives in typed arrays; the only randomness is the
 * seeded choice of features per tree when featureFraction < 1.
 */
import { InterruptedError } from "../core/errors.js";
import { SeededRandom } from "../core/random.js";
import { ndcgAtK } from "../eval/metrics.js";
import { binFeatures } from "./feature-bins.js";
import { idealDcgs, lambdaGradients } from "./lambda-gradients.js";
import { checkDataset, type RankingDataset } from "./ranking-dataset.js";
import { fitTree, predictTree, scaleTree, type RegressionTree, type TreeParams } from "./regression-tree.js";

export interface LambdaMartParams extends TreeParams {
  /** Most trees (validation may stop earlier). */
  trees: number;
  learningRate: number;
  /** Steepness of the pairwise logistic (RankNet's sigma). */
  sigma: number;
  /** nDCG cutoff of the gradients (Infinity: the whole list). */
  gradientCutoff: number;
  /** Fraction of the features each tree may split on. */
  featureFraction: number;
  /** Validation: the nDCG cutoff measured and the trees without improvement before stopping. */
  metricCutoff: number;
  patience: number;
  seed: number;
}

export const DEFAULT_LAMBDAMART: LambdaMartParams = {
  trees: 300,
  learningRate: 0.05,
  maxLeaves: 15,
  minDataInLeaf: 20,
  minHessianInLeaf: 1e-3,
  l2: 1,
  minGain: 0,
  sigma: 1,
  gradientCutoff: Infinity,
  featureFraction: 1,
  metricCutoff: 10,
  patience: 50,
  seed: 1,
};

export interface LambdaMartResult {
  trees: RegressionTree[];
  /** Trees kept (the best validation iteration, or all without validation). */
  bestIteration: number;
  /** nDCG@metricCutoff after each tree on the validation data (when given). */
  history: Array<{ trees: number; validation?: number }>;
  /** nDCG@metricCutoff of the kept trees on the training data. */
  trainNdcg: number;
}

export interface TrainOptions {
  validation?: RankingDataset;
  /** Called after each tree. */
  onTree?: (trees: number, validation?: number) => void;
  signal?: AbortSignal;
}

export function trainLambdaMart(data: RankingDataset, params: LambdaMartParams, options: TrainOptions = {}): LambdaMartResult {
  checkDataset(data);
  const rows = data.labels.length;
  const featureCount = data.featureNames.length;
  const bins = binFeatures(data.features, rows, featureCount);
  const input = { labels: data.labels, groups: data.groups, idealDcg: idealDcgs(data.judged, params.gradientCutoff) };
  const scores = new Float64Array(rows);
  const gradient = new Float64Array(rows);
  const hessian = new Float64Array(rows);
  const order = new Int32Array(rows);
  const random = new SeededRandom(params.seed);
  const validation = options.validation;
  const validationScores = validation ? new Float64Array(validation.labels.length) : null;
  const trees: RegressionTree[] = [];
  const history: LambdaMartResult["history"] = [];
  let best = { trees: 0, value: -Infinity };
  const allFeatures = Array.from({ length: featureCount }, (_, f) => f);
  for (let t = 0; t < params.trees; t++) {
    if (options.signal?.aborted) throw new InterruptedError("training was stopped");
    lambdaGradients(scores, input, params.sigma, params.gradientCutoff, gradient, hessian);
    for (let i = 0; i < rows; i++) order[i] = i;
    const features = params.featureFraction >= 1 ? allFeatures : pickFeatures(allFeatures, params.featureFraction, random);
    const leaves = new Map<number, [number, number]>();
    const tree = fitTree(bins, gradient, hessian, order, params, features, leaves);
    scaleTree(tree, params.learningRate);
    for (const [node, [start, end]] of leaves) {
      const v = tree.value[node];
      for (let i = start; i < end; i++) scores[order[i]] += v;
    }
    trees.push(tree);
    let valid: number | undefined;
    if (validation && validationScores) {
      for (let r = 0; r < validationScores.length; r++) validationScores[r] += predictTree(tree, validation.features, r, featureCount);
      valid = meanNdcg(validation, validationScores, params.metricCutoff);
      if (valid > best.value + 1e-12) best = { trees: t + 1, value: valid };
    }
    history.push({ trees: t + 1, validation: valid });
    options.onTree?.(t + 1, valid);
    if (validation && t + 1 - best.trees >= params.patience) break;
  }
  const keep = validation ? Math.max(best.trees, 1) : trees.length;
  if (keep < trees.length) {
    // take back the trees after the best one
    for (const tree of trees.slice(keep)) for (let r = 0; r < rows; r++) scores[r] -= predictTree(tree, data.features, r, featureCount);
  }
  return { trees: trees.slice(0, keep), bestIteration: keep, history, trainNdcg: meanNdcg(data, scores, params.metricCutoff) };
}

/** Mean nDCG@k over the queries, the ideal ranking from all judged documents (trec_eval's), ties in row order. */
export function meanNdcg(data: RankingDataset, scores: ArrayLike<number>, k: number): number {
  let sum = 0;
  const queries = data.groups.length - 1;
  let order = new Int32Array(0);
  let rels = new Float64Array(0);
  for (let q = 0; q < queries; q++) {
    const from = data.groups[q];
    const n = data.groups[q + 1] - from;
    if (order.length < n) {
      order = new Int32Array(n * 2);
      rels = new Float64Array(n * 2);
    }
    const o = order.subarray(0, n);
    for (let i = 0; i < n; i++) o[i] = from + i;
    o.sort((a, b) => scores[b] - scores[a] || a - b);
    for (let i = 0; i < n; i++) rels[i] = data.labels[o[i]];
    sum += ndcgAtK(rels.subarray(0, n), data.judged[q], k);
  }
  return queries ? sum / queries : 0;
}

function pickFeatures(all: number[], fraction: number, random: SeededRandom): number[] {
  const count = Math.max(1, Math.round(all.length * fraction));
  return random.shuffle([...all]).slice(0, count).sort((a, b) => a - b);
}
