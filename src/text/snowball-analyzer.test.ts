import { test } from "node:test";
import assert from "node:assert/strict";
import { analyzeToTerms } from "./analyzer.js";
import { createSnowballAnalyzer, SNOWBALL_LANGUAGES } from "./snowball-analyzer.js";
import { InvalidArgumentError } from "../core/errors.js";

const terms = (language: string, text: string): string[] => analyzeToTerms(createSnowballAnalyzer(language), text);

test("Snowball analyzers: known stems and stop words per language", () => {
  // Stems from the Snowball algorithms' published examples and vocabularies.
  assert.deepEqual(terms("german", "Die Häuser und die Bücher des Kindes aufeinanderfolgenden Straße"), [
    "haus", "buch", "kind", "aufeinanderfolg", "strass",
  ]);
  assert.deepEqual(terms("french", "Les chanteuses continuellement nationalité"), ["chanteux", "continuel", "national"]);
  assert.deepEqual(terms("spanish", "Las chicas chiquita nacionalidad"), ["chic", "chiquit", "nacional"]);
  assert.deepEqual(terms("portuguese", "Os corações das meninas"), ["coraçõ", "menin"]);
  assert.deepEqual(terms("italian", "gli abbandonata nazionalità"), ["abbandon", "nazional"]);
  assert.deepEqual(terms("russian", "Книгами и красивая национальности"), ["книг", "красив", "национальн"]);
  assert.deepEqual(terms("dutch", "De huizen en katten"), ["huiz", "kat"]);
  assert.deepEqual(terms("swedish", "Katterna och husen"), ["katt", "hus"]);
  assert.deepEqual(terms("danish", "katte og husene"), ["kat", "hus"]);
});

test("Snowball analyzers: French and Italian elision, Turkish lowercasing", () => {
  assert.deepEqual(terms("french", "L'avion d’Air France, qu'il"), ["avion", "air", "franc"]);
  assert.deepEqual(terms("italian", "Dell'amore nell’anima"), ["amor", "anim"]);
  assert.deepEqual(terms("turkish", "KITAPLAR İSTANBUL"), ["kıtap", "istanbul"]);
});

test("Snowball analyzers: options and errors", () => {
  assert.ok(SNOWBALL_LANGUAGES.length >= 15);
  const nostem = createSnowballAnalyzer("german", { stem: false });
  assert.equal(nostem.name, "german-nostem");
  assert.deepEqual(analyzeToTerms(nostem, "Die Häuser"), ["häuser"]);
  const keep = createSnowballAnalyzer("german", { stopWords: false });
  assert.deepEqual(analyzeToTerms(keep, "Die Häuser"), ["die", "haus"]);
  assert.throws(() => createSnowballAnalyzer("klingon"), (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.match(e.message, /klingon/);
    assert.match(e.message, /german/);
    return true;
  });
});
