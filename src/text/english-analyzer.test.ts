import { test } from "node:test";
import assert from "node:assert/strict";
import type { Analyzer } from "./analyzer.js";
import { analyzeToTerms } from "./analyzer.js";
import { createEnglishAnalyzer, ENGLISH_STOP_WORDS } from "./english-analyzer.js";
import { FilteringAnalyzer } from "./filtering-analyzer.js";
import { porterStem } from "./porter-stemmer.js";

function withPositions(analyzer: Analyzer, text: string): { terms: [string, number][]; positions: number } {
  const terms: [string, number][] = [];
  const positions = analyzer.analyze(text, (term, pos) => {
    terms.push([term, pos]);
  });
  return { terms, positions };
}

const english = createEnglishAnalyzer();

test("English: Lucene's 33 stop words", () => {
  assert.equal(ENGLISH_STOP_WORDS.length, 33);
  assert.equal(new Set(ENGLISH_STOP_WORDS).size, 33);
  for (const w of ENGLISH_STOP_WORDS) assert.deepEqual(analyzeToTerms(english, w), [], w);
});

test("English: Lucene's TestEnglishAnalyzer cases", () => {
  assert.deepEqual(analyzeToTerms(english, "books"), ["book"]);
  assert.deepEqual(analyzeToTerms(english, "book"), ["book"]);
  assert.deepEqual(analyzeToTerms(english, "the"), []);
  assert.deepEqual(analyzeToTerms(english, "steven's"), ["steven"]);
  assert.deepEqual(analyzeToTerms(english, "steven\u2019s"), ["steven"]);
  assert.deepEqual(analyzeToTerms(english, "steven\uFF07s"), ["steven"]);
  assert.deepEqual(analyzeToTerms(english, "STEVEN'S"), ["steven"]);
});

test("English: chain order possessive -> lowercase -> stop -> Porter; stop words leave gaps", () => {
  const { terms, positions } = withPositions(english, "The Quick brown foxes, it's Lucene's running!");
  assert.deepEqual(terms, [
    ["quick", 1],
    ["brown", 2],
    ["fox", 3],
    ["lucen", 5],
    ["run", 6],
  ]);
  assert.equal(positions, 7);
  // "It's" loses its possessive-looking "'s", then is a stop word.
  assert.deepEqual(analyzeToTerms(english, "It's THEIR generalizations"), ["gener"]);
  assert.deepEqual(analyzeToTerms(english, "U.S.A. 3.14 1,000 foo_bar"), ["u.s.a", "3.14", "1,000", "foo_bar"]);
});

test("English: variants without stemming or without stop words", () => {
  const nostem = createEnglishAnalyzer({ stemmer: "none" });
  assert.equal(nostem.name, "english-nostem");
  assert.deepEqual(analyzeToTerms(nostem, "The Running foxes"), ["running", "foxes"]);
  const keep = createEnglishAnalyzer({ stopWords: false, name: "english-nostop" });
  assert.deepEqual(analyzeToTerms(keep, "The Running foxes"), ["the", "run", "fox"]);
  const custom = createEnglishAnalyzer({ stopWords: ["running"] });
  assert.deepEqual(analyzeToTerms(custom, "The Running foxes"), ["the", "fox"]);
  assert.throws(() => createEnglishAnalyzer({ stemmer: "krovetz" as "porter" }), /porter/);
});

test("English: non-ASCII tokens lowercase as Java does", () => {
  assert.deepEqual(analyzeToTerms(english, "İSTANBUL ΟΔΟΣ Müller's naïve"), ["istanbul", "οδοσ", "müller", "naïv"]);
  assert.deepEqual(analyzeToTerms(english, "TGF-β1 β-Catenin"), ["tgf", "β1", "β", "catenin"]);
  assert.deepEqual(analyzeToTerms(english, "中文 ©2020"), ["中", "文", "©", "2020"]);
});

test("English: the term cache gives the same terms as computing each token afresh", () => {
  const small = new FilteringAnalyzer({
    name: "english-small-cache",
    possessive: true,
    stopWords: ENGLISH_STOP_WORDS,
    stem: porterStem,
    cacheSize: 16, // forces many evictions
  });
  const words: string[] = [];
  let seed = 7;
  const letters = "aeioubcdfghlmnrstyAEIOUBCDGLMNRST'";
  for (let i = 0; i < 5000; i++) {
    let w = "";
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const len = 1 + (seed % 10);
    for (let j = 0; j < len; j++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      w += letters[(seed >>> 8) % letters.length];
    }
    words.push(w);
  }
  const text = words.join(" ") + " " + words.join(" ");
  const expected = analyzeToTerms(createEnglishAnalyzer({ name: "fresh" }), text);
  assert.deepEqual(analyzeToTerms(small, text), expected);
  assert.deepEqual(analyzeToTerms(english, text), expected);
  assert.equal(small.analyzeToken("Running".repeat(300)), porterStem("running".repeat(300)));
  // Terms match a direct computation token by token.
  for (const w of words.slice(0, 500)) {
    const direct = w.toLowerCase().replace(/'s$/, "");
    const want = ENGLISH_STOP_WORDS.includes(direct) ? "" : porterStem(direct);
    assert.equal(small.analyzeToken(w), want, w);
  }
});

test("English: an analyzer can be used again from inside its own sink", () => {
  const outer: string[] = [];
  const inner: string[] = [];
  english.analyze("cats and dogs", (term) => {
    outer.push(term);
    english.analyze("running mice", (t) => inner.push(t));
  });
  assert.deepEqual(outer, ["cat", "dog"]);
  assert.deepEqual(inner, ["run", "mice", "run", "mice"]);
});
