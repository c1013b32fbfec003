/**
 * The feed evaluation on a small synthetic corpus (authors who each write
 * about one topic): the JSON shape, figures in [0, 1], informative scorers
 * beating random order, and bad options refused.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom } from "../../../src/core/random.js";
import { parseWeights, runEvalCommand } from "./eval-command.js";
import type { FeedEvalResult } from "./feed-eval.js";

const VOCABULARY = [
  ["retrieval", "ranking", "query", "index", "search", "relevance", "documents", "passages"],
  ["translation", "bilingual", "languages", "alignment", "decoder", "parallel", "multilingual", "lexicon"],
  ["graph", "nodes", "edges", "message", "molecules", "spectral", "neighbourhood", "walks"],
  ["speech", "acoustic", "phoneme", "audio", "prosody", "speaker", "waveform", "recognition"],
  ["summarization", "summary", "extractive", "abstractive", "salience", "sentences", "compression", "highlights"],
];
const COMMON = ["model", "method", "results", "data", "approach", "evaluation", "study", "performance"];

let dir: string;
let corpus: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "feed-eval-"));
  corpus = join(dir, "papers.jsonl");
  const rng = new SeededRandom(7);
  const pick = (words: readonly string[], n: number) => Array.from({ length: n }, () => words[rng.int(words.length)]).join(" ");
  const lines: string[] = [];
  let id = 0;
  for (let author = 0; author < 40; author++) {
    const topic = author % VOCABULARY.length;
    for (let k = 0; k < 6; k++) {
      const month = 1 + ((author * 7 + k * 2) % 12);
      const day = 1 + ((author + k * 5) % 28);
      lines.push(
        JSON.stringify({
          id: `2501.${String(10000 + id++)}`,
          title: `${pick(VOCABULARY[topic], 4)} ${pick(COMMON, 2)}`,
          abstract: `${pick(VOCABULARY[topic], 12)} ${pick(COMMON, 8)}`,
          authors: [`Author ${author}`],
          categories: [`cs.${["IR", "CL", "LG", "SD", "AI"][topic]}`],
          date: `2025-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
        }),
      );
    }
  }
  writeFileSync(corpus, lines.join("\n") + "\n");
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function run(options: Parameters<typeof runEvalCommand>[0]): Promise<{ result: FeedEvalResult; printed: string }> {
  let printed = "";
  const result = await runEvalCommand(options, (text) => {
    printed += text;
  });
  return { result, printed };
}

test("--json prints one object with the results list, protocol, readers, cut and timing", async () => {
  const { result, printed } = await run({ corpus, json: true, limitReaders: 25, seed: 3 });
  const parsed = JSON.parse(printed) as FeedEvalResult;
  assert.deepEqual(parsed, JSON.parse(JSON.stringify(result)));
  for (const name of ["random", "recency", "tfidf-svm", "content", "trove"]) {
    const entry = parsed.results.find((r) => r.name === name);
    assert.ok(entry, `${name} reported`);
    for (const metric of ["ndcg@10", "recall@50"] as const) assert.ok(entry[metric] >= 0 && entry[metric] <= 1, `${name} ${metric} = ${entry[metric]}`);
  }
  assert.equal(typeof parsed.protocol, "string");
  assert.match(parsed.cut, /^\d{4}-\d{2}-\d{2}$/);
  assert.ok(parsed.readers > 0 && parsed.readers <= 25);
  assert.ok(parsed.candidates > 0 && parsed.trainPapers > 0);
  assert.equal(typeof parsed.timing.totalSeconds, "number");
  const figure = (name: string) => parsed.results.find((r) => r.name === name)!;
  // each author writes about one topic: content scorers must beat random order clearly
  for (const name of ["content", "tfidf-svm", "trove"]) {
    assert.ok(figure(name)["ndcg@10"] > figure("random")["ndcg@10"] + 0.1, `${name} ${figure(name)["ndcg@10"]} vs random ${figure("random")["ndcg@10"]}`);
    assert.ok(figure(name)["recall@50"] > figure("random")["recall@50"], `${name} recall`);
  }
  // every method but the baseline carries its paired difference from tfidf-svm; random is clearly worse
  assert.equal(figure("tfidf-svm").vsTfidfSvm, undefined);
  const vsRandom = figure("random").vsTfidfSvm!["ndcg@10"];
  assert.equal(vsRandom.pairs, parsed.readers);
  assert.ok(Math.abs(vsRandom.difference - (figure("random")["ndcg@10"] - figure("tfidf-svm")["ndcg@10"])) < 2e-4);
  assert.ok(vsRandom.low <= vsRandom.difference && vsRandom.difference <= vsRandom.high);
  assert.ok(vsRandom.high < 0, `random is worse than the SVM on these readers: ${JSON.stringify(vsRandom)}`);
  // the pipeline is also compared, reader by reader, with its weights before the small-history study
  const vsPrevious = figure("trove").vsPrevious!;
  for (const metric of ["ndcg@10", "recall@50", "topical@10", "on-topic@10"] as const) {
    assert.ok(vsPrevious[metric].low <= vsPrevious[metric].difference && vsPrevious[metric].difference <= vsPrevious[metric].high, metric);
  }
  assert.ok(Math.abs(vsPrevious["ndcg@10"].difference - (figure("trove")["ndcg@10"] - figure("trove-previous")["ndcg@10"])) < 2e-4);
  assert.equal(figure("trove-previous").vsPrevious, undefined);
});

test("without --json a table; the validation split cuts earlier; the same seed gives the same figures", async () => {
  const { printed, result } = await run({ corpus, limitReaders: 10, split: "validation", tune: true });
  assert.match(printed, /ndcg@10 recall@50 topical@10 on-topic@10 {3}differences from tfidf-svm \[95% CI\]/);
  assert.match(printed, /tfidf-svm/);
  assert.match(printed, /trove vs trove-previous +[+-]\d\.\d{4} \[/);
  assert.equal(result.split, "validation");
  assert.ok(result.horizon < (await run({ corpus, json: true, limitReaders: 10 })).result.cut, "validation ends before the test cut");
  assert.ok(result.results.some((r) => r.name.startsWith("tune:")));
  const again = await run({ corpus, limitReaders: 10, split: "validation", tune: true });
  assert.deepEqual(again.result.results, result.results);
});

test("bad options are refused naming the option", async () => {
  await assert.rejects(run({ corpus, split: "train" }), /--split must be test or validation/);
  await assert.rejects(run({ corpus, cut: "June" }), /--cut must be a day/);
  await assert.rejects(run({ corpus: join(dir, "missing.jsonl") }), /corpus not found/);
  assert.throws(() => parseWeights("content=1,sv=2"), /unknown weight "sv"/);
  assert.throws(() => parseWeights("svm=x"), /svm must be a number/);
  assert.deepEqual(parseWeights("svm=2, topic=0"), { svm: 2, topic: 0 });
});
