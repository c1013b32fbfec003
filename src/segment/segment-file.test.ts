import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { CorruptIndexError } from "../core/errors.js";
import { readSegmentFile, writeSegmentFile } from "./segment-file.js";
import type { Sections } from "./segment-format.js";

const dir = mkdtempSync(join(tmpdir(), "trove-segfile-"));

test("resident sections are views; lazy sections are read on demand, whole or by range", () => {
  const path = join(dir, "a.trs");
  const floats = Float32Array.from({ length: 1000 }, (_, i) => i / 7);
  const sections: Sections = new Map<string, Uint8Array | Int8Array | Int32Array | Float32Array>([
    ["big.vectors", floats],
    ["ids", Int32Array.from([3, 1, 2])],
    ["codes", Int8Array.from([-128, 0, 127])],
  ]);
  writeSegmentFile(path, { docCount: 3 }, sections, new Set(["big.vectors"]));
  const file = readSegmentFile<{ docCount: number }>(path);
  assert.deepEqual([...file.i32("ids")], [3, 1, 2]);
  assert.deepEqual([...file.i8("codes")], [-128, 0, 127]);
  assert.throws(() => file.f32("big.vectors"), /read on demand/);
  const whole = new Float32Array(1000);
  file.readInto("big.vectors", new Uint8Array(whole.buffer));
  assert.deepEqual(whole, floats);
  const one = new Float32Array(4);
  file.readRange("big.vectors", 40 * 4, new Uint8Array(one.buffer));
  assert.deepEqual([...one], [...floats.subarray(40, 44)]);
  assert.throws(() => file.readRange("big.vectors", 999 * 4, new Uint8Array(8)), /past the end/);
});

test("damage is found: in a resident section at open, in a lazy section when it is read", () => {
  const path = join(dir, "b.trs");
  const sections: Sections = new Map();
  sections.set("small", Int32Array.from([1, 2, 3]));
  sections.set("lazy", Float32Array.from([1, 2, 3, 4]));
  writeSegmentFile(path, {}, sections, new Set(["lazy"]));
  const bytes = readFileSync(path);
  // the lazy section is last: flip its final byte
  const lazyDamaged = Buffer.from(bytes);
  lazyDamaged[lazyDamaged.length - 1] ^= 0xff;
  writeFileSync(path, lazyDamaged);
  const file = readSegmentFile(path);
  assert.throws(() => file.readInto("lazy", new Uint8Array(16)), (e: unknown) => e instanceof CorruptIndexError && /checksum mismatch in section lazy/.test(e.message));
  const residentDamaged = Buffer.from(bytes);
  residentDamaged[residentDamaged.length - 24] ^= 0xff; // inside "small" (12 bytes + 4 padding before the 16 lazy bytes)
  writeFileSync(path, residentDamaged);
  assert.throws(() => readSegmentFile(path), /checksum mismatch in section small/);
  writeFileSync(path, bytes.subarray(0, bytes.length - 5));
  assert.throws(() => readSegmentFile(path), /runs past the end/);
});

test("version 1 files (one checksum over all sections) are still read", () => {
  const path = join(dir, "v1.trs");
  const data = new Uint8Array(Int32Array.from([7, 8]).buffer);
  const header = Buffer.from(JSON.stringify({ formatVersion: 1, crc32: crc32(data), sections: [{ name: "x", type: "i32", offset: 0, byteLength: 8 }], meta: { v: 1 } }));
  const prefix = Buffer.alloc(12);
  prefix.write("TROVSEG1", 0, "latin1");
  prefix.writeUInt32LE(header.length, 8);
  const pad = Buffer.alloc((8 - ((12 + header.length) % 8)) % 8);
  writeFileSync(path, Buffer.concat([prefix, header, pad, data]));
  const file = readSegmentFile<{ v: number }>(path);
  assert.equal(file.meta.v, 1);
  assert.deepEqual([...file.i32("x")], [7, 8]);
});
