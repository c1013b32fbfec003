/**
 * Implicit-feedback alternating least squares (Hu, Koren & Volinsky, ICDM
 * 2008) with the conjugate-gradient inner solver of Takács, Pilászy & Tikk
 * (RecSys 2011), as benfred/implicit does it. Each user u minimizes
 *
 *   Σ_i c_ui (p_ui - x_u·y_i)² + λ‖x_u‖²,  p_ui = 1 if observed else 0,
 *   c_ui = 1 + α·r_ui,
 *
 * i.e. solves (YᵀY + λI + Σ_{i∈u} (c_ui - 1) y_i y_iᵀ) x_u = Σ_{i∈u} c_ui y_i.
 * YᵀY is shared by all users; a few CG steps warm-started from the previous
 * x_u replace an exact d×d solve, so a user costs O(steps·(d² + |u|·d)).
 * Items are solved the same way with the roles swapped. A history that is
 * not a training user's is folded in with an exact solve against the item
 * factors.
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { CsrMatrix } from "./csr.js";
import type { InteractionData } from "./interactions.js";
import { solveSpdSmall } from "./linalg.js";
import type { ModelArray } from "./model-io.js";
import { SeededRandom } from "./random.js";
import { BaseRecommender, cosineRow, rowNorms, scoreByFactors, type FitProgress, type ResolvedQuery } from "./recommender.js";
import type { ScoredItems } from "./top-k.js";

export interface AlsOptions {
  factors: number;
  /** λ, the L2 weight (default 0.01, as benfred/implicit). */
  regularization: number;
  /** α in c = 1 + α·r (default 1). */
  alpha: number;
  iterations: number;
  /** CG steps per user/item per iteration (default 3). */
  cgSteps: number;
  /** r = 1 for every observed pair (default true); otherwise r = summed interaction weight. */
  binary: boolean;
  seed: number;
}

export const ALS_DEFAULTS: AlsOptions = { factors: 64, regularization: 0.01, alpha: 1, iterations: 15, cgSteps: 3, binary: true, seed: 42 };

export class ImplicitAls extends BaseRecommender<AlsOptions> {
  readonly algorithm = "als";
  userFactors: Float32Array = new Float32Array(0);
  itemFactors: Float32Array = new Float32Array(0);
  private itemNorms: Float32Array | undefined;
  private gram: Float64Array | undefined;
  private foldScratch: { counts: Float32Array; m: Float64Array; b: Float64Array; v: Float64Array } | undefined;

  constructor(options: Partial<AlsOptions> = {}) {
    super(ALS_DEFAULTS, options);
  }

  protected override validateOptions(): void {
    const o = this.options;
    if (!(Number.isInteger(o.factors) && o.factors > 0)) throw new InvalidArgumentError(`factors must be a positive integer, got ${o.factors}`);
    if (!(o.regularization >= 0)) throw new InvalidArgumentError(`regularization must be >= 0, got ${o.regularization}`);
    if (!(o.alpha >= 0)) throw new InvalidArgumentError(`alpha must be >= 0, got ${o.alpha}`);
    if (!(Number.isInteger(o.iterations) && o.iterations >= 0)) throw new InvalidArgumentError(`iterations must be a non-negative integer, got ${o.iterations}`);
    if (!(Number.isInteger(o.cgSteps) && o.cgSteps > 0)) throw new InvalidArgumentError(`cgSteps must be a positive integer, got ${o.cgSteps}`);
  }

  protected async fitModel(data: InteractionData, progress: (p: FitProgress) => void): Promise<void> {
    const { factors: d, iterations, seed } = this.options;
    const ui = data.userItems();
    const iu = data.itemUsers();
    const rng = new SeededRandom(seed);
    const X = new Float32Array(data.numUsers * d);
    const Y = new Float32Array(data.numItems * d);
    for (let p = 0; p < X.length; p++) X[p] = rng.next() * 0.01;
    for (let p = 0; p < Y.length; p++) Y[p] = rng.next() * 0.01;
    const scratch = new CgScratch(d);
    for (let it = 0; it < iterations; it++) {
      this.halfStep(ui, X, Y, scratch);
      this.halfStep(iu, Y, X, scratch);
      progress({ phase: "iterations", done: it + 1, total: iterations });
      await Promise.resolve();
    }
    this.userFactors = X;
    this.itemFactors = Y;
    this.itemNorms = undefined;
    this.gram = undefined;
  }

  /** One CG pass over the rows of `m`: updates `target` rows given `fixed` rows. */
  private halfStep(m: CsrMatrix, target: Float32Array, fixed: Float32Array, s: CgScratch): void {
    const { factors: d, regularization, alpha, cgSteps, binary } = this.options;
    const G = gramOf(fixed, m.cols, d, regularization);
    const { x, r, p, ap } = s;
    for (let u = 0; u < m.rows; u++) {
      const start = m.indptr[u];
      const end = m.indptr[u + 1];
      const xo = u * d;
      if (start === end) {
        target.fill(0, xo, xo + d);
        continue;
      }
      for (let f = 0; f < d; f++) x[f] = target[xo + f];
      // r = b - A x
      symv(G, x, r, d);
      for (let f = 0; f < d; f++) r[f] = -r[f];
      for (let q = start; q < end; q++) {
        const yo = m.indices[q] * d;
        const c = 1 + alpha * (binary ? 1 : m.data[q]);
        let yx = 0;
        for (let f = 0; f < d; f++) yx += fixed[yo + f] * x[f];
        const w = c - (c - 1) * yx;
        for (let f = 0; f < d; f++) r[f] += w * fixed[yo + f];
      }
      let rs = 0;
      for (let f = 0; f < d; f++) {
        p[f] = r[f];
        rs += r[f] * r[f];
      }
      for (let step = 0; step < cgSteps && rs > 1e-20; step++) {
        symv(G, p, ap, d);
        for (let q = start; q < end; q++) {
          const yo = m.indices[q] * d;
          const c = 1 + alpha * (binary ? 1 : m.data[q]);
          let yp = 0;
          for (let f = 0; f < d; f++) yp += fixed[yo + f] * p[f];
          const w = (c - 1) * yp;
          for (let f = 0; f < d; f++) ap[f] += w * fixed[yo + f];
        }
        let pap = 0;
        for (let f = 0; f < d; f++) pap += p[f] * ap[f];
        if (!(pap > 0)) break;
        const a = rs / pap;
        let rsNew = 0;
        for (let f = 0; f < d; f++) {
          x[f] += a * p[f];
          r[f] -= a * ap[f];
          rsNew += r[f] * r[f];
        }
        const beta = rsNew / rs;
        for (let f = 0; f < d; f++) p[f] = r[f] + beta * p[f];
        rs = rsNew;
      }
      for (let f = 0; f < d; f++) target[xo + f] = x[f];
    }
  }

  protected score(query: ResolvedQuery, out: Float32Array): void {
    const d = this.options.factors;
    if (query.user >= 0 && query.trainingHistory) {
      scoreByFactors(this.itemFactors, d, this.userFactors.subarray(query.user * d, (query.user + 1) * d), out);
      return;
    }
    scoreByFactors(this.itemFactors, d, this.foldIn(query.history), out);
  }

  /** The user vector for a new history: the exact least-squares solution. */
  foldIn(history: ArrayLike<number>): Float64Array {
    const { factors: d, regularization, alpha, binary } = this.options;
    const Y = this.itemFactors;
    this.gram ??= gramOf(Y, this.numItems, d, regularization);
    if (!this.foldScratch || this.foldScratch.counts.length !== this.numItems) {
      this.foldScratch = { counts: new Float32Array(this.numItems), m: new Float64Array(d * d), b: new Float64Array(d), v: new Float64Array(d) };
    }
    const { counts, m, b } = this.foldScratch;
    m.set(this.gram);
    b.fill(0);
    for (let p = 0; p < history.length; p++) counts[history[p]]++;
    for (let p = 0; p < history.length; p++) {
      const i = history[p];
      if (counts[i] === 0) continue; // already added
      const c = 1 + alpha * (binary ? 1 : counts[i]);
      counts[i] = 0;
      const yo = i * d;
      for (let f = 0; f < d; f++) {
        const yf = Y[yo + f];
        b[f] += c * yf;
        const w = (c - 1) * yf;
        for (let g = 0; g < d; g++) m[f * d + g] += w * Y[yo + g];
      }
    }
    solveSpdSmall(m, b, d);
    return b;
  }

  similarItems(item: number, k: number): ScoredItems {
    this.checkItem(item);
    const d = this.options.factors;
    this.itemNorms ??= rowNorms(this.itemFactors, this.numItems, d);
    const scores = new Float32Array(this.numItems);
    cosineRow(this.itemFactors, this.itemNorms, d, item, scores);
    return this.topOfRow(scores, k, item);
  }

  protected exportState(): { arrays: Record<string, ModelArray> } {
    return { arrays: { userFactors: this.userFactors, itemFactors: this.itemFactors } };
  }

  protected importState(arrays: Record<string, ModelArray>): void {
    this.userFactors = arrays.userFactors as Float32Array;
    this.itemFactors = arrays.itemFactors as Float32Array;
    this.itemNorms = undefined;
    this.gram = undefined;
  }
}

class CgScratch {
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly ap: Float64Array;
  constructor(d: number) {
    this.x = new Float64Array(d);
    this.r = new Float64Array(d);
    this.p = new Float64Array(d);
    this.ap = new Float64Array(d);
  }
}

/** YᵀY + λI (d×d, Float64) over `rows` rows of Y. */
function gramOf(Y: Float32Array, rows: number, d: number, lambda: number): Float64Array {
  const G = new Float64Array(d * d);
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    for (let f = 0; f < d; f++) {
      const yf = Y[o + f];
      if (yf === 0) continue;
      const gf = f * d;
      for (let g = f; g < d; g++) G[gf + g] += yf * Y[o + g];
    }
  }
  for (let f = 0; f < d; f++) {
    G[f * d + f] += lambda;
    for (let g = 0; g < f; g++) G[f * d + g] = G[g * d + f];
  }
  return G;
}

/** out = G·v for a symmetric d×d G. */
function symv(G: Float64Array, v: Float64Array, out: Float64Array, d: number): void {
  for (let f = 0; f < d; f++) {
    let s = 0;
    const gf = f * d;
    for (let g = 0; g < d; g++) s += G[gf + g] * v[g];
    out[f] = s;
  }
}
