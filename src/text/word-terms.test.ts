/**
 * Text mapped back to terms word by word: the words' offsets and terms match
 * a fresh analysis, a remembered text is returned as it was, and stop words
 * have no terms.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { getAnalyzer } from "./registry.js";
import { analyzedText, termsOfWord } from "./word-terms.js";

test("the analyzed words of a text: offsets of the tokenizer's words and each word's terms", () => {
  const english = getAnalyzer("english");
  const text = "Retrieving the passages: dense retrieval";
  const analyzed = analyzedText(english, text);
  const words = Array.from(analyzed.starts, (s, i) => text.slice(s, analyzed.ends[i]));
  assert.deepEqual(words, ["Retrieving", "the", "passages", "dense", "retrieval"]);
  assert.deepEqual(analyzed.terms.map((t) => [...t]), [["retriev"], [], ["passag"], ["dens"], ["retriev"]]);
  assert.equal(analyzedText(english, text), analyzed, "remembered");
  assert.deepEqual([...termsOfWord(english, "Retrieving")], ["retriev"]);
  assert.deepEqual([...analyzedText(getAnalyzer("whitespace"), text).terms[0]], ["Retrieving"], "remembered per analyzer");
});
