/**
 * Lowercasing as Lucene's LowerCaseFilter does it: Java's
 * Character.toLowerCase per code point (the simple, one-to-one Unicode case
 * mapping). JavaScript's String.prototype.toLowerCase applies the full
 * mapping instead, which differs in exactly two places: "İ" (U+0130) becomes
 * "i̇" (two code units) instead of "i", and a capital sigma at the end of a
 * word becomes "ς" instead of "σ". Both are corrected here.
 */
export function javaLowerCase(s: string): string {
  const lower = s.toLowerCase();
  if (lower.length === s.length && s.indexOf("\u03A3") < 0) return lower;
  let out = "";
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i) as number;
    const n = cp > 0xffff ? 2 : 1;
    if (cp === 0x130) out += "i";
    else if (cp === 0x3a3) out += "\u03C3";
    else out += s.slice(i, i + n).toLowerCase();
    i += n;
  }
  return out;
}

const scratch = { buf: new Uint16Array(256) };

/**
 * A flat copy of `s`. `String.prototype.slice` returns a view that keeps the
 * whole source text alive (V8's sliced strings); terms that an index keeps
 * for a long time must not pin the documents they came from.
 */
export function flatCopy(s: string): string {
  const n = s.length;
  if (n < 13) return s; // V8 copies short slices anyway
  if (scratch.buf.length < n) scratch.buf = new Uint16Array(n * 2);
  const buf = scratch.buf;
  for (let i = 0; i < n; i++) buf[i] = s.charCodeAt(i);
  return String.fromCharCode.apply(null, buf.subarray(0, n) as unknown as number[]);
}
