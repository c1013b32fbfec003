import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ItemContentTable } from "../content/item-content.js";
import { InteractionBuilder, type InteractionData } from "../interactions.js";
import { loadRecommender } from "../registry.js";
import { PrefixTrie } from "../semantic-ids/prefix-trie.js";
import { SemanticIds } from "../semantic-ids/semantic-ids.js";
import { Adam } from "../sequence/adam.js";
import { beamSearch } from "./beam-search.js";
import { GenerativeNet, type GenerativeConfig } from "./generative-net.js";
import { GenerativeRecommender, mergeWithShare } from "./generative-recommender.js";
import { TokenBatchBuilder } from "./token-batch.js";

const dir = mkdtempSync(join(tmpdir(), "trove-generative-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** 16 items with 2-level IDs (a, b) = (i >> 2, i & 3), no collisions. */
function toyIds(): SemanticIds {
  const codes = new Int32Array(32);
  for (let i = 0; i < 16; i++) {
    codes[2 * i] = i >> 2;
    codes[2 * i + 1] = i & 3;
  }
  return SemanticIds.fromCodes(codes, 16, 2, 4);
}

const toyConfig: GenerativeConfig = {
  hidden: 16, blocks: 1, heads: 2, ffnHidden: 32, activation: "relu", dropout: 0, attnDropout: 0, normEps: 1e-8,
  maxItems: 5, levels: 2, codebookSize: 4, digitVocab: 1, scaleEmbedding: true,
};

/** Users walk the cycle 0 → 5 → 10 → 15 → 4 → 9 → ... (item i is followed by (i + 5) mod 16). */
function cycleSequences(users: number): Int32Array[] {
  return Array.from({ length: users }, (_, u) => Int32Array.from({ length: 5 }, (_, j) => (u * 3 + 5 * j) % 16));
}

test("the network learns a known next-item rule: the loss falls and trie-constrained beam search returns the right item first, and only real items", () => {
  const ids = toyIds();
  const net = new GenerativeNet(toyConfig, 3);
  const adam = new Adam(net.heap, net.P, net.G, net.layout.size, { lr: 0.01, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0 });
  const builder = new TokenBatchBuilder(ids, net.cfg, net.cfg.maxItems);
  const sequences = cycleSequences(64);
  const losses: number[] = [];
  for (let step = 0; step < 150; step++) {
    builder.clear();
    for (const s of sequences) builder.addTraining(s, 0, s.length);
    net.zeroGrad();
    losses.push(net.trainStep(builder.batch) / builder.batch.nTargets);
    adam.update();
  }
  assert.ok(losses[losses.length - 1] < 0.3 * losses[0], `loss ${losses[0].toFixed(3)} -> ${losses[losses.length - 1].toFixed(3)}`);
  const trie = new PrefixTrie(ids);
  let right = 0;
  for (let start = 0; start < 16; start++) {
    const history = [start, (start + 5) % 16];
    const result = beamSearch(net, builder, trie, history, { beamSize: 4, renormalize: true });
    assert.equal(result.items.length, 4);
    for (const item of result.items) assert.ok(item >= 0 && item < 16, `item ${item}`);
    for (let r = 1; r < result.scores.length; r++) assert.ok(result.scores[r] <= result.scores[r - 1]);
    if (result.items[0] === (start + 10) % 16) right++;
  }
  assert.ok(right >= 15, `the right next item first for ${right}/16 histories`);
  // excluded items are never generated, even when they are the model's favourite
  trie.exclude([10]);
  const without = beamSearch(net, builder, trie, [0, 5], { beamSize: 16, renormalize: true });
  trie.restore();
  assert.ok(![...without.items].includes(10));
  assert.equal(without.items.length, 15);
});

test("generation over a cached history equals running history and partial ID in one pass", () => {
  const ids = toyIds();
  const net = new GenerativeNet({ ...toyConfig, blocks: 2 }, 11);
  const builder = new TokenBatchBuilder(ids, net.cfg, net.cfg.maxItems);
  const history = [3, 7, 12];
  builder.clear();
  builder.addHistory(history, 0, 3);
  const first = Float32Array.from(net.startHistory(builder.batch));
  builder.clear();
  builder.addPartial([2], 1);
  builder.addPartial([1], 1);
  const second = Float32Array.from(net.nextLevelLogProbs(builder.batch, 1));
  // reference: the history followed by the partial ID as one example, no cache
  for (const [row, code] of [[0, 2], [1, 1]] as const) {
    builder.clear();
    builder.addHistory(history, 0, 3);
    const b = builder.batch;
    b.tokens[b.nTokens] = code; // level 0 vocabulary starts at 0
    b.positions[b.nTokens] = net.cfg.maxItems - 1;
    b.levels[b.nTokens] = 0;
    b.nTokens++;
    b.exStart[1] = b.nTokens;
    const h = net.forward(b, false);
    const d = net.cfg.hidden;
    const f = net.heap.f32;
    // log-softmax of the last row against level 1's embeddings (vocabulary 4..7)
    const logits: number[] = [];
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += f[h + (b.nTokens - 1) * d + k] * f[net.P + net.layout.tokenEmb + (4 + c) * d + k];
      logits.push(s);
    }
    const mx = Math.max(...logits);
    const lse = mx + Math.log(logits.reduce((a, x) => a + Math.exp(x - mx), 0));
    for (let c = 0; c < 4; c++) assert.ok(Math.abs(second[row * 4 + c] - (logits[c] - lse)) < 1e-4, `row ${row} code ${c}: ${second[row * 4 + c]} vs ${logits[c] - lse}`);
  }
  assert.ok(Math.abs(first.reduce((a, x) => a + Math.exp(x), 0) - 1) < 1e-5);
});

/** Users alternate between two "shops"; item content names the shop. */
function shopData(): { data: InteractionData; content: ItemContentTable } {
  const builder = new InteractionBuilder();
  const content = new ItemContentTable();
  const shops = ["lacquer nail polish", "argan hair oil", "mineral sun screen"];
  for (let s = 0; s < 3; s++) {
    for (let r = 0; r < 10; r++) {
      const id = `s${s}-${r}`;
      builder.items.intern(id);
      content.add({ id, title: `${shops[s]} number ${r}`, brand: `brand ${s}`, categories: [shops[s]] });
    }
  }
  let clock = 0;
  for (let u = 0; u < 150; u++) {
    const s = u % 3;
    for (let j = 0; j < 6; j++) builder.add(`u${u}`, `s${s}-${(u + j * 3) % 10}`, "view", 1, clock++);
  }
  return { data: builder.build(), content };
}

test("the recommender trains from content and interactions, saves, loads and serves; new items are coded and generated without refitting", async () => {
  const { data, content } = shopData();
  const model = new GenerativeRecommender({
    hidden: 16, blocks: 1, heads: 1, maxLen: 6, epochs: 25, batchSize: 16, lr: 0.01, levels: 2, codebookSize: 4, embeddingDims: 6,
    beamSize: 8, dropout: 0.1, attnDropout: 0.1,
  });
  await assert.rejects(model.fit(data), /needs item content/);
  await model.fit(data, { itemContent: content });
  const report = model.fitReport!;
  const losses = report.lossPerEpoch as number[];
  assert.ok(losses[losses.length - 1] < losses[0], `loss ${losses[0]} -> ${losses[losses.length - 1]}`);
  const recs = model.recommend(0, 5);
  assert.equal(recs.items.length, 5);
  // user 0 has seen 6 of shop 0's 10 items: the other 4 come first
  for (const i of recs.items.subarray(0, 4)) assert.ok(model.itemId(i).startsWith("s0-"), `user of shop 0 got ${model.itemId(i)}`);
  const path = join(dir, "generative");
  model.save(path);
  const loaded = loadRecommender(path) as GenerativeRecommender;
  assert.deepEqual(loaded.recommend(0, 5), recs);
  assert.deepEqual(loaded.scoreAll([1, 2, 3]), model.scoreAll([1, 2, 3]));
  assert.deepEqual(loaded.semanticIds.ids.toArray(), model.semanticIds.ids.toArray());
  // a new hair-oil item arrives: it gets an ID from its content and can be recommended at once
  const [added] = await loaded.addItems([{ id: "new-oil", title: "argan hair oil number 99", brand: "brand 1", categories: ["argan hair oil"] }]);
  assert.equal(loaded.itemIndex("new-oil"), added);
  assert.equal(loaded.numItems, 31);
  assert.equal(loaded.semanticIds.ids.token(added, 0), loaded.semanticIds.ids.token(loaded.itemIndex("s1-9"), 0), "its first code is its shop's");
  loaded.options.beamSize = 31;
  const wide = loaded.recommend({ history: [10, 11, 12] }, 30);
  assert.ok([...wide.items].includes(added), "the new item is reachable by generation");
  await assert.rejects(loaded.addItems([{ id: "s0-1", title: "x" }]), /already in the model/);
});

test("cold-start share: at most ⌊ε·block⌋ new items per block, each place to the better candidate", () => {
  const known = { items: Int32Array.from([1, 2, 3, 4, 5, 6]), scores: Float64Array.from([-1, -2, -3, -4, -5, -6]) };
  const fresh = { items: Int32Array.from([10, 11, 12]), scores: Float64Array.from([-0.5, -0.6, -5.5]) };
  // one new item per block of 3: 10 beats 1; 11 must wait for the next block, where it beats 3
  assert.deepEqual(mergeWithShare(known, fresh, 1, 3, 9), [10, 1, 2, 11, 3, 4, 5, 12, 6]);
  assert.deepEqual(mergeWithShare(known, fresh, 0, 3, 4), [1, 2, 3, 4]);
  assert.deepEqual(mergeWithShare(known, fresh, 3, 3, 5), [10, 11, 1, 2, 3]);
});
