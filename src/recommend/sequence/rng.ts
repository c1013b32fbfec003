/**
 * Seeded pseudo-random numbers: xoshiro128** seeded through splitmix32.
 * The same seed gives the same stream on every platform (32-bit integer
 * arithmetic only), which is what makes training deterministic. Uniforms,
 * normals and shuffles come from RandomStream (../random.ts), shared with the
 * other recommenders' generator.
 */
import { RandomStream } from "../../core/random.js";

export class Rng extends RandomStream {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    super();
    let s = seed >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Writes the generator's four state words at `at` (for a WebAssembly kernel that continues the stream). */
  writeState(words: Uint32Array, at: number): void {
    words[at] = this.a >>> 0;
    words[at + 1] = this.b >>> 0;
    words[at + 2] = this.c >>> 0;
    words[at + 3] = this.d >>> 0;
  }

  /** Continues from state words a kernel advanced. */
  readState(words: Uint32Array, at: number): void {
    this.a = words[at] | 0;
    this.b = words[at + 1] | 0;
    this.c = words[at + 2] | 0;
    this.d = words[at + 3] | 0;
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
