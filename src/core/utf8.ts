/** UTF-8 helpers for the term dictionary, whose terms are sorted by UTF-8 bytes (Lucene's BytesRef order). */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

/** Compares two JS strings in Unicode code point order, which equals UTF-8 byte order. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..DFFF) encode code points above U+FFFF: move them above U+E000..FFFF.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/** Compares `key` with bytes[start, end) lexicographically. */
export function compareBytes(key: Uint8Array, bytes: Uint8Array, start: number, end: number): number {
  const len = end - start;
  const n = Math.min(key.length, len);
  for (let i = 0; i < n; i++) {
    const d = key[i] - bytes[start + i];
    if (d !== 0) return d;
  }
  return key.length - len;
}

/** Packs strings (already in the desired order) into one byte blob with offsets. */
export function packStrings(strings: readonly string[]): { bytes: Uint8Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(strings.length + 1);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < strings.length; i++) {
    const b = encoder.encode(strings[i]);
    parts.push(b);
    total += b.length;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < parts.length; i++) bytes.set(parts[i], offsets[i]);
  return { bytes, offsets };
}

/** Binary search of `key` in a packed, sorted string blob; returns the index or -(insertion point) - 1. */
export function searchPacked(bytes: Uint8Array, offsets: Uint32Array, count: number, key: Uint8Array): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareBytes(key, bytes, offsets[mid], offsets[mid + 1]);
    if (c === 0) return mid;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -lo - 1;
}
