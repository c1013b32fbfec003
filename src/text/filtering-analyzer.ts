/**
 * The engine shared by the English and Snowball analyzers: Lucene's
 * StandardTokenizer followed by a fixed chain of token filters
 *
 *   [EnglishPossessiveFilter] -> LowerCaseFilter -> [ElisionFilter]
 *     -> [StopFilter] -> [stemmer]
 *
 * Every filter after the tokenizer depends only on the token's own
 * characters, so the whole chain is a function of the token text and its
 * result is cached. For ASCII tokens the cache is an open-addressing table
 * probed with a hash computed while lowercasing on the fly: a token seen
 * before costs one pass over its characters and no allocation at all. Other
 * tokens go through a Map keyed by the lowercased token.
 *
 * Positions: one per token the tokenizer produced; a removed stop word leaves
 * a gap (Lucene's StopFilter increments the next position).
 */
import type { Analyzer, TermSink } from "./analyzer.js";
import { flatCopy, javaLowerCase } from "./lowercase.js";
import { StandardTokenizer } from "./standard-tokenizer.js";
import { TokenBuffer } from "./token-buffer.js";
import { codesToString } from "./porter-stemmer.js";

export interface FilteringAnalyzerOptions {
  /** Registry name, stored in index manifests. */
  name: string;
  /** Remove a trailing 's / ’s / ＇s (Lucene's EnglishPossessiveFilter). */
  possessive?: boolean;
  /** Lowercase mapping. Default: Java's per-code-point mapping (Lucene's LowerCaseFilter). */
  lowercase?: "default" | ((s: string) => string);
  /** Strip "article + apostrophe" prefixes (Lucene's ElisionFilter), e.g. French l', qu'. */
  elisionArticles?: Iterable<string>;
  /** Lowercase stop words to remove (after lowercasing and elision). */
  stopWords?: Iterable<string>;
  /** Stemmer applied to the lowercased term; identity when absent. */
  stem?: (term: string) => string;
  /** Lucene's maxTokenLength (default 255). */
  maxTokenLength?: number;
  /** Locale for the tokenizer's Intl.Segmenter fallback. Default "en". */
  locale?: string;
  /** Maximum number of cached token -> term results (default 131,072 per table, ~3 MB). */
  cacheSize?: number;
}

/** Marks a token that the chain removes (stop word). Never a real term. */
const REMOVED = "";

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

export class FilteringAnalyzer implements Analyzer {
  readonly name: string;
  private readonly tokenizer: StandardTokenizer;
  private readonly tokens = new TokenBuffer(1024);
  private busy = false;
  private readonly possessive: boolean;
  private readonly lower: (s: string) => string;
  private readonly asciiFastPath: boolean;
  private readonly articles: ReadonlySet<string> | null;
  private readonly stopWords: ReadonlySet<string> | null;
  private readonly stemFn: ((term: string) => string) | null;

  // ASCII token cache: open addressing, linear probing, cleared when full.
  // meta holds 4 ints per slot: hash, chars 0-3, chars 4-7 (8 bits each), length + 1
  // (0 = empty slot). A token of at most 8 characters is compared on meta alone,
  // in one cache line; longer ones also against their key string.
  private readonly maxEntries: number;
  private readonly mask: number;
  private readonly meta: Int32Array;
  private readonly keys: string[];
  private readonly values: string[];
  private entries = 0;
  private keyBuf = new Uint16Array(1024);
  // Cache for tokens with non-ASCII characters.
  private readonly other = new Map<string, string>();

  constructor(options: FilteringAnalyzerOptions) {
    this.name = options.name;
    this.tokenizer = new StandardTokenizer({ maxTokenLength: options.maxTokenLength, locale: options.locale });
    this.possessive = options.possessive === true;
    const lc = options.lowercase;
    this.lower = lc === undefined || lc === "default" ? javaLowerCase : lc;
    // Only the default mapping lowercases ASCII as A-Z -> a-z (Turkish does not).
    this.asciiFastPath = lc === undefined || lc === "default";
    this.articles = options.elisionArticles ? new Set(options.elisionArticles) : null;
    const stop = options.stopWords ? new Set(options.stopWords) : null;
    this.stopWords = stop && stop.size > 0 ? stop : null;
    this.stemFn = options.stem ?? null;

    this.maxEntries = Math.max(16, options.cacheSize ?? 131072);
    let capacity = 32;
    while (capacity < this.maxEntries * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.meta = new Int32Array(capacity * 4);
    this.keys = new Array<string>(capacity).fill(REMOVED);
    this.values = new Array<string>(capacity).fill(REMOVED);
  }

  analyze(text: string, sink: TermSink): number {
    // A sink that analyzes again with this analyzer must not clobber our token buffer.
    const nested = this.busy;
    const buf = nested ? new TokenBuffer(64) : this.tokens;
    this.busy = true;
    try {
      const n = this.tokenizer.tokenize(text, buf);
      const starts = buf.starts;
      const ends = buf.ends;
      for (let t = 0; t < n; t++) {
        const term = this.termOf(text, starts[t], ends[t]);
        if (term !== REMOVED) sink(term, t);
      }
      return n;
    } finally {
      this.busy = nested;
    }
  }

  /** The term for one token text (or "" if the chain removes it). Exposed for tests. */
  analyzeToken(token: string): string {
    return this.termOf(token, 0, token.length);
  }

  private termOf(text: string, s: number, e: number): string {
    if (this.asciiFastPath) {
      // FNV-1a over the lowercased characters; characters 0-3 and 4-7 also packed into lo, hi.
      let h = FNV_OFFSET;
      let lo = 0;
      let hi = 0;
      let i = s;
      for (; i < e; i++) {
        let c = text.charCodeAt(i);
        if (c >= 128) break;
        if (c >= 65 && c <= 90) c += 32;
        h = Math.imul(h ^ c, FNV_PRIME);
        const j = i - s;
        if (j < 4) lo |= c << (j << 3);
        else if (j < 8) hi |= c << ((j - 4) << 3);
      }
      if (i === e) return this.asciiTerm(text, s, e, h, lo, hi);
    }
    return this.otherTerm(text.slice(s, e));
  }

  private asciiTerm(text: string, s: number, e: number, h: number, lo: number, hi: number): string {
    const len = e - s;
    const meta = this.meta;
    let slot = h & this.mask;
    for (;;) {
      const m = slot << 2;
      const stored = meta[m + 3];
      if (stored === 0) break;
      if (stored === len + 1 && meta[m] === h && meta[m + 1] === lo && meta[m + 2] === hi) {
        if (len <= 8 || sameLowercase(this.keys[slot], text, s, len)) return this.values[slot];
      }
      slot = (slot + 1) & this.mask;
    }
    // Miss: build the lowercase key as a fresh flat string.
    if (len > this.keyBuf.length) this.keyBuf = new Uint16Array(len * 2);
    const kb = this.keyBuf;
    for (let i = 0; i < len; i++) {
      let c = text.charCodeAt(s + i);
      if (c >= 65 && c <= 90) c += 32;
      kb[i] = c;
    }
    const key = codesToString(kb, len);
    const value = this.filter(key);
    if (this.entries >= this.maxEntries) {
      this.clearAsciiCache();
      slot = h & this.mask;
    }
    const m = slot << 2;
    meta[m] = h;
    meta[m + 1] = lo;
    meta[m + 2] = hi;
    meta[m + 3] = len + 1;
    this.keys[slot] = len <= 8 ? REMOVED : key;
    this.values[slot] = value;
    this.entries++;
    return value;
  }

  private clearAsciiCache(): void {
    this.meta.fill(0);
    this.keys.fill(REMOVED);
    this.values.fill(REMOVED);
    this.entries = 0;
  }

  private otherTerm(token: string): string {
    const lower = this.lower(token);
    const cached = this.other.get(lower);
    if (cached !== undefined) return cached;
    const key = flatCopy(lower);
    const value = this.filter(key);
    if (this.other.size >= this.maxEntries) this.other.clear();
    this.other.set(key, value);
    return value;
  }

  /** The filters after lowercasing, on a lowercase token. */
  private filter(term: string): string {
    if (this.possessive) term = stripPossessive(term);
    if (this.articles !== null) term = this.elide(term);
    if (this.stopWords !== null && this.stopWords.has(term)) return REMOVED;
    if (this.stemFn !== null) term = this.stemFn(term);
    return term.length === 0 ? REMOVED : term;
  }

  private elide(term: string): string {
    for (let i = 0; i < term.length; i++) {
      const c = term.charCodeAt(i);
      if (c === 0x27 || c === 0x2019) {
        return this.articles!.has(term.slice(0, i)) ? term.slice(i + 1) : term;
      }
    }
    return term;
  }
}

function sameLowercase(key: string, text: string, s: number, len: number): boolean {
  for (let i = 0; i < len; i++) {
    let c = text.charCodeAt(s + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== key.charCodeAt(i)) return false;
  }
  return true;
}

/** Lucene's EnglishPossessiveFilter on a lowercased token. */
export function stripPossessive(term: string): string {
  const n = term.length;
  if (n >= 2 && term.charCodeAt(n - 1) === 115 /* s */) {
    const q = term.charCodeAt(n - 2);
    if (q === 0x27 || q === 0x2019 || q === 0xff07) return term.slice(0, n - 2);
  }
  return term;
}
