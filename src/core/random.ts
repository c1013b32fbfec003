/**
 * Seeded random numbers (recommenders, splits, bootstrap intervals, the feed's SVM). A 32-bit Weyl
 * sequence passed through an avalanche mix (a counter-based generator): only
 * 32-bit integer arithmetic, so a seed gives the same stream on every
 * platform, which is what makes fits and splits reproducible.
 */
/**
 * What every seeded generator offers, built on its `nextU32`: uniform
 * numbers, integers, normals and shuffles. Generators differ only in how they
 * make 32-bit integers.
 */
export abstract class RandomStream {
  private spareNormal = NaN;

  /** Next unsigned 32-bit integer. */
  abstract nextU32(): number;

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, the second value cached). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }
}

export class SeededRandom extends RandomStream {
  private state: number;

  constructor(seed: number) {
    super();
    // Mix the seed once so that nearby seeds start far apart.
    this.state = mix32((seed >>> 0) ^ 0x5bd1e995);
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    return mix32(this.state);
  }

  /** A child generator whose stream depends only on this seed and `salt`. */
  fork(salt: number): SeededRandom {
    return new SeededRandom((this.nextU32() ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0);
  }
}

/** 32-bit avalanche mix (every input bit affects every output bit). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Fills `out` with N(0, scale²) values. */
export function fillNormal(out: Float32Array, rng: RandomStream, scale: number): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = rng.normal() * scale;
  return out;
}
