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
 * Items are solved the same way with the roles swapped. The products (YᵀY,
 * and A·v per row) run in als-kernels.ts: WebAssembly SIMD in float32, or
 * JavaScript. A history that is not a training user's is folded in with an
 * exact solve against the item factors.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { AlsWorkspace } from "./als-kernels.js";
import type { CsrMatrix } from "./csr.js";
import { FactorRecommender } from "./factor-model.js";
import type { InteractionData } from "./interactions.js";
import { solveSpdSmall } from "./linalg.js";
import type { ModelArray } from "./model-io.js";
import { SeededRandom } from "../core/random.js";
import { scoreByFactors, type FitProgress, type ResolvedQuery } from "./recommender.js";

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
  /** Run the CG products in the WebAssembly SIMD kernels (float32) when available and factors % 4 = 0, else in JavaScript (default true). */
  simd: boolean;
}

export const ALS_DEFAULTS: AlsOptions = { factors: 64, regularization: 0.01, alpha: 1, iterations: 15, cgSteps: 3, binary: true, seed: 42, simd: true };

export class ImplicitAls extends FactorRecommender<AlsOptions> {
  readonly algorithm = "als";
  private gram: Float64Array | undefined;
  private foldScratch: { counts: Float32Array; m: Float64Array; b: Float64Array; v: Float64Array } | undefined;
  /** Which kernel the last fit used ("wasm-simd" or "js"). */
  kernel: "wasm-simd" | "js" | "none" = "none";

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
    const solver = CgSolver.create(ui, iu, X, Y, this.options);
    this.kernel = solver.kernel;
    for (let it = 0; it < iterations; it++) {
      solver.halfStep(true);
      solver.halfStep(false);
      progress({ phase: "iterations", done: it + 1, total: iterations });
      await Promise.resolve();
    }
    solver.copyOut(X, Y);
    this.setFactors(X, Y);
  }

  protected override factorsChanged(): void {
    this.gram = undefined;
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

  protected exportState(): { arrays: Record<string, ModelArray> } {
    return { arrays: this.factorArrays() };
  }

  protected importState(arrays: Record<string, ModelArray>): void {
    this.setFactors(arrays.userFactors as Float32Array, arrays.itemFactors as Float32Array);
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

/** The rows of one side of the matrix as the kernel sees them: row pointers and word offsets of indices and c - 1. */
interface KernelMatrix {
  indptr: Int32Array;
  rows: number;
  indices: number;
  cm1: number;
}

/**
 * The CG half-steps, with the factors, both sparse orientations and the
 * scratch vectors in one workspace: its kernels form G and do G·v plus the
 * sparse sum per row; the O(d) CG updates run here.
 */
class CgSolver {
  private constructor(
    private readonly ws: AlsWorkspace,
    private readonly options: AlsOptions,
    private readonly users: KernelMatrix,
    private readonly items: KernelMatrix,
    private readonly X: number,
    private readonly Y: number,
    private readonly G: number,
    private readonly scratch: number,
  ) {}

  get kernel(): "wasm-simd" | "js" {
    return this.ws.kernel;
  }

  static create(ui: CsrMatrix, iu: CsrMatrix, X: Float32Array, Y: Float32Array, options: AlsOptions): CgSolver {
    const d = options.factors;
    const nnz = (m: CsrMatrix): number => m.indptr[m.rows];
    const ws = AlsWorkspace.create([X.length, Y.length, d * d, 4 * d, nnz(ui), nnz(ui), nnz(iu), nnz(iu)], d, options.simd);
    const xo = ws.alloc(X.length);
    ws.f32.set(X, xo);
    const yo = ws.alloc(Y.length);
    ws.f32.set(Y, yo);
    const G = ws.alloc(d * d);
    const scratch = ws.alloc(4 * d);
    const load = (m: CsrMatrix): KernelMatrix => {
      const n = nnz(m);
      const indices = ws.alloc(n);
      ws.i32.set(m.indices.subarray(0, n), indices);
      const cm1 = ws.alloc(n);
      for (let q = 0; q < n; q++) ws.f32[cm1 + q] = options.alpha * (options.binary ? 1 : m.data[q]);
      return { indptr: m.indptr, rows: m.rows, indices, cm1 };
    };
    return new CgSolver(ws, options, load(ui), load(iu), xo, yo, G, scratch);
  }

  /** One CG pass over the users (`users` true) or the items. */
  halfStep(users: boolean): void {
    const { factors: d, regularization, cgSteps } = this.options;
    const h = this.ws.f32;
    const m = users ? this.users : this.items;
    const target = users ? this.X : this.Y;
    const fixed = users ? this.Y : this.X;
    const fixedRows = users ? this.items.rows : this.users.rows;
    const Gw = this.G;
    h.fill(0, Gw, Gw + d * d);
    this.ws.gram(4 * fixed, fixedRows, 4 * d, 4 * Gw);
    for (let f = 0; f < d; f++) {
      h[Gw + f * d + f] += regularization;
      for (let g = 0; g < f; g++) h[Gw + f * d + g] = h[Gw + g * d + f];
    }
    const apply = this.ws.cgApply;
    const dB = 4 * d;
    const gB = 4 * this.G;
    const yB = 4 * fixed;
    const idxB = 4 * m.indices;
    const cmB = 4 * m.cm1;
    const r = this.scratch;
    const p = r + d;
    const ap = p + d;
    for (let u = 0; u < m.rows; u++) {
      const qs = 4 * m.indptr[u];
      const qe = 4 * m.indptr[u + 1];
      const x = target + u * d;
      if (qs === qe) {
        h.fill(0, x, x + d);
        continue;
      }
      apply(gB, yB, dB, idxB, cmB, qs, qe, 4 * x, 4 * r, 1);
      let rs = 0;
      for (let f = 0; f < d; f++) {
        const rf = h[r + f];
        h[p + f] = rf;
        rs += rf * rf;
      }
      for (let step = 0; step < cgSteps && rs > 1e-20; step++) {
        apply(gB, yB, dB, idxB, cmB, qs, qe, 4 * p, 4 * ap, 0);
        let pap = 0;
        for (let f = 0; f < d; f++) pap += h[p + f] * h[ap + f];
        if (!(pap > 0)) break;
        const a = rs / pap;
        let rsNew = 0;
        for (let f = 0; f < d; f++) {
          h[x + f] += a * h[p + f];
          const rf = h[r + f] - a * h[ap + f];
          h[r + f] = rf;
          rsNew += rf * rf;
        }
        const beta = rsNew / rs;
        for (let f = 0; f < d; f++) h[p + f] = h[r + f] + beta * h[p + f];
        rs = rsNew;
      }
    }
  }

  copyOut(X: Float32Array, Y: Float32Array): void {
    X.set(this.ws.f32.subarray(this.X, this.X + X.length));
    Y.set(this.ws.f32.subarray(this.Y, this.Y + Y.length));
  }
}
