/**
 * Random IDs of the same shape as semantic IDs (TIGER's ablation): every
 * item's L codes are drawn uniformly from K values, independently of what the
 * item is about. The draw is a seeded hash of the item's embedding bits, so
 * `encode` is a pure function (the same item always gets the same codes, a new
 * item gets its own) while nearby items get unrelated codes.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { mix32 } from "../../core/random.js";
import type { ModelArray } from "../model-io.js";
import type { Quantizer } from "./quantizer.js";

export class RandomCodes implements Quantizer {
  readonly kind = "random" as const;
  private d = 0;

  constructor(readonly options: { levels: number; codebookSize: number; seed: number } = { levels: 3, codebookSize: 256, seed: 42 }) {
    if (!(Number.isInteger(options.levels) && options.levels >= 1)) throw new InvalidArgumentError(`levels must be a positive integer, got ${options.levels}`);
    if (!(Number.isInteger(options.codebookSize) && options.codebookSize >= 2)) throw new InvalidArgumentError(`codebook size must be an integer >= 2, got ${options.codebookSize}`);
  }

  get levels(): number {
    return this.options.levels;
  }

  get codebookSize(): number {
    return this.options.codebookSize;
  }

  async fit(_x: Float32Array, _n: number, d: number): Promise<void> {
    this.d = d;
  }

  encode(x: Float32Array, n: number): Int32Array {
    const { levels, codebookSize, seed } = this.options;
    const d = this.d;
    const bits = new Uint32Array(x.buffer, x.byteOffset, n * d);
    const codes = new Int32Array(n * levels);
    for (let i = 0; i < n; i++) {
      let h = mix32(seed >>> 0);
      for (let t = 0; t < d; t++) h = mix32((h ^ bits[i * d + t]) >>> 0);
      for (let l = 0; l < levels; l++) {
        h = mix32((h + 0x9e3779b9) >>> 0);
        codes[i * levels + l] = h % codebookSize;
      }
    }
    return codes;
  }

  reconstruct(): null {
    return null;
  }

  exportState(): { state: Record<string, unknown>; arrays: Record<string, ModelArray> } {
    return { state: { options: this.options, dimensions: this.d }, arrays: {} };
  }

  static restore(state: Record<string, unknown>): RandomCodes {
    const q = new RandomCodes(state.options as { levels: number; codebookSize: number; seed: number });
    q.d = Number(state.dimensions ?? 0);
    return q;
  }
}
