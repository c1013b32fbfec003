import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoredRecord } from "../core/schema.js";
import { SqliteStore } from "./sqlite-store.js";

const SCHEMA = { fields: { title: { type: "text" as const }, body: { type: "text" as const } } };

/**
 * Child process: opens the store, then upserts an endless stream (first
 * rewriting every existing record, then adding new ones, ~2 KB each, so the
 * open transaction spills far beyond SQLite's page cache into the WAL). It
 * prints READY once enough is written and keeps going until it is killed.
 */
const CHILD_SOURCE = `
const { SqliteStore } = await import(process.env.STORE_MODULE);
const store = SqliteStore.open(process.env.STORE_PATH);
const filler = "x".repeat(2000);
let told = false;
async function* endless() {
  for (let i = 0; ; i++) yield { id: i < 1000 ? "d" + i : "new" + i, title: "overwritten " + i, body: filler };
}
await store.putRecords("docs", endless(), {
  batchSize: 1000,
  onProgress(p) {
    if (!told && p.processed >= 40000) {
      told = true;
      process.stdout.write("READY " + p.processed + "\\n");
    }
  },
});
`;

test("a writer killed with SIGKILL in the middle of putRecords leaves exactly the previous committed state", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-crash-"));
  try {
    const store = SqliteStore.open(dir);
    await store.createCollection("docs", SCHEMA);
    const original = Array.from({ length: 1000 }, (_, i): StoredRecord => ({ id: `d${i}`, title: `original ${i}` }));
    await store.putRecords("docs", original);
    await store.deleteRecords("docs", ["d5"]);
    await store.setMeta("index:docs", { seq: 3 });
    const before = {
      records: await collectScan(store),
      count: await store.countRecords("docs"),
      latestSeq: await store.latestSeq("docs"),
      feed: await store.changesSince("docs", 0, 5000),
    };
    await store.close();

    const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD_SOURCE], {
      env: { ...process.env, STORE_MODULE: new URL("./sqlite-store.js", import.meta.url).href, STORE_PATH: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    let walBytesAtKill = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().startsWith("READY")) {
          walBytesAtKill = statSync(join(dir, "trove.db-wal")).size;
          child.kill("SIGKILL");
          resolve();
        }
      });
      void exit.then(({ code }) => reject(new Error(`child exited (code ${code}) before it was killed: ${stderr}`)));
    });
    assert.equal((await exit).signal, "SIGKILL");
    assert.ok(walBytesAtKill > 20_000_000, `uncommitted pages reached the WAL on disk (${walBytesAtKill} bytes)`);

    const reopened = SqliteStore.open(dir);
    try {
      assert.deepEqual(await collectScan(reopened), before.records);
      assert.equal(await reopened.countRecords("docs"), before.count);
      assert.equal(await reopened.latestSeq("docs"), before.latestSeq);
      assert.deepEqual(await reopened.changesSince("docs", 0, 5000), before.feed);
      assert.equal(await reopened.getRecord("docs", "new1000"), undefined);
      assert.deepEqual(await reopened.getMeta("index:docs"), { seq: 3 });
      // And the store is writable again, numbering after the last committed write.
      await reopened.putRecords("docs", [{ id: "after", title: "after the crash" }]);
      assert.equal(await reopened.latestSeq("docs"), before.latestSeq + 1);
    } finally {
      await reopened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function collectScan(store: SqliteStore) {
  const out = [];
  for await (const r of store.scanRecords("docs")) out.push(r);
  return out;
}
