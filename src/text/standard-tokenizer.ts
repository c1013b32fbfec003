/**
 * A tokenizer that reproduces Lucene's StandardTokenizer: Unicode UAX#29 word
 * boundaries, emitting only word-like tokens ("U.S.A", "3.14", "Lucene's",
 * "foo_bar", "1,000" stay single tokens; punctuation and spaces are dropped).
 *
 * Two paths give the same tokens:
 *  - a hand-written scanner implementing the UAX#29 rules that matter for
 *    ASCII (ALetter, Numeric, ExtendNumLet "_", MidLetter ":", MidNumLet ".",
 *    Single_Quote "'", MidNum "," ";") and, from a table derived from Unicode
 *    properties, for Latin, Greek and Cyrillic letters, combining marks,
 *    typographic apostrophes, dashes, quotes and math symbols (WB4: Extend and
 *    Format characters ride along with the character before them);
 *  - `Intl.Segmenter` (ICU's UAX#29) for whitespace-separated chunks holding
 *    any other character (CJK, Thai, Hebrew, Arabic, emoji, ...). UAX#29
 *    always breaks around ASCII whitespace, so segmenting each such chunk
 *    alone gives the same boundaries as segmenting the whole text, and ICU's
 *    cost, which grows with input length, stays low.
 * Tests check the scanner against pure `Intl.Segmenter` on real corpora, on
 * every character of the table in many contexts, and on random strings.
 *
 * Where Lucene's grammar and ICU differ, the output follows Lucene:
 *  - a run of only ExtendNumLet characters ("__") is not a token;
 *  - Han ideographs and Hiragana are emitted one character per token, and
 *    Katakana runs as one token (ICU would use its CJ dictionary);
 *  - runs of South-East Asian letters (Thai, Lao, Myanmar, Khmer, Tai scripts)
 *    are kept as one token (ICU would use its dictionaries);
 *  - emoji (Extended_Pictographic characters such as "©" or "😀", flags,
 *    keycaps, emoji sequences as ICU groups them) are tokens, as Lucene's
 *    <EMOJI> type.
 * Tokens longer than `maxTokenLength` (default 255 UTF-16 code units) are
 * chopped as Lucene does: the ASCII scanner emits the longest valid token that
 * fits in the window and resumes scanning right after it (as Lucene's JFlex
 * scanner, whose buffer is that long); tokens from the ICU path are cut every
 * `maxTokenLength` code units.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { TokenBuffer } from "./token-buffer.js";

/** Lucene's StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH. */
export const DEFAULT_MAX_TOKEN_LENGTH = 255;
/** Lucene's StandardTokenizer.MAX_TOKEN_LENGTH_LIMIT. */
export const MAX_TOKEN_LENGTH_LIMIT = 1024 * 1024;

// ---------------------------------------------------------------------------
// Hand-written scanner

const LETTER = 1; // WB=ALetter
const DIGIT = 2; // WB=Numeric
const ENL = 4; // WB=ExtendNumLet
const MID_LETTER = 8; // joins letter ? letter: MidLetter, MidNumLet, Single_Quote
const MID_NUM = 16; // joins digit ? digit: MidNum, MidNumLet, Single_Quote
const EXTEND = 32; // WB=Extend | Format: transparent after another character (WB4)
const SLOW = 64; // not handled by the scanner: the chunk goes to Intl.Segmenter
const CORE = 128; // a letter or digit that makes its segment a token (not only "_" or modifier symbols)
const WORD_CHAR = LETTER | DIGIT | ENL;
const ALNUM = CORE;

/**
 * Word_Break classes of U+0000..U+22FF for the scanner. ASCII is written out;
 * Latin-1, Latin Extended, IPA, Greek, Cyrillic, Latin Extended Additional,
 * Greek Extended, General Punctuation, letterlike symbols, arrows and math
 * operators are derived from Unicode properties (a test checks every one of
 * them against Intl.Segmenter). Hebrew and everything from U+0530 to U+1DFF
 * (scripts with special rules or dictionaries) and all emoji-related
 * characters are SLOW.
 */
const TABLE_SIZE = 0x2300;
const TABLE = new Uint8Array(TABLE_SIZE);
fillAscii(TABLE);
let tableComplete = false;

function fillAscii(t: Uint8Array): void {
  for (let c = 65; c <= 90; c++) t[c] = LETTER | CORE;
  for (let c = 97; c <= 122; c++) t[c] = LETTER | CORE;
  for (let c = 48; c <= 57; c++) t[c] = DIGIT | CORE;
  t[0x5f] = ENL; // _
  t[0x3a] = MID_LETTER; // :  MidLetter
  t[0x2e] = MID_LETTER | MID_NUM; // .  MidNumLet
  t[0x27] = MID_LETTER | MID_NUM; // '  Single_Quote
  t[0x2c] = MID_NUM; // ,  MidNum
  t[0x3b] = MID_NUM; // ;  MidNum
}

/** Fills the non-ASCII part of TABLE on first use (compiling the Unicode regexes costs ~15 ms). */
function completeTable(): void {
  if (tableComplete) return;
  tableComplete = true;
  const t = TABLE;
  const emoji = /[\p{Extended_Pictographic}\p{Emoji_Component}\u20E3]/u;
  const extend = /[\p{M}\p{Cf}]/u;
  const digit = /\p{Nd}/u;
  const letter = /\p{Alphabetic}/u;
  // Word_Break=ALetter beyond Alphabetic: some spacing modifier symbols. They
  // join letters, but ICU does not report a segment of only them as word-like.
  const weakLetter = /[\u00B8\u02C2-\u02C5\u02D2-\u02D7\u02DE\u02DF\u02E5-\u02EB\u02ED\u02EF-\u02FF]/u;
  for (let c = 0x80; c < TABLE_SIZE; c++) {
    if (c >= 0x530 && c < 0x1e00) {
      t[c] = SLOW;
      continue;
    }
    const ch = String.fromCharCode(c);
    let k = 0;
    if (c === 0x200d || emoji.test(ch)) k = SLOW;
    else if (c === 0x202f || c === 0x203f || c === 0x2040 || c === 0x2054) k = ENL;
    else if (c === 0x2018 || c === 0x2019 || c === 0x2024) k = MID_LETTER | MID_NUM; // MidNumLet
    else if (c === 0xb7 || c === 0x387 || c === 0x2027) k = MID_LETTER;
    else if (c === 0x37e || c === 0x2044) k = MID_NUM;
    else if (c === 0x200b || c === 0x2028 || c === 0x2029) k = 0; // ZWSP is Other; LS/PS are Newline
    else if (extend.test(ch)) k = EXTEND;
    else if (digit.test(ch)) k = DIGIT | CORE;
    else if (letter.test(ch)) k = LETTER | CORE;
    else if (weakLetter.test(ch)) k = LETTER;
    t[c] = k;
  }
}

// eslint-disable-next-line no-control-regex -- the range is the point
const NON_ASCII = /[^\x00-\x7F]/;

function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Scans text[from, to), which holds only ASCII characters, and appends the
 * word-like UAX#29 segments to `out`.
 */
function scanAscii(text: string, from: number, to: number, out: TokenBuffer, max: number): void {
  let i = from;
  while (i < to) {
    let k = TABLE[text.charCodeAt(i)];
    if ((k & WORD_CHAR) === 0) {
      i++;
      continue;
    }
    const start = i;
    let alnum = false;
    let prev = 0;
    for (;;) {
      if ((k & WORD_CHAR) !== 0) {
        // WB5, WB8, WB9, WB10, WB13a, WB13b: letters, digits and "_" glue.
        if ((k & ALNUM) !== 0) alnum = true;
        prev = k;
        if (++i >= to) break;
        k = TABLE[text.charCodeAt(i)];
        continue;
      }
      // WB6/WB7 (letter mid letter) and WB11/WB12 (digit mid digit).
      if ((k & (MID_LETTER | MID_NUM)) !== 0 && i + 1 < to) {
        const next = TABLE[text.charCodeAt(i + 1)];
        if (
          ((k & MID_LETTER) !== 0 && (prev & LETTER) !== 0 && (next & LETTER) !== 0) ||
          ((k & MID_NUM) !== 0 && (prev & DIGIT) !== 0 && (next & DIGIT) !== 0)
        ) {
          i++;
          k = next;
          continue;
        }
      }
      break;
    }
    // A segment of only "_" is word-like for ICU but not a token for Lucene.
    if (!alnum) continue;
    if (i - start <= max) out.push(start, i);
    else i = pushLong(text, start, out, max);
  }
}

/**
 * The same scanner for text[from, to) whose characters are all in TABLE and
 * not SLOW; it also lets Extend/Format characters ride along (WB4).
 */
function scanTable(text: string, from: number, to: number, out: TokenBuffer, max: number): void {
  let i = from;
  while (i < to) {
    let k = TABLE[text.charCodeAt(i)];
    if ((k & WORD_CHAR) === 0) {
      i++; // Other, a mid character or an Extend after one of them: no token starts here
      continue;
    }
    const start = i;
    let alnum = false;
    let prev = 0;
    for (;;) {
      if ((k & WORD_CHAR) !== 0) {
        if ((k & ALNUM) !== 0) alnum = true;
        prev = k;
        i++;
        while (i < to && ((k = TABLE[text.charCodeAt(i)]) & EXTEND) !== 0) i++;
        if (i >= to) break;
        continue;
      }
      if ((k & (MID_LETTER | MID_NUM)) !== 0) {
        let j = i + 1;
        while (j < to && (TABLE[text.charCodeAt(j)] & EXTEND) !== 0) j++;
        if (j < to) {
          const next = TABLE[text.charCodeAt(j)];
          if (
            ((k & MID_LETTER) !== 0 && (prev & LETTER) !== 0 && (next & LETTER) !== 0) ||
            ((k & MID_NUM) !== 0 && (prev & DIGIT) !== 0 && (next & DIGIT) !== 0)
          ) {
            i = j;
            k = next;
            continue;
          }
        }
      }
      break;
    }
    if (!alnum) continue;
    if (i - start <= max) out.push(start, i);
    else i = pushLong(text, start, out, max);
  }
}

/**
 * A segment starting at `start` is longer than `max`. Like Lucene's JFlex
 * scanner, whose buffer holds `max` characters, emit the longest valid token
 * within the window and return where scanning resumes.
 */
function pushLong(text: string, start: number, out: TokenBuffer, max: number): number {
  let cut = start + max;
  // A token cannot end on a mid character (plus its Extend characters).
  let e = cut;
  while (e > start + 1 && (TABLE[text.charCodeAt(e - 1)] & EXTEND) !== 0) e--;
  if ((TABLE[text.charCodeAt(e - 1)] & WORD_CHAR) === 0) cut = e - 1;
  for (let i = start; i < cut; i++) {
    if ((TABLE[text.charCodeAt(i)] & ALNUM) !== 0) {
      out.push(start, cut);
      return cut;
    }
  }
  // Only "_" in the window: no rule matches; the scanner drops one character.
  return start + 1;
}

// ---------------------------------------------------------------------------
// ICU path with Lucene's adjustments

const segmenters = new Map<string, Intl.Segmenter>();

/** A cached word segmenter for `locale`. */
export function wordSegmenter(locale: string): Intl.Segmenter {
  let s = segmenters.get(locale);
  if (s === undefined) {
    s = new Intl.Segmenter(locale, { granularity: "word" });
    segmenters.set(locale, s);
  }
  return s;
}

const SA_SCRIPTS =
  "\\p{sc=Thai}\\p{sc=Lao}\\p{sc=Myanmar}\\p{sc=Khmer}\\p{sc=Tai_Le}\\p{sc=New_Tai_Lue}\\p{sc=Tai_Tham}\\p{sc=Tai_Viet}";
// Word_Break=Katakana: the Katakana script plus a few Common/Inherited marks.
const KATAKANA_CHARS = "\\p{sc=Katakana}\\u3031-\\u3035\\u309B\\u309C\\u30A0\\u30FC\\uFF70";
/** Segments that need Lucene's CJK / South-East Asian handling. */
const SPECIAL_RE = new RegExp(`[\\p{sc=Han}\\p{sc=Hiragana}${KATAKANA_CHARS}${SA_SCRIPTS}]`, "u");
const HAN_RE = /^\p{sc=Han}/u;
const HIRAGANA_RE = /^\p{sc=Hiragana}/u;
const KATAKANA_RE = new RegExp(`^[${KATAKANA_CHARS}]`, "u");
const SA_RE = new RegExp(`^(?=[\\p{L}\\p{M}])[${SA_SCRIPTS}]`, "u");
/** WB=Extend | Format | ZWJ (approximately). */
const EXTEND_RE = /^[\p{M}\p{Cf}\u{1F3FB}-\u{1F3FF}]/u;
const ENL_RE = /^[\p{Pc}\u202F]/u;
/** A word-like segment is a Lucene token only if it holds a letter or number. */
const HAS_CORE_RE = /[\p{L}\p{N}]/u;
/** Lucene's <EMOJI> rule, applied to ICU's non-word segments. */
const EMOJI_RE = /^\u200D*(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3)/u;

const K_OTHER = 0;
const K_HAN = 1;
const K_HIRAGANA = 2;
const K_KATAKANA = 3;
const K_SA = 4;
const K_EXTEND = 5;
const K_ENL = 6;

function classify(text: string, i: number): number {
  const ch = String.fromCodePoint(text.codePointAt(i) as number);
  if (HAN_RE.test(ch)) return K_HAN;
  if (HIRAGANA_RE.test(ch)) return K_HIRAGANA;
  if (KATAKANA_RE.test(ch)) return K_KATAKANA;
  if (SA_RE.test(ch)) return K_SA;
  if (EXTEND_RE.test(ch)) return K_EXTEND;
  if (ENL_RE.test(ch)) return K_ENL;
  return K_OTHER;
}

function charLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
}

/** Turns ICU word segments into Lucene StandardTokenizer tokens. */
class SegmentEmitter {
  private out: TokenBuffer = new TokenBuffer(16);
  private max = DEFAULT_MAX_TOKEN_LENGTH;
  // A pending run of South-East Asian letters [saStart, saEnd), merged across ICU segments.
  private saStart = -1;
  private saEnd = -1;

  private segmenter: Intl.Segmenter | null = null;

  /** `locale` of the Intl.Segmenter, created on first use (creating one costs ~40 ms). */
  constructor(private readonly locale: string) {}

  /** Tokenizes text[from, to) with ICU and appends the tokens to `out`. */
  run(text: string, from: number, to: number, out: TokenBuffer, max: number): void {
    this.out = out;
    this.max = max;
    const piece = from === 0 && to === text.length ? text : text.slice(from, to);
    this.segmenter ??= wordSegmenter(this.locale);
    for (const seg of this.segmenter.segment(piece)) {
      const s = from + seg.index;
      this.segment(text, seg.segment, s, s + seg.segment.length, seg.isWordLike === true);
    }
    this.flushSA();
  }

  private segment(text: string, str: string, s: number, e: number, wordLike: boolean): void {
    if (wordLike) {
      if (SPECIAL_RE.test(str)) {
        this.split(text, s, e);
      } else {
        this.flushSA();
        if (HAS_CORE_RE.test(str)) this.push(text, s, e);
      }
      return;
    }
    if (SPECIAL_RE.test(str) && this.allSA(text, s, e)) {
      this.extendSA(s, e);
      return;
    }
    this.flushSA();
    if (EMOJI_RE.test(str)) this.push(text, s, e);
  }

  private allSA(text: string, s: number, e: number): boolean {
    for (let i = s; i < e; i += charLength(text, i)) {
      const k = classify(text, i);
      if (k !== K_SA && k !== K_EXTEND) return false;
    }
    return true;
  }

  /** Splits an ICU word that holds CJK or South-East Asian characters the way Lucene's grammar does. */
  private split(text: string, s: number, e: number): void {
    let i = s;
    while (i < e) {
      const k = classify(text, i);
      let j = i + charLength(text, i);
      if (k === K_HAN || k === K_HIRAGANA) {
        // One ideograph / hiragana per token (with its combining marks).
        while (j < e && classify(text, j) === K_EXTEND) j += charLength(text, j);
        this.flushSA();
        this.push(text, i, j);
      } else if (k === K_KATAKANA) {
        for (;;) {
          if (j >= e) break;
          const kj = classify(text, j);
          if (kj !== K_KATAKANA && kj !== K_EXTEND && kj !== K_ENL) break;
          j += charLength(text, j);
        }
        this.flushSA();
        this.push(text, i, j);
      } else if (k === K_SA) {
        while (j < e) {
          const kj = classify(text, j);
          if (kj !== K_SA && kj !== K_EXTEND) break;
          j += charLength(text, j);
        }
        this.extendSA(i, j);
      } else if (k === K_EXTEND) {
        // Orphan mark: belongs to the previous run if it was South-East Asian.
        if (this.saEnd === i) this.saEnd = j;
      } else {
        for (;;) {
          if (j >= e) break;
          const kj = classify(text, j);
          if (kj !== K_OTHER && kj !== K_EXTEND && kj !== K_ENL) break;
          j += charLength(text, j);
        }
        this.flushSA();
        if (HAS_CORE_RE.test(text.slice(i, j))) this.push(text, i, j);
      }
      i = j;
    }
  }

  private extendSA(s: number, e: number): void {
    if (this.saEnd === s) {
      this.saEnd = e;
      return;
    }
    this.flushSA();
    this.saStart = s;
    this.saEnd = e;
  }

  private flushSA(): void {
    if (this.saStart >= 0) {
      const s = this.saStart;
      const e = this.saEnd;
      this.saStart = -1;
      this.saEnd = -1;
      this.pushRange(s, e);
    }
  }

  private push(text: string, s: number, e: number): void {
    while (e - s > this.max) {
      let cut = s + this.max;
      const c = text.charCodeAt(cut - 1);
      if (c >= 0xd800 && c <= 0xdbff && cut - 1 > s) cut--; // do not split a surrogate pair
      this.out.push(s, cut);
      s = cut;
    }
    this.out.push(s, e);
  }

  private pushRange(s: number, e: number): void {
    // SA runs are chopped the same way; they carry no surrogates in practice.
    while (e - s > this.max) {
      this.out.push(s, s + this.max);
      s += this.max;
    }
    this.out.push(s, e);
  }
}

// ---------------------------------------------------------------------------
// Public API

export interface StandardTokenizerOptions {
  /** Tokens longer than this (UTF-16 code units) are chopped. Default 255, as Lucene. */
  maxTokenLength?: number;
  /** Locale for `Intl.Segmenter` on non-ASCII chunks. Default "en". */
  locale?: string;
}

function checkMaxTokenLength(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOKEN_LENGTH_LIMIT) {
    throw new InvalidArgumentError(
      `maxTokenLength must be an integer in [1, ${MAX_TOKEN_LENGTH_LIMIT}], got ${String(n)}`,
    );
  }
  return n;
}

/**
 * Lucene's StandardTokenizer (UAX#29 word boundaries). Reusable and not
 * re-entrant: one instance per thread of work (it keeps scratch state).
 */
export class StandardTokenizer {
  readonly maxTokenLength: number;
  private readonly emitter: SegmentEmitter;
  private readonly scratch = new TokenBuffer(256);

  constructor(options: StandardTokenizerOptions = {}) {
    this.maxTokenLength = checkMaxTokenLength(options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH);
    this.emitter = new SegmentEmitter(options.locale ?? "en");
  }

  /**
   * Clears `out` and fills it with the token boundaries of `text` (UTF-16
   * offsets). Returns the number of tokens.
   */
  tokenize(text: string, out: TokenBuffer): number {
    out.clear();
    const n = text.length;
    const max = this.maxTokenLength;
    if (!NON_ASCII.test(text)) {
      scanAscii(text, 0, n, out, max);
      return out.length;
    }
    completeTable();
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (isAsciiSpace(c)) {
        i++;
        continue;
      }
      const start = i;
      let slow = false;
      while (i < n) {
        c = text.charCodeAt(i);
        if (isAsciiSpace(c)) break;
        if (c >= TABLE_SIZE || (TABLE[c] & SLOW) !== 0) slow = true;
        i++;
      }
      if (slow) this.emitter.run(text, start, i, out, max);
      else scanTable(text, start, i, out, max);
    }
    return out.length;
  }

  /** The tokens of `text` as strings (tests, query parsing, debugging). */
  tokens(text: string): string[] {
    const buf = this.scratch;
    const n = this.tokenize(text, buf);
    const result = new Array<string>(n);
    for (let t = 0; t < n; t++) result[t] = text.slice(buf.starts[t], buf.ends[t]);
    return result;
  }
}

/**
 * Reference implementation: the whole text through `Intl.Segmenter` (no ASCII
 * fast path, no chunking) with the same Lucene adjustments. Slow on long
 * texts; used to verify the fast path.
 */
export function segmenterTokens(text: string, options: StandardTokenizerOptions = {}): string[] {
  const max = checkMaxTokenLength(options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH);
  const out = new TokenBuffer(256);
  new SegmentEmitter(options.locale ?? "en").run(text, 0, text.length, out, max);
  const result = new Array<string>(out.length);
  for (let t = 0; t < out.length; t++) result[t] = text.slice(out.starts[t], out.ends[t]);
  return result;
}
