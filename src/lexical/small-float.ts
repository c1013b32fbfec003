/**
 * Lucene's one-byte document-length encoding (org.apache.lucene.util.SmallFloat
 * intToByte4 / byte4ToInt). Lengths 0..23 are exact; larger lengths keep four
 * significant bits, so BM25 sees the same approximate lengths that Lucene does.
 */

function longToInt4(i: number): number {
  const numBits = 32 - Math.clz32(i);
  if (numBits < 4) return i; // subnormal: exact
  const shift = numBits - 4;
  // keep the 4 most significant bits, drop the implicit leading one, store shift + 1 above them
  return ((i >>> shift) & 0x07) | ((shift + 1) << 3);
}

function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}

const MAX_INT4 = longToInt4(0x7fffffff);
const NUM_FREE_VALUES = 255 - MAX_INT4;

/** Encodes a field length (number of tokens) into one byte, as Lucene does for norms. */
export function intToByte4(length: number): number {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`field length must be a non-negative integer, got ${length}`);
  if (length < NUM_FREE_VALUES) return length;
  return NUM_FREE_VALUES + longToInt4(Math.min(length, 0x7fffffff) - NUM_FREE_VALUES);
}

/** Decodes a norm byte back to the (approximate) field length. */
export function byte4ToInt(encoded: number): number {
  const i = encoded & 0xff;
  if (i < NUM_FREE_VALUES) return i;
  return NUM_FREE_VALUES + int4ToLong(i - NUM_FREE_VALUES);
}

/** The 256 decoded lengths, as Lucene's BM25Similarity.LENGTH_TABLE. */
export const LENGTH_TABLE: Float32Array = (() => {
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) table[i] = byte4ToInt(i);
  return table;
})();
