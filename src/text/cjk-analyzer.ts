/**
 * Chinese, Japanese and Thai word segmentation with ICU's dictionaries via
 * `Intl.Segmenter` (what Lucene's ICUTokenizer does), lowercasing Latin parts.
 *
 * ICU's cost grows with input length, so the text is first cut into short
 * pieces at whitespace and at punctuation that always ends a word (CJK
 * sentence and clause marks, brackets, quotes, ...) and each piece is
 * segmented alone. Characters that can join words under UAX#29 (. , ' : ; _
 * and their typographic variants) do not cut pieces, so "3.14" or "U.S.A"
 * stay one term. Pieces with full-width or half-width forms are NFKC-folded
 * first (like Lucene's CJKWidthFilter: "ＡＢＣ" -> "abc", "ｶﾀｶﾅ" -> "カタカナ").
 *
 * No stop words and no stemming. Positions are one per emitted term.
 */
import type { Analyzer, TermSink } from "./analyzer.js";
import { InvalidArgumentError } from "../core/errors.js";
import { javaLowerCase } from "./lowercase.js";
import { wordSegmenter } from "./standard-tokenizer.js";

/** Locales for which this analyzer is meant (any Intl locale works). */
export const CJK_LANGUAGES: Readonly<Record<string, string>> = Object.freeze({
  chinese: "zh",
  japanese: "ja",
  thai: "th",
});

/** Pieces longer than this are cut (at a code point boundary) before segmenting. */
const MAX_PIECE = 512;
const MAX_TERM = 255;

/**
 * True for characters that always end a word and never join one: whitespace
 * and punctuation other than the UAX#29 mid/connector characters.
 */
function isBreak(c: number): boolean {
  if (c < 0x80) {
    // ASCII: whitespace and punctuation, except ' , . : ; _ which can sit inside words.
    if (c <= 0x20 || c === 0x7f) return true;
    if (c === 0x27 || c === 0x2c || c === 0x2e || c === 0x3a || c === 0x3b || c === 0x5f) return false;
    return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
  }
  if (c >= 0x3000 && c <= 0x3003) return true; // ideographic space, 、 。 〃
  if (c >= 0x3008 && c <= 0x3011) return true; // 〈 〉 《 》 「 」 『 』 【 】
  if (c >= 0x3014 && c <= 0x301f) return true; // 〔 〕 ... 〝 〞 〟
  if (c === 0xff01 || c === 0xff08 || c === 0xff09 || c === 0xff1f) return true; // ！ （ ） ？
  if (c === 0xff0c || c === 0xff1a || c === 0xff1b) return true; // ， ： ； (full-width, always break in CJK text)
  if (c === 0x00a0 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x205f) return true;
  if (c >= 0x2010 && c <= 0x2017) return true; // dashes
  if (c >= 0x201c && c <= 0x201f) return true; // double quotes
  if (c === 0x2026 || c === 0x00ab || c === 0x00bb) return true; // … « »
  return false;
}

const WIDTH_FORMS = /[\uFF00-\uFFEF]/;

export interface CjkAnalyzerOptions {
  /** Registry name; default the language name. */
  name?: string;
}

/** Dictionary-based segmentation for Chinese, Japanese or Thai (or any Intl locale). */
export class CjkAnalyzer implements Analyzer {
  readonly name: string;
  private readonly locale: string;
  private segmenter: Intl.Segmenter | null = null;

  constructor(languageOrLocale: string, options: CjkAnalyzerOptions = {}) {
    const locale = Object.prototype.hasOwnProperty.call(CJK_LANGUAGES, languageOrLocale)
      ? CJK_LANGUAGES[languageOrLocale]
      : languageOrLocale;
    try {
      new Intl.Locale(locale);
    } catch {
      throw new InvalidArgumentError(
        `unknown CJK language or locale ${JSON.stringify(languageOrLocale)}; expected one of: ${Object.keys(CJK_LANGUAGES).join(", ")} or a BCP 47 tag`,
      );
    }
    this.locale = locale;
    this.name = options.name ?? languageOrLocale;
  }

  analyze(text: string, sink: TermSink): number {
    this.segmenter ??= wordSegmenter(this.locale);
    let pos = 0;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (isBreak(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (i < n && i - start < MAX_PIECE && !isBreak(text.charCodeAt(i))) i++;
      // Do not cut a surrogate pair when a piece hits MAX_PIECE.
      if (i < n && i > start + 1 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800) i--;
      let piece = text.slice(start, i);
      if (WIDTH_FORMS.test(piece)) piece = piece.normalize("NFKC");
      for (const seg of this.segmenter.segment(piece)) {
        if (seg.isWordLike !== true) continue;
        let term = javaLowerCase(seg.segment);
        if (term.length > MAX_TERM) term = term.slice(0, MAX_TERM);
        sink(term, pos++);
      }
    }
    return pos;
  }
}

/** Creates the analyzer for "chinese", "japanese", "thai" (or a BCP 47 locale). */
export function createCjkAnalyzer(language: string, options: CjkAnalyzerOptions = {}): Analyzer {
  return new CjkAnalyzer(language, options);
}
