import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateRun } from "./metrics.js";
import { parseQrels } from "./qrels.js";
import { displayName, formatMetricsTable, formatTrecEvalOutput, toJsonReport } from "./report.js";
import { parseRun } from "./run.js";

// q1: relevant a at rank 1; q2: relevant b at rank 2 (c unjudged at rank 1)
const qrels = parseQrels("q1 0 a 1\nq2 0 b 1\n", "trec");
const run = parseRun("q1 Q0 a 1 2.0 t\nq2 Q0 c 1 3.0 t\nq2 Q0 b 2 1.0 t\n");
const result = evaluateRun(run, qrels, { measures: ["ndcg_cut.10", "recall.100", "map", "recip_rank", "P.10"] });

describe("report", () => {
  it("maps trec_eval names to display names", () => {
    assert.deepEqual(
      ["ndcg_cut_10", "recall_100", "recall_1000", "map", "recip_rank", "P_10", "other"].map(displayName),
      ["ndcg@10", "recall@100", "recall@1000", "map", "mrr", "p@10", "other"],
    );
  });
  it("renders an aligned table", () => {
    // map = (1 + 1/2)/2 = 0.75; mrr = 0.75; p@10 = 0.1; recall@100 = 1
    // ndcg@10 = (1 + 1/log2(3))/2 = 0.8154648...
    const table = formatMetricsTable([
      { name: "bm25", result },
      { name: "a-longer-name", result },
    ]);
    assert.equal(
      table,
      [
        "run            ndcg@10  recall@100     map     mrr    p@10  queries",
        "-------------  -------  ----------  ------  ------  ------  -------",
        "bm25            0.8155      1.0000  0.7500  0.7500  0.1000        2",
        "a-longer-name   0.8155      1.0000  0.7500  0.7500  0.1000        2",
      ].join("\n"),
    );
  });
  it("renders JSON with display names", () => {
    const json = toJsonReport(result, { perQuery: true });
    assert.equal(json.queryCount, 2);
    assert.equal(json.metrics.map, 0.75);
    assert.equal(json.trecEvalNames["ndcg@10"], "ndcg_cut_10");
    assert.deepEqual(json.perQuery?.q2, { "ndcg@10": 1 / Math.log2(3), "recall@100": 1, map: 0.5, mrr: 0.5, "p@10": 0.1 });
    assert.equal(JSON.parse(JSON.stringify(json)).metrics.mrr, 0.75);
  });
  it("prints trec_eval's own format", () => {
    const lines = formatTrecEvalOutput(result, { perQuery: true }).split("\n");
    assert.equal(lines[0], "ndcg_cut_10           \tq1\t1.0000");
    assert.equal(lines.at(-2), "P_10                  \tall\t0.1000");
    assert.equal(lines.length, 5 * 3 + 1);
  });
});
