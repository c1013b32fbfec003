import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidArgumentError, TroveError } from "../core/errors.js";
import { openStore, redactUrl } from "./open-store.js";
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

test("openStore: postgres URLs are a clear 'not implemented yet' that never shows the password", async () => {
  for (const url of ["postgres://trove:s3cret@db.example:5432/trove", "postgresql://trove:s3cret@db/trove"]) {
    await assert.rejects(
      openStore(url),
      (e: unknown) => e instanceof TroveError && e.code === "INVALID_ARGUMENT" && /not implemented yet/.test(e.message) && !e.message.includes("s3cret") && e.message.includes("trove:***@"),
    );
  }
  await assert.rejects(openStore("mysql://x/y"), (e: unknown) => e instanceof InvalidArgumentError && /unsupported store location/.test(e.message));
  await assert.rejects(openStore(""), InvalidArgumentError);
  assert.equal(redactUrl("postgres://db.example/trove"), "postgres://db.example/trove");
  assert.equal(redactUrl("postgres://u@db/trove"), "postgres://u@db/trove");
});
