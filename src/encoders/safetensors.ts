/**
 * Reads tensors from a .safetensors file (Hugging Face's weight format: an
 * 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw little-endian data). F32, F16
 * and BF16 tensors are returned as float32; errors name the file.
 */
import { readFileSync } from "node:fs";
import { InvalidFileError } from "../core/errors.js";

export interface Tensor32 {
  shape: number[];
  data: Float32Array;
}

export function readSafetensors(file: string): Map<string, Tensor32> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InvalidFileError(file, `cannot be read: ${(error as Error).message}`);
  }
  if (bytes.length < 8) throw new InvalidFileError(file, "is not a safetensors file (too short)");
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (headerLength > bytes.length - 8) throw new InvalidFileError(file, "is not a safetensors file (header runs past the end)");
  let header: Record<string, { dtype?: unknown; shape?: unknown; data_offsets?: unknown }>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8"));
  } catch {
    throw new InvalidFileError(file, "has a damaged safetensors header");
  }
  const dataStart = 8 + headerLength;
  const out = new Map<string, Tensor32>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, data_offsets: offsets } = entry;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0) || !Array.isArray(offsets) || offsets.length !== 2) {
      throw new InvalidFileError(file, `tensor "${name}" has a damaged header entry`);
    }
    const [begin, end] = offsets as number[];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const width = dtype === "F32" ? 4 : dtype === "F16" || dtype === "BF16" ? 2 : 0;
    if (width === 0) throw new InvalidFileError(file, `tensor "${name}" has dtype ${String(dtype)}; Trove reads F32, F16 and BF16`);
    if (end - begin !== count * width || dataStart + end > bytes.length) throw new InvalidFileError(file, `tensor "${name}": its byte range does not match its shape`);
    const raw = bytes.subarray(dataStart + begin, dataStart + end);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      if (dtype === "F32") data[i] = raw.readFloatLE(i * 4);
      else if (dtype === "BF16") data[i] = bfloat16(raw.readUInt16LE(i * 2));
      else data[i] = float16(raw.readUInt16LE(i * 2));
    }
    out.set(name, { shape: shape as number[], data });
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));

function bfloat16(bits: number): number {
  scratch.setUint32(0, bits << 16);
  return scratch.getFloat32(0);
}

function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
