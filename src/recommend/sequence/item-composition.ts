/**
 * Item embeddings composed of shared parts (YouTube's "semantic IDs for
 * ranking", Singh et al., RecSys 2024): item i's embedding is the sum of the
 * embeddings of its parts, e.g. its semantic-ID prefixes (c1), (c1, c2),
 * (c1, c2, c3) and optionally a hashed id. Items that share a prefix share
 * that part, so an item nobody interacted with (a cold item) still gets a
 * meaningful embedding from the prefixes it shares with known items.
 *
 * In SASRec (model.ts) the item table stays where the network reads it; it
 * is recomposed from the part tables whenever the parameters change, and
 * after each backward pass the item rows' gradients are folded into the
 * parts (and cleared, so the optimizer leaves the composed table alone).
 * Only items marked trainable (known at training time) pass gradients on, so
 * the catalog's cold items do not shape the parts as never-chosen negatives.
 */
import { InvalidArgumentError } from "../../core/errors.js";

export interface ItemComposition {
  /** Names of the parts, e.g. "prefix1", "prefix2", "prefix3", "hashed_id". */
  names: string[];
  /** Rows of each part's table. */
  sizes: number[];
  /** items × parts, row-major: the row of each part used by each item (−1 = none). */
  index: Int32Array;
  /** Items whose gradients reach the parts (1); default all. */
  trainable?: Uint8Array;
}

export function checkComposition(c: ItemComposition, nItems: number): void {
  const parts = c.names.length;
  if (parts === 0 || c.sizes.length !== parts) throw new InvalidArgumentError("item composition: one size per part is needed");
  if (c.index.length !== nItems * parts) throw new InvalidArgumentError(`item composition: expected ${nItems}×${parts} indices, got ${c.index.length}`);
  for (let i = 0; i < c.index.length; i++) {
    const v = c.index[i];
    if (!(v >= -1 && v < c.sizes[i % parts])) throw new InvalidArgumentError(`item composition: index ${v} of part ${c.names[i % parts]} is out of range`);
  }
  if (c.trainable && c.trainable.length !== nItems) throw new InvalidArgumentError(`item composition: trainable mask has ${c.trainable.length} entries for ${nItems} items`);
}

/** E[i] = Σ_p T_p[index[i, p]] over one heap: items at `items`, part tables at `tables[p]` (float offsets). */
export function composeItems(f: Float32Array, c: ItemComposition, nItems: number, d: number, items: number, tables: readonly number[]): void {
  const parts = c.names.length;
  f.fill(0, items, items + nItems * d);
  for (let i = 0; i < nItems; i++) {
    const row = items + i * d;
    for (let p = 0; p < parts; p++) {
      const r = c.index[i * parts + p];
      if (r < 0) continue;
      const src = tables[p] + r * d;
      for (let k = 0; k < d; k++) f[row + k] += f[src + k];
    }
  }
}

/** Moves the item rows' gradients into the part tables' gradients, then clears the item rows. */
export function foldItemGradients(f: Float32Array, c: ItemComposition, nItems: number, d: number, itemGrads: number, tableGrads: readonly number[]): void {
  const parts = c.names.length;
  for (let i = 0; i < nItems; i++) {
    const row = itemGrads + i * d;
    if (!c.trainable || c.trainable[i]) {
      for (let p = 0; p < parts; p++) {
        const r = c.index[i * parts + p];
        if (r < 0) continue;
        const dst = tableGrads[p] + r * d;
        for (let k = 0; k < d; k++) f[dst + k] += f[row + k];
      }
    }
    f.fill(0, row, row + d);
  }
}
