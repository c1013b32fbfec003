import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError } from "../core/errors.js";
import {
  averagePrecision,
  compareUtf8,
  dcgAtK,
  evaluateRun,
  ndcgAtK,
  parseMeasures,
  precisionAtK,
  rankForTrecEval,
  recallAtK,
  reciprocalRank,
} from "./metrics.js";
import { parseQrels, type Qrels } from "./qrels.js";
import type { Run, ScoredDoc } from "./run.js";

const close = (actual: number, expected: number, message?: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${message ?? ""} expected ${expected}, got ${actual}`);

function qrelsOf(text: string): Qrels {
  return parseQrels(text, "trec", "test.qrels");
}

function runOf(entries: Record<string, Array<[string, number]>>): Run {
  return new Map(Object.entries(entries).map(([qid, docs]) => [qid, docs.map(([docId, score]) => ({ docId, score }))]));
}

const ALL = ["ndcg_cut.3,10", "P.2,10", "recall.1,2,3,100", "map", "recip_rank"];

describe("graded NDCG with a score tie", () => {
  // qrels q1: d1=2, d2=1, d3=0, d4=2 (never retrieved), d5=1
  // run q1: d1 3.0, d2 2.0, d3 2.0, d5 1.0, dx 0.5 (dx unjudged)
  // d2 and d3 tie at 2.0; trec_eval orders ties by docno DESCENDING, so d3
  // comes first: ranking d1(2) d3(0) d2(1) d5(1) dx(-)
  //   DCG@10  = 2/log2(2) + 0 + 1/log2(4) + 1/log2(5) = 2 + 0.5 + 0.4306765581 = 2.9306765581
  //   IDCG@10 = 2/log2(2) + 2/log2(3) + 1/log2(4) + 1/log2(5)
  //           = 2 + 1.2618595071 + 0.5 + 0.4306765581 = 4.1925360652
  //   ndcg_cut_10 = 2.9306765581 / 4.1925360652 = 0.6990224
  //   DCG@3 = 2 + 0 + 0.5 = 2.5; IDCG@3 = 2 + 1.2618595071 + 0.5 = 3.7618595071
  //   ndcg_cut_3 = 2.5 / 3.7618595071 = 0.6645650
  const qrels = qrelsOf("q1 0 d1 2\nq1 0 d2 1\nq1 0 d3 0\nq1 0 d4 2\nq1 0 d5 1\n");
  const run = runOf({ q1: [["d1", 3], ["d2", 2], ["d3", 2], ["d5", 1], ["dx", 0.5]] });
  const result = evaluateRun(run, qrels, { measures: ["ndcg_cut.3,10"] });

  it("ranks the tie by descending docno", () => {
    assert.deepEqual(
      rankForTrecEval(run.get("q1") as ScoredDoc[]).map((d) => d.docId),
      ["d1", "d3", "d2", "d5", "dx"],
    );
  });

  it("computes ndcg_cut.10 and ndcg_cut.3", () => {
    const idcg10 = 2 + 2 / Math.log2(3) + 0.5 + 1 / Math.log2(5);
    close(result.mean.ndcg_cut_10, (2 + 0.5 + 1 / Math.log2(5)) / idcg10);
    assert.equal(result.mean.ndcg_cut_10.toFixed(7), "0.6990224");
    close(result.mean.ndcg_cut_3, 2.5 / (2 + 2 / Math.log2(3) + 0.5));
    assert.equal(result.mean.ndcg_cut_3.toFixed(7), "0.6645650");
  });

  it("pure ndcgAtK agrees and sorts an unsorted ideal list", () => {
    // rels in ranked order; unjudged written as -1 as trec_eval does
    const rels = [2, 0, 1, 1, -1];
    close(ndcgAtK(rels, [1, 2, 0, 2, 1], 10), result.mean.ndcg_cut_10);
    close(dcgAtK(rels, 3), 2.5);
    assert.equal(ndcgAtK([0, 0], [0, 0], 10), 0, "no relevant document -> 0");
  });
});

describe("a docno tie-break that changes the metric", () => {
  // qrels: a=1. run: a 1.0, b 1.0. Descending docno puts "b" at rank 1, "a" at rank 2:
  //   recip_rank = 1/2, P@1 = 0, ndcg@1 = 0 (it would be 1 with ascending order).
  const qrels = qrelsOf("q 0 a 1\n");
  const run = runOf({ q: [["a", 1], ["b", 1]] });
  it("uses descending docno order", () => {
    const r = evaluateRun(run, qrels, { measures: ["recip_rank", "P.1", "ndcg_cut.1", "ndcg_cut.2"] });
    assert.equal(r.mean.recip_rank, 0.5);
    assert.equal(r.mean.P_1, 0);
    assert.equal(r.mean.ndcg_cut_1, 0);
    close(r.mean.ndcg_cut_2, 1 / Math.log2(3));
  });
  it("a higher score still wins regardless of docno", () => {
    const r = evaluateRun(runOf({ q: [["a", 1.000001], ["b", 1]] }), qrels, { measures: ["recip_rank"] });
    assert.equal(r.mean.recip_rank, 1);
  });
  it("compares docnos by UTF-8 bytes like strcmp, not by UTF-16 units", () => {
    // U+FFFD is EF BF BD in UTF-8, U+1F600 is F0 9F 98 80: the emoji sorts after.
    // JavaScript's "<" says the opposite (surrogate 0xD83D < 0xFFFD).
    const emoji = "\u{1F600}";
    assert.ok(emoji < "\uFFFD");
    assert.ok(compareUtf8(emoji, "\uFFFD") > 0);
    assert.ok(compareUtf8("a", "b") < 0);
    assert.ok(compareUtf8("ab", "a") > 0);
    assert.equal(compareUtf8("x", "x"), 0);
    // tie: descending byte order puts the emoji first
    const ranked = rankForTrecEval([{ docId: "\uFFFD", score: 1 }, { docId: emoji, score: 1 }]);
    assert.equal(ranked[0].docId, emoji);
  });
});

describe("average precision, recall, precision, reciprocal rank", () => {
  // qrels: r1=1, r2=1, r3=1 (r3 never retrieved), n1=0
  // run ranking: r1, n1, r2, x   (x unjudged)
  //   AP = (1/1 + 2/3) / 3 = 0.5555...   (r3 missing counts in the denominator)
  //   recall@1 = 1/3, @2 = 1/3, @3 = 2/3, @100 = 2/3
  //   P@2 = 1/2, P@10 = 2/10 (only 4 retrieved: missing ranks are non-relevant)
  //   recip_rank = 1
  const qrels = qrelsOf("q 0 r1 1\nq 0 r2 1\nq 0 r3 1\nq 0 n1 0\n");
  const run = runOf({ q: [["r1", 4], ["n1", 3], ["r2", 2], ["x", 1]] });
  const r = evaluateRun(run, qrels, { measures: ALL });

  it("AP with a relevant document missing from the run", () => {
    close(r.mean.map, (1 + 2 / 3) / 3);
    close(averagePrecision([1, 0, 1, -1], 3), 5 / 9);
    assert.equal(averagePrecision([0, 0], 2), 0);
    assert.equal(averagePrecision([1], 0), 0);
  });
  it("recall at cutoffs", () => {
    close(r.mean.recall_1, 1 / 3);
    close(r.mean.recall_2, 1 / 3);
    close(r.mean.recall_3, 2 / 3);
    close(r.mean.recall_100, 2 / 3);
    close(recallAtK([1, 0, 1], 3, 2), 1 / 3);
    assert.equal(recallAtK([1], 0, 10), 0);
  });
  it("P@10 with fewer than 10 retrieved divides by 10", () => {
    assert.equal(r.mean.P_2, 0.5);
    assert.equal(r.mean.P_10, 0.2);
    assert.equal(precisionAtK([1, 0, 1, -1], 10), 0.2);
  });
  it("reciprocal rank", () => {
    assert.equal(r.mean.recip_rank, 1);
    close(reciprocalRank([0, -1, 1, 1]), 1 / 3);
    assert.equal(reciprocalRank([0, 0, 0]), 0);
    assert.equal(reciprocalRank([0, 0, 1], 2), 0, "MRR@2 ignores rank 3");
  });
  it("ndcg with binary gains", () => {
    // DCG@10 = 1 + 1/log2(4) = 1.5; IDCG@10 = 1 + 1/log2(3) + 1/log2(4)
    close(r.mean.ndcg_cut_10, 1.5 / (1 + 1 / Math.log2(3) + 0.5));
  });
  it("rejects bad cutoffs", () => {
    assert.throws(() => precisionAtK([1], 0), InvalidArgumentError);
    assert.throws(() => recallAtK([1], 1, 2.5), InvalidArgumentError);
    assert.throws(() => precisionAtK([1], Infinity), InvalidArgumentError);
  });
});

describe("averaging: default vs -c", () => {
  // q1: a=1; run ranks a first        -> map 1, P@2 = 1/2
  // q2: b=1, c=1; run: c, x, b        -> map (1/1 + 2/3)/2 = 5/6, P@2 = 1/2
  // q3: d=1; absent from the run
  // q9: in the run but not in the qrels -> ignored in both modes
  //   default: mean map = (1 + 5/6)/2 = 11/12, 2 queries
  //   -c:      mean map = (1 + 5/6 + 0)/3 = 11/18, 3 queries, q3 listed with zeros
  const qrels = qrelsOf("q1 0 a 1\nq2 0 b 1\nq2 0 c 1\nq3 0 d 1\n");
  const run = runOf({ q1: [["a", 2], ["z", 1]], q2: [["c", 3], ["x", 2], ["b", 1]], q9: [["a", 1]] });

  it("default averages over queries with both results and judgments", () => {
    const r = evaluateRun(run, qrels, { measures: ["map", "P.2"] });
    assert.equal(r.queryCount, 2);
    assert.deepEqual([...r.perQuery.keys()], ["q1", "q2"]);
    close(r.mean.map, 11 / 12);
    close(r.mean.P_2, 0.5);
  });
  it("complete (-c) counts every qrels query, missing ones as 0", () => {
    const r = evaluateRun(run, qrels, { measures: ["map", "P.2"], complete: true });
    assert.equal(r.queryCount, 3);
    assert.deepEqual([...r.perQuery.keys()], ["q1", "q2", "q3"]);
    assert.deepEqual(r.perQuery.get("q3"), { map: 0, P_2: 0 });
    close(r.mean.map, 11 / 18);
    close(r.mean.P_2, 1 / 3);
  });
  it("an empty result list counts as a missing query", () => {
    const r = evaluateRun(runOf({ q1: [["a", 1]], q3: [] }), qrels, { measures: ["map"] });
    assert.equal(r.queryCount, 1);
  });
  it("no overlap at all is an error, as in trec_eval", () => {
    assert.throws(() => evaluateRun(runOf({ zz: [["a", 1]] }), qrels, { measures: ["map"] }), /no query has both results and relevance judgments/);
  });
});

describe("relevance 0 and negative relevance", () => {
  // q1: a=1, b=0, c=-1. run: c, b, a.
  //   b (0) and c (negative) are non-relevant and add no gain; c is not counted in num_rel.
  //   map = (1/3)/1, recip_rank = 1/3, ndcg@10 = (1/log2(4)) / 1 = 0.5
  // q2: only a relevance-0 line. trec_eval still evaluates it (it has relevance
  //   information) and it scores 0 everywhere, counting in the average:
  //   mean map = (1/3 + 0)/2 = 1/6
  const qrels = qrelsOf("q1 0 a 1\nq1 0 b 0\nq1 0 c -1\nq2 0 a 0\n");
  const run = runOf({ q1: [["c", 3], ["b", 2], ["a", 1]], q2: [["a", 1]] });
  const r = evaluateRun(run, qrels, { measures: ["map", "recip_rank", "ndcg_cut.10", "recall.10", "P.1"] });

  it("keeps the relevance-0 judgment in the qrels", () => {
    assert.equal(qrels.get("q2")?.get("a"), 0);
    assert.equal(qrels.get("q1")?.get("c"), -1);
  });
  it("treats 0 and negative values as non-relevant", () => {
    const q1 = r.perQuery.get("q1") as Record<string, number>;
    close(q1.map, 1 / 3);
    close(q1.recip_rank, 1 / 3);
    close(q1.ndcg_cut_10, 0.5);
    assert.equal(q1.recall_10, 1);
  });
  it("evaluates a query whose judgments are all non-relevant, scoring 0", () => {
    assert.equal(r.queryCount, 2);
    assert.deepEqual(r.perQuery.get("q2"), { map: 0, recip_rank: 0, ndcg_cut_10: 0, recall_10: 0, P_1: 0 });
    close(r.mean.map, 1 / 6);
  });
  it("relevanceLevel (-l 2) changes binary measures but not ndcg gains", () => {
    const graded = qrelsOf("q 0 a 1\nq 0 b 2\n");
    const rr = evaluateRun(runOf({ q: [["a", 2], ["b", 1]] }), graded, { measures: ["recip_rank", "map", "ndcg_cut.10"], relevanceLevel: 2 });
    assert.equal(rr.mean.recip_rank, 0.5);
    assert.equal(rr.mean.map, 0.5);
    close(rr.mean.ndcg_cut_10, (1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3)));
  });
});

describe("duplicates and limits", () => {
  it("refuses a docno listed twice for one query (trec_eval: duplicate docs)", () => {
    const run = runOf({ q: [["a", 2], ["b", 1], ["a", 0.5]] });
    assert.throws(() => evaluateRun(run, qrelsOf("q 0 a 1\n"), { measures: ["map"] }), (e: Error) => e instanceof InvalidArgumentError && /"a" appears twice/.test(e.message));
  });
  it("maxDocsPerQuery (-M) keeps the first N after ranking", () => {
    const run = runOf({ q: [["x", 3], ["y", 2], ["a", 1]] });
    const r = evaluateRun(run, qrelsOf("q 0 a 1\n"), { measures: ["map", "P.5"], maxDocsPerQuery: 2 });
    assert.equal(r.mean.map, 0);
    assert.equal(r.mean.P_5, 0);
  });
  it("refuses non-integer relevance and NaN scores", () => {
    const qrels: Qrels = new Map([["q", new Map([["a", 0.5]])]]);
    assert.throws(() => evaluateRun(runOf({ q: [["a", 1]] }), qrels, { measures: ["map"] }), /expected an integer/);
    assert.throws(() => evaluateRun(runOf({ q: [["a", NaN]] }), qrelsOf("q 0 a 1\n"), { measures: ["map"] }), /score NaN/);
  });
});

describe("parseMeasures", () => {
  it("accepts trec_eval -m syntax and printed names", () => {
    assert.deepEqual(
      parseMeasures(["ndcg_cut.10", "P.10,5", "recall_100", "map", "recip_rank", "map"]).map((m) => m.key),
      ["ndcg_cut_10", "P_5", "P_10", "recall_100", "map", "recip_rank"],
    );
    assert.equal(parseMeasures(["recall"]).length, 9, "trec_eval's default cutoffs");
  });
  it("rejects unknown measures and bad cutoffs", () => {
    assert.throws(() => parseMeasures(["bpref"]), /unknown measure "bpref"/);
    assert.throws(() => parseMeasures(["P.0"]), InvalidArgumentError);
    assert.throws(() => parseMeasures(["P.5,5"]), /duplicate cutoff/);
    assert.throws(() => parseMeasures(["map.5"]), /takes no cutoff/);
    assert.throws(() => parseMeasures([]), InvalidArgumentError);
  });
});

// ---------------------------------------------------------------------------
// Randomized check against a direct, definition-level implementation that
// shares no code with metrics.ts (tie order via Buffer.compare on UTF-8 bytes).
// ---------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function reference(docs: ScoredDoc[], judged: Map<string, number>, k: number) {
  const ranked = docs.slice().sort((a, b) => (b.score !== a.score ? b.score - a.score : Buffer.compare(Buffer.from(b.docId), Buffer.from(a.docId))));
  const rel = ranked.map((d) => judged.get(d.docId) ?? 0);
  const isRel = rel.map((r) => r >= 1);
  const R = [...judged.values()].filter((r) => r >= 1).length;
  const top = isRel.slice(0, k).filter(Boolean).length;
  let ap = 0;
  let hits = 0;
  isRel.forEach((r, i) => {
    if (r) ap += ++hits / (i + 1);
  });
  const first = isRel.indexOf(true);
  const dcg = (gains: number[]) => gains.slice(0, k).reduce((s, g, i) => s + (g > 0 ? g / Math.log2(i + 2) : 0), 0);
  const ideal = [...judged.values()].filter((r) => r > 0).sort((a, b) => b - a);
  const idcg = dcg(ideal);
  return {
    P: top / k,
    recall: R ? top / R : 0,
    map: R && hits ? ap / R : 0,
    recip_rank: first < 0 ? 0 : 1 / (first + 1),
    ndcg: idcg > 0 ? dcg(rel) / idcg : 0,
  };
}

describe("randomized agreement with a definition-level implementation", () => {
  it("matches on 300 random queries with ties and non-ASCII docnos", () => {
    const rand = mulberry32(12345);
    const alphabet = ["a", "b", "Z", "é", "\uFFFD", "\u{1F600}", "0", "~"];
    const randomId = () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
    for (let q = 0; q < 300; q++) {
      const ids = [...new Set(Array.from({ length: 5 + Math.floor(rand() * 40) }, randomId))];
      const docs: ScoredDoc[] = [];
      const judged = new Map<string, number>();
      for (const id of ids) {
        if (rand() < 0.7) docs.push({ docId: id, score: Math.floor(rand() * 6) / 2 }); // coarse scores -> many ties
        if (rand() < 0.5) judged.set(id, Math.floor(rand() * 4) - 1); // -1..2
      }
      if (docs.length === 0 || judged.size === 0) continue;
      const k = 1 + Math.floor(rand() * 12);
      const result = evaluateRun(new Map([["q", docs]]), new Map([["q", judged]]), {
        measures: [`P.${k}`, `recall.${k}`, "map", "recip_rank", `ndcg_cut.${k}`],
      });
      const got = result.perQuery.get("q") as Record<string, number>;
      const want = reference(docs, judged, k);
      close(got[`P_${k}`], want.P, `q${q} P`);
      close(got[`recall_${k}`], want.recall, `q${q} recall`);
      close(got.map, want.map, `q${q} map`);
      close(got.recip_rank, want.recip_rank, `q${q} recip_rank`);
      close(got[`ndcg_cut_${k}`], want.ndcg, `q${q} ndcg`);
    }
  });
});
