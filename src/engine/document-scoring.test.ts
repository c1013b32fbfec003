import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError, InvalidQueryError } from "../core/errors.js";
import { SeededRandom } from "../core/random.js";
import { SearchIndex } from "./search-index.js";

const VOCAB = "neural retrieval dense sparse ranking model query document index search language houses graph learning lexical token vector".split(" ");

const titles = new Map<string, string>();

async function build(): Promise<SearchIndex> {
  const random = new SeededRandom(7);
  const words = (n: number) => Array.from({ length: n }, () => VOCAB[random.int(VOCAB.length)]).join(" ");
  const index = await SearchIndex.create(mkdtempSync(join(tmpdir(), "trove-docscore-")), {
    fields: { title: { type: "text" }, text: { type: "text" }, year: { type: "number" } },
  });
  // three segments and a deletion, so scoring crosses segment boundaries
  for (let batch = 0; batch < 3; batch++) {
    const docs = Array.from({ length: 40 }, (_, i) => ({ id: `d${batch * 40 + i}`, title: words(1 + random.int(5)), text: words(3 + random.int(40)), year: i % 7 === 0 ? undefined : 2000 + i }));
    for (const d of docs) titles.set(d.id, d.title);
    index.addDocuments(docs);
    await index.commit();
  }
  index.deleteDocuments(["d5"]);
  await index.commit();
  return index;
}

test("scoreDocuments gives each document the score search ranks it with; 0 when it does not match or does not exist", async () => {
  const index = await build();
  for (const query of ["neural retrieval", "houses", "\"dense vector\"~2 title:graph", "ranking AND model -token"]) {
    const hits = index.search(query, { k: 200 }).hits;
    const ids = [...hits.map((h) => h.id).reverse(), "d5", "missing"];
    const scores = index.scoreDocuments(query, ids);
    hits.reverse().forEach((h, i) => assert.equal(scores[i], h.score, `${query}: ${h.id}`));
    assert.equal(scores[hits.length], 0, "deleted document");
    assert.equal(scores[hits.length + 1], 0, "unknown id");
    const matched = new Set(hits.map((h) => h.id));
    const others = Array.from({ length: 120 }, (_, i) => `d${i}`).filter((id) => !matched.has(id) && id !== "d5");
    assert.ok(index.scoreDocuments(query, others).every((s) => s === 0), `${query}: non-matching documents score 0`);
  }
  await index.close();
});

test("analyzed queries search index terms as they are: weights act as boosts, several terms make a phrase", async () => {
  const index = await build();
  // "houses" is indexed as "hous"; the query language would stem "hous" again to "hou" and find nothing
  assert.equal(index.search("hous").hits.length, 0);
  const analyzed = index.search({ kind: "analyzed", clauses: [{ field: "text", terms: ["hous"], weight: 1 }] }, { k: 200 });
  const words = index.search("text:houses", { k: 200 });
  assert.ok(words.hits.length > 0);
  assert.deepEqual(analyzed.hits, words.hits);
  // weights are boosts; repeated clauses merge with summed weights
  const boosted = index.search({ kind: "analyzed", clauses: [{ field: "text", terms: ["neural"], weight: 0.3 }, { field: "title", terms: ["graph"], weight: 1.5 }, { field: "text", terms: ["neural"], weight: 0.2 }] }, { k: 200 });
  const language = index.search("text:neural^0.5 title:graph^1.5", { k: 200 });
  assert.deepEqual(boosted.hits, language.hits);
  // several terms: a phrase over consecutive positions, with slop
  const phrase = index.search({ kind: "analyzed", clauses: [{ field: "text", terms: ["dens", "vector"], weight: 2, slop: 1 }] }, { k: 200 });
  assert.deepEqual(phrase.hits, index.search('text:"dense vector"~1^2', { k: 200 }).hits);
  assert.equal(index.scoreDocuments({ kind: "analyzed", clauses: [{ field: "text", terms: ["neural"], weight: 0 }] }, ["d1"])[0], 0, "weight 0 drops the clause");
  assert.throws(() => index.search({ kind: "analyzed", clauses: [{ field: "year", terms: ["x"], weight: 1 }] }), InvalidQueryError);
  assert.throws(() => index.search({ kind: "analyzed", clauses: [{ field: "text", terms: [], weight: 1 }] }), /clauses\[0\]\.terms/);
  assert.throws(() => index.search({ kind: "analyzed", clauses: [{ field: "text", terms: ["a"], weight: -1 }] }), /clauses\[0\]\.weight/);
  await index.close();
});

test("field lengths, number values and the analyzer are read per document", async () => {
  const index = await build();
  const [{ term }] = index.analyze("text", "Houses");
  assert.equal(term, "hous");
  assert.deepEqual(index.analyze("title", "the neural houses").map((t) => [t.term, t.position]), [["neural", 1], ["hous", 2]]);
  const ids = ["d1", "d7", "d44", "d5", "nope"];
  const lengths = index.fieldLengths(ids, "title");
  for (let i = 0; i < 3; i++) assert.equal(lengths[i], titles.get(ids[i])!.split(" ").length, ids[i]);
  assert.deepEqual([lengths[3], lengths[4]], [0, 0]);
  const years = index.numericValues(ids, "year");
  assert.equal(years[0], 2001);
  assert.ok(Number.isNaN(years[1]), "d7 has no year");
  assert.equal(years[2], 2004);
  assert.ok(Number.isNaN(years[3]) && Number.isNaN(years[4]));
  assert.throws(() => index.fieldLengths(ids, "year"), InvalidArgumentError);
  assert.throws(() => index.numericValues(ids, "title"), /must be a number or date field/);
  await index.close();
});
