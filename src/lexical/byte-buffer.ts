/**
 * Growable byte and integer buffers used while writing segments, and the
 * variable-length / bit-packed integer codecs that postings are stored in.
 */

export class ByteWriter {
  private bytes: Uint8Array;
  length = 0;

  constructor(initialCapacity = 1 << 16) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  writeByte(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  writeVInt(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.bytes[this.length++] = v;
  }

  writeBytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Packs `count` values of `bits` bits each (LSB first). */
  writePacked(values: Int32Array | Uint32Array, count: number, bits: number): void {
    if (bits === 0 || count === 0) return;
    const byteCount = (count * bits + 7) >>> 3;
    this.ensure(byteCount + 4);
    const out = this.bytes;
    let pos = this.length;
    let acc = 0;
    let accBits = 0;
    for (let i = 0; i < count; i++) {
      let v = values[i] >>> 0;
      let remaining = bits;
      while (remaining > 0) {
        const take = Math.min(remaining, 8 - accBits);
        acc |= (v & ((1 << take) - 1)) << accBits;
        accBits += take;
        v >>>= take;
        remaining -= take;
        if (accBits === 8) {
          out[pos++] = acc;
          acc = 0;
          accBits = 0;
        }
      }
    }
    if (accBits > 0) out[pos++] = acc;
    this.length = pos;
  }

  toBytes(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** A growable Int32 array. */
export class IntList {
  data: Int32Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Int32Array(initialCapacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Number of bits needed to store `value` (0 for 0). */
export function bitsRequired(value: number): number {
  return 32 - Math.clz32(value >>> 0);
}

/** Unpacks `count` values of `bits` bits starting at `offset`; returns the offset after them. */
export function readPacked(src: Uint8Array, offset: number, count: number, bits: number, out: Int32Array): number {
  if (bits === 0) {
    out.fill(0, 0, count);
    return offset;
  }
  const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  let bitPos = offset * 8;
  if (bits <= 24) {
    for (let i = 0; i < count; i++) {
      const byte = bitPos >>> 3;
      const shift = bitPos & 7;
      // read up to 4 bytes little-endian; bytes past the end read as 0 in typed arrays
      const word = src[byte] | (src[byte + 1] << 8) | (src[byte + 2] << 16) | (src[byte + 3] << 24);
      out[i] = (word >>> shift) & mask;
      bitPos += bits;
    }
  } else {
    for (let i = 0; i < count; i++) {
      let value = 0;
      let got = 0;
      while (got < bits) {
        const byte = bitPos >>> 3;
        const shift = bitPos & 7;
        const take = Math.min(bits - got, 8 - shift);
        value += ((src[byte] >>> shift) & ((1 << take) - 1)) * 2 ** got;
        got += take;
        bitPos += take;
      }
      out[i] = value | 0;
    }
  }
  return offset + ((count * bits + 7) >>> 3);
}

/** Reads a varint at `pos`; returns value, and stores the next position in `cursor[0]`. */
export function readVInt(src: Uint8Array, cursor: Int32Array | Uint32Array): number {
  let pos = cursor[0];
  let b = src[pos++];
  let value = b & 0x7f;
  let shift = 7;
  while (b & 0x80) {
    b = src[pos++];
    value |= (b & 0x7f) << shift;
    shift += 7;
  }
  cursor[0] = pos;
  return value >>> 0;
}
