/**
 * The container format of one immutable segment file:
 *
 *   "TROVSEG1" | u32 header length | JSON header | padding to 8 | sections...
 *
 * The JSON header lists every section (name, element type, byte offset, byte
 * length, CRC-32 of its bytes). Sections are 8-byte aligned so the reader can
 * view them as typed arrays without copying. Resident sections come first and
 * are read into memory at open (their checksums verified); lazy sections
 * (large vector data) follow and are read on demand, either whole into a
 * buffer the caller owns (e.g. WebAssembly memory, checksum verified) or a
 * range at a time (one vector for rescoring).
 *
 * Version 1 files (one CRC over all sections, no lazy sections) are still read.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { crc32 } from "node:zlib";
import { CorruptIndexError } from "../core/errors.js";
import { writeFileAtomic } from "../core/atomic-file.js";
import type { SectionData, Sections } from "./segment-format.js";

const MAGIC = "TROVSEG1";
export const SEGMENT_FORMAT_VERSION = 2;

export type SectionType = "u8" | "i8" | "u32" | "i32" | "f32" | "f64";

export interface SectionEntry {
  name: string;
  type: SectionType;
  offset: number;
  byteLength: number;
  /** CRC-32 of the section's bytes (version 2). */
  crc32?: number;
  /** Read on demand, not at open. */
  lazy?: boolean;
}

export interface SegmentFileHeader<M> {
  formatVersion: number;
  /** Version 1 only: CRC-32 of all section bytes and padding. */
  crc32?: number;
  sections: SectionEntry[];
  meta: M;
}

function typeOf(data: SectionData): SectionType {
  if (data instanceof Uint8Array) return "u8";
  if (data instanceof Int8Array) return "i8";
  if (data instanceof Uint32Array) return "u32";
  if (data instanceof Int32Array) return "i32";
  if (data instanceof Float32Array) return "f32";
  return "f64";
}

function bytesOf(data: SectionData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** CRC-32 of some bytes (zlib.crc32 returns 0 for a view of an empty buffer too). */
function checksum(bytes: Uint8Array): number {
  return bytes.byteLength > 0 ? crc32(bytes) : 0;
}

/**
 * Writes a segment file atomically. `lazy` names sections to be read on
 * demand; they are placed after all resident ones.
 */
export function writeSegmentFile<M>(path: string, meta: M, sections: Sections, lazy: ReadonlySet<string> = new Set()): number {
  const ordered = [...sections].sort(([a], [b]) => Number(lazy.has(a)) - Number(lazy.has(b)));
  const entries: SectionEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of ordered) {
    const bytes = bytesOf(data);
    const entry: SectionEntry = { name, type: typeOf(data), offset, byteLength: bytes.byteLength, crc32: checksum(bytes) };
    if (lazy.has(name)) entry.lazy = true;
    entries.push(entry);
    parts.push(bytes);
    const pad = (8 - (bytes.byteLength % 8)) % 8;
    if (pad) parts.push(new Uint8Array(pad));
    offset += bytes.byteLength + pad;
  }
  const header: SegmentFileHeader<M> = { formatVersion: SEGMENT_FORMAT_VERSION, sections: entries, meta };
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
  readonly path: string;
  readonly meta: M;
  readonly byteLength: number;
  has(name: string): boolean;
  u8(name: string): Uint8Array;
  i8(name: string): Int8Array;
  u32(name: string): Uint32Array;
  i32(name: string): Int32Array;
  f32(name: string): Float32Array;
  f64(name: string): Float64Array;
  /** Byte length of a section (resident or lazy). */
  sectionByteLength(name: string): number;
  /** Copies a whole section into `target` (exactly its byte length) and verifies its checksum. */
  readInto(name: string, target: Uint8Array): void;
  /** Copies `target.byteLength` bytes of a section starting at `byteOffset` (no checksum: random access). */
  readRange(name: string, byteOffset: number, target: Uint8Array): void;
}

/** Closes file descriptors of segment files that are no longer referenced. */
const descriptors = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

function readFully(fd: number, target: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < target.byteLength) {
    const n = readSync(fd, target, done, target.byteLength - done, position + done);
    if (n === 0) throw new CorruptIndexError(`${path}: file is truncated`);
    done += n;
  }
}

/** Opens and verifies a segment file; throws CorruptIndexError naming the file on any damage. */
export function readSegmentFile<M>(path: string): SegmentFile<M> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new CorruptIndexError(`segment file ${path} cannot be read: ${(error as Error).message}`);
  }
  try {
    return openSegment<M>(fd, path);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function openSegment<M>(fd: number, path: string): SegmentFile<M> {
  const { size } = fstatSync(fd);
  const prefix = new Uint8Array(12);
  if (size < 12) throw new CorruptIndexError(`${path} is not a Trove segment file`);
  readFully(fd, prefix, 0, path);
  if (Buffer.from(prefix.buffer, 0, 8).toString("latin1") !== MAGIC) throw new CorruptIndexError(`${path} is not a Trove segment file`);
  const headerLength = new DataView(prefix.buffer).getUint32(8, true);
  if (12 + headerLength > size) throw new CorruptIndexError(`${path}: segment header is damaged`);
  const headerBytes = Buffer.alloc(headerLength);
  readFully(fd, headerBytes, 12, path);
  let header: SegmentFileHeader<M>;
  try {
    header = JSON.parse(headerBytes.toString("utf8")) as SegmentFileHeader<M>;
  } catch {
    throw new CorruptIndexError(`${path}: segment header is damaged`);
  }
  if (header.formatVersion !== 1 && header.formatVersion !== SEGMENT_FORMAT_VERSION) {
    throw new CorruptIndexError(`${path}: segment format ${header.formatVersion} is not supported (this Trove reads 1 and ${SEGMENT_FORMAT_VERSION})`);
  }
  const dataStart = 12 + headerLength + ((8 - ((12 + headerLength) % 8)) % 8);
  const dataLength = size - dataStart;
  const byName = new Map(header.sections.map((s) => [s.name, s]));
  for (const s of header.sections) {
    if (s.offset + s.byteLength > dataLength) throw new CorruptIndexError(`${path}: section ${s.name} runs past the end of the file`);
  }
  // resident sections form a prefix of the data: one read, into an 8-byte aligned buffer
  const residentEnd = header.sections.reduce((end, s) => (s.lazy ? end : Math.max(end, s.offset + s.byteLength)), 0);
  const resident = new Uint8Array(header.formatVersion === 1 ? dataLength : residentEnd);
  readFully(fd, resident, dataStart, path);
  if (header.formatVersion === 1) {
    if (checksum(resident) !== header.crc32) throw new CorruptIndexError(`${path}: checksum mismatch (file is truncated or damaged)`);
    closeSync(fd);
  } else {
    for (const s of header.sections) {
      if (!s.lazy && checksum(resident.subarray(s.offset, s.offset + s.byteLength)) !== s.crc32) {
        throw new CorruptIndexError(`${path}: checksum mismatch in section ${s.name} (file is truncated or damaged)`);
      }
    }
  }
  const hasLazy = header.sections.some((s) => s.lazy);
  if (header.formatVersion !== 1 && !hasLazy) closeSync(fd);
  const section = (name: string, type: SectionType): SectionEntry => {
    const entry = byName.get(name);
    if (!entry) throw new CorruptIndexError(`${path}: missing section ${name}`);
    if (entry.type !== type) throw new CorruptIndexError(`${path}: section ${name} has type ${entry.type}, expected ${type}`);
    if (entry.lazy) throw new CorruptIndexError(`${path}: section ${name} is read on demand (readInto), not viewed`);
    return entry;
  };
  const buffer = resident.buffer;
  const file: SegmentFile<M> = {
    path,
    meta: header.meta,
    byteLength: size,
    has: (name) => byName.has(name),
    u8: (name) => {
      const e = section(name, "u8");
      return new Uint8Array(buffer, e.offset, e.byteLength);
    },
    i8: (name) => {
      const e = section(name, "i8");
      return new Int8Array(buffer, e.offset, e.byteLength);
    },
    u32: (name) => {
      const e = section(name, "u32");
      return new Uint32Array(buffer, e.offset, e.byteLength / 4);
    },
    i32: (name) => {
      const e = section(name, "i32");
      return new Int32Array(buffer, e.offset, e.byteLength / 4);
    },
    f32: (name) => {
      const e = section(name, "f32");
      return new Float32Array(buffer, e.offset, e.byteLength / 4);
    },
    f64: (name) => {
      const e = section(name, "f64");
      return new Float64Array(buffer, e.offset, e.byteLength / 8);
    },
    sectionByteLength: (name) => {
      const e = byName.get(name);
      if (!e) throw new CorruptIndexError(`${path}: missing section ${name}`);
      return e.byteLength;
    },
    readInto: (name, target) => {
      const e = byName.get(name);
      if (!e) throw new CorruptIndexError(`${path}: missing section ${name}`);
      if (target.byteLength !== e.byteLength) throw new CorruptIndexError(`${path}: section ${name} holds ${e.byteLength} bytes, not ${target.byteLength}`);
      if (!e.lazy) {
        target.set(resident.subarray(e.offset, e.offset + e.byteLength));
        return;
      }
      readFully(fd, target, dataStart + e.offset, path);
      if (checksum(target) !== e.crc32) throw new CorruptIndexError(`${path}: checksum mismatch in section ${name} (file is truncated or damaged)`);
    },
    readRange: (name, byteOffset, target) => {
      const e = byName.get(name);
      if (!e) throw new CorruptIndexError(`${path}: missing section ${name}`);
      if (byteOffset < 0 || byteOffset + target.byteLength > e.byteLength) throw new CorruptIndexError(`${path}: read past the end of section ${name}`);
      if (!e.lazy) target.set(resident.subarray(e.offset + byteOffset, e.offset + byteOffset + target.byteLength));
      else readFully(fd, target, dataStart + e.offset + byteOffset, path);
    },
  };
  if (header.formatVersion !== 1 && hasLazy) descriptors.register(file, fd);
  return file;
}

