/**
 * Lucene's WhitespaceAnalyzer: splits at whitespace (Java's
 * Character.isWhitespace), keeps case and punctuation. Tokens longer than 255
 * UTF-16 code units are cut, as Lucene's CharTokenizer does. Useful for
 * pre-tokenized text (ids, tags, output of an external tokenizer).
 */
import type { Analyzer, TermSink } from "./analyzer.js";
import { flatCopy } from "./lowercase.js";

const MAX_TOKEN_LENGTH = 255;

/** Java's Character.isWhitespace for a UTF-16 code unit. */
export function isJavaWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x1680) return false;
  // Space separators except the no-break ones (U+00A0 is < 0x1680), line and paragraph separators.
  return c === 0x1680 || (c >= 0x2000 && c <= 0x2006) || (c >= 0x2008 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x205f || c === 0x3000;
}

export class WhitespaceAnalyzer implements Analyzer {
  constructor(readonly name = "whitespace") {}

  analyze(text: string, sink: TermSink): number {
    let pos = 0;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (isJavaWhitespace(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (i < n && i - start < MAX_TOKEN_LENGTH && !isJavaWhitespace(text.charCodeAt(i))) i++;
      sink(flatCopy(text.slice(start, i)), pos++);
    }
    return pos;
  }
}
