/**
 * Analyzers by name. The name fully determines the analysis (it is what an
 * index manifest stores), so options passed to getAnalyzer are folded into
 * the returned analyzer's name: getAnalyzer("english", { stemmer: "none" })
 * is getAnalyzer("english-nostem").
 *
 * Names:
 *   english            Anserini's default: Lucene StandardTokenizer, possessive
 *                      filter, lowercase, Lucene's 33 stop words, Porter stemmer
 *   standard           StandardTokenizer + lowercase (no stop words, no stemming)
 *   whitespace         split at whitespace, case kept (Lucene's WhitespaceAnalyzer)
 *   danish dutch finnish french german hungarian indonesian italian norwegian
 *   portuguese romanian russian spanish swedish turkish
 *                      StandardTokenizer + lowercase (+ elision) + Snowball stop
 *                      words + Snowball stemmer
 *   chinese japanese thai
 *                      ICU dictionary word segmentation, lowercase
 * English and the Snowball languages take the suffixes "-nostem" (no stemming)
 * and "-nostop" (keep stop words), in that order: "english-nostem",
 * "german-nostop", "english-nostem-nostop".
 */
import type { Analyzer } from "./analyzer.js";
import { InvalidArgumentError } from "../core/errors.js";
import { CJK_LANGUAGES, CjkAnalyzer } from "./cjk-analyzer.js";
import { createEnglishAnalyzer } from "./english-analyzer.js";
import { FilteringAnalyzer } from "./filtering-analyzer.js";
import { SNOWBALL_LANGUAGES, createSnowballAnalyzer } from "./snowball-analyzer.js";
import { WhitespaceAnalyzer } from "./whitespace-analyzer.js";

export interface AnalyzerOptions {
  /** "porter"/"snowball" (the language's stemmer, default) or "none". */
  stemmer?: "porter" | "snowball" | "none";
  /** Remove the language's stop words (default true). */
  stopWords?: boolean;
}

const STEMMED_LANGUAGES: readonly string[] = ["english", ...SNOWBALL_LANGUAGES];
const OTHER_ANALYZERS: readonly string[] = ["standard", "whitespace", ...Object.keys(CJK_LANGUAGES)];

const cache = new Map<string, Analyzer>();

/** Base analyzer names, sorted (suffixes -nostem / -nostop apply to the stemmed languages). */
export function listAnalyzers(): string[] {
  return [...STEMMED_LANGUAGES, ...OTHER_ANALYZERS, "english-nostem"].sort();
}

function unknown(name: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `unknown analyzer ${JSON.stringify(name)}; known analyzers: ${listAnalyzers().join(", ")} ` +
      `(English and Snowball languages also take the suffixes -nostem and -nostop, e.g. "english-nostem")`,
  );
}

interface ParsedName {
  base: string;
  stem: boolean;
  stop: boolean;
}

function parseName(name: string): ParsedName | undefined {
  let base = name.trim().toLowerCase();
  let stem = true;
  let stop = true;
  if (base.endsWith("-nostop")) {
    stop = false;
    base = base.slice(0, -"-nostop".length);
  }
  if (base.endsWith("-nostem")) {
    stem = false;
    base = base.slice(0, -"-nostem".length);
  }
  if (STEMMED_LANGUAGES.includes(base)) return { base, stem, stop };
  if (stem && stop && OTHER_ANALYZERS.includes(base)) return { base, stem, stop };
  return undefined;
}

function canonicalName(p: ParsedName): string {
  return p.base + (p.stem ? "" : "-nostem") + (p.stop ? "" : "-nostop");
}

/**
 * The analyzer called `name` (see the module doc for names), shared and
 * cached. Throws InvalidArgumentError for an unknown name or an option that
 * the analyzer does not have.
 */
export function getAnalyzer(name: string, options: AnalyzerOptions = {}): Analyzer {
  if (typeof name !== "string") throw unknown(String(name));
  const parsed = parseName(name);
  if (parsed === undefined) throw unknown(name);
  const stemmed = STEMMED_LANGUAGES.includes(parsed.base);
  if (options.stemmer !== undefined) {
    if (!stemmed) throw new InvalidArgumentError(`analyzer "${parsed.base}" has no stemmer option`);
    if (options.stemmer === "none") parsed.stem = false;
    else if (options.stemmer !== "porter" && options.stemmer !== "snowball") {
      throw new InvalidArgumentError(
        `stemmer must be "porter", "snowball" or "none", got ${JSON.stringify(options.stemmer)}`,
      );
    }
  }
  if (options.stopWords !== undefined) {
    if (!stemmed) throw new InvalidArgumentError(`analyzer "${parsed.base}" has no stop-word option`);
    if (options.stopWords === false) parsed.stop = false;
  }
  const canonical = canonicalName(parsed);
  let analyzer = cache.get(canonical);
  if (analyzer === undefined) {
    analyzer = build(parsed, canonical);
    cache.set(canonical, analyzer);
  }
  return analyzer;
}

function build(p: ParsedName, name: string): Analyzer {
  if (p.base === "english") {
    return createEnglishAnalyzer({ name, stemmer: p.stem ? "porter" : "none", stopWords: p.stop });
  }
  if (SNOWBALL_LANGUAGES.includes(p.base)) {
    return createSnowballAnalyzer(p.base, { name, stem: p.stem, stopWords: p.stop });
  }
  if (p.base === "standard") return new FilteringAnalyzer({ name });
  if (p.base === "whitespace") return new WhitespaceAnalyzer(name);
  return new CjkAnalyzer(p.base, { name });
}
