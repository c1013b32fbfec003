/**
 * The on-disk format of a trained recommender: a directory holding
 *
 *   model.json               header: format name and version, algorithm,
 *                            options, small state, and one entry per array
 *   <name>.g<gen>.<dtype>    raw little-endian typed-array bytes
 *   ids.g<gen>.json          user and item id lists (index -> external id)
 *
 * Every file is written atomically (temp file, fsync, rename). Array files
 * carry the generation number in their name and the header is written last,
 * so the header is the commit point: a crash mid-save leaves the previous
 * model readable, and files no header names are removed after the commit.
 * Each array has a CRC-32, checked on load.
 */
import { existsSync, openSync, readdirSync, readFileSync, readSync, closeSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-file.js";
import { makePrivateDir } from "../core/private-files.js";
import { CorruptIndexError, NotFoundError } from "../core/errors.js";

export const MODEL_FORMAT = "trove-recommender";
export const MODEL_FORMAT_VERSION = 1;
const HEADER = "model.json";

export type ModelArray = Float32Array | Float64Array | Int32Array | Uint8Array;
type DType = "float32" | "float64" | "int32" | "uint8";

export interface ArrayEntry {
  file: string;
  dtype: DType;
  length: number;
  crc32: number;
}

export interface ModelHeader {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  algorithm: string;
  /** Version of the algorithm's own state layout. */
  algorithmVersion: number;
  generation: number;
  createdAt: string;
  littleEndian: true;
  options: Record<string, unknown>;
  state: Record<string, unknown>;
  idsFile: string;
  arrays: Record<string, ArrayEntry>;
}

export interface ModelContents {
  algorithm: string;
  algorithmVersion: number;
  options: Record<string, unknown>;
  state: Record<string, unknown>;
  userIds: readonly string[];
  itemIds: readonly string[];
  arrays: Record<string, ModelArray>;
}

function dtypeOf(a: ModelArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  return "uint8";
}

const EXT: Record<DType, string> = { float32: "f32", float64: "f64", int32: "i32", uint8: "u8" };
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, uint8: 1 };

function bytesOf(a: ModelArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Writes a model directory; returns the header that was committed. */
export function writeModel(dir: string, contents: ModelContents): ModelHeader {
  makePrivateDir(dir);
  const previous = existsSync(join(dir, HEADER)) ? tryReadHeader(dir) : undefined;
  const generation = (previous?.generation ?? 0) + 1;
  const arrays: Record<string, ArrayEntry> = {};
  for (const [name, array] of Object.entries(contents.arrays)) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new CorruptIndexError(`array name "${name}" is not a plain name`);
    const dtype = dtypeOf(array);
    const file = `${name}.g${generation}.${EXT[dtype]}`;
    const bytes = bytesOf(array);
    writeFileAtomic(join(dir, file), bytes);
    arrays[name] = { file, dtype, length: array.length, crc32: crc32(bytes) };
  }
  const idsFile = `ids.g${generation}.json`;
  writeFileAtomic(join(dir, idsFile), JSON.stringify({ users: contents.userIds, items: contents.itemIds }));
  const header: ModelHeader = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    algorithm: contents.algorithm,
    algorithmVersion: contents.algorithmVersion,
    generation,
    createdAt: new Date().toISOString(),
    littleEndian: true,
    options: contents.options,
    state: contents.state,
    idsFile,
    arrays,
  };
  writeFileAtomic(join(dir, HEADER), JSON.stringify(header, null, 2) + "\n");
  // The header is committed: files of older generations are garbage now.
  const live = new Set([HEADER, idsFile, ...Object.values(arrays).map((a) => a.file)]);
  for (const name of readdirSync(dir)) {
    if (!live.has(name) && /\.g\d+\.(f32|f64|i32|u8|json)$/.test(name)) rmSync(join(dir, name), { force: true });
  }
  return header;
}

function tryReadHeader(dir: string): ModelHeader | undefined {
  try {
    return readModelHeader(dir);
  } catch {
    return undefined;
  }
}

/** Reads and checks `model.json`. */
export function readModelHeader(dir: string): ModelHeader {
  const path = join(dir, HEADER);
  if (!existsSync(path)) throw new NotFoundError(`no saved model in ${dir} (missing ${HEADER})`);
  let header: ModelHeader;
  try {
    header = JSON.parse(readFileSync(path, "utf8")) as ModelHeader;
  } catch (error) {
    throw new CorruptIndexError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (header.format !== MODEL_FORMAT) throw new CorruptIndexError(`${path}: format is "${String(header.format)}", expected "${MODEL_FORMAT}"`);
  if (header.littleEndian !== true || new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) {
    throw new CorruptIndexError(`${path}: arrays are little-endian; this platform or file is not`);
  }
  if (header.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new CorruptIndexError(`${path}: format version ${header.formatVersion} is not supported (this build reads version ${MODEL_FORMAT_VERSION})`);
  }
  return header;
}

/** Reads a model directory written by `writeModel`. */
export function readModel(dir: string, options: { verifyChecksums?: boolean } = {}): ModelContents & { header: ModelHeader } {
  const header = readModelHeader(dir);
  const verify = options.verifyChecksums ?? true;
  const arrays: Record<string, ModelArray> = {};
  for (const [name, entry] of Object.entries(header.arrays)) {
    const path = join(dir, entry.file);
    if (!existsSync(path)) throw new CorruptIndexError(`${dir}: array file ${entry.file} named by ${HEADER} is missing`);
    const bytesPer = BYTES[entry.dtype];
    if (bytesPer === undefined) throw new CorruptIndexError(`${path}: unknown dtype "${entry.dtype}"`);
    const size = statSync(path).size;
    if (size !== entry.length * bytesPer) {
      throw new CorruptIndexError(`${path}: ${size} bytes, expected ${entry.length * bytesPer} (${entry.length} × ${entry.dtype})`);
    }
    const buffer = new ArrayBuffer(size);
    readInto(path, new Uint8Array(buffer));
    if (verify && crc32(new Uint8Array(buffer)) !== entry.crc32) throw new CorruptIndexError(`${path}: checksum mismatch (file damaged)`);
    arrays[name] =
      entry.dtype === "float32"
        ? new Float32Array(buffer)
        : entry.dtype === "float64"
          ? new Float64Array(buffer)
          : entry.dtype === "int32"
            ? new Int32Array(buffer)
            : new Uint8Array(buffer);
  }
  let ids: { users: string[]; items: string[] };
  try {
    ids = JSON.parse(readFileSync(join(dir, header.idsFile), "utf8")) as { users: string[]; items: string[] };
  } catch (error) {
    throw new CorruptIndexError(`${join(dir, header.idsFile)}: cannot be read (${(error as Error).message})`);
  }
  return {
    header,
    algorithm: header.algorithm,
    algorithmVersion: header.algorithmVersion,
    options: header.options,
    state: header.state,
    userIds: ids.users,
    itemIds: ids.items,
    arrays,
  };
}

/** Reads a whole file into `out` in chunks (files may exceed 2 GB). */
function readInto(path: string, out: Uint8Array): void {
  const fd = openSync(path, "r");
  try {
    let offset = 0;
    while (offset < out.length) {
      const n = readSync(fd, out, offset, Math.min(1 << 30, out.length - offset), offset);
      if (n === 0) throw new CorruptIndexError(`${path}: file ended after ${offset} bytes`);
      offset += n;
    }
  } finally {
    closeSync(fd);
  }
}

let crcTable: Int32Array | undefined;

/** CRC-32 (IEEE 802.3, as in zlib). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  const table = crcTable;
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
