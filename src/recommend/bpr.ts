/**
 * Bayesian personalized ranking matrix factorization (Rendle et al., UAI
 * 2009), trained by SGD on sampled triples (u, i, j): a uniformly drawn
 * observed pair (u, i) and an item j the user has not interacted with. For
 * x = x_u·(y_i - y_j) + b_i - b_j and g = σ(-x) each step is
 *
 *   x_u += η (g (y_i - y_j) - λ x_u)
 *   y_i += η (g x_u - λ y_i),   y_j += η (-g x_u - λ y_j)
 *   b_i += η (g - λ b_i),       b_j += η (-g - λ b_j)
 *
 * One epoch draws as many triples as there are observed pairs. A single
 * seeded stream drives sampling, so fits are deterministic. A new history
 * is folded in by the same SGD on the user vector alone (items frozen),
 * starting from the trained vector when the user is known.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { csrFind } from "./csr.js";
import { FactorRecommender } from "./factor-model.js";
import type { InteractionData } from "./interactions.js";
import type { ModelArray } from "./model-io.js";
import { mix32, SeededRandom } from "../core/random.js";
import type { FitProgress, ResolvedQuery } from "./recommender.js";

export interface BprOptions {
  factors: number;
  learningRate: number;
  regularization: number;
  epochs: number;
  /** Learn an item bias (default true). */
  itemBias: boolean;
  /** Epochs of user-only SGD when folding in a new history (default 20). */
  foldInEpochs: number;
  seed: number;
}

export const BPR_DEFAULTS: BprOptions = {
  factors: 64,
  learningRate: 0.05,
  regularization: 0.002,
  epochs: 40,
  itemBias: true,
  foldInEpochs: 20,
  seed: 42,
};

export class Bpr extends FactorRecommender<BprOptions> {
  readonly algorithm = "bpr";
  itemBiases: Float32Array = new Float32Array(0);
  private userScratch: Float32Array | undefined;
  private mark: Uint8Array | undefined;

  constructor(options: Partial<BprOptions> = {}) {
    super(BPR_DEFAULTS, options);
  }

  protected override validateOptions(): void {
    const o = this.options;
    if (!(Number.isInteger(o.factors) && o.factors > 0)) throw new InvalidArgumentError(`factors must be a positive integer, got ${o.factors}`);
    if (!(o.learningRate > 0)) throw new InvalidArgumentError(`learningRate must be > 0, got ${o.learningRate}`);
    if (!(o.regularization >= 0)) throw new InvalidArgumentError(`regularization must be >= 0, got ${o.regularization}`);
    if (!(Number.isInteger(o.epochs) && o.epochs >= 0)) throw new InvalidArgumentError(`epochs must be a non-negative integer, got ${o.epochs}`);
  }

  protected async fitModel(data: InteractionData, progress: (p: FitProgress) => void): Promise<void> {
    const { factors: d, learningRate: lr, regularization: reg, epochs, itemBias, seed } = this.options;
    const ui = data.userItems();
    const nUsers = data.numUsers;
    const nItems = data.numItems;
    const nnz = ui.indices.length;
    const rng = new SeededRandom(seed);
    const X = new Float32Array(nUsers * d);
    const Y = new Float32Array(nItems * d);
    const bias = new Float32Array(nItems);
    const scale = 0.1 / Math.sqrt(d);
    for (let p = 0; p < X.length; p++) X[p] = rng.normal() * scale;
    for (let p = 0; p < Y.length; p++) Y[p] = rng.normal() * scale;
    const pairUser = new Int32Array(nnz);
    for (let u = 0; u < nUsers; u++) pairUser.fill(u, ui.indptr[u], ui.indptr[u + 1]);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let s = 0; s < nnz; s++) {
        const pair = rng.int(nnz);
        const u = pairUser[pair];
        const i = ui.indices[pair];
        const rowLength = ui.indptr[u + 1] - ui.indptr[u];
        if (rowLength >= nItems) continue; // no negatives exist
        let j = rng.int(nItems);
        while (csrFind(ui, u, j) >= 0) j = rng.int(nItems);
        sgdStep(X, u * d, Y, i * d, j * d, bias, i, j, d, lr, reg, itemBias, true);
      }
      progress({ phase: "epochs", done: epoch + 1, total: epochs });
      await Promise.resolve();
    }
    this.itemBiases = bias;
    this.setFactors(X, Y);
  }

  protected score(query: ResolvedQuery, out: Float32Array): void {
    const d = this.options.factors;
    let xo = 0;
    let x: Float32Array;
    if (query.user >= 0 && query.trainingHistory) {
      x = this.userFactors;
      xo = query.user * d;
    } else {
      x = this.foldIn(query.history, query.user);
    }
    const Y = this.itemFactors;
    const b = this.itemBiases;
    for (let i = 0, o = 0; i < out.length; i++, o += d) {
      let s = b[i];
      for (let f = 0; f < d; f++) s += Y[o + f] * x[xo + f];
      out[i] = s;
    }
  }

  /**
   * A user vector for `history` by BPR SGD with the item parameters frozen,
   * seeded by the history itself (the same history always gives the same vector).
   */
  foldIn(history: ArrayLike<number>, user = -1): Float32Array {
    const { factors: d, learningRate: lr, regularization: reg, foldInEpochs, itemBias, seed } = this.options;
    const n = this.numItems;
    if (!this.userScratch || this.userScratch.length !== d) this.userScratch = new Float32Array(d);
    if (!this.mark || this.mark.length !== n) this.mark = new Uint8Array(n);
    const x = this.userScratch;
    if (user >= 0) x.set(this.userFactors.subarray(user * d, (user + 1) * d));
    else x.fill(0);
    const mark = this.mark;
    let distinct = 0;
    let h = seed >>> 0;
    for (let p = 0; p < history.length; p++) {
      if (!mark[history[p]]) distinct++;
      mark[history[p]] = 1;
      h = mix32(h ^ history[p]);
    }
    if (history.length > 0 && distinct < n) {
      const rng = new SeededRandom(h);
      const steps = foldInEpochs * history.length;
      for (let s = 0; s < steps; s++) {
        const i = history[rng.int(history.length)];
        let j = rng.int(n);
        while (mark[j]) j = rng.int(n);
        sgdStep(x, 0, this.itemFactors, i * d, j * d, this.itemBiases, i, j, d, lr, reg, itemBias, false);
      }
    }
    for (let p = 0; p < history.length; p++) mark[history[p]] = 0;
    return x;
  }

  protected exportState(): { arrays: Record<string, ModelArray> } {
    return { arrays: { ...this.factorArrays(), itemBiases: this.itemBiases } };
  }

  protected importState(arrays: Record<string, ModelArray>): void {
    this.itemBiases = arrays.itemBiases as Float32Array;
    this.setFactors(arrays.userFactors as Float32Array, arrays.itemFactors as Float32Array);
  }
}

/** One BPR SGD step on (x at xo; items i, j). Items are updated only when `updateItems`. */
function sgdStep(
  X: Float32Array, xo: number,
  Y: Float32Array, io: number, jo: number,
  bias: Float32Array, i: number, j: number,
  d: number, lr: number, reg: number, itemBias: boolean, updateItems: boolean,
): void {
  let diff = itemBias ? bias[i] - bias[j] : 0;
  for (let f = 0; f < d; f++) diff += X[xo + f] * (Y[io + f] - Y[jo + f]);
  // g = σ(-diff), computed stably.
  const g = diff >= 0 ? Math.exp(-diff) / (1 + Math.exp(-diff)) : 1 / (1 + Math.exp(diff));
  for (let f = 0; f < d; f++) {
    const xf = X[xo + f];
    const yi = Y[io + f];
    const yj = Y[jo + f];
    X[xo + f] = xf + lr * (g * (yi - yj) - reg * xf);
    if (updateItems) {
      Y[io + f] = yi + lr * (g * xf - reg * yi);
      Y[jo + f] = yj + lr * (-g * xf - reg * yj);
    }
  }
  if (itemBias && updateItems) {
    bias[i] += lr * (g - reg * bias[i]);
    bias[j] += lr * (-g - reg * bias[j]);
  }
}
