/**
 * Streaming line readers for data files: plain or gzip-compressed (by the
 * ".gz" extension), one record per line, with 1-based line numbers so that
 * errors can name the exact place.
 */
import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { InvalidFileError, NotFoundError } from "../core/errors.js";

export async function* readLines(path: string): AsyncGenerator<{ line: string; lineNumber: number }> {
  if (!existsSync(path)) throw new NotFoundError(`file not found: ${path}`);
  const raw = createReadStream(path);
  try {
    yield* readStreamLines(path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw, path);
  } finally {
    raw.destroy();
  }
}

/** Lines of an already open stream (standard input, a socket); `name` stands for it in errors. */
export async function* readStreamLines(input: NodeJS.ReadableStream, name: string): AsyncGenerator<{ line: string; lineNumber: number }> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      yield { line: line.endsWith("\r") ? line.slice(0, -1) : line, lineNumber };
    }
  } catch (error) {
    throw new InvalidFileError(name, `cannot be read: ${(error as Error).message}`, lineNumber + 1);
  } finally {
    lines.close();
  }
}

/** JSON objects, one per non-empty line. */
export function readJsonLines(path: string): AsyncGenerator<{ record: Record<string, unknown>; lineNumber: number }> {
  return parseJsonLines(readLines(path), path);
}

/** JSON objects, one per non-empty line, from an open stream; `name` stands for it in errors. */
export function readStreamJsonLines(input: NodeJS.ReadableStream, name: string): AsyncGenerator<{ record: Record<string, unknown>; lineNumber: number }> {
  return parseJsonLines(readStreamLines(input, name), name);
}

async function* parseJsonLines(
  lines: AsyncGenerator<{ line: string; lineNumber: number }>,
  name: string,
): AsyncGenerator<{ record: Record<string, unknown>; lineNumber: number }> {
  for await (const { line, lineNumber } of lines) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InvalidFileError(name, `invalid JSON: ${(error as Error).message}`, lineNumber);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InvalidFileError(name, "expected a JSON object on this line", lineNumber);
    }
    yield { record: value as Record<string, unknown>, lineNumber };
  }
}
