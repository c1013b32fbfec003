/**
 * What only the SQLite store has: its file (a directory or a path, nested
 * directories created, foreign files refused and left untouched, newer
 * formats refused) and its shared in-process write queue. Everything every
 * store must do is in store-contract.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { InvalidFileError } from "../core/errors.js";
import type { CollectionSchema } from "../core/schema.js";
import { SqliteStore } from "./sqlite-store.js";

const SCHEMA: CollectionSchema = { fields: { title: { type: "text", required: true } } };

test("a nested file path or a directory location; the directory holds trove.db", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-store-"));
  try {
    const nested = join(dir, "a", "b", "store.db");
    let store = SqliteStore.open(nested);
    assert.equal(store.location, nested);
    await store.createCollection("papers", SCHEMA);
    await store.putRecords("papers", [{ id: "p1", title: "kept" }]);
    await store.close();
    store = SqliteStore.open(nested);
    assert.deepEqual(await store.getRecord("papers", "p1"), { id: "p1", title: "kept" });
    await store.close();

    // A directory location holds trove.db.
    const inDir = SqliteStore.open(join(dir, "plain-dir"));
    assert.equal(inDir.location, join(dir, "plain-dir", "trove.db"));
    await inDir.close();
    assert.ok(existsSync(join(dir, "plain-dir", "trove.db")));
    const again = SqliteStore.open(join(dir, "plain-dir"));
    assert.deepEqual(await again.listCollections(), []);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file that is not a Trove store is refused and left untouched", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-store-"));
  try {
    const text = join(dir, "notes.db");
    writeFileSync(text, "these are my notes, not a database\n".repeat(100));
    const textBytes = readFileSync(text);
    assert.throws(
      () => SqliteStore.open(text),
      (e: unknown) => e instanceof InvalidFileError && e.code === "INVALID_FILE" && e.file === text && /not a Trove store: the file is not an SQLite database/.test(e.message),
    );
    assert.deepEqual(readFileSync(text), textBytes);

    const foreign = join(dir, "other.sqlite");
    const db = new Database(foreign);
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('x')");
    db.close();
    const foreignBytes = readFileSync(foreign);
    assert.throws(() => SqliteStore.open(foreign), (e: unknown) => e instanceof InvalidFileError && /another application .*tables customers/.test(e.message));
    assert.deepEqual(readFileSync(foreign), foreignBytes);
    assert.ok(!existsSync(`${foreign}-wal`));

    // A store written by a newer Trove is refused rather than misread.
    const newer = join(dir, "newer.db");
    await SqliteStore.open(newer).close();
    const raw = new Database(newer);
    raw.prepare("INSERT INTO store_schema_version (version, description, applied_at) VALUES (99, 'future', 'now')").run();
    raw.close();
    assert.throws(() => SqliteStore.open(newer), (e: unknown) => e instanceof InvalidFileError && /format version 99, newer than this Trove understands \(1\)/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});


test("two stores open on the same file in one process share the write queue (no wait on SQLite's busy timeout)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-store-"));
  const first = SqliteStore.open(dir);
  const second = SqliteStore.open(dir);
  try {
    await first.createCollection("papers", SCHEMA);
    let secondWrite: Promise<number> | undefined;
    async function* input() {
      for (let i = 0; i < 300; i++) {
        if (i === 150) secondWrite = second.putRecords("papers", [{ id: "x", title: "second" }]).then((r) => r.inserted);
        yield { id: `d${i}`, title: `document ${i}` };
      }
    }
    const started = performance.now();
    await first.putRecords("papers", input(), { batchSize: 50 });
    assert.equal(await secondWrite, 1);
    assert.ok(performance.now() - started < 4000);
    assert.equal(await first.countRecords("papers"), 301);
  } finally {
    await second.close();
    await first.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a new store's directory is 0700 and its database, WAL and shared-memory files 0600, whatever the umask", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-store-"));
  const previous = process.umask(0o022);
  try {
    const store = SqliteStore.open(join(dir, "data"));
    await store.createCollection("papers", SCHEMA);
    await store.putRecords("papers", [{ id: "p1", title: "private" }]);
    const mode = (path: string) => statSync(path).mode & 0o777;
    assert.equal(mode(join(dir, "data")), 0o700);
    for (const file of ["trove.db", "trove.db-wal", "trove.db-shm"]) assert.equal(mode(join(dir, "data", file)), 0o600, file);
    await store.close();
  } finally {
    process.umask(previous);
    rmSync(dir, { recursive: true, force: true });
  }
});
