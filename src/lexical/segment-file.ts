/**
 * The container format of one immutable segment file:
 *
 *   "TROVSEG1" | u32 header length | JSON header | padding to 8 | sections...
 *
 * The JSON header lists every section (name, element type, byte offset, byte
 * length) and a CRC-32 of the section bytes. Sections are 8-byte aligned so the
 * reader can view them as typed arrays without copying.
 */
import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { CorruptIndexError } from "../core/errors.js";
import { writeFileAtomic } from "../core/atomic-file.js";

const MAGIC = "TROVSEG1";
export const SEGMENT_FORMAT_VERSION = 1;

export type SectionType = "u8" | "u32" | "i32" | "f32" | "f64";
type SectionData = Uint8Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface SectionEntry {
  name: string;
  type: SectionType;
  offset: number;
  byteLength: number;
}

export interface SegmentFileHeader<M> {
  formatVersion: number;
  crc32: number;
  sections: SectionEntry[];
  meta: M;
}

function typeOf(data: SectionData): SectionType {
  if (data instanceof Uint8Array) return "u8";
  if (data instanceof Uint32Array) return "u32";
  if (data instanceof Int32Array) return "i32";
  if (data instanceof Float32Array) return "f32";
  return "f64";
}

/** Writes a segment file atomically. */
export function writeSegmentFile<M>(path: string, meta: M, sections: Map<string, SectionData>): number {
  const entries: SectionEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  let crc = 0;
  for (const [name, data] of sections) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    entries.push({ name, type: typeOf(data), offset, byteLength: bytes.byteLength });
    parts.push(bytes);
    // (zlib.crc32 returns 0 for a view of an empty ArrayBuffer, so empty sections are skipped)
    if (bytes.byteLength > 0) crc = crc32(bytes, crc);
    const pad = (8 - (bytes.byteLength % 8)) % 8;
    if (pad) {
      parts.push(new Uint8Array(pad));
      crc = crc32(new Uint8Array(pad), crc);
    }
    offset += bytes.byteLength + pad;
  }
  const header: SegmentFileHeader<M> = { formatVersion: SEGMENT_FORMAT_VERSION, crc32: crc, sections: entries, meta };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const prefix = new Uint8Array(12);
  prefix.set(Buffer.from(MAGIC, "latin1"), 0);
  new DataView(prefix.buffer).setUint32(8, headerBytes.length, true);
  const headerPad = (8 - ((12 + headerBytes.length) % 8)) % 8;
  const all = [prefix, headerBytes, new Uint8Array(headerPad), ...parts];
  writeFileAtomic(path, all);
  return all.reduce((sum, p) => sum + p.byteLength, 0);
}

export interface SegmentFile<M> {
  meta: M;
  byteLength: number;
  u8(name: string): Uint8Array;
  u32(name: string): Uint32Array;
  i32(name: string): Int32Array;
  f64(name: string): Float64Array;
  has(name: string): boolean;
}

/** Reads and verifies a segment file; throws CorruptIndexError naming the file on any damage. */
export function readSegmentFile<M>(path: string, options: { verifyChecksum?: boolean } = {}): SegmentFile<M> {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (error) {
    throw new CorruptIndexError(`segment file ${path} cannot be read: ${(error as Error).message}`);
  }
  if (raw.length < 12 || raw.toString("latin1", 0, 8) !== MAGIC) throw new CorruptIndexError(`${path} is not a Trove segment file`);
  const headerLength = raw.readUInt32LE(8);
  let header: SegmentFileHeader<M>;
  try {
    header = JSON.parse(raw.toString("utf8", 12, 12 + headerLength)) as SegmentFileHeader<M>;
  } catch {
    throw new CorruptIndexError(`${path}: segment header is damaged`);
  }
  if (header.formatVersion !== SEGMENT_FORMAT_VERSION) {
    throw new CorruptIndexError(`${path}: segment format ${header.formatVersion} is not supported (this Trove reads ${SEGMENT_FORMAT_VERSION})`);
  }
  const dataStart = 12 + headerLength + ((8 - ((12 + headerLength) % 8)) % 8);
  // Typed-array views need aligned offsets; Buffers from the pool may not be.
  let buffer = raw.buffer;
  let base = raw.byteOffset + dataStart;
  if (base % 8 !== 0) {
    const copy = new Uint8Array(raw.length - dataStart);
    copy.set(raw.subarray(dataStart));
    buffer = copy.buffer;
    base = 0;
  }
  const dataLength = raw.length - dataStart;
  if (options.verifyChecksum !== false) {
    const actual = dataLength > 0 ? crc32(new Uint8Array(buffer, base, dataLength)) : 0;
    if (actual !== header.crc32) throw new CorruptIndexError(`${path}: checksum mismatch (file is truncated or damaged)`);
  }
  const byName = new Map(header.sections.map((s) => [s.name, s]));
  const section = (name: string, type: SectionType): SectionEntry => {
    const entry = byName.get(name);
    if (!entry) throw new CorruptIndexError(`${path}: missing section ${name}`);
    if (entry.type !== type) throw new CorruptIndexError(`${path}: section ${name} has type ${entry.type}, expected ${type}`);
    if (entry.offset + entry.byteLength > dataLength) throw new CorruptIndexError(`${path}: section ${name} runs past the end of the file`);
    return entry;
  };
  return {
    meta: header.meta,
    byteLength: raw.length,
    has: (name) => byName.has(name),
    u8: (name) => {
      const e = section(name, "u8");
      return new Uint8Array(buffer, base + e.offset, e.byteLength);
    },
    u32: (name) => {
      const e = section(name, "u32");
      return new Uint32Array(buffer, base + e.offset, e.byteLength / 4);
    },
    i32: (name) => {
      const e = section(name, "i32");
      return new Int32Array(buffer, base + e.offset, e.byteLength / 4);
    },
    f64: (name) => {
      const e = section(name, "f64");
      return new Float64Array(buffer, base + e.offset, e.byteLength / 8);
    },
  };
}
