import assert from "node:assert/strict";
import { test } from "node:test";
import { readItemContent, type ItemContent } from "../content/item-content.js";
import { PrefixTrie } from "./prefix-trie.js";
import { SemanticIds, semanticIdStats } from "./semantic-ids.js";
import { exportSemanticIds, fitSemanticIds, restoreSemanticIds } from "./tokenizer.js";

const BEAUTY_TEXT = "../shared/datasets/amazon-beauty/Beauty_item_text.jsonl.gz";

/** The first n items of Amazon Beauty's item text (titles, brands, category paths). */
async function beautyItems(n: number): Promise<ItemContent[]> {
  const table = await readItemContent(BEAUTY_TEXT);
  return Array.from({ length: n }, (_, i) => table.get(String(i + 1))!);
}

test("collision digits make every ID unique, in the order given; new items continue their prefix's count", () => {
  // items 0, 2, 3 share codes (1, 2); item 1 has its own
  const codes = Int32Array.from([1, 2, 0, 5, 1, 2, 1, 2]);
  const ids = SemanticIds.fromCodes(codes, 4, 2, 8, [3, 1, 0, 2]);
  assert.deepEqual([...ids.of(3)], [1, 2, 0]);
  assert.deepEqual([...ids.of(0)], [1, 2, 1]);
  assert.deepEqual([...ids.of(2)], [1, 2, 2]);
  assert.deepEqual([...ids.of(1)], [0, 5, 0]);
  const first = ids.append(Int32Array.from([1, 2, 7, 7]), 2);
  assert.equal(first, 4);
  assert.deepEqual([...ids.of(4)], [1, 2, 3]);
  assert.deepEqual([...ids.of(5)], [7, 7, 0]);
  const restored = SemanticIds.fromArray(ids.toArray(), 2, 8);
  restored.append(Int32Array.from([1, 2]), 1);
  assert.deepEqual([...restored.of(6)], [1, 2, 4]);
  const stats = semanticIdStats(ids);
  assert.equal(stats.distinctPrefixes, 3);
  assert.equal(stats.maxItemsPerPrefix, 4);
  assert.ok(Math.abs(stats.collisionRate - (1 - 3 / 6)) < 1e-12);
  assert.match(ids.toText(["a", "b", "c", "d", "e", "f"], ["t\ta", "tb"]), /\na\t1 2 1\tt a\nb\t0 5 0\ttb\n/);
  assert.throws(() => SemanticIds.fromCodes(Int32Array.from([9, 0]), 1, 2, 8), /outside 0\.\.7/);
});

for (const quantizer of ["rq-kmeans", "rq-vae", "random"] as const) {
  test(`${quantizer}: semantic IDs of Beauty items are deterministic for a seed, unique, saved and restored, and new items get codes without refitting`, async () => {
    const items = await beautyItems(400);
    const options = { quantizer, levels: 2, codebookSize: 16, embeddingDims: 24, kmeansIterations: 20, rqvaeEpochs: 20, rqvaeLatent: 8 } as const;
    const fitOn = new Uint8Array(400).fill(1, 0, 360); // the last 40 items arrive "later"
    const a = await fitSemanticIds(items, options, { fitOn });
    const b = await fitSemanticIds(items, options, { fitOn });
    const c = await fitSemanticIds(items, { ...options, sidSeed: 7 }, { fitOn });
    assert.deepEqual(a.ids.toArray(), b.ids.toArray());
    if (quantizer !== "random") assert.notDeepEqual(a.ids.toArray(), c.ids.toArray());
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) seen.add(a.ids.format(i));
    assert.equal(seen.size, 400, "every item has its own ID");
    const stats = a.stats();
    assert.equal(stats.items, 400);
    assert.ok(stats.codebookUsage.every((u) => u > 0 && u <= 1));
    if (quantizer === "random") assert.equal(stats.reconstructionError, null);
    else assert.ok(stats.reconstructionError! >= 0 && stats.reconstructionError! < 1, `reconstruction error ${stats.reconstructionError}`);
    // related items share their first code more often than unrelated ones (semantic, not random)
    if (quantizer === "rq-kmeans") {
      const opi = items.map((x, i) => (x.brand === "OPI" ? i : -1)).filter((i) => i >= 0);
      const sameFirst = opi.filter((i) => a.ids.token(i, 0) === a.ids.token(opi[0], 0)).length;
      assert.ok(sameFirst >= opi.length / 2, `${sameFirst} of ${opi.length} OPI items share the first code`);
    }
    // save/restore: same IDs, and a new item gets the same codes from both
    const saved = exportSemanticIds(a);
    const restored = restoreSemanticIds(JSON.parse(JSON.stringify(saved.state)), saved.arrays);
    assert.deepEqual(restored.ids.toArray(), a.ids.toArray());
    const newcomer = { ...items[5], id: "new-1" };
    const [x] = await a.addItems([newcomer]);
    const [y] = await restored.addItems([newcomer]);
    assert.equal(x, 400);
    assert.deepEqual([...a.ids.of(x)], [...restored.ids.of(y)]);
    // the copy of item 5 has item 5's codes and the next free digit of that prefix
    assert.deepEqual([...a.ids.of(x)].slice(0, 2), [...a.ids.of(5)].slice(0, 2));
    assert.ok(a.ids.token(x, 2) > a.ids.token(5, 2));
  });
}

test("prefix trie: children sorted, leaves are items, exclusion hides emptied subtrees and restores", () => {
  const ids = SemanticIds.fromCodes(Int32Array.from([3, 1, 3, 1, 3, 2, 0, 0]), 4, 2, 4);
  const trie = new PrefixTrie(ids);
  assert.equal(trie.depth, 3);
  assert.equal(trie.available[0], 4);
  const root = [...Array(trie.childCount[0]).keys()].map((k) => trie.token[trie.firstChild[0] + k]);
  assert.deepEqual(root, [0, 3]);
  const three = trie.child(0, 3);
  assert.equal(trie.available[three], 3);
  const leaf = trie.child(trie.child(three, 1), 1);
  assert.equal(trie.item[leaf], 1);
  trie.exclude([0, 1, 1, 99]);
  assert.equal(trie.available[trie.child(three, 1)], 0);
  assert.equal(trie.available[three], 1);
  assert.equal(trie.available[0], 2);
  trie.restore();
  assert.equal(trie.available[trie.child(three, 1)], 2);
  assert.equal(trie.available[0], 4);
  assert.equal(trie.child(0, 2), -1);
});
