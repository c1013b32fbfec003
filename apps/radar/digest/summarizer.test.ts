import { test } from "node:test";
import assert from "node:assert/strict";
import { isBoilerplate, lexRank, summarize, trimConnective } from "./summarizer.js";
import { DocumentFrequencies, TermReader, splitSentences } from "./text-terms.js";
import { takeawayOf } from "./takeaway.js";
import { bestFor, contributionOf } from "./best-for.js";

const TITLE = "Hard Negatives for Dense Passage Retrieval";
const SENTENCES = [
  "Dense passage retrieval encodes queries and passages with a dual encoder and retrieves passages by vector similarity.",
  "To the best of our knowledge, this is the first work of its kind.",
  "We show that mining hard negatives from BM25 and from the dense retriever itself improves dense passage retrieval, e.g. on Natural Questions and TriviaQA.",
  "Hard negatives raise top-20 retrieval accuracy by 4.1 points over random negatives on Natural Questions.",
  "Extensive experiments demonstrate the effectiveness of our approach.",
  "Code is available at https://github.com/example/dpr-hard-negatives.",
];
const ABSTRACT = SENTENCES.join(" ");

test("sentences: abbreviations do not end a sentence", () => {
  const sentences = splitSentences(ABSTRACT);
  assert.equal(sentences.length, SENTENCES.length);
  assert.deepEqual(sentences, SENTENCES);
  assert.deepEqual(splitSentences("Prior work (Karpukhin et al. 2020) used in-batch negatives. We do not."), [
    "Prior work (Karpukhin et al. 2020) used in-batch negatives.",
    "We do not.",
  ]);
});

test("the summary is made of the abstract's own sentences, in order, within the limits", () => {
  for (const maxSentences of [1, 2, 3]) {
    const summary = summarize(TITLE, ABSTRACT, { maxSentences, maxChars: 1000 });
    assert.equal(summary.chosen.length, maxSentences);
    assert.deepEqual(summary.chosen, [...summary.chosen].sort((a, b) => a - b));
    assert.equal(summary.text, summary.chosen.map((i) => SENTENCES[i]).join(" "));
    // the chosen sentences are the best scored ones
    const worstChosen = Math.min(...summary.chosen.map((i) => summary.sentences[i].score));
    for (const s of summary.sentences) if (!summary.chosen.includes(s.index)) assert.ok(s.score <= worstChosen);
  }
  const short = summarize(TITLE, ABSTRACT, { maxSentences: 3, maxChars: 60 });
  assert.ok(short.text.length <= 60, short.text);
  assert.ok(short.text.length > 0);
});

test("boilerplate sentences score below every informative one and are not chosen while others remain", () => {
  const summary = summarize(TITLE, ABSTRACT, { maxSentences: 3 });
  const flagged = summary.sentences.filter((s) => s.boilerplate);
  assert.ok(flagged.length >= 2, "the availability and 'to the best of our knowledge' sentences are flagged");
  for (const s of summary.sentences) assert.equal(s.boilerplate, isBoilerplate(s.text));
  const bestBoilerplate = Math.max(...flagged.map((s) => s.score));
  const informative = summary.sentences.filter((s) => !s.boilerplate && s.text.split(" ").length > 8);
  for (const s of informative) assert.ok(s.score > bestBoilerplate, `${s.text} (${s.score}) beats boilerplate (${bestBoilerplate})`);
  for (const i of summary.chosen) assert.equal(summary.sentences[i].boilerplate, false);
});

test("an 'In this paper, we' opener damps a sentence's score, but the sentence can still win", () => {
  const claim = "we propose query expansion with learned sparse term weights that improves recall of rare documents.";
  const other = ["Sparse retrieval with BM25 is a strong baseline.", "Learned sparse term weights improve recall on rare documents by 6 points."];
  const plain = summarize("Learned Sparse Query Expansion", [other[0], `We ${claim.slice(3)}`, other[1]].join(" "), { maxSentences: 1 });
  const opener = summarize("Learned Sparse Query Expansion", [other[0], `In this paper, ${claim}`, other[1]].join(" "), { maxSentences: 1 });
  assert.ok(opener.sentences[1].score < plain.sentences[1].score);
  // with no informative competitor the opener sentence is still the summary
  const alone = summarize("Learned Sparse Query Expansion", `In this paper, ${claim} Code is available at https://example.org/x.`, { maxSentences: 1 });
  assert.match(alone.text, /^In this paper/);
});

test("LexRank ranks the sentence connected to all others first", () => {
  const sim = [
    [0, 0.5, 0.5, 0.5],
    [0.5, 0, 0, 0],
    [0.5, 0, 0, 0.1],
    [0.5, 0, 0.1, 0],
  ].map((r) => Float64Array.from(r));
  const rank = lexRank(sim);
  assert.equal(rank[0], 1);
  for (let i = 1; i < 4; i++) assert.ok(rank[i] < rank[0]);
  assert.ok(rank[2] > rank[1], "a sentence with more links ranks higher");
});

test("a background of other abstracts lowers the weight of terms every paper uses", () => {
  const reader = new TermReader();
  const bg = new DocumentFrequencies();
  for (let i = 0; i < 20; i++) bg.add(reader.termsOf(`Retrieval models for topic ${i}`).counts.keys());
  const merged = DocumentFrequencies.merged(new DocumentFrequencies(), bg);
  assert.ok(merged.idf("retriev") < merged.idf("hardneg"));
  assert.equal(merged.size, 20);
});

test("takeaway: shared terms across papers, and a sentence from one of the summaries", () => {
  const papers = [
    { title: "Dense retrieval with hard negatives", abstract: "Hard negatives improve dense retrieval on open-domain questions.", summary: "Hard negatives improve dense retrieval on open-domain questions." },
    { title: "Distilling cross-encoders into dense retrievers", abstract: "Distillation improves dense retrieval without hard negatives.", summary: "Distillation improves dense retrieval without hard negatives." },
    { title: "Graph neural networks for molecules", abstract: "Message passing predicts molecular properties.", summary: "Message passing predicts molecular properties." },
  ];
  const t = takeawayOf(papers);
  assert.ok(t.themes.length > 0);
  assert.ok(t.themes.includes("dense"), t.themes.join(","));
  assert.ok(!t.themes.includes("message"), "a term of one paper is not a theme");
  assert.ok(papers.slice(0, 2).some((p) => t.text.includes(p.summary)), t.text);
  assert.equal(takeawayOf([]).themes.length, 0);
  // function words the index keeps ("from", "between") are never themes, however common
  const functionWords = takeawayOf([
    { title: "Entities from text between documents", abstract: "We extract entities from text.", summary: "We extract entities from text." },
    { title: "Relations from text between sentences", abstract: "We extract relations from text.", summary: "We extract relations from text." },
  ]);
  assert.ok(functionWords.themes.includes("text"), functionWords.themes.join(","));
  assert.ok(!functionWords.themes.includes("from") && !functionWords.themes.includes("between"), functionWords.themes.join(","));
  // with corpus frequencies, a shared term every paper of the corpus uses gives way to a distinctive one
  const week = [
    { title: "Language agents for entity matching", abstract: "Language agents match entities.", summary: "Language agents match entities." },
    { title: "Entity resolution with language", abstract: "Language helps entity resolution.", summary: "Language helps entity resolution." },
    { title: "Language and vision", abstract: "Language grounds vision.", summary: "Language grounds vision." },
  ];
  const reader = new TermReader();
  const stem = (word: string) => [...reader.termsOf(word).counts.keys()][0];
  const corpus = { docCount: 10_000, docFreq: (term: string) => (term === stem("language") ? 9_000 : term === stem("entity") ? 40 : 500) };
  assert.equal(takeawayOf(week, 1).themes[0], "language", "without a corpus: the most shared term");
  assert.equal(takeawayOf(week, 1, corpus).themes[0], "entity", "with a corpus: shared and distinctive");
});

test("best for: the audience follows the contribution type and the area", () => {
  assert.equal(contributionOf({ title: "A Survey of Dense Retrieval" }), "survey");
  assert.equal(contributionOf({ title: "BEIR: a heterogeneous benchmark for zero-shot retrieval" }), "resource");
  assert.equal(contributionOf({ title: "Serving retrieval-augmented generation at low latency in production" }), "system");
  assert.equal(contributionOf({ title: "A new loss for dense retrievers", abstract: "We propose a contrastive loss." }), "method");
  const rag = bestFor({ title: "Serving retrieval-augmented generation at low latency in production", categories: ["cs.IR"] });
  assert.ok(rag[0].startsWith("practitioners building"), rag[0]);
  assert.match(rag[0], /RAG/);
  const dense = bestFor({ title: "A new loss for dense retrievers", abstract: "We propose a contrastive loss for dense retrieval.", categories: ["cs.IR"] });
  assert.match(dense[0], /^researchers in dense retrieval/);
  const other = bestFor({ title: "On the cohomology of schemes", abstract: "We study schemes.", categories: ["math.AG"] });
  assert.match(other[0], /math\.AG/);
});

test("a chosen sentence that points back loses its connective, and nothing else changes", () => {
  assert.equal(trimConnective("To this end, we introduce a benchmark."), "We introduce a benchmark.");
  assert.equal(trimConnective("To address this problem, we distill."), "We distill.");
  assert.equal(trimConnective("We distill, therefore, twice."), "We distill, therefore, twice.");
  const abstract = "Dense retrievers miss rare entities. To this end, we introduce an entity-aware dense retriever for rare entities.";
  const summary = summarize("Entity-aware dense retrieval", abstract, { maxSentences: 2 });
  assert.ok(!summary.text.includes("To this end"));
  assert.ok(summary.text.includes("We introduce an entity-aware dense retriever"));
});
