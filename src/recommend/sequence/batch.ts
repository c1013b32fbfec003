/**
 * Packed training/inference batches: examples back to back without padding.
 */

/** A packed batch of examples. */
export interface Batch {
  /** Item of every token, examples back to back. */
  tokens: Int32Array;
  /** Number of tokens used in `tokens`. */
  nTokens: number;
  /** Token offset of each example, length nExamples + 1. */
  exStart: Int32Array;
  nExamples: number;
  /** For each target row: token index whose output predicts it, and the item. */
  targetRow: Int32Array;
  targetItem: Int32Array;
  /** Example of each target row (for negative sampling). */
  targetEx: Int32Array;
  nTargets: number;
}

/** A reusable Batch with growable arrays. */
export class BatchBuilder {
  readonly batch: Batch = {
    tokens: new Int32Array(1024),
    nTokens: 0,
    exStart: new Int32Array(129),
    nExamples: 0,
    targetRow: new Int32Array(1024),
    targetItem: new Int32Array(1024),
    targetEx: new Int32Array(1024),
    nTargets: 0,
  };

  clear(): void {
    this.batch.nTokens = 0;
    this.batch.nExamples = 0;
    this.batch.nTargets = 0;
    this.batch.exStart[0] = 0;
  }

  /**
   * Adds tokens seq[start .. start+len) as one example; when `lossFrom` is
   * below len, token j >= lossFrom gets target seq[start + j + 1].
   */
  add(seq: Int32Array, start: number, len: number, lossFrom: number): void {
    const b = this.batch;
    const nT = b.nTokens + len;
    if (nT > b.tokens.length) b.tokens = grow(b.tokens, nT);
    if (b.nExamples + 2 > b.exStart.length) b.exStart = grow(b.exStart, b.nExamples + 2);
    const nTargets = b.nTargets + Math.max(0, len - lossFrom);
    if (nTargets > b.targetRow.length) {
      b.targetRow = grow(b.targetRow, nTargets);
      b.targetItem = grow(b.targetItem, nTargets);
      b.targetEx = grow(b.targetEx, nTargets);
    }
    for (let j = 0; j < len; j++) {
      b.tokens[b.nTokens + j] = seq[start + j];
      if (j >= lossFrom) {
        b.targetRow[b.nTargets] = b.nTokens + j;
        b.targetItem[b.nTargets] = seq[start + j + 1];
        b.targetEx[b.nTargets] = b.nExamples;
        b.nTargets++;
      }
    }
    b.nTokens = nT;
    b.nExamples++;
    b.exStart[b.nExamples] = nT;
  }
}

function grow(a: Int32Array, n: number): Int32Array {
  const out = new Int32Array(Math.max(n, a.length * 2));
  out.set(a);
  return out;
}
