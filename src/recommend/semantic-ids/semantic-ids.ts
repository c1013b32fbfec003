/**
 * The item → semantic ID table: L quantizer codes per item plus a final digit
 * that makes items with identical codes unique (TIGER: the digit counts the
 * items that already hold the same L codes, in item order). So every item's
 * ID is L + 1 tokens: L codes of K values, and a digit below the largest
 * number of items sharing codes (`digitsUsed`).
 *
 * New items are appended with `append` (their digit continues the count of
 * their prefix), so existing IDs never change.
 *
 * `semanticIdStats` reports what TIGER and GRID report about a tokenizer:
 * code-book usage per level, how many items collide on all L codes, and the
 * relative reconstruction error of the embeddings.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { Quantizer } from "./quantizer.js";

export class SemanticIds {
  /** n × (levels + 1), row-major: L codes then the collision digit. */
  private codes: Int32Array;
  private count: number;
  /** Items seen per L-code prefix (the next free digit). */
  private readonly prefixCounts = new Map<string, number>();

  private constructor(readonly levels: number, readonly codebookSize: number, capacity: number) {
    this.codes = new Int32Array(Math.max(1, capacity) * (levels + 1));
    this.count = 0;
  }

  /**
   * From quantizer codes (n × levels): adds the collision digits, numbering
   * the items of each prefix in `order` (default: item order).
   */
  static fromCodes(codes: Int32Array, n: number, levels: number, codebookSize: number, order?: readonly number[]): SemanticIds {
    const ids = new SemanticIds(levels, codebookSize, n);
    if (!order) {
      ids.append(codes, n);
      return ids;
    }
    if (order.length !== n || new Set(order).size !== n || order.some((i) => !(i >= 0 && i < n))) {
      throw new InvalidArgumentError(`digit order must list each of the ${n} items once`);
    }
    ids.count = n;
    for (const i of order) ids.setRow(i, codes.subarray(i * levels, i * levels + levels));
    return ids;
  }

  /** Restores a table saved with `toArray` (digits included). */
  static fromArray(full: Int32Array, levels: number, codebookSize: number): SemanticIds {
    const width = levels + 1;
    if (full.length % width !== 0) throw new InvalidArgumentError(`semantic ID array of ${full.length} values is not a multiple of ${width}`);
    const n = full.length / width;
    const ids = new SemanticIds(levels, codebookSize, n);
    ids.codes.set(full);
    ids.count = n;
    for (let i = 0; i < n; i++) {
      const key = ids.prefixKey(i);
      ids.prefixCounts.set(key, Math.max(ids.prefixCounts.get(key) ?? 0, full[i * width + levels] + 1));
    }
    return ids;
  }

  get size(): number {
    return this.count;
  }

  /** Tokens per item: the L codes and the digit. */
  get width(): number {
    return this.levels + 1;
  }

  /** Appends n items' codes (n × levels); returns the index of the first. */
  append(codes: Int32Array, n: number): number {
    const L = this.levels;
    const W = L + 1;
    if (codes.length < n * L) throw new InvalidArgumentError(`expected ${n}×${L} codes, got ${codes.length} values`);
    const first = this.count;
    if ((first + n) * W > this.codes.length) {
      const grown = new Int32Array(Math.max((first + n) * W, this.codes.length * 2));
      grown.set(this.codes);
      this.codes = grown;
    }
    this.count += n;
    for (let i = 0; i < n; i++) this.setRow(first + i, codes.subarray(i * L, i * L + L));
    return first;
  }

  /** Writes item i's codes and gives it the next free digit of its prefix. */
  private setRow(item: number, codes: ArrayLike<number>): void {
    const L = this.levels;
    const row = item * (L + 1);
    for (let l = 0; l < L; l++) {
      const c = codes[l];
      if (!(Number.isInteger(c) && c >= 0 && c < this.codebookSize)) throw new InvalidArgumentError(`code ${c} at level ${l} is outside 0..${this.codebookSize - 1}`);
      this.codes[row + l] = c;
    }
    const key = this.prefixKey(item);
    const digit = this.prefixCounts.get(key) ?? 0;
    this.codes[row + L] = digit;
    this.prefixCounts.set(key, digit + 1);
  }

  /** Token t (0..levels) of item i. */
  token(item: number, t: number): number {
    return this.codes[item * (this.levels + 1) + t];
  }

  /** The L + 1 tokens of item i (a view). */
  of(item: number): Int32Array {
    const W = this.levels + 1;
    return this.codes.subarray(item * W, item * W + W);
  }

  /** All IDs, n × (levels + 1). */
  toArray(): Int32Array {
    return this.codes.slice(0, this.count * (this.levels + 1));
  }

  /** Largest collision digit in use + 1. */
  get digitsUsed(): number {
    let max = 0;
    for (const c of this.prefixCounts.values()) if (c > max) max = c;
    return max;
  }

  private prefixKey(item: number): string {
    const W = this.levels + 1;
    let key = "";
    for (let l = 0; l < this.levels; l++) key += (l ? "-" : "") + this.codes[item * W + l];
    return key;
  }

  /** "12 201 7 0": the item's tokens, space-separated. */
  format(item: number): string {
    return Array.from(this.of(item)).join(" ");
  }

  /**
   * The human-readable table: a comment line describing the tokenizer, a
   * header, then one line per item: id, its codes, and its title when given.
   */
  toText(itemIds: readonly string[], titles: readonly (string | undefined)[] = [], description = ""): string {
    if (itemIds.length !== this.count) throw new InvalidArgumentError(`${itemIds.length} item ids for ${this.count} semantic IDs`);
    const lines: string[] = [];
    if (description) lines.push(`# ${description}`);
    lines.push(`# codes: ${this.levels} levels of ${this.codebookSize} values, then a digit that tells apart items with the same codes`);
    lines.push(titles.length ? "item\tcodes\ttitle" : "item\tcodes");
    for (let i = 0; i < this.count; i++) {
      const title = titles[i]?.replace(/[\t\r\n]+/g, " ");
      lines.push(titles.length ? `${itemIds[i]}\t${this.format(i)}\t${title ?? ""}` : `${itemIds[i]}\t${this.format(i)}`);
    }
    return lines.join("\n") + "\n";
  }
}

export interface SemanticIdStats {
  items: number;
  levels: number;
  codebookSize: number;
  /** Per level: distinct codes used / K. */
  codebookUsage: number[];
  /** Per level: perplexity of the code distribution (K when perfectly even). */
  codePerplexity: number[];
  /** Distinct L-code prefixes. */
  distinctPrefixes: number;
  /** 1 − distinct prefixes / items: the share of items that needed a digit > 0. */
  collisionRate: number;
  /** Share of items whose L codes are shared with at least one other item. */
  itemsInCollisions: number;
  /** Most items sharing one prefix. */
  maxItemsPerPrefix: number;
  /** Σ‖x − x̂‖² / Σ‖x‖² over the items' embeddings (null when the quantizer has no decoder). */
  reconstructionError: number | null;
}

/** Statistics of a semantic-ID table; `embeddings` (n × d) for the reconstruction error. */
export function semanticIdStats(ids: SemanticIds, quantizer?: Quantizer, embeddings?: Float32Array, d = 0): SemanticIdStats {
  const n = ids.size;
  const L = ids.levels;
  const K = ids.codebookSize;
  const usage: number[] = [];
  const perplexity: number[] = [];
  for (let l = 0; l < L; l++) {
    const counts = new Int32Array(K);
    for (let i = 0; i < n; i++) counts[ids.token(i, l)]++;
    let used = 0;
    let entropy = 0;
    for (let c = 0; c < K; c++) {
      if (counts[c] === 0) continue;
      used++;
      const p = counts[c] / n;
      entropy -= p * Math.log(p);
    }
    usage.push(used / K);
    perplexity.push(Math.exp(entropy));
  }
  const groups = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = Array.from(ids.of(i).subarray(0, L)).join("-");
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  let inCollisions = 0;
  let maxGroup = 0;
  for (const size of groups.values()) {
    if (size > 1) inCollisions += size;
    if (size > maxGroup) maxGroup = size;
  }
  let reconstructionError: number | null = null;
  if (quantizer && embeddings && d > 0 && n > 0) {
    const codes = new Int32Array(n * L);
    for (let i = 0; i < n; i++) codes.set(ids.of(i).subarray(0, L), i * L);
    const x = quantizer.reconstruct(codes, n);
    if (x) {
      let err = 0;
      let norm = 0;
      for (let p = 0; p < n * d; p++) {
        const diff = embeddings[p] - x[p];
        err += diff * diff;
        norm += embeddings[p] * embeddings[p];
      }
      reconstructionError = norm > 0 ? err / norm : 0;
    }
  }
  return {
    items: n,
    levels: L,
    codebookSize: K,
    codebookUsage: usage,
    codePerplexity: perplexity,
    distinctPrefixes: groups.size,
    collisionRate: n ? 1 - groups.size / n : 0,
    itemsInCollisions: n ? inCollisions / n : 0,
    maxItemsPerPrefix: maxGroup,
    reconstructionError,
  };
}
