/**
 * Small synthetic datasets for the tests (not part of the public API).
 */
import { ItemContentTable } from "./content/item-content.js";
import { InteractionBuilder, type InteractionData } from "./interactions.js";
import { SeededRandom } from "../core/random.js";

/**
 * Planted structure: items fall into `clusters` groups of `itemsPerCluster`;
 * each user belongs to one group and interacts with `perUser` distinct items
 * of it, drawn with probability ∝ 1/(rank+1) (so popularity is skewed too),
 * in random order with increasing timestamps. A model that finds the groups
 * (or the popularity) ranks held-out items far better than chance.
 */
export function plantedClusters(options: { users?: number; clusters?: number; itemsPerCluster?: number; perUser?: number; seed?: number } = {}): InteractionData {
  const users = options.users ?? 120;
  const clusters = options.clusters ?? 4;
  const perCluster = options.itemsPerCluster ?? 12;
  const perUser = options.perUser ?? 6;
  const rng = new SeededRandom(options.seed ?? 7);
  const builder = new InteractionBuilder();
  // Register items first so that item index = cluster * perCluster + rank.
  for (let c = 0; c < clusters; c++) for (let r = 0; r < perCluster; r++) builder.items.intern(`i${c}-${r}`);
  const weights = Array.from({ length: perCluster }, (_, r) => 1 / (r + 1));
  let clock = 0;
  for (let u = 0; u < users; u++) {
    const c = u % clusters;
    const chosen = new Set<number>();
    while (chosen.size < perUser) {
      let x = rng.next() * weights.reduce((a, b) => a + b, 0);
      let r = 0;
      while (x > weights[r] && r < perCluster - 1) x -= weights[r++];
      chosen.add(r);
    }
    for (const r of chosen) builder.add(`u${u}`, `i${c}-${r}`, "view", 1, clock++);
  }
  return builder.build();
}

/**
 * Content for `plantedClusters` items ("i<c>-<r>"): a title and a brand that
 * name the item's cluster, so content models can find the groups too.
 */
export function plantedItemContent(data: InteractionData): ItemContentTable {
  const words = ["amber", "birch", "coral", "dune", "ember", "fjord", "grove", "heath"];
  const table = new ItemContentTable();
  for (const id of data.itemDictionary.toArray()) {
    const [c, r] = id.slice(1).split("-").map(Number);
    const word = words[c % words.length];
    table.add({ id, title: `${word} ${word} product number ${r}`, brand: `${word} house`, categories: [`${word} things`] });
  }
  return table;
}
