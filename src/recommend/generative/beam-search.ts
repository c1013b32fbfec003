/**
 * Beam search over semantic IDs, constrained by the catalog's prefix trie, so
 * that every result is a real (and allowed) item.
 *
 * The history runs through the network once (its keys and values are cached);
 * then, level by level, every beam's allowed continuations (children of its
 * trie node with items still available) are scored by log P(code | history,
 * codes so far), and the best `beamSize` partial IDs survive. After the last
 * level (the collision digit) the beams are items, scored by the
 * log-probability of their whole ID.
 *
 * `renormalize` (default true) takes the softmax over the allowed codes only,
 * as constrained decoding with a token mask does (Hugging Face's
 * prefix_allowed_tokens_fn); false keeps the model's probabilities over all
 * codes (mass on impossible codes is lost).
 */
import type { PrefixTrie } from "../semantic-ids/prefix-trie.js";
import type { GenerativeNet } from "./generative-net.js";
import type { TokenBatchBuilder } from "./token-batch.js";

export interface BeamSearchOptions {
  beamSize: number;
  renormalize: boolean;
  /**
   * Items the model saw no interactions with (new, cold items). Their digits
   * never occurred in training, so they do not compete at the digit level:
   * every new item under a generated L-code prefix is returned in `newItems`,
   * scored by the prefix's log-probability (TIGER's cold-start retrieval).
   */
  newItems?: Uint8Array;
}

export interface GeneratedItems {
  items: Int32Array;
  /** Log-probability of each item's ID, best first. */
  scores: Float64Array;
  /** With `newItems`: new items under the generated prefixes, best prefix first. */
  newItems?: { items: Int32Array; scores: Float64Array };
}

interface Candidate {
  beam: number;
  node: number;
  score: number;
}

/**
 * Generates the best items after `history[from..to)` (item indices, oldest
 * first; at most maxItems − 1 of them are read). Items excluded from the trie
 * (the caller's `trie.exclude`) are never returned.
 */
export function beamSearch(
  net: GenerativeNet,
  builder: TokenBatchBuilder,
  trie: PrefixTrie,
  history: ArrayLike<number>,
  options: BeamSearchOptions,
): GeneratedItems {
  const B = Math.max(1, options.beamSize);
  const W = trie.depth;
  const n = history.length;
  const read = Math.min(n, net.cfg.maxItems - 1);
  if (read === 0 || trie.available[0] === 0) return { items: new Int32Array(0), scores: new Float64Array(0) };
  builder.clear();
  builder.addHistory(history, n - read, n);
  const first = net.startHistory(builder.batch);
  let beams: { node: number; score: number; codes: Int32Array }[] = [{ node: 0, score: 0, codes: new Int32Array(W) }];
  const newItems = options.newItems;
  const fresh: Candidate[] = [];
  for (let level = 0; level < W; level++) {
    let logProbs: Float32Array;
    let V: number;
    if (level === 0) {
      logProbs = first;
      V = first.length;
    } else {
      builder.clear();
      for (const b of beams) builder.addPartial(b.codes, level);
      logProbs = net.nextLevelLogProbs(builder.batch, level);
      V = logProbs.length / beams.length;
    }
    const candidates: Candidate[] = [];
    const lastLevel = level === W - 1;
    for (let b = 0; b < beams.length; b++) {
      const node = beams[b].node;
      const start = trie.firstChild[node];
      const end = start + trie.childCount[node];
      if (lastLevel && newItems) {
        for (let c = start; c < end; c++) {
          if (trie.available[c] > 0 && newItems[trie.item[c]]) fresh.push({ beam: b, node: c, score: beams[b].score });
        }
      }
      let norm = 0;
      if (options.renormalize) {
        let mx = -Infinity;
        for (let c = start; c < end; c++) if (trie.available[c] > 0 && trie.token[c] < V) mx = Math.max(mx, logProbs[b * V + trie.token[c]]);
        if (mx === -Infinity) continue;
        let sum = 0;
        for (let c = start; c < end; c++) if (trie.available[c] > 0 && trie.token[c] < V) sum += Math.exp(logProbs[b * V + trie.token[c]] - mx);
        norm = mx + Math.log(sum);
      }
      for (let c = start; c < end; c++) {
        if (trie.available[c] === 0 || trie.token[c] >= V) continue;
        if (lastLevel && newItems?.[trie.item[c]]) continue;
        candidates.push({ beam: b, node: c, score: beams[b].score + logProbs[b * V + trie.token[c]] - norm });
      }
    }
    candidates.sort((x, y) => y.score - x.score || x.node - y.node);
    const kept = candidates.slice(0, B);
    beams = kept.map((c) => {
      const codes = Int32Array.from(beams[c.beam].codes);
      codes[level] = trie.token[c.node];
      return { node: c.node, score: c.score, codes };
    });
    if (beams.length === 0) break;
  }
  const result: GeneratedItems = {
    items: Int32Array.from(beams, (b) => trie.item[b.node]),
    scores: Float64Array.from(beams, (b) => b.score),
  };
  if (newItems) {
    fresh.sort((x, y) => y.score - x.score || x.node - y.node);
    result.newItems = { items: Int32Array.from(fresh, (c) => trie.item[c.node]), scores: Float64Array.from(fresh, (c) => c.score) };
  }
  return result;
}
