/**
 * The prefix trie of the catalog's semantic IDs: depth t holds the distinct
 * prefixes of t + 1 tokens, leaves are items. Constrained decoding walks it, so
 * a generated ID is always a real item. Each node counts the items below it
 * that are currently allowed; `exclude` removes items (a user's history) and
 * `restore` puts them back, so subtrees with nothing left are never expanded.
 *
 * Flat arrays: node n's children are nodes firstChild[n] .. firstChild[n] +
 * childCount[n] − 1, sorted by token; node 0 is the root.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { SemanticIds } from "./semantic-ids.js";

export class PrefixTrie {
  /** Tokens per ID (depth of the leaves). */
  readonly depth: number;
  readonly token: Int32Array;
  readonly firstChild: Int32Array;
  readonly childCount: Int32Array;
  /** Item of each leaf (−1 for inner nodes). */
  readonly item: Int32Array;
  /** Allowed items below each node. */
  readonly available: Int32Array;
  /** Per item, its node at each depth (items × depth). */
  private readonly path: Int32Array;
  private readonly excluded: number[] = [];

  constructor(ids: SemanticIds, items?: ArrayLike<number>) {
    const W = ids.width;
    const list = items ? Array.from(items) : Array.from({ length: ids.size }, (_, i) => i);
    // sort items by their token sequence; build level by level
    list.sort((a, b) => {
      for (let t = 0; t < W; t++) {
        const d = ids.token(a, t) - ids.token(b, t);
        if (d !== 0) return d;
      }
      return a - b;
    });
    const token: number[] = [-1];
    const first: number[] = [0];
    const count: number[] = [0];
    const leafItem: number[] = [-1];
    const path = new Int32Array(ids.size * W).fill(-1);
    // nodes at depth t for consecutive runs of equal prefixes
    let parents = [{ node: 0, from: 0, to: list.length }];
    for (let t = 0; t < W; t++) {
      const next: { node: number; from: number; to: number }[] = [];
      for (const p of parents) {
        first[p.node] = token.length;
        let k = p.from;
        while (k < p.to) {
          const tok = ids.token(list[k], t);
          let e = k + 1;
          while (e < p.to && ids.token(list[e], t) === tok) e++;
          const node = token.length;
          token.push(tok);
          first.push(0);
          count.push(0);
          leafItem.push(-1);
          count[p.node]++;
          for (let r = k; r < e; r++) path[list[r] * W + t] = node;
          if (t + 1 === W) {
            if (e - k > 1) throw new InvalidArgumentError(`items ${list[k]} and ${list[k + 1]} have the same semantic ID ${ids.format(list[k])}`);
            leafItem[node] = list[k];
          }
          next.push({ node, from: k, to: e });
          k = e;
        }
      }
      parents = next;
    }
    this.depth = W;
    this.token = Int32Array.from(token);
    this.firstChild = Int32Array.from(first);
    this.childCount = Int32Array.from(count);
    this.item = Int32Array.from(leafItem);
    this.path = path;
    this.available = new Int32Array(token.length);
    for (const i of list) {
      this.available[0]++;
      for (let t = 0; t < W; t++) this.available[path[i * W + t]]++;
    }
  }

  get nodes(): number {
    return this.token.length;
  }

  /** True when the item is in the trie. */
  has(item: number): boolean {
    return item >= 0 && item * this.depth < this.path.length && this.path[item * this.depth] >= 0;
  }

  /** Node of `item` at depth t (its t + 1 token prefix). */
  nodeOf(item: number, t: number): number {
    return this.path[item * this.depth + t];
  }

  /** The child of `node` with `token`, or −1. */
  child(node: number, token: number): number {
    let lo = this.firstChild[node];
    let hi = lo + this.childCount[node] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = this.token[mid];
      if (t === token) return mid;
      if (t < token) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Makes items unavailable until `restore` (duplicates and items not in the trie are ignored). */
  exclude(items: ArrayLike<number>): void {
    for (let p = 0; p < items.length; p++) {
      const i = items[p];
      if (!this.has(i) || this.available[this.nodeOf(i, this.depth - 1)] === 0) continue;
      this.excluded.push(i);
      this.available[0]--;
      for (let t = 0; t < this.depth; t++) this.available[this.nodeOf(i, t)]--;
    }
  }

  /** Undoes every `exclude` since the last restore. */
  restore(): void {
    for (const i of this.excluded) {
      this.available[0]++;
      for (let t = 0; t < this.depth; t++) this.available[this.nodeOf(i, t)]++;
    }
    this.excluded.length = 0;
  }
}
