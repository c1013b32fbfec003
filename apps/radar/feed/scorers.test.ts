/**
 * The feed's scorer math on tiny hand-built corpora: tf-idf rows, the linear
 * SVM, content similarity with the right saved paper, topic likes and
 * dislikes, MMR, and the combined ranking.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { marginalRelevanceOrder } from "../../../src/pipeline/stages/marginal-relevance.js";
import { mmrOrder } from "./diversify.js";
import { svmScores, trainLinearSvm } from "./linear-svm.js";
import { rankCandidates } from "./ranker.js";
import { contentScores, topicScores, zScores } from "./scorers.js";
import { TfidfModel, type TfidfPaper } from "./tfidf.js";

function paper(id: string, text: string, categories: string[] = ["cs.IR"], date = "2026-06-01"): TfidfPaper {
  return { id, title: text, abstract: "", categories, date };
}

const CORPUS: TfidfPaper[] = [
  paper("r1", "dense retrieval with learned embeddings", ["cs.IR"]),
  paper("r2", "dense retrieval hard negatives embeddings", ["cs.IR"]),
  paper("r3", "sparse retrieval and learned term weights", ["cs.IR"]),
  paper("t1", "neural machine translation for low resource languages", ["cs.CL"]),
  paper("t2", "machine translation with large language models", ["cs.CL"]),
  paper("t3", "speech translation and languages", ["cs.CL"]),
  paper("g1", "graph neural networks for molecules", ["cs.LG"]),
  paper("g2", "message passing graph networks", ["cs.LG"]),
];

const model = TfidfModel.build(CORPUS);
const row = (id: string) => model.rowOf(id);
const rows = (...ids: string[]) => Int32Array.from(ids, row);

describe("tf-idf", () => {
  test("rows are unit length with sorted term indices, bigrams included", () => {
    for (let r = 0; r < model.size; r++) {
      let norm = 0;
      for (let p = model.indptr[r]; p < model.indptr[r + 1]; p++) {
        norm += model.values[p] ** 2;
        if (p > model.indptr[r]) assert.ok(model.indices[p] > model.indices[p - 1]);
      }
      assert.ok(Math.abs(norm - 1) < 1e-5, `row ${r} norm ${norm}`);
    }
    assert.ok(model.termOf("dens retriev") >= 0, "stemmed bigram in the vocabulary");
    assert.ok(model.dot(row("r1"), row("r2")) > model.dot(row("r1"), row("t1")));
    assert.equal(model.dot(row("r1"), row("g1")), 0);
  });

  test("extend vectorizes new papers with the same vocabulary and idf", () => {
    const more = model.extend([paper("r4", "dense retrieval embeddings", ["cs.IR"], "2026-06-02")]);
    assert.equal(more.size, model.size + 1);
    assert.equal(more.vocabularySize, model.vocabularySize);
    assert.ok(more.dot(more.rowOf("r4"), more.rowOf("r1")) > 0.3);
    assert.deepEqual(more.categoriesOf(more.rowOf("r4")), ["cs.IR"]);
  });
});

describe("linear SVM (dual coordinate descent)", () => {
  test("separates a separable set: every positive above every negative", () => {
    const train = Int32Array.from({ length: model.size }, (_, r) => r);
    const positives = new Set([row("r1"), row("r2"), row("r3")]);
    const labels = Int8Array.from(train, (r) => (positives.has(r) ? 1 : -1));
    const svm = trainLinearSvm(model, train, labels, model.vocabularySize, { C: 1 });
    const scores = svmScores(svm, model, train);
    const minPos = Math.min(...[...train].filter((r) => positives.has(r)).map((r) => scores[r]));
    const maxNeg = Math.max(...[...train].filter((r) => !positives.has(r)).map((r) => scores[r]));
    assert.ok(minPos > maxNeg, `positives ${minPos} > negatives ${maxNeg}`);
    assert.ok(minPos > 0 && maxNeg < 0, "the decision boundary lies between the classes");
    assert.ok(svm.epochs >= 1);
  });

  test("a one-class training set gives a zero model", () => {
    const train = rows("r1", "r2");
    const svm = trainLinearSvm(model, train, Int8Array.of(1, 1), model.vocabularySize);
    assert.equal(svm.b, 0);
    assert.ok(svm.w.every((x) => x === 0));
  });
});

describe("content similarity", () => {
  test("names the saved paper the candidate is most similar to", () => {
    const candidates = rows("r2", "t2", "g2");
    const signal = contentScores(model, candidates, [row("t1"), row("r1"), row("g1")]);
    assert.equal(signal.bestSaved[0], row("r1"));
    assert.equal(signal.bestSaved[1], row("t1"));
    assert.equal(signal.bestSaved[2], row("g1"));
  });

  test("ranks the papers like the saved ones first", () => {
    const candidates = rows("r2", "r3", "t2", "t3", "g2");
    const signal = contentScores(model, candidates, [row("r1")]);
    assert.ok(signal.scores[0] > signal.scores[2] && signal.scores[0] > signal.scores[4]);
  });
});

describe("topics", () => {
  test("likes add, dislikes push down", () => {
    const candidates = rows("r1", "t1", "g1");
    const signal = topicScores(model, candidates, [
      { kind: "category", value: "cs.IR", level: "like" },
      { kind: "category", value: "cs.CL", level: "dislike" },
      { kind: "category", value: "cs.LG", level: "neutral" },
    ]);
    assert.ok(signal.scores[0] > signal.scores[2] && signal.scores[2] > signal.scores[1]);
    assert.deepEqual(signal.liked[0], [0]);
    assert.deepEqual(signal.disliked[1], [1]);
  });

  test("a disliked topic pushes its papers down the full ranking", async () => {
    const candidates = rows("r2", "r3", "t2", "t3", "g1", "g2");
    const base = await rankCandidates({ model, candidates, saved: [row("t1")], untilDay: model.days[0], diversify: 0 }, { mmrLambda: 1 });
    assert.ok(["t2", "t3"].includes(model.ids[base[0].row]), "without topics the translation papers lead");
    const disliked = await rankCandidates(
      { model, candidates, saved: [row("t1")], topics: [{ kind: "category", value: "cs.CL", level: "dislike" }], untilDay: model.days[0], diversify: 0 },
      { mmrLambda: 1 },
    );
    const before = base.map((x) => model.ids[x.row]);
    const after = disliked.map((x) => model.ids[x.row]);
    for (const id of ["t2", "t3"]) assert.ok(after.indexOf(id) > before.indexOf(id), `${id} moved down: ${before} -> ${after}`);
    assert.ok(!["t2", "t3"].includes(after[0]), `a paper without the disliked topic leads: ${after}`);
    assert.equal(after[after.length - 1], "t3", "the disliked paper least like the saved one is last");
  });

  test("keyword topics match the rows the caller found", () => {
    const signal = topicScores(model, rows("r1", "r2"), [{ kind: "keyword", value: "hard negatives", level: "like", rows: new Set([row("r2")]) }]);
    assert.deepEqual([...signal.scores], [0, 1]);
  });
});

describe("MMR", () => {
  test("picks a diverse second item over a near-duplicate of the first", () => {
    const candidates = rows("r1", "r2", "t1");
    // relevance: r1 > r2 (a near-duplicate of r1) > t1
    const scores = Float32Array.of(1, 0.95, 0.8);
    const plain = mmrOrder(model, candidates, scores, [0, 1, 2], 3, { lambda: 1 });
    assert.deepEqual(plain, [0, 1, 2]);
    const diverse = mmrOrder(model, candidates, scores, [0, 1, 2], 3, { lambda: 0.3 });
    assert.deepEqual(diverse, [0, 2, 1]);
  });

  test("the selection over a spread dense row equals the one over pairwise sparse dot products, request after request", () => {
    const words = ["retrieval", "dense", "sparse", "graph", "translation", "neural", "language", "models", "learned", "embeddings", "speech", "molecules"];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const papers = Array.from({ length: 60 }, (_, i) => paper(`p${i}`, Array.from({ length: 6 }, () => words[Math.floor(next() * words.length)]).join(" ")));
    const big = TfidfModel.build(papers);
    const candidates = Int32Array.from({ length: big.size }, (_, r) => r);
    for (const lambda of [0.3, 0.7]) {
      const scores = Float32Array.from(candidates, () => next());
      const order = [...candidates.keys()].sort((a, b) => scores[b] - scores[a]);
      const expected = [...marginalRelevanceOrder(order.map((i) => scores[i]), (a, b) => big.dot(candidates[order[a]], candidates[order[b]]), { lambda, pick: 12 }).map((p) => order[p])];
      assert.deepEqual(mmrOrder(big, candidates, scores, order, 12, { lambda, pool: 60 }), expected);
      assert.deepEqual(mmrOrder(big, candidates, scores, order, 12, { lambda, pool: 60 }), expected, "the reused dense vector was left clean");
    }
  });
});

describe("combination", () => {
  test("z-scores are centred and scaled; constants give zeros", () => {
    const z = zScores(Float32Array.of(1, 2, 3));
    assert.ok(Math.abs(z[0] + z[2]) < 1e-6 && Math.abs(z[1]) < 1e-6 && z[2] > 1);
    assert.deepEqual([...zScores(Float32Array.of(5, 5))], [0, 0]);
  });

  test("cold start (no saves, no topics) ranks by recency", async () => {
    const fresh = model.extend([paper("n1", "a new paper on retrieval", ["cs.IR"], "2026-06-20")]);
    const candidates = Int32Array.from({ length: fresh.size }, (_, r) => r);
    const ranked = await rankCandidates({ model: fresh, candidates, saved: [], untilDay: fresh.days[fresh.rowOf("n1")], diversify: 3 });
    assert.equal(fresh.ids[ranked[0].row], "n1");
    assert.equal(ranked.length, fresh.size);
  });
});
