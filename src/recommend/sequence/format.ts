/**
 * On-disk model format, version 1:
 *
 *   bytes 0..7    magic "TRVSASR\n"
 *   bytes 8..11   header length H (uint32, little endian)
 *   bytes 12..    H bytes of UTF-8 JSON header (format, version, nItems,
 *                 config, tensor table, data length, CRC-32 of the data, meta)
 *   then zero padding to a multiple of 4, then the parameters as raw
 *   little-endian float32 in the tensor-table order.
 *
 * Files are written atomically (temp file, fsync, rename, fsync directory).
 */
import { readFileSync } from "node:fs";
import { CorruptIndexError, InvalidFileError } from "../../core/errors.js";
import { writeFileAtomic } from "../../core/atomic-file.js";
import { ParamLayout, resolveConfig, type SasRecConfig } from "./model.js";

export const FORMAT_NAME = "trove-sasrec";
export const FORMAT_VERSION = 1;
const MAGIC = Buffer.from("TRVSASR\n", "latin1");

interface Header {
  format: string;
  version: number;
  nItems: number;
  config: SasRecConfig;
  tensors: { name: string; shape: number[]; offset: number }[];
  dataFloats: number;
  crc32: number;
  meta: Record<string, unknown>;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toLittleEndianBytes(params: Float32Array): Uint8Array {
  const bytes = new Uint8Array(params.buffer, params.byteOffset, params.byteLength);
  if (littleEndian) return bytes;
  const out = Buffer.alloc(params.byteLength);
  for (let i = 0; i < params.length; i++) out.writeFloatLE(params[i], i * 4);
  return out;
}

export function writeModelFile(
  path: string,
  nItems: number,
  config: SasRecConfig,
  params: Float32Array,
  meta: Record<string, unknown> = {},
): void {
  const layout = new ParamLayout(nItems, config);
  if (params.length !== layout.size) throw new InvalidFileError(path, `expected ${layout.size} parameters, got ${params.length}`);
  const data = toLittleEndianBytes(params);
  const header: Header = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    nItems,
    config,
    tensors: layout.tensors.map((t) => ({ name: t.name, shape: t.shape, offset: t.offset })),
    dataFloats: params.length,
    crc32: crc32(data),
    meta,
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length, 0);
  const used = MAGIC.length + 4 + json.length;
  const pad = Buffer.alloc((4 - (used % 4)) % 4);
  writeFileAtomic(path, [MAGIC, len, json, pad, data]);
}

export interface LoadedModel {
  nItems: number;
  config: SasRecConfig;
  params: Float32Array;
  meta: Record<string, unknown>;
}

export function readModelFile(path: string): LoadedModel {
  const buf = readFileSync(path);
  if (buf.length < 12 || !buf.subarray(0, 8).equals(MAGIC)) throw new InvalidFileError(path, "not a Trove SASRec model file (bad magic)");
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw new CorruptIndexError(`${path}: header length ${hlen} runs past the end of the file`);
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(12, 12 + hlen).toString("utf8")) as Header;
  } catch (e) {
    throw new CorruptIndexError(`${path}: unreadable header (${(e as Error).message})`);
  }
  if (header.format !== FORMAT_NAME) throw new InvalidFileError(path, `expected format "${FORMAT_NAME}", got "${header.format}"`);
  if (header.version !== FORMAT_VERSION) {
    throw new InvalidFileError(path, `unsupported format version ${header.version} (this build reads version ${FORMAT_VERSION})`);
  }
  const config = resolveConfig(header.config);
  const layout = new ParamLayout(header.nItems, config);
  if (header.dataFloats !== layout.size || header.tensors.length !== layout.tensors.length) {
    throw new CorruptIndexError(`${path}: tensor table does not match the configuration`);
  }
  for (let i = 0; i < layout.tensors.length; i++) {
    const a = layout.tensors[i];
    const b = header.tensors[i];
    if (a.name !== b.name || a.offset !== b.offset || a.shape.join("x") !== b.shape.join("x")) {
      throw new CorruptIndexError(`${path}: tensor ${i} is ${b.name} [${b.shape}] at ${b.offset}, expected ${a.name} [${a.shape}] at ${a.offset}`);
    }
  }
  const start = 12 + hlen + ((4 - ((12 + hlen) % 4)) % 4);
  const nBytes = layout.size * 4;
  if (start + nBytes !== buf.length) throw new CorruptIndexError(`${path}: expected ${nBytes} bytes of parameters, found ${buf.length - start}`);
  const data = buf.subarray(start, start + nBytes);
  if (crc32(data) !== header.crc32) throw new CorruptIndexError(`${path}: parameter checksum mismatch (file damaged)`);
  const params = new Float32Array(layout.size);
  if (littleEndian) new Uint8Array(params.buffer).set(data);
  else for (let i = 0; i < params.length; i++) params[i] = data.readFloatLE(i * 4);
  return { nItems: header.nItems, config, params, meta: header.meta ?? {} };
}
