/**
 * A growable list of token boundaries: UTF-16 offsets [start, end) into the
 * text that was tokenized. Tokenizers fill it instead of allocating one object
 * (or one substring) per token, so the hot indexing loop allocates only the
 * term strings it keeps.
 */
export class TokenBuffer {
  starts: Int32Array;
  ends: Int32Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(16, initialCapacity | 0);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  /** Forgets all tokens (keeps the storage). */
  clear(): void {
    this.length = 0;
  }

  push(start: number, end: number): void {
    if (this.length === this.starts.length) this.grow();
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length++;
  }

  private grow(): void {
    const capacity = this.starts.length * 2;
    const starts = new Int32Array(capacity);
    const ends = new Int32Array(capacity);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}
