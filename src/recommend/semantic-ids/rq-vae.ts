/**
 * TIGER's RQ-VAE (Rajput et al., NeurIPS 2023, after Zeghidour et al.'s
 * SoundStream): an MLP encoder maps an item embedding x to a latent z; L code
 * books quantize z residually (r_0 = z, e_l = nearest code of r_l,
 * r_{l+1} = r_l − e_l); an MLP decoder reconstructs x from ẑ = Σ e_l.
 *
 *   loss = ‖x − dec(ẑ)‖² + Σ_l ‖sg[r_l] − e_l‖² + β‖r_l − sg[e_l]‖²
 *
 * with the straight-through estimator (the decoder's gradient at ẑ flows to z
 * unchanged). As in TIGER, the code books start from k-means of the initial
 * latents (here residual k-means over all items, not only the first batch);
 * codes unused during an epoch are re-seeded from that epoch's last batch
 * residuals, which keeps the code books in use. Adam replaces TIGER's Adagrad
 * (same optimizer as the rest of Trove's networks).
 *
 * Everything runs on one heap through the SIMD matrix kernel; randomness is
 * seeded, so a fit is deterministic.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { SeededRandom } from "../../core/random.js";
import type { ModelArray } from "../model-io.js";
import { Adam } from "../sequence/adam.js";
import { Heap, Scratch } from "../sequence/heap.js";
import { gemm, transpose } from "../sequence/kernels.js";
import { Mlp } from "./mlp.js";
import type { Quantizer, QuantizerProgress } from "./quantizer.js";
import { RqKMeans } from "./rq-kmeans.js";

export interface RqVaeOptions {
  levels: number;
  codebookSize: number;
  /** Encoder hidden widths (the decoder mirrors them). */
  hidden: number[];
  latent: number;
  /** Commitment weight β. */
  beta: number;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
}

export const RQ_VAE_DEFAULTS: RqVaeOptions = {
  levels: 3,
  codebookSize: 256,
  hidden: [256, 128],
  latent: 32,
  beta: 0.25,
  epochs: 300,
  batchSize: 1024,
  lr: 1e-3,
  seed: 42,
};

export class RqVae implements Quantizer {
  readonly kind = "rq-vae" as const;
  readonly options: RqVaeOptions;
  private d = 0;
  private heap = new Heap(1 << 16);
  private encoder: Mlp | undefined;
  private decoder: Mlp | undefined;
  private params = 0;
  private grads = 0;
  private size = 0;
  /** Offset of the code books (levels × K × latent) inside the parameter block. */
  private books = 0;
  private scratch = new Scratch(this.heap);
  private stepBuffers: Scratch[] = [];
  /** Last fit's per-epoch reports. */
  history: { epoch: number; reconstruction: number; commitment: number; usage: number[] }[] = [];

  constructor(options: Partial<RqVaeOptions> = {}) {
    this.options = { ...RQ_VAE_DEFAULTS, ...options };
    const o = this.options;
    for (const [name, v] of [["levels", o.levels], ["latent", o.latent], ["epochs", o.epochs], ["batchSize", o.batchSize]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new InvalidArgumentError(`rq-vae ${name} must be a positive integer, got ${v}`);
    }
    if (!(Number.isInteger(o.codebookSize) && o.codebookSize >= 2)) throw new InvalidArgumentError(`codebook size must be an integer >= 2, got ${o.codebookSize}`);
    if (!o.hidden.every((h) => Number.isInteger(h) && h >= 1)) throw new InvalidArgumentError(`rq-vae hidden widths must be positive integers, got ${o.hidden.join(",")}`);
  }

  get levels(): number {
    return this.options.levels;
  }

  get codebookSize(): number {
    return this.options.codebookSize;
  }

  private build(d: number): void {
    const o = this.options;
    this.d = d;
    this.heap = new Heap(1 << 16);
    this.scratch = new Scratch(this.heap);
    this.stepBuffers = [];
    this.encoder = new Mlp(this.heap, [d, ...o.hidden, o.latent]);
    this.decoder = new Mlp(this.heap, [o.latent, ...[...o.hidden].reverse(), d]);
    const bookSize = o.levels * o.codebookSize * o.latent;
    this.size = this.encoder.size + this.decoder.size + bookSize;
    this.params = this.heap.alloc(this.size);
    this.grads = this.heap.alloc(this.size);
    this.books = this.encoder.size + this.decoder.size;
  }

  async fit(x: Float32Array, n: number, d: number, onProgress?: (p: QuantizerProgress) => void): Promise<void> {
    const o = this.options;
    this.build(d);
    const rng = new SeededRandom(o.seed);
    const normal = () => rng.normal();
    this.encoder!.init(this.params, normal);
    this.decoder!.init(this.params + this.encoder!.size, normal);
    // code books from residual k-means of the initial latents
    const latents = this.latents(x, n);
    const init = new RqKMeans({ levels: o.levels, codebookSize: o.codebookSize, iterations: 20, seed: o.seed });
    await init.fit(latents, n, o.latent);
    const initBooks = init.exportState().arrays.codebooks as Float32Array;
    this.heap.f32.set(initBooks, this.params + this.books);
    const adam = new Adam(this.heap, this.params, this.grads, this.size, { lr: o.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const B = Math.min(o.batchSize, n);
    const xb = this.heap.alloc(B * d);
    const codes = new Int32Array(B * o.levels);
    this.history = [];
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      rng.shuffle(order);
      const used = new Uint8Array(o.levels * o.codebookSize);
      let recon = 0;
      let commit = 0;
      let lastRows = 0;
      for (let start = 0; start < n; start += B) {
        const rows = Math.min(B, n - start);
        const f = this.heap.f32;
        for (let r = 0; r < rows; r++) f.set(x.subarray(order[start + r] * d, order[start + r] * d + d), xb + r * d);
        const step = this.trainStep(xb, rows, codes);
        recon += step.reconstruction * rows;
        commit += step.commitment * rows;
        for (let r = 0; r < rows; r++) for (let l = 0; l < o.levels; l++) used[l * o.codebookSize + codes[r * o.levels + l]] = 1;
        adam.update();
        lastRows = rows;
      }
      const usage: number[] = [];
      for (let l = 0; l < o.levels; l++) {
        let u = 0;
        for (let c = 0; c < o.codebookSize; c++) u += used[l * o.codebookSize + c];
        usage.push(u / o.codebookSize);
      }
      if (epoch < o.epochs) this.reseedUnused(used, lastRows, rng);
      this.history.push({ epoch, reconstruction: recon / n, commitment: commit / n, usage });
      onProgress?.({ phase: `rq-vae epoch ${epoch} reconstruction ${(recon / n).toFixed(4)}`, done: epoch, total: o.epochs });
      if ((epoch & 7) === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Encoder outputs (n × latent) of n embeddings, in batches. */
  private latents(x: Float32Array, n: number): Float32Array {
    const d = this.d;
    const latent = this.options.latent;
    const out = new Float32Array(n * latent);
    const B = 1024;
    const xb = this.scratch.need(B * d);
    for (let start = 0; start < n; start += B) {
      const rows = Math.min(B, n - start);
      this.heap.f32.set(x.subarray(start * d, (start + rows) * d), xb);
      const z = this.encoder!.forward(this.params, xb, rows);
      out.set(this.heap.f32.subarray(z, z + rows * latent), start * latent);
    }
    return out;
  }

  /** Residual quantization of `rows` latents at offset z: codes, ẑ and the residuals r_l (rows × latent each). */
  private quantize(z: number, rows: number, codes: Int32Array, zq: number, residuals: number): void {
    const { levels, codebookSize: K, latent } = this.options;
    const heap = this.heap;
    const work = this.scratch.need(latent * K + rows * K + rows * latent + 16);
    const bookT = work;
    const prod = bookT + ((latent * K + 3) & ~3);
    const r = prod + ((rows * K + 3) & ~3);
    const f = heap.f32;
    const norms = new Float64Array(K);
    f.copyWithin(r, z, z + rows * latent);
    f.fill(0, zq, zq + rows * latent);
    for (let l = 0; l < levels; l++) {
      const book = this.params + this.books + l * K * latent;
      f.copyWithin(residuals + l * rows * latent, r, r + rows * latent);
      transpose(f, book, K, latent, latent, bookT, K);
      gemm(heap, rows, K, latent, r, latent, 1, bookT, K, prod, K, false);
      for (let c = 0; c < K; c++) {
        let norm = 0;
        const e = book + c * latent;
        for (let t = 0; t < latent; t++) norm += f[e + t] * f[e + t];
        norms[c] = norm;
      }
      for (let i = 0; i < rows; i++) {
        let best = 0;
        let bestD = Infinity;
        for (let c = 0; c < K; c++) {
          const dist = norms[c] - 2 * f[prod + i * K + c];
          if (dist < bestD) {
            bestD = dist;
            best = c;
          }
        }
        codes[i * levels + l] = best;
        const e = book + best * latent;
        for (let t = 0; t < latent; t++) {
          f[zq + i * latent + t] += f[e + t];
          f[r + i * latent + t] -= f[e + t];
        }
      }
    }
  }

  private trainStep(xb: number, rows: number, codes: Int32Array): { reconstruction: number; commitment: number } {
    const { levels, codebookSize: K, latent, beta } = this.options;
    const d = this.d;
    const heap = this.heap;
    heap.f32.fill(0, this.grads, this.grads + this.size);
    const z = this.encoder!.forward(this.params, xb, rows);
    const zq = this.stepBuffer(0, rows * latent);
    const residuals = this.stepBuffer(1, levels * rows * latent);
    this.quantize(z, rows, codes, zq, residuals);
    const xHat = this.decoder!.forward(this.params + this.encoder!.size, zq, rows);
    const dxHat = this.stepBuffer(2, rows * d);
    const dz = this.stepBuffer(3, rows * latent);
    let f = heap.f32;
    let recon = 0;
    for (let p = 0; p < rows * d; p++) {
      const diff = f[xHat + p] - f[xb + p];
      recon += diff * diff;
      f[dxHat + p] = (2 * diff) / rows;
    }
    this.decoder!.backward(this.params + this.encoder!.size, this.grads + this.encoder!.size, dxHat, dz);
    f = heap.f32;
    // commitment (to z) and code-book loss (to the codes)
    let commit = 0;
    for (let l = 0; l < levels; l++) {
      const book = this.params + this.books + l * K * latent;
      const gbook = this.grads + this.books + l * K * latent;
      for (let i = 0; i < rows; i++) {
        const e = book + codes[i * levels + l] * latent;
        const ge = gbook + codes[i * levels + l] * latent;
        const r = residuals + (l * rows + i) * latent;
        for (let t = 0; t < latent; t++) {
          const diff = f[r + t] - f[e + t];
          commit += diff * diff;
          f[dz + i * latent + t] += (2 * beta * diff) / rows;
          f[ge + t] -= (2 * diff) / rows;
        }
      }
    }
    this.encoder!.backward(this.params, this.grads, dz, -1);
    return { reconstruction: recon / rows, commitment: commit / rows };
  }

  private stepBuffer(slot: number, floats: number): number {
    while (this.stepBuffers.length <= slot) this.stepBuffers.push(new Scratch(this.heap));
    return this.stepBuffers[slot].need(floats);
  }

  /** Codes no item of the epoch used take a residual of the epoch's last batch (seeded choice). */
  private reseedUnused(used: Uint8Array, rows: number, rng: SeededRandom): void {
    const { levels, codebookSize: K, latent } = this.options;
    const residuals = this.stepBuffers[1]?.off;
    if (residuals === undefined || rows === 0) return;
    const f = this.heap.f32;
    for (let l = 0; l < levels; l++) {
      for (let c = 0; c < K; c++) {
        if (used[l * K + c]) continue;
        const i = rng.int(rows);
        const src = residuals + (l * rows + i) * latent;
        f.copyWithin(this.params + this.books + (l * K + c) * latent, src, src + latent);
      }
    }
  }

  encode(x: Float32Array, n: number): Int32Array {
    if (this.d === 0) throw new InvalidArgumentError("rq-vae: fit it (or restore it) before encoding");
    const { levels, latent } = this.options;
    const codes = new Int32Array(n * levels);
    const B = 1024;
    const chunk = new Int32Array(B * levels);
    for (let start = 0; start < n; start += B) {
      const rows = Math.min(B, n - start);
      const xb = this.stepBuffer(4, rows * this.d);
      this.heap.f32.set(x.subarray(start * this.d, (start + rows) * this.d), xb);
      const z = this.encoder!.forward(this.params, xb, rows);
      const zq = this.stepBuffer(0, rows * latent);
      const residuals = this.stepBuffer(1, levels * rows * latent);
      this.quantize(z, rows, chunk, zq, residuals);
      codes.set(chunk.subarray(0, rows * levels), start * levels);
    }
    return codes;
  }

  reconstruct(codes: Int32Array, n: number): Float32Array {
    const { levels, codebookSize: K, latent } = this.options;
    const d = this.d;
    const out = new Float32Array(n * d);
    const B = 1024;
    for (let start = 0; start < n; start += B) {
      const rows = Math.min(B, n - start);
      const zq = this.stepBuffer(0, rows * latent);
      const f = this.heap.f32;
      f.fill(0, zq, zq + rows * latent);
      for (let i = 0; i < rows; i++) {
        for (let l = 0; l < levels; l++) {
          const e = this.params + this.books + (l * K + codes[(start + i) * levels + l]) * latent;
          for (let t = 0; t < latent; t++) f[zq + i * latent + t] += f[e + t];
        }
      }
      const xHat = this.decoder!.forward(this.params + this.encoder!.size, zq, rows);
      out.set(this.heap.f32.subarray(xHat, xHat + rows * d), start * d);
    }
    return out;
  }

  exportState(): { state: Record<string, unknown>; arrays: Record<string, ModelArray> } {
    return {
      state: { options: this.options, dimensions: this.d, history: this.history.slice(-1) },
      arrays: { parameters: this.heap.copyOut(this.params, this.size) },
    };
  }

  static restore(state: Record<string, unknown>, arrays: Record<string, ModelArray>): RqVae {
    const q = new RqVae(state.options as Partial<RqVaeOptions>);
    const d = Number(state.dimensions);
    q.build(d);
    const params = arrays.parameters;
    if (!(params instanceof Float32Array) || params.length !== q.size) throw new InvalidArgumentError("saved rq-vae parameters have the wrong size");
    q.heap.f32.set(params, q.params);
    return q;
  }
}
