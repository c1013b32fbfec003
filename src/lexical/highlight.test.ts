import { test } from "node:test";
import assert from "node:assert/strict";
import { parseQuery } from "./query-parser.js";
import { getAnalyzer } from "../text/registry.js";
import { escapeHtml, highlight, queryTermsFor, snippet } from "./highlight.js";

const english = getAnalyzer("english");

function marks(text: string, query: string, field = "abstract"): string {
  return highlight(text, english, queryTermsFor(parseQuery(query), field, english)).html;
}

test("marks words whose analyzed term the query has, escapes the rest", () => {
  assert.equal(marks("Retrieving & ranking <b>documents</b>", "retrieval documents"), "<mark>Retrieving</mark> &amp; ranking &lt;b&gt;<mark>documents</mark>&lt;/b&gt;");
  assert.equal(marks("Lucene's scoring", "lucene"), "<mark>Lucene&#39;s</mark> scoring");
  assert.equal(marks("the state-of-the-art model", "art"), "the state-of-the-<mark>art</mark> model");
  // stop words are never marked, even when typed
  assert.equal(marks("the cat and the hat", "the cat"), "the <mark>cat</mark> and the hat");
  // phrases, prefixes; excluded clauses and other fields do not mark
  assert.equal(marks("dense passage retrieval", '"dense passage"'), "<mark>dense</mark> <mark>passage</mark> retrieval");
  assert.equal(marks("retrievers retrieve", "retriev*"), "<mark>retrievers</mark> <mark>retrieve</mark>");
  assert.equal(marks("dense retrieval", "retrieval -dense"), "dense <mark>retrieval</mark>");
  assert.equal(marks("dense retrieval", "title:dense"), "dense retrieval");
  assert.equal(marks("dense retrieval", "abstract:dense"), "<mark>dense</mark> retrieval");
  assert.equal(marks("x \"quoted\" 'single'", "nothing"), "x &quot;quoted&quot; &#39;single&#39;");
  assert.equal(escapeHtml("<&>"), "&lt;&amp;&gt;");
});

test("snippets: a passage around the densest matches, cut at words, with ellipses", () => {
  const filler = "Lorem ipsum dolor sit amet consectetur. ".repeat(10);
  const text = `${filler}Sparse retrieval with learned sparse weights beats dense retrieval. ${filler}`;
  const terms = queryTermsFor(parseQuery("sparse retrieval"), "abstract", english);
  const s = snippet(text, english, terms, 120);
  assert.ok(s.html.startsWith("…") && s.html.endsWith("…"), s.html);
  assert.ok(s.html.includes("<mark>Sparse</mark> <mark>retrieval</mark>"), s.html);
  assert.equal(s.matches, 4);
  assert.ok(s.html.replace(/<\/?mark>/g, "").length <= 122);
  const none = snippet(text, english, queryTermsFor(parseQuery("zebra"), "abstract", english), 50);
  assert.ok(none.html.startsWith("Lorem ipsum") && none.html.endsWith("…"));
  assert.equal(none.matches, 0);
  assert.equal(snippet("short text", english, terms, 120).html, "short text");
});
