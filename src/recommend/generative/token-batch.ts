/**
 * Packed batches of semantic-ID token sequences for the generative network.
 * An item is L + 1 tokens (its codes and collision digit); a history of items
 * becomes their tokens in order. Each token carries its vocabulary index
 * (level-specific), the position of its item in the window (right-aligned, so
 * the item being generated always sits at position maxItems − 1) and its level.
 * A target row says which token's output predicts which (level, code).
 */
import type { SemanticIds } from "../semantic-ids/semantic-ids.js";

export interface TokenSequenceBatch {
  /** Vocabulary index of every token, examples back to back. */
  tokens: Int32Array;
  /** Item position (0 .. maxItems − 1) and level (0 .. L) of every token. */
  positions: Int32Array;
  levels: Int32Array;
  nTokens: number;
  exStart: Int32Array;
  nExamples: number;
  /** Per target: the token whose output predicts it, the target's level and its code within the level. */
  targetRow: Int32Array;
  targetLevel: Int32Array;
  targetCode: Int32Array;
  nTargets: number;
}

/** Vocabulary layout: level l < L uses K indices from l·K; the digit level D indices from L·K. */
export interface TokenVocabulary {
  levels: number;
  codebookSize: number;
  digitVocab: number;
}

export function vocabularyBase(v: TokenVocabulary, level: number): number {
  return level * v.codebookSize;
}

export function vocabularySize(v: TokenVocabulary, level: number): number {
  return level < v.levels ? v.codebookSize : v.digitVocab;
}

export function totalVocabulary(v: TokenVocabulary): number {
  return v.levels * v.codebookSize + v.digitVocab;
}

export class TokenBatchBuilder {
  readonly batch: TokenSequenceBatch = {
    tokens: new Int32Array(1024),
    positions: new Int32Array(1024),
    levels: new Int32Array(1024),
    nTokens: 0,
    exStart: new Int32Array(129),
    nExamples: 0,
    targetRow: new Int32Array(1024),
    targetLevel: new Int32Array(1024),
    targetCode: new Int32Array(1024),
    nTargets: 0,
  };

  constructor(private readonly ids: SemanticIds, private readonly vocab: TokenVocabulary, private readonly maxItems: number) {}

  clear(): void {
    const b = this.batch;
    b.nTokens = 0;
    b.nExamples = 0;
    b.nTargets = 0;
    b.exStart[0] = 0;
  }

  private reserve(tokens: number, targets: number): void {
    const b = this.batch;
    if (b.nTokens + tokens > b.tokens.length) {
      const n = Math.max(b.nTokens + tokens, 2 * b.tokens.length);
      b.tokens = grow(b.tokens, n);
      b.positions = grow(b.positions, n);
      b.levels = grow(b.levels, n);
    }
    if (b.nTargets + targets > b.targetRow.length) {
      const n = Math.max(b.nTargets + targets, 2 * b.targetRow.length);
      b.targetRow = grow(b.targetRow, n);
      b.targetLevel = grow(b.targetLevel, n);
      b.targetCode = grow(b.targetCode, n);
    }
    if (b.nExamples + 2 > b.exStart.length) b.exStart = grow(b.exStart, 2 * b.exStart.length);
  }

  private pushToken(vocabIndex: number, position: number, level: number): void {
    const b = this.batch;
    b.tokens[b.nTokens] = vocabIndex;
    b.positions[b.nTokens] = position;
    b.levels[b.nTokens] = level;
    b.nTokens++;
  }

  private endExample(): void {
    const b = this.batch;
    b.nExamples++;
    b.exStart[b.nExamples] = b.nTokens;
  }

  /**
   * A training example: the tokens of items[from .. to) (at most maxItems
   * items), every token but the last as input, each predicting the next token.
   */
  addTraining(items: ArrayLike<number>, from: number, to: number): void {
    const W = this.ids.width;
    const m = to - from;
    const total = m * W;
    this.reserve(total, total);
    const b = this.batch;
    const first = this.maxItems - m;
    for (let j = 0; j < m; j++) {
      const codes = this.ids.of(items[from + j]);
      for (let t = 0; t < W; t++) {
        const k = j * W + t;
        if (k > 0) {
          b.targetRow[b.nTargets] = b.nTokens - 1;
          b.targetLevel[b.nTargets] = t;
          b.targetCode[b.nTargets] = codes[t];
          b.nTargets++;
        }
        if (k + 1 < total) this.pushToken(vocabularyBase(this.vocab, t) + codes[t], first + j, t);
      }
    }
    this.endExample();
  }

  /** A history to generate after: the tokens of its items, the next item at position maxItems − 1. */
  addHistory(items: ArrayLike<number>, from: number, to: number): void {
    const W = this.ids.width;
    const m = to - from;
    this.reserve(m * W, 0);
    const first = this.maxItems - 1 - m;
    for (let j = 0; j < m; j++) {
      const codes = this.ids.of(items[from + j]);
      for (let t = 0; t < W; t++) this.pushToken(vocabularyBase(this.vocab, t) + codes[t], first + j, t);
    }
    this.endExample();
  }

  /** A partial ID being generated: its first `codes.length` tokens, at the generated item's position. */
  addPartial(codes: ArrayLike<number>, length: number): void {
    this.reserve(length, 0);
    for (let t = 0; t < length; t++) this.pushToken(vocabularyBase(this.vocab, t) + codes[t], this.maxItems - 1, t);
    this.endExample();
  }
}

function grow(a: Int32Array, n: number): Int32Array {
  const out = new Int32Array(Math.max(n, a.length * 2));
  out.set(a);
  return out;
}
