/**
 * A hash table from pairs of non-negative 32-bit integers (two word ids or
 * rows: a bigram) to a non-negative integer, open addressing over typed
 * arrays. A JavaScript Map keyed by a·n + b would key by heap numbers once
 * a·n passes 2^31, which makes every lookup slow; this keeps bigram lookups
 * as cheap as word lookups.
 */
export class PairTable {
  private firsts: Int32Array;
  private seconds: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 16) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.firsts = new Int32Array(capacity).fill(-1);
    this.seconds = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  private slot(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    let i = h & this.mask;
    while (this.firsts[i] !== -1 && (this.firsts[i] !== a || this.seconds[i] !== b)) i = (i + 1) & this.mask;
    return i;
  }

  /** The value of (a, b), or -1. */
  get(a: number, b: number): number {
    const i = this.slot(a, b);
    return this.firsts[i] === -1 ? -1 : this.values[i];
  }

  set(a: number, b: number, value: number): void {
    const i = this.slot(a, b);
    if (this.firsts[i] === -1) {
      this.firsts[i] = a;
      this.seconds[i] = b;
      this.size++;
    }
    this.values[i] = value;
    if (this.size * 2 > this.firsts.length) this.grow();
  }

  /** Adds `by` to the value of (a, b) (0 when absent). */
  increment(a: number, b: number, by = 1): void {
    const i = this.slot(a, b);
    if (this.firsts[i] !== -1) {
      this.values[i] += by;
      return;
    }
    this.set(a, b, by);
  }

  forEach(fn: (a: number, b: number, value: number) => void): void {
    for (let i = 0; i < this.firsts.length; i++) if (this.firsts[i] !== -1) fn(this.firsts[i], this.seconds[i], this.values[i]);
  }

  private grow(): void {
    const { firsts, seconds, values } = this;
    const capacity = firsts.length * 2;
    this.firsts = new Int32Array(capacity).fill(-1);
    this.seconds = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < firsts.length; i++) if (firsts[i] !== -1) this.set(firsts[i], seconds[i], values[i]);
  }
}
