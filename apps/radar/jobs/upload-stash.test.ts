/**
 * Uploads waiting for their import: kept in the store (parts of 1 MiB, one
 * all-or-nothing write) they come back byte for byte on any node, named so
 * the importer sees gzip; removed, nothing is left. In a directory, the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { SeededRandom } from "../../../src/core/random.js";
import { openStore } from "../../../src/store/open-store.js";
import { DirectoryUploads, StoreUploads, UPLOADS_COLLECTION } from "./upload-stash.js";

/** `bytes` as a stream of uneven chunks, as a request body arrives. */
function body(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0, size = 1000; at < bytes.length; at += size, size = (size * 7) % 300_000 + 1) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
}

test("uploads in the store: parts of 1 MiB come back byte for byte on another handle, gzip named as such, removed whole", async () => {
  const dir = mkdtempSync(join(tmpdir(), "radar-uploads-"));
  const store = await openStore(join(dir, "store"));
  const other = await openStore(join(dir, "store"));
  try {
    const random = new SeededRandom(7);
    const raw = Buffer.from(Array.from({ length: 2_500_000 }, () => random.nextU32() & 255));
    const gz = gzipSync(raw, { level: 1 });
    const stash = await StoreUploads.open(store, join(dir, "a-uploads"));
    const ref = await stash.save(body(gz), "papers.jsonl");
    assert.ok("stored" in ref);
    const parts = Math.ceil(gz.length / (1024 * 1024));
    assert.ok(parts >= 3, `a multi-part upload (${parts} parts)`);
    assert.equal(await store.countRecords(UPLOADS_COLLECTION), parts + 1);

    // another node reads it
    const elsewhere = await StoreUploads.open(other, join(dir, "b-uploads"));
    const local = await elsewhere.open(ref);
    assert.equal(basename(local.path), "papers.jsonl.gz", "gzip content gets the name the importer expects");
    assert.ok(readFileSync(local.path).equals(gz));
    await local.close();

    const plain = await stash.save(body(Buffer.from('{"id":"1"}\n')), "small.jsonl.gz");
    const small = await stash.open(plain);
    assert.equal(basename(small.path), "small.jsonl", "a plain file loses a misleading .gz");
    await small.close();

    await stash.remove(ref);
    await stash.remove(plain);
    await stash.remove(ref); // idempotent
    assert.equal(await store.countRecords(UPLOADS_COLLECTION), 0);
    await assert.rejects(elsewhere.open(ref), /no longer in the store/);
  } finally {
    await other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("uploads in a directory: saved as a file named for its content, removed with its folder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "radar-uploads-"));
  try {
    const stash = new DirectoryUploads(join(dir, "uploads"));
    const gz = gzipSync(Buffer.from('{"id":"1"}\n'));
    const ref = await stash.save(body(gz), "papers.jsonl");
    const local = await stash.open(ref);
    assert.equal(basename(local.path), "papers.jsonl.gz");
    assert.ok(readFileSync(local.path).equals(gz));
    await stash.remove(ref);
    assert.throws(() => readFileSync(local.path), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
