import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidFileError } from "../core/errors.js";
import { floatVectorsFromArray, floatVectorsFromFile, readAllFloats } from "./float-vector-source.js";

test("float vectors read from a file equal those in memory, one at a time and in ranges", () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-floats-"));
  try {
    const dim = 5;
    const rows = Float32Array.from({ length: 7 * dim }, (_, i) => i * 0.5 - 3);
    const path = join(dir, "v.f32");
    const header = new Uint8Array(12);
    writeFileSync(path, Buffer.concat([header, new Uint8Array(rows.buffer)]));
    const file = floatVectorsFromFile(path, dim, { offset: 12 });
    const memory = floatVectorsFromArray(rows, dim);
    assert.equal(file.count, 7);
    const a = new Float32Array(dim + 2);
    const b = new Float32Array(dim + 2);
    file.read(4, a, 2);
    memory.read(4, b, 2);
    assert.deepEqual(a, b);
    const all = new Float32Array(7 * dim);
    readAllFloats(file, 7, all, 0);
    assert.deepEqual(all, rows);
    file.close();
    assert.throws(() => floatVectorsFromFile(path, dim, { offset: 12, count: 8 }), InvalidFileError);
    assert.throws(() => floatVectorsFromArray(rows, 4), /not a multiple of dimensions 4/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
