/**
 * The learned-sparse index on seeded SPLADE-like data: the exact mode equals a brute-force dot product
 * over the quantized impacts; with no pruning the approximate mode equals the exact one; with Seismic's
 * default pruning it finds most of the exact top 10 while scoring a fraction of the documents; the
 * structure keeps its invariants (lists are permutations in impact order, blocks tile the heads,
 * summaries never exceed the impacts they summarize).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildSparseIndex, quantizeWeight } from "./sparse-index-builder.js";
import { resolveSparseIndexParams } from "./sparse-index-params.js";
import { SparseIndexSearcher, type SparseQuery } from "./sparse-index-searcher.js";
import { syntheticSparse, type SparseVectors } from "./synthetic-sparse.js";

const data = syntheticSparse({ documents: 1500, queries: 40, vocabulary: 2500, topics: 50, seed: 5 });
const documents = { ...data.documents, termCount: data.vocabulary };
const params = resolveSparseIndexParams({ postingsPerTerm: 80 }, "test");
const index = buildSparseIndex(documents, params);
const searcher = new SparseIndexSearcher(index);

function queryOf(vectors: SparseVectors, q: number): SparseQuery {
  const { offsets, terms, weights } = vectors;
  return { terms: terms.slice(offsets[q], offsets[q + 1]), weights: weights.slice(offsets[q], offsets[q + 1]) };
}

/** Dot products with the quantized documents, best first (ties by ordinal). */
function bruteForce(query: SparseQuery, k: number, accept: Uint8Array | null = null): Array<{ ord: number; score: number }> {
  const dense = new Map<number, number>();
  query.terms.forEach((t, i) => dense.set(t, query.weights[i]));
  const scored: Array<{ ord: number; score: number }> = [];
  for (let d = 0; d < index.count; d++) {
    if (accept && !accept[d]) continue;
    let s = 0;
    let hit = false;
    for (let e = documents.offsets[d]; e < documents.offsets[d + 1]; e++) {
      const w = dense.get(documents.terms[e]);
      if (w === undefined) continue;
      hit = true;
      s += w * quantizeWeight(documents.weights[e], index.scale);
    }
    if (hit) scored.push({ ord: d, score: s * index.scale });
  }
  return scored.sort((a, b) => b.score - a.score || a.ord - b.ord).slice(0, k);
}

describe("structure", () => {
  test("each posting list holds exactly the documents with the term, in impact order outside the blocked head", () => {
    const docsOf = new Map<number, number[]>();
    for (let d = 0; d < index.count; d++) {
      for (let e = index.forward.offsets[d]; e < index.forward.offsets[d + 1]; e++) {
        const t = index.forward.terms[e];
        if (!docsOf.has(t)) docsOf.set(t, []);
        docsOf.get(t)!.push(d);
      }
    }
    for (let t = 0; t < index.termCount; t += 5) {
      const start = index.postOffsets[t];
      const end = index.postOffsets[t + 1];
      assert.deepEqual([...index.postOrds.subarray(start, end)].sort((a, b) => a - b), docsOf.get(t) ?? [], `term ${t}`);
      const head = Math.min(end, start + params.postingsPerTerm);
      for (let i = head + 1; i < end; i++) assert.ok(index.postImpacts[i - 1] >= index.postImpacts[i], `term ${t}: tail in impact order`);
      if (head < end) assert.ok(Math.min(...index.postImpacts.subarray(start, head)) >= index.postImpacts[head], `term ${t}: the head holds the largest impacts`);
      // blocks tile the head
      let at = start;
      for (let b = index.termBlocks[t]; b < index.termBlocks[t + 1]; b++) {
        assert.equal(index.blockStart[b], at);
        assert.ok(index.blockEnd[b] > at);
        at = index.blockEnd[b];
        // a summary's impacts never exceed the block's largest impacts of those terms
        const best = new Map<number, number>();
        for (let x = index.blockStart[b]; x < index.blockEnd[b]; x++) {
          const d = index.postOrds[x];
          for (let f = index.forward.offsets[d]; f < index.forward.offsets[d + 1]; f++) {
            best.set(index.forward.terms[f], Math.max(best.get(index.forward.terms[f]) ?? 0, index.forward.impacts[f]));
          }
        }
        assert.ok(index.summaryOffsets[b + 1] > index.summaryOffsets[b], "a summary is never empty");
        for (let e = index.summaryOffsets[b]; e < index.summaryOffsets[b + 1]; e++) assert.ok(index.summaryImpacts[e] <= best.get(index.summaryTerms[e])!);
      }
      assert.equal(at, head, `term ${t}: blocks cover the head`);
    }
  });

  test("the build is deterministic and impacts are the weights quantized to a byte", () => {
    const again = buildSparseIndex(documents, params);
    assert.deepEqual(again.postOrds, index.postOrds);
    assert.deepEqual(again.summaryTerms, index.summaryTerms);
    const max = documents.weights.reduce((a, b) => Math.max(a, b), 0);
    assert.equal(index.scale, max / 255);
    assert.equal(quantizeWeight(max, index.scale), 255);
    assert.equal(quantizeWeight(1e-9, index.scale), 1, "tiny weights stay findable");
  });
});

describe("search", () => {
  test("exact equals brute force over the quantized impacts, with and without an accept set", () => {
    const accept = Uint8Array.from({ length: index.count }, (_, d) => (d % 3 === 0 ? 0 : 1));
    for (let q = 0; q < 20; q++) {
      const query = queryOf(data.queries, q);
      for (const filter of [null, accept]) {
        const hits = searcher.search(query, 10, { exact: true }, filter);
        const expected = bruteForce(query, 10, filter);
        assert.deepEqual([...hits.ords], expected.map((e) => e.ord), `query ${q}`);
        hits.scores.forEach((s, i) => assert.ok(Math.abs(s - expected[i].score) < 1e-9));
      }
    }
  });

  test("quantized scores stay within half a step per query term of the float dot product", () => {
    const query = queryOf(data.queries, 3);
    const hits = searcher.search(query, 5, { exact: true });
    const bound = query.weights.reduce((a, w) => a + w, 0) * (index.scale / 2);
    for (let i = 0; i < hits.ords.length; i++) {
      const d = hits.ords[i];
      let exact = 0;
      for (let e = documents.offsets[d]; e < documents.offsets[d + 1]; e++) {
        const j = query.terms.indexOf(documents.terms[e]);
        if (j >= 0) exact += query.weights[j] * documents.weights[e];
      }
      assert.ok(Math.abs(hits.scores[i] - exact) <= bound + 1e-9);
    }
  });

  test("without pruning (whole lists, whole summaries, every query term, a tiny heap factor) approximate equals exact", () => {
    const small = syntheticSparse({ documents: 400, queries: 10, vocabulary: 2500, topics: 20, seed: 6 });
    const whole = buildSparseIndex({ ...small.documents, termCount: small.vocabulary }, resolveSparseIndexParams({ postingsPerTerm: 1_000_000, summaryEnergy: 1, summaryMaxTerms: 100_000 }, "test"));
    const all = new SparseIndexSearcher(whole);
    for (let q = 0; q < 10; q++) {
      const query = queryOf(small.queries, q);
      const exact = all.search(query, 10, { exact: true });
      const approximate = all.search(query, 10, { queryCut: 1000, heapFactor: 1e-9 });
      assert.deepEqual([...approximate.ords], [...exact.ords], `query ${q}`);
      assert.equal(approximate.blocksSkipped, 0);
    }
  });

  test("with the default pruning most of the exact top 10 is found while few documents are scored", () => {
    let agree = 0;
    let scored = 0;
    const queries = 40;
    for (let q = 0; q < queries; q++) {
      const query = queryOf(data.queries, q);
      const exact = new Set(searcher.search(query, 10, { exact: true }).ords);
      const approximate = searcher.search(query, 10);
      agree += [...approximate.ords].filter((d) => exact.has(d)).length;
      scored += approximate.scored;
      assert.ok(approximate.blocksSkipped > 0 || approximate.blocksScored === 0 || approximate.scored < index.count);
    }
    assert.ok(agree / (queries * 10) >= 0.85, `top-10 agreement ${agree / (queries * 10)}`);
    assert.ok(scored / queries < index.count * 0.5, `documents scored per query ${scored / queries} of ${index.count}`);
  });

  test("accept sets are honoured by the approximate search; empty queries and k 0 return nothing", () => {
    const accept = new Uint8Array(index.count).fill(0);
    for (let d = 0; d < index.count; d += 2) accept[d] = 1;
    const hits = searcher.search(queryOf(data.queries, 1), 20, {}, accept);
    assert.ok(hits.ords.length > 0);
    for (const d of hits.ords) assert.equal(accept[d], 1);
    assert.equal(searcher.search({ terms: new Uint32Array(0), weights: new Float32Array(0) }, 10).ords.length, 0);
    assert.equal(searcher.search(queryOf(data.queries, 1), 0).ords.length, 0);
  });
});
