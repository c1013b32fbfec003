/**
 * Float vector sources: an array in memory, or a file of little-endian
 * float32 rows read on demand (what a quantized index's rescoring reads).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InvalidArgumentError, InvalidFileError } from "../core/errors.js";
import type { FloatVectorSource } from "./types.js";

/** Rows of `dimensions` floats held in `vectors` (count = vectors.length / dimensions). */
export function floatVectorsFromArray(vectors: Float32Array, dimensions: number): FloatVectorSource {
  if (!Number.isInteger(dimensions) || dimensions < 1 || vectors.length % dimensions !== 0) {
    throw new InvalidArgumentError(`float vectors: length ${vectors.length} is not a multiple of dimensions ${dimensions}`);
  }
  const count = vectors.length / dimensions;
  return {
    count,
    dimensions,
    resident: vectors,
    read(ord, out, outOffset = 0) {
      out.set(vectors.subarray(ord * dimensions, (ord + 1) * dimensions), outOffset);
    },
    readRange(first, n, out, outOffset = 0) {
      out.set(vectors.subarray(first * dimensions, (first + n) * dimensions), outOffset);
    },
  };
}

/** A FloatVectorSource that also holds an open file. */
export interface FileFloatVectorSource extends FloatVectorSource {
  close(): void;
}

/** One read call moves at most this many bytes (readSync's limit is 2 GB). */
const MAX_READ = 1 << 30;

/**
 * Rows of `dimensions` little-endian float32 values in file `path`, starting at
 * byte `offset`; nothing is kept in memory, every read is a positioned read.
 */
export function floatVectorsFromFile(path: string, dimensions: number, options: { offset?: number; count?: number } = {}): FileFloatVectorSource {
  const offset = options.offset ?? 0;
  const fd = openSync(path, "r");
  const rowBytes = dimensions * 4;
  const available = Math.floor((fstatSync(fd).size - offset) / rowBytes);
  const count = options.count ?? available;
  if (count > available) {
    closeSync(fd);
    throw new InvalidFileError(path, `holds ${available} vectors of ${dimensions} floats after byte ${offset}, ${count} were expected`);
  }
  const readBytes = (target: Uint8Array, position: number) => {
    let done = 0;
    while (done < target.byteLength) {
      const n = readSync(fd, target, done, Math.min(MAX_READ, target.byteLength - done), position + done);
      if (n <= 0) throw new InvalidFileError(path, `unexpected end of file at byte ${position + done}`);
      done += n;
    }
  };
  return {
    count,
    dimensions,
    resident: null,
    read(ord, out, outOffset = 0) {
      readBytes(new Uint8Array(out.buffer, out.byteOffset + outOffset * 4, rowBytes), offset + ord * rowBytes);
    },
    readRange(first, n, out, outOffset = 0) {
      readBytes(new Uint8Array(out.buffer, out.byteOffset + outOffset * 4, n * rowBytes), offset + first * rowBytes);
    },
    close() {
      closeSync(fd);
    },
  };
}

/** Copies the first `count` vectors of `floats` into `out` from `outOffset` (in floats). */
export function readAllFloats(floats: FloatVectorSource, count: number, out: Float32Array, outOffset: number): void {
  const total = count * floats.dimensions;
  if (floats.resident) {
    out.set(floats.resident.subarray(0, total), outOffset);
  } else if (floats.readRange) {
    const chunk = Math.max(1, Math.floor((64 << 20) / (floats.dimensions * 4)));
    for (let first = 0; first < count; first += chunk) {
      floats.readRange(first, Math.min(chunk, count - first), out, outOffset + first * floats.dimensions);
    }
  } else {
    for (let i = 0; i < count; i++) floats.read(i, out, outOffset + i * floats.dimensions);
  }
}
