/**
 * Hybrid paper search: a paper that shares no word with the query but whose
 * vector is close is found in hybrid mode and not in lexical mode; totals are
 * exact and pages past the fused list continue BM25's ranking; filters hold
 * in both lists; sort by date and a not-yet-ready encoder stay lexical and
 * say so. Vectors are built by the test (3 dimensions), and the query
 * embedder is the test's own, so no model is needed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Collection } from "../../../src/engine/collection.js";
import { openStore } from "../../../src/store/open-store.js";
import { PAPERS_COLLECTION, paperSchema } from "../papers.js";
import type { QueryEmbedder } from "./hybrid-search.js";
import type { SemanticStatus } from "./paper-embeddings.js";
import { PaperSearch, type SearchPage } from "./paper-search.js";

const paper = (id: string, title: string, abstract: string, embedding: number[], categories = ["cs.IR"]) => ({
  id,
  title,
  abstract,
  authors: ["A. Author"],
  categories,
  primaryCategory: categories[0],
  date: `2024-01-${id.padStart(2, "0")}`,
  embedding,
});

const PAPERS = [
  paper("1", "dense retrieval with hard negatives", "we train dense retrieval models", [1, 0, 0]),
  paper("2", "retrieval augmented generation", "generation grounded in retrieved passages", [0.6, 0.8, 0]),
  // no word in common with "dense retrieval", but its vector is the query's neighbour
  paper("3", "contrastive bi-encoders", "embedding queries and passages", [0.97, 0.1, 0]),
  paper("4", "bi-encoders for speech", "contrastive audio embeddings", [0.9, 0.2, 0.1], ["cs.SD"]),
  paper("5", "speech synthesis", "vocoders", [0, 0, 1]),
  paper("6", "retrieval for code", "code search", [0.1, 0.9, 0.2]),
  paper("7", "sparse retrieval", "learned sparse term weights", [0.3, 0.3, 0.9]),
];

/** A query embedder of the test: "dense retrieval" points at paper 1's vector. */
function embedder(ready: boolean): QueryEmbedder {
  const status: SemanticStatus = ready ? { state: "ready", ready, embedded: PAPERS.length, message: "ready" } : { state: "training", ready, embedded: 0, message: "training the encoder" };
  return {
    field: "embedding",
    ready,
    async embedQuery(text: string) {
      if (!ready) return null;
      return /dense/.test(text) ? [1, 0, 0] : /zzz/.test(text) ? null : [0, 1, 0];
    },
    status: () => status,
  };
}

async function withSearch(ready: boolean, body: (search: PaperSearch) => Promise<void>, depth = { lexical: 200, dense: 100 }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "radar-hybrid-"));
  const store = await openStore(dir);
  await store.createCollection(PAPERS_COLLECTION, paperSchema(3));
  await store.putRecords(PAPERS_COLLECTION, PAPERS);
  const papers = await Collection.open(store, PAPERS_COLLECTION, join(dir, "indexes"), { quiet: true });
  try {
    await body(new PaperSearch(papers, { semantic: embedder(ready), hybridDepth: depth }));
  } finally {
    await papers.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ids = (page: SearchPage) => page.items.map((h) => String(h.paper.id));
const all = { offset: 0, limit: 20 };

test("hybrid search finds a paper with no shared word whose vector is close; lexical mode does not", async () => {
  await withSearch(true, async (search) => {
    const lexical = await search.search("dense retrieval", {}, "relevance", all, "lexical");
    assert.equal(lexical.mode, "lexical");
    assert.ok(!ids(lexical).includes("3"), `lexical: ${ids(lexical)}`);
    assert.equal(lexical.total, 4, "papers 1, 2, 6, 7 have a query word");

    const hybrid = await search.search("dense retrieval", {}, "relevance", all);
    assert.equal(hybrid.mode, "hybrid");
    assert.equal(hybrid.modeNotice, undefined);
    assert.equal(ids(hybrid)[0], "1", "words and vector agree on paper 1");
    assert.ok(ids(hybrid).indexOf("3") >= 0 && ids(hybrid).indexOf("3") < ids(hybrid).indexOf("5"), `the close paper ranks above the far one: ${ids(hybrid)}`);
    assert.equal(hybrid.total, ids(hybrid).length, "the total counts every paper of the fused list");
    assert.equal(hybrid.total, 7);
    assert.equal(hybrid.items.find((h) => h.paper.id === "3")?.highlights.title, "contrastive bi-encoders", "nothing to mark in a paper found by its vector");

    // filters hold for the vector's papers too
    const filtered = await search.search("dense retrieval", { categories: ["cs.SD"] }, "relevance", all);
    assert.deepEqual(ids(filtered), ["4"]);
    assert.equal(filtered.total, 1);
  });
});

test("hybrid pages: past the fused list BM25's ranking continues, no paper twice, exact total", async () => {
  await withSearch(
    true,
    async (search) => {
      const seen: string[] = [];
      let total = -1;
      for (let offset = 0; offset < 10; offset += 2) {
        const page = await search.search("retrieval OR speech OR code", {}, "relevance", { offset, limit: 2 });
        assert.equal(page.mode, "hybrid");
        if (total >= 0) assert.equal(page.total, total, "every page reports the same total");
        total = page.total;
        seen.push(...ids(page));
      }
      const lexical = await search.search("retrieval OR speech OR code", {}, "relevance", all, "lexical");
      assert.equal(new Set(seen).size, seen.length, `no paper twice: ${seen}`);
      assert.equal(seen.length, total);
      // fused: BM25's top 2 and the vector's 2 nearest; then BM25's ranks 3.. follow
      for (const id of ids(lexical)) assert.ok(seen.includes(id), `every BM25 match is reachable: ${id}`);
      assert.ok(total >= lexical.total && total <= lexical.total + 2, `total ${total} = BM25's ${lexical.total} + papers only the vector found`);
    },
    { lexical: 2, dense: 2 },
  );
});

test("hybrid falls back to words and says why: encoder not ready, sort by date, no known word", async () => {
  await withSearch(false, async (search) => {
    const page = await search.search("dense retrieval", {}, "relevance", all);
    assert.equal(page.mode, "lexical");
    assert.match(page.modeNotice ?? "", /not ready yet \(training the encoder\)/);
    assert.ok(!ids(page).includes("3"));
  });
  await withSearch(true, async (search) => {
    const byDate = await search.search("dense retrieval", {}, "date", all);
    assert.equal(byDate.mode, "lexical");
    assert.match(byDate.modeNotice ?? "", /Sorted by date/);
    assert.deepEqual(ids(byDate), ["7", "6", "2", "1"], "newest first, the papers matching the words");
    const unknown = await search.search("zzz retrieval", {}, "relevance", all);
    assert.equal(unknown.mode, "lexical");
    assert.match(unknown.modeNotice ?? "", /No word of this search is known to the encoder/);
    const fieldsOnly = await search.search('authors:"A. Author"', {}, "relevance", all);
    assert.equal(fieldsOnly.mode, "lexical", "a vector of an author's name would add unrelated papers");
    assert.match(fieldsOnly.modeNotice ?? "", /names only authors, categories, dates or prefixes/);
    assert.equal(fieldsOnly.total, 7);
    const negated = await search.search("retrieval -dense", {}, "relevance", all);
    assert.equal(negated.mode, "hybrid", "the words searched for are embedded, not the excluded ones");
    assert.ok(!ids(negated).includes("1"), `an excluded word keeps its papers out of the vector's list too: ${ids(negated)}`);
    assert.ok(ids(negated).includes("3"), "papers close to the words searched for still come");
    const lexicalAsked = await search.search("dense retrieval", {}, "relevance", all, "lexical");
    assert.equal(lexicalAsked.modeNotice, undefined, "asking for words alone needs no explanation");
  });
});

test("more like these papers: their words fused with the neighbours of their vectors' centroid, none of the excluded", async () => {
  await withSearch(true, async (search) => {
    const [dense] = await search.papers.store.getRecords(PAPERS_COLLECTION, ["1"]);
    const like = await search.moreLikePapers([dense!], new Set(["1"]), 5);
    const likeIds = like.map((p) => String(p.id));
    assert.ok(!likeIds.includes("1"));
    assert.ok(likeIds.includes("3"), `the paper with no shared word but a close vector: ${likeIds}`);
    assert.ok(likeIds.indexOf("3") < likeIds.indexOf("5") || !likeIds.includes("5"), "before the far one");
    // without vectors for the members: their words alone (paper 3 shares none)
    const { embedding: _embedding, ...noVector } = dense!;
    await search.papers.put([noVector]);
    const lexical = (await search.moreLikePapers([noVector], new Set(["1"]), 5)).map((p) => String(p.id));
    assert.ok(!lexical.includes("3"), `words alone: ${lexical}`);
  });
});
