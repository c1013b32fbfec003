import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidArgumentError } from "../core/errors.js";
import { isPostgresUrl, openStore, redactUrl, resolveStoreLocation } from "./open-store.js";
import { SqliteStore } from "./sqlite-store.js";

test("openStore: paths and file URLs open the SQLite store", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-open-"));
  try {
    const store = await openStore(join(dir, "data"));
    assert.ok(store instanceof SqliteStore);
    assert.equal(store.location, join(dir, "data", "trove.db"));
    await store.createCollection("papers", { fields: { title: { type: "text" } } });
    await store.close();
    const byUrl = await openStore(pathToFileURL(join(dir, "data")).href);
    assert.deepEqual(
      (await byUrl.listCollections()).map((c) => c.name),
      ["papers"],
    );
    await byUrl.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("openStore: unsupported schemes and empty locations are clear errors that never show a password", async () => {
  await assert.rejects(openStore("mysql://u:s3cret@x/y"), (e: unknown) => e instanceof InvalidArgumentError && /unsupported store location/.test(e.message) && !e.message.includes("s3cret"));
  await assert.rejects(openStore(""), InvalidArgumentError);
  assert.equal(redactUrl("postgres://trove:s3cret@db.example:5432/trove"), "postgres://trove:***@db.example:5432/trove");
  assert.equal(redactUrl("postgres://db.example/trove"), "postgres://db.example/trove");
  assert.equal(redactUrl("postgres://u@db/trove"), "postgres://u@db/trove");
});

test("resolveStoreLocation: --store, then TROVE_STORE_URL, then the data directory", () => {
  assert.equal(resolveStoreLocation("postgres://a/b", "data", { TROVE_STORE_URL: "postgres://c/d" }), "postgres://a/b");
  assert.equal(resolveStoreLocation(undefined, "data", { TROVE_STORE_URL: "postgres://c/d" }), "postgres://c/d");
  assert.equal(resolveStoreLocation(" ", "data", { TROVE_STORE_URL: "" }), "data");
  assert.ok(isPostgresUrl("postgresql://x/y") && isPostgresUrl("POSTGRES://x/y") && !isPostgresUrl("./data") && !isPostgresUrl("file:///x"));
});
