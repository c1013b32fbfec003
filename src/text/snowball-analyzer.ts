/**
 * Analyzers for European languages, in the shape of Lucene's SnowballAnalyzer:
 *
 *   StandardTokenizer -> LowerCaseFilter -> [ElisionFilter: French, Italian]
 *     -> StopFilter(language's Snowball stop list) -> Snowball stemmer
 *
 * Stemmers come from @orama/stemmers (generated from the Snowball algorithms;
 * ~10x faster than snowball-stemmers and identical on our checks) and stop
 * words from @orama/stopwords (the Snowball lists, except Spanish: see
 * docs/text-analysis.md). Lucene's own per-language analyzers differ in their
 * stemmers (e.g. GermanAnalyzer uses GermanLightStemFilter, FrenchAnalyzer
 * FrenchLightStemFilter), so these are not term-for-term Lucene clones; they
 * match Lucene with a SnowballFilter of the same language.
 */
import { stemmer as danishStem } from "@orama/stemmers/danish";
import { stemmer as dutchStem } from "@orama/stemmers/dutch";
import { stemmer as finnishStem } from "@orama/stemmers/finnish";
import { stemmer as frenchStem } from "@orama/stemmers/french";
import { stemmer as germanStem } from "@orama/stemmers/german";
import { stemmer as hungarianStem } from "@orama/stemmers/hungarian";
import { stemmer as indonesianStem } from "@orama/stemmers/indonesian";
import { stemmer as italianStem } from "@orama/stemmers/italian";
import { stemmer as norwegianStem } from "@orama/stemmers/norwegian";
import { stemmer as portugueseStem } from "@orama/stemmers/portuguese";
import { stemmer as romanianStem } from "@orama/stemmers/romanian";
import { stemmer as russianStem } from "@orama/stemmers/russian";
import { stemmer as spanishStem } from "@orama/stemmers/spanish";
import { stemmer as swedishStem } from "@orama/stemmers/swedish";
import { stemmer as turkishStem } from "@orama/stemmers/turkish";
import { stopwords as danishStop } from "@orama/stopwords/danish";
import { stopwords as dutchStop } from "@orama/stopwords/dutch";
import { stopwords as finnishStop } from "@orama/stopwords/finnish";
import { stopwords as frenchStop } from "@orama/stopwords/french";
import { stopwords as germanStop } from "@orama/stopwords/german";
import { stopwords as hungarianStop } from "@orama/stopwords/hungarian";
import { stopwords as indonesianStop } from "@orama/stopwords/indonesian";
import { stopwords as italianStop } from "@orama/stopwords/italian";
import { stopwords as norwegianStop } from "@orama/stopwords/norwegian";
import { stopwords as portugueseStop } from "@orama/stopwords/portuguese";
import { stopwords as romanianStop } from "@orama/stopwords/romanian";
import { stopwords as russianStop } from "@orama/stopwords/russian";
import { stopwords as spanishStop } from "@orama/stopwords/spanish";
import { stopwords as swedishStop } from "@orama/stopwords/swedish";
import { stopwords as turkishStop } from "@orama/stopwords/turkish";
import type { Analyzer } from "./analyzer.js";
import { InvalidArgumentError } from "../core/errors.js";
import { FilteringAnalyzer } from "./filtering-analyzer.js";

/** Lucene's FrenchAnalyzer.DEFAULT_ARTICLES (ElisionFilter). */
export const FRENCH_ELISION_ARTICLES: readonly string[] = Object.freeze([
  "l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu",
]);

/** Lucene's ItalianAnalyzer.DEFAULT_ARTICLES (ElisionFilter). */
export const ITALIAN_ELISION_ARTICLES: readonly string[] = Object.freeze([
  "c", "l", "all", "dall", "dell", "nell", "sull", "coll", "pell",
  "gl", "agl", "dagl", "degl", "negl", "sugl", "un", "m", "t", "s", "v", "d",
]);

interface LanguageSpec {
  stem: (word: string) => string;
  stopWords: readonly string[];
  /** BCP 47 tag, for Intl.Segmenter and locale-sensitive lowercasing. */
  locale: string;
  elision?: readonly string[];
  /** Lowercasing that differs from Java's default (Turkish dotted/dotless i). */
  lowercase?: (s: string) => string;
}

const LANGUAGES: Readonly<Record<string, LanguageSpec>> = {
  danish: { stem: danishStem, stopWords: danishStop, locale: "da" },
  dutch: { stem: dutchStem, stopWords: dutchStop, locale: "nl" },
  finnish: { stem: finnishStem, stopWords: finnishStop, locale: "fi" },
  french: { stem: frenchStem, stopWords: frenchStop, locale: "fr", elision: FRENCH_ELISION_ARTICLES },
  german: { stem: germanStem, stopWords: germanStop, locale: "de" },
  hungarian: { stem: hungarianStem, stopWords: hungarianStop, locale: "hu" },
  indonesian: { stem: indonesianStem, stopWords: indonesianStop, locale: "id" },
  italian: { stem: italianStem, stopWords: italianStop, locale: "it", elision: ITALIAN_ELISION_ARTICLES },
  norwegian: { stem: norwegianStem, stopWords: norwegianStop, locale: "nb" },
  portuguese: { stem: portugueseStem, stopWords: portugueseStop, locale: "pt" },
  romanian: { stem: romanianStem, stopWords: romanianStop, locale: "ro" },
  russian: { stem: russianStem, stopWords: russianStop, locale: "ru" },
  spanish: { stem: spanishStem, stopWords: spanishStop, locale: "es" },
  swedish: { stem: swedishStem, stopWords: swedishStop, locale: "sv" },
  turkish: {
    stem: turkishStem,
    stopWords: turkishStop,
    locale: "tr",
    lowercase: (s) => s.toLocaleLowerCase("tr"),
  },
};

/** Languages with a Snowball analyzer, sorted. */
export const SNOWBALL_LANGUAGES: readonly string[] = Object.freeze(Object.keys(LANGUAGES).sort());

export interface SnowballAnalyzerOptions {
  /** Registry name; default the language name ("german"), or "<language>-nostem". */
  name?: string;
  /** Apply the Snowball stemmer (default true). */
  stem?: boolean;
  /** true (default): the language's stop list; false: keep all; or a custom list. */
  stopWords?: boolean | readonly string[];
  /** Lucene's maxTokenLength (default 255). */
  maxTokenLength?: number;
}

/** Creates the analyzer for `language` (one of SNOWBALL_LANGUAGES). */
export function createSnowballAnalyzer(language: string, options: SnowballAnalyzerOptions = {}): Analyzer {
  const spec = Object.prototype.hasOwnProperty.call(LANGUAGES, language) ? LANGUAGES[language] : undefined;
  if (spec === undefined) {
    throw new InvalidArgumentError(
      `no Snowball analyzer for language ${JSON.stringify(language)}; expected one of: ${SNOWBALL_LANGUAGES.join(", ")}`,
    );
  }
  const stem = options.stem ?? true;
  const sw = options.stopWords ?? true;
  return new FilteringAnalyzer({
    name: options.name ?? (stem ? language : `${language}-nostem`),
    lowercase: spec.lowercase,
    elisionArticles: spec.elision,
    stopWords: sw === true ? spec.stopWords : sw === false ? [] : sw,
    stem: stem ? spec.stem : undefined,
    maxTokenLength: options.maxTokenLength,
    locale: spec.locale,
  });
}
