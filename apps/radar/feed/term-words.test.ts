/**
 * Model terms shown as the words a paper uses: stems and bigrams of stems
 * back to the text's words, no bigram across a stop word, and the same answer
 * from a remembered text as from a fresh one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { phrasesOf, wordsOfTerms } from "./term-words.js";

const TEXT = "Dense Retrieval of the passages: dense retrievers and the retrieval of long documents";

test("terms map to their first words; bigrams to adjacent words; a stop word breaks a bigram", () => {
  const words = wordsOfTerms(TEXT, ["dens", "retriev", "dens retriev", "retriev passag", "passag", "long document"]);
  assert.equal(words.get("dens"), "dense");
  assert.equal(words.get("retriev"), "retrieval");
  assert.equal(words.get("dens retriev"), "dense retrieval");
  assert.equal(words.get("passag"), "passages");
  assert.equal(words.get("long document"), "long documents");
  assert.equal(words.has("retriev passag"), false, "\"of the\" stands between them");
});

test("a remembered text answers as a fresh one, for other terms too", () => {
  const first = wordsOfTerms(TEXT, ["retriev"]);
  const again = wordsOfTerms(TEXT, ["retriev", "document"]);
  assert.equal(first.get("retriev"), "retrieval");
  assert.equal(again.get("retriev"), "retrieval");
  assert.equal(again.get("document"), "documents");
  assert.deepEqual(phrasesOf(TEXT, [{ term: "retriev", weight: 1 }, { term: "dens retriev", weight: 2 }]), ["dense retrieval"]);
});
