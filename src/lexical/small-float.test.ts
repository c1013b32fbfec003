import { test } from "node:test";
import assert from "node:assert/strict";
import { byte4ToInt, intToByte4, LENGTH_TABLE } from "./small-float.js";

test("lengths below 24 are stored exactly", () => {
  for (let i = 0; i < 24; i++) {
    assert.equal(intToByte4(i), i);
    assert.equal(byte4ToInt(i), i);
  }
});

test("larger lengths keep four significant bits (worked by hand)", () => {
  // 100 - 24 = 76 = 0b1001100: 7 bits, shift 3, kept bits 0b1001 -> low bits 001, shift+1 = 4 -> 4<<3|1 = 33; byte 24+33 = 57
  assert.equal(intToByte4(100), 57);
  // decode 57: 33 -> bits 001 | implicit 1000 = 9, shift 3 -> 72; 24 + 72 = 96
  assert.equal(byte4ToInt(57), 96);
  // 24 encodes as 24 + 0 (subnormal zero of the second range)
  assert.equal(intToByte4(24), 24);
});

test("encoding is monotonic, decoding rounds down, and byte values round-trip", () => {
  let previous = -1;
  for (let n = 0; n < 100_000; n += 7) {
    const b = intToByte4(n);
    assert.ok(b >= previous, `monotonic at ${n}`);
    previous = b;
    assert.ok(byte4ToInt(b) <= n, `decoded length never exceeds the true length at ${n}`);
  }
  for (let b = 0; b < 256; b++) assert.equal(intToByte4(byte4ToInt(b)), b);
  assert.equal(LENGTH_TABLE[57], 96);
  assert.equal(intToByte4(0x7fffffff), 255);
});
