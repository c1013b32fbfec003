/**
 * Highlighted matches for search results. A word of a title or abstract is
 * marked when the field's analyzer (the same one the index used) turns it
 * into a term that the query searched for in that field: "Retrieving" is
 * marked for the query `retrieval` because both become "retriev". Words are
 * the tokens of Lucene's StandardTokenizer, as in the index, each analyzed on
 * its own (every filter after the tokenizer works per token, so this gives
 * the indexed terms). Everything else is HTML-escaped, so the result can be
 * inserted into a page as it is.
 */
import type { QueryNode } from "./query-ast.js";
import type { Analyzer } from "../text/analyzer.js";
import { analyzedText } from "../text/word-terms.js";

/** What to mark in one field: exact terms and term prefixes (from `retriev*`). */
export interface MarkedTerms {
  terms: Set<string>;
  prefixes: string[];
}

/**
 * The analyzed terms that `query` searches for in `field`: words and phrases
 * without a field (they search every default text field) or with this field;
 * excluded clauses (`-word`, NOT) are left out.
 */
export function queryTermsFor(query: QueryNode, field: string, analyzer: Analyzer): MarkedTerms {
  const out: MarkedTerms = { terms: new Set(), prefixes: [] };
  const visit = (node: QueryNode): void => {
    switch (node.kind) {
      case "term":
      case "phrase":
        if (node.field === undefined || node.field === field) analyzer.analyze(node.text, (term) => void out.terms.add(term));
        break;
      case "prefix":
        if ((node.field === undefined || node.field === field) && node.prefix.length > 0) out.prefixes.push(node.prefix.toLowerCase());
        break;
      case "bool":
        node.must.forEach(visit);
        node.should.forEach(visit);
        break;
      default:
        break;
    }
  };
  visit(query);
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

/** A text's words (offsets) and which of them the query marks. */
interface MarkedWords {
  starts: Int32Array;
  ends: Int32Array;
  marked: Uint8Array;
  length: number;
}

function markWords(text: string, analyzer: Analyzer, query: MarkedTerms): MarkedWords {
  const { starts, ends, terms } = analyzedText(analyzer, text);
  const n = starts.length;
  const marked = new Uint8Array(n);
  const prefixes = query.prefixes;
  if (query.terms.size > 0 || prefixes.length > 0) {
    for (let t = 0; t < n; t++) {
      const wordTerms = terms[t];
      for (let i = 0; i < wordTerms.length && !marked[t]; i++) {
        const term = wordTerms[i];
        if (query.terms.has(term)) marked[t] = 1;
        else for (let p = 0; p < prefixes.length && !marked[t]; p++) if (term.startsWith(prefixes[p])) marked[t] = 1;
      }
    }
  }
  return { starts, ends, marked, length: n };
}

function render(text: string, words: MarkedWords, from: number, to: number, startChar: number, endChar: number): string {
  let html = "";
  let at = startChar;
  for (let t = from; t < to; t++) {
    if (!words.marked[t]) continue;
    html += escapeHtml(text.slice(at, words.starts[t]));
    html += `<mark>${escapeHtml(text.slice(words.starts[t], words.ends[t]))}</mark>`;
    at = words.ends[t];
  }
  return html + escapeHtml(text.slice(at, endChar));
}

export interface Highlighted {
  /** HTML: escaped text with the matched words in `<mark>`. */
  html: string;
  /** Number of marked words. */
  matches: number;
}

/** The whole text, escaped, with matched words marked. */
export function highlight(text: string, analyzer: Analyzer, marked: MarkedTerms): Highlighted {
  const words = markWords(text, analyzer, marked);
  let matches = 0;
  for (let t = 0; t < words.length; t++) matches += words.marked[t];
  return { html: render(text, words, 0, words.length, 0, text.length), matches };
}

/**
 * A passage of at most about `maxChars` characters around the densest matches
 * (the start of the text when nothing matches), cut at word boundaries, with
 * "…" where text was left out.
 */
export function snippet(text: string, analyzer: Analyzer, marked: MarkedTerms, maxChars = 300): Highlighted {
  if (text.length <= maxChars) return highlight(text, analyzer, marked);
  const words = markWords(text, analyzer, marked);
  const { starts, ends, marked: isMarked, length } = words;
  if (length === 0) return { html: escapeHtml(text.slice(0, maxChars)) + "…", matches: 0 };
  // the window [first, last] of words that fits in maxChars with the most marked words
  let bestFirst = 0;
  let bestCount = -1;
  let last = 0;
  let count = 0;
  for (let first = 0; first < length; first++) {
    if (last < first) {
      last = first;
      count = 0;
    }
    while (last < length && ends[last] - starts[first] <= maxChars) {
      count += isMarked[last];
      last++;
    }
    if (count > bestCount) {
      bestCount = count;
      bestFirst = first;
    }
    count -= isMarked[first];
  }
  // start a little before the first match so the passage reads as a sentence
  let first = bestFirst;
  let firstMark = -1;
  for (let t = bestFirst; t < length; t++) {
    if (isMarked[t]) {
      firstMark = t;
      break;
    }
  }
  if (firstMark > 0) {
    first = firstMark;
    while (first > 0 && starts[firstMark] - starts[first - 1] <= maxChars / 4) first--;
  }
  let end = first;
  while (end < length && ends[end] - starts[first] <= maxChars) end++;
  if (end === first) end = first + 1;
  const startChar = first === 0 ? 0 : starts[first];
  const endChar = end === length ? text.length : ends[end - 1];
  let html = render(text, words, first, end, startChar, endChar);
  if (startChar > 0) html = `…${html}`;
  if (endChar < text.length) html = `${html}…`;
  let matches = 0;
  for (let t = first; t < end; t++) matches += isMarked[t];
  return { html, matches };
}
