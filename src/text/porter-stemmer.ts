/**
 * The Porter stemmer exactly as Lucene's PorterStemFilter applies it
 * (org.apache.lucene.analysis.en.PorterStemmer, itself a port of Martin
 * Porter's reference C implementation, release 3). It keeps that version's
 * departures from the 1980 paper: step 2 maps "bli" -> "ble" (not "abli" ->
 * "able") and adds "logi" -> "log"; words of length <= 2 are left untouched;
 * the guards for "aed"/"eed"/"oed" and for "ion" alone (bugs 1 and 2).
 *
 * Works on UTF-16 code units in a reusable buffer; any code unit other than
 * a, e, i, o, u (and y after a consonant) counts as a consonant, as in Lucene.
 * The input is expected to be lowercased already (Lucene runs LowerCaseFilter
 * before PorterStemFilter).
 */

const A = 97;
const E = 101;
const I = 105;
const O = 111;
const U = 117;
const Y = 121;

/**
 * A reusable Porter stemmer. `stemBuffer` stems in place without allocating;
 * `stem` is the string convenience. Not re-entrant.
 */
export class PorterStemmer {
  private b: Uint16Array = new Uint16Array(64);
  /** Index of the last character of the current word. */
  private k = 0;
  /** End of the stem before a matched suffix (set by ends()). */
  private j = 0;

  /** Stems `word` (lowercase) and returns the stem. */
  stem(word: string): string {
    const len = word.length;
    if (len <= 2) return word;
    if (this.b.length < len) this.b = new Uint16Array(len * 2);
    const b = this.b;
    for (let i = 0; i < len; i++) b[i] = word.charCodeAt(i);
    const n = this.run(len);
    // The stem only ever shortens the word or rewrites its tail.
    let same = n === len;
    if (same) {
      for (let i = len - 1; i >= 0; i--) {
        if (b[i] !== word.charCodeAt(i)) {
          same = false;
          break;
        }
      }
    }
    if (same) return word;
    return codesToString(b, n);
  }

  /**
   * Stems buf[0, len) in place and returns the new length (never more than
   * len: every rewrite replaces a longer or equal suffix).
   */
  stemBuffer(buf: Uint16Array, len: number): number {
    if (len <= 2) return len;
    const saved = this.b;
    this.b = buf;
    try {
      return this.run(len);
    } finally {
      this.b = saved;
    }
  }

  private run(len: number): number {
    this.k = len - 1;
    // Lucene: if (k > k0 + 1) run the steps, i.e. only words longer than 2.
    if (this.k > 1) {
      this.step1ab();
      this.step1c();
      this.step2();
      this.step3();
      this.step4();
      this.step5();
    }
    return this.k + 1;
  }

  /** True if b[i] is a consonant. */
  private cons(i: number): boolean {
    const c = this.b[i];
    if (c === A || c === E || c === I || c === O || c === U) return false;
    if (c === Y) return i === 0 ? true : !this.cons(i - 1);
    return true;
  }

  /** The number of consonant-vowel sequences ("measure") in b[0, j]. */
  private m(): number {
    const j = this.j;
    let n = 0;
    let i = 0;
    for (;;) {
      if (i > j) return n;
      if (!this.cons(i)) break;
      i++;
    }
    i++;
    for (;;) {
      for (;;) {
        if (i > j) return n;
        if (this.cons(i)) break;
        i++;
      }
      i++;
      n++;
      for (;;) {
        if (i > j) return n;
        if (!this.cons(i)) break;
        i++;
      }
      i++;
    }
  }

  /** True if b[0, j] contains a vowel. */
  private vowelInStem(): boolean {
    for (let i = 0; i <= this.j; i++) if (!this.cons(i)) return true;
    return false;
  }

  /** True if b[i-1], b[i] are the same consonant. */
  private doubleC(i: number): boolean {
    if (i < 1) return false;
    if (this.b[i] !== this.b[i - 1]) return false;
    return this.cons(i);
  }

  /** True if b[i-2, i] is consonant-vowel-consonant and b[i] is not w, x or y. */
  private cvc(i: number): boolean {
    if (i < 2 || !this.cons(i) || this.cons(i - 1) || !this.cons(i - 2)) return false;
    const c = this.b[i];
    return c !== 119 && c !== 120 && c !== Y;
  }

  /** True if b[0, k] ends with `s`; then j is the index before the suffix. */
  private ends(s: string): boolean {
    const l = s.length;
    const o = this.k - l + 1;
    if (o < 0) return false;
    const b = this.b;
    for (let i = 0; i < l; i++) if (b[o + i] !== s.charCodeAt(i)) return false;
    this.j = this.k - l;
    return true;
  }

  /** Replaces b[j+1, k] with `s`. */
  private setTo(s: string): void {
    const l = s.length;
    const o = this.j + 1;
    const b = this.b;
    for (let i = 0; i < l; i++) b[o + i] = s.charCodeAt(i);
    this.k = this.j + l;
  }

  /** setTo(s) if the measure of the stem is > 0. */
  private r(s: string): void {
    if (this.m() > 0) this.setTo(s);
  }

  /** Plurals and -ed / -ing (Lucene's step1). */
  private step1ab(): void {
    const b = this.b;
    if (b[this.k] === 115 /* s */) {
      if (this.ends("sses")) this.k -= 2;
      else if (this.ends("ies")) this.setTo("i");
      else if (b[this.k - 1] !== 115) this.k--;
    }
    if (this.ends("eed")) {
      if (this.m() > 0) this.k--;
    } else if ((this.ends("ed") || this.ends("ing")) && this.vowelInStem()) {
      this.k = this.j;
      if (this.ends("at")) this.setTo("ate");
      else if (this.ends("bl")) this.setTo("ble");
      else if (this.ends("iz")) this.setTo("ize");
      else if (this.doubleC(this.k)) {
        const c = b[this.k];
        if (c !== 108 /* l */ && c !== 115 /* s */ && c !== 122 /* z */) this.k--;
      } else if (this.m() === 1 && this.cvc(this.k)) this.setTo("e");
    }
  }

  /** Terminal y -> i when the stem has a vowel (Lucene's step2). */
  private step1c(): void {
    if (this.ends("y") && this.vowelInStem()) this.b[this.k] = I;
  }

  /** Double suffixes -> single ones (Lucene's step3). */
  private step2(): void {
    if (this.k === 0) return; // bug 1
    switch (this.b[this.k - 1]) {
      case 97: // a
        if (this.ends("ational")) this.r("ate");
        else if (this.ends("tional")) this.r("tion");
        break;
      case 99: // c
        if (this.ends("enci")) this.r("ence");
        else if (this.ends("anci")) this.r("ance");
        break;
      case 101: // e
        if (this.ends("izer")) this.r("ize");
        break;
      case 108: // l
        if (this.ends("bli")) this.r("ble");
        else if (this.ends("alli")) this.r("al");
        else if (this.ends("entli")) this.r("ent");
        else if (this.ends("eli")) this.r("e");
        else if (this.ends("ousli")) this.r("ous");
        break;
      case 111: // o
        if (this.ends("ization")) this.r("ize");
        else if (this.ends("ation")) this.r("ate");
        else if (this.ends("ator")) this.r("ate");
        break;
      case 115: // s
        if (this.ends("alism")) this.r("al");
        else if (this.ends("iveness")) this.r("ive");
        else if (this.ends("fulness")) this.r("ful");
        else if (this.ends("ousness")) this.r("ous");
        break;
      case 116: // t
        if (this.ends("aliti")) this.r("al");
        else if (this.ends("iviti")) this.r("ive");
        else if (this.ends("biliti")) this.r("ble");
        break;
      case 103: // g
        if (this.ends("logi")) this.r("log");
        break;
    }
  }

  /** -ic-, -full, -ness etc. (Lucene's step4). */
  private step3(): void {
    switch (this.b[this.k]) {
      case 101: // e
        if (this.ends("icate")) this.r("ic");
        else if (this.ends("ative")) this.r("");
        else if (this.ends("alize")) this.r("al");
        break;
      case 105: // i
        if (this.ends("iciti")) this.r("ic");
        break;
      case 108: // l
        if (this.ends("ical")) this.r("ic");
        else if (this.ends("ful")) this.r("");
        break;
      case 115: // s
        if (this.ends("ness")) this.r("");
        break;
    }
  }

  /** -ant, -ence etc. in context <c>vcvc<v> (Lucene's step5). */
  private step4(): void {
    if (this.k === 0) return; // bug 1
    let matched = false;
    switch (this.b[this.k - 1]) {
      case 97: // a
        matched = this.ends("al");
        break;
      case 99: // c
        matched = this.ends("ance") || this.ends("ence");
        break;
      case 101: // e
        matched = this.ends("er");
        break;
      case 105: // i
        matched = this.ends("ic");
        break;
      case 108: // l
        matched = this.ends("able") || this.ends("ible");
        break;
      case 110: // n
        matched = this.ends("ant") || this.ends("ement") || this.ends("ment") || this.ends("ent");
        break;
      case 111: // o
        if (this.ends("ion") && this.j >= 0 && (this.b[this.j] === 115 || this.b[this.j] === 116)) matched = true;
        else matched = this.ends("ou");
        break;
      case 115: // s
        matched = this.ends("ism");
        break;
      case 116: // t
        matched = this.ends("ate") || this.ends("iti");
        break;
      case 117: // u
        matched = this.ends("ous");
        break;
      case 118: // v
        matched = this.ends("ive");
        break;
      case 122: // z
        matched = this.ends("ize");
        break;
    }
    if (matched && this.m() > 1) this.k = this.j;
  }

  /** Removes a final -e if m() > 1, and -ll -> -l if m() > 1 (Lucene's step6). */
  private step5(): void {
    this.j = this.k;
    if (this.b[this.k] === E) {
      const a = this.m();
      if (a > 1 || (a === 1 && !this.cvc(this.k - 1))) this.k--;
    }
    if (this.b[this.k] === 108 && this.doubleC(this.k) && this.m() > 1) this.k--;
  }
}

/** String.fromCharCode over buf[0, n) without spreading. */
export function codesToString(buf: Uint16Array, n: number): string {
  if (n <= 16) {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  return String.fromCharCode.apply(null, buf.subarray(0, n) as unknown as number[]);
}

const shared = new PorterStemmer();

/** Porter stem of a lowercase word, exactly as Lucene's PorterStemFilter. */
export function porterStem(word: string): string {
  return shared.stem(word);
}
