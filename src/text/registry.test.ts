import { test } from "node:test";
import assert from "node:assert/strict";
import { analyzeToTerms } from "./analyzer.js";
import { getAnalyzer, listAnalyzers } from "./registry.js";
import { InvalidArgumentError } from "../core/errors.js";

test("registry: known names build cached analyzers with canonical names", () => {
  const names = listAnalyzers();
  for (const n of ["english", "english-nostem", "standard", "whitespace", "german", "french", "spanish",
    "portuguese", "italian", "russian", "dutch", "swedish", "chinese", "japanese", "thai"]) {
    assert.ok(names.includes(n), n);
  }
  for (const n of names) {
    const a = getAnalyzer(n);
    assert.equal(a.name, n);
    assert.equal(getAnalyzer(n), a, "cached");
    assert.ok(Array.isArray(analyzeToTerms(a, "Hello, world! 3.14")));
  }
  assert.equal(getAnalyzer("english", { stemmer: "none" }), getAnalyzer("english-nostem"));
  assert.equal(getAnalyzer("german", { stopWords: false }).name, "german-nostop");
  assert.equal(getAnalyzer("english-nostem-nostop").name, "english-nostem-nostop");
  assert.equal(getAnalyzer("English").name, "english");
});

test("registry: what each basic analyzer does", () => {
  assert.deepEqual(analyzeToTerms(getAnalyzer("english"), "The Running Foxes"), ["run", "fox"]);
  assert.deepEqual(analyzeToTerms(getAnalyzer("english-nostem"), "The Running Foxes"), ["running", "foxes"]);
  assert.deepEqual(analyzeToTerms(getAnalyzer("english-nostop"), "The Running Foxes"), ["the", "run", "fox"]);
  assert.deepEqual(analyzeToTerms(getAnalyzer("standard"), "The Running Foxes' U.S.A."), ["the", "running", "foxes", "u.s.a"]);
  assert.deepEqual(analyzeToTerms(getAnalyzer("whitespace"), " The  Running\tFoxes' "), ["The", "Running", "Foxes'"]);
});

test("registry: unknown names and options are InvalidArgumentError listing the known analyzers", () => {
  assert.throws(() => getAnalyzer("klingon"), (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.equal(e.code, "INVALID_ARGUMENT");
    assert.match(e.message, /"klingon"/);
    assert.match(e.message, /english, english-nostem/);
    return true;
  });
  assert.throws(() => getAnalyzer("standard-nostem"), InvalidArgumentError);
  assert.throws(() => getAnalyzer("chinese", { stemmer: "none" }), InvalidArgumentError);
  assert.throws(() => getAnalyzer("english", { stemmer: "krovetz" as "porter" }), InvalidArgumentError);
});
