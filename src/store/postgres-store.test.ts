/**
 * What only the PostgreSQL store has: URLs and connection failures, its
 * format version, several writers on one database (numbers in commit order,
 * long imports that do not hold others up), LISTEN/NOTIFY with polling as the
 * fallback, and crashes: a writer killed with SIGKILL, a server restarted in
 * the middle of an import. The shared behaviour is in store-contract.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import pg from "pg";
import { InvalidArgumentError, InvalidFileError, TroveError } from "../core/errors.js";
import type { StoredRecord } from "../core/schema.js";
import { openStore } from "./open-store.js";
import { PostgresStore } from "./postgres-store.js";
import type { Store } from "./store.js";
import { postgresForTests } from "./testing/disposable-postgres.js";

const server = await postgresForTests();
const SCHEMA = { fields: { title: { type: "text" as const } } };

async function fresh(options: { pollIntervalMs?: number } = {}): Promise<{ url: string; store: PostgresStore }> {
  const url = await server!.createDatabase();
  return { url, store: await PostgresStore.open(url, options) };
}

async function everything(store: Store, collection: string) {
  const records = [];
  for await (const r of store.scanRecords(collection)) records.push(r);
  return { records, count: await store.countRecords(collection), latest: await store.latestSeq(collection), feed: await store.changesSince(collection, 0, 100_000) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("PostgresStore", { skip: server ? undefined : "PostgreSQL is not installed" }, () => {
  test("URLs: postgres:// and postgresql:// open it; bad URLs, missing databases and dead servers are clear errors without the password", async () => {
    const url = await server!.createDatabase();
    const store = await openStore(url.replace(/^postgres:/, "postgresql:"));
    assert.ok(store instanceof PostgresStore);
    await store.close();

    await assert.rejects(openStore("postgres://db.example"), (e: unknown) => e instanceof InvalidArgumentError && /names no database/.test(e.message));
    await assert.rejects(openStore(`${url}?pool_size=many`), (e: unknown) => e instanceof InvalidArgumentError && /pool_size/.test(e.message));
    const missing = server!.url("no_such_db").replace("trove@", "trove:s3cret@");
    await assert.rejects(openStore(missing), (e: unknown) => e instanceof TroveError && e.code === "UNAVAILABLE" && /no_such_db/.test(e.message) && !e.message.includes("s3cret") && e.message.includes("trove:***@"));
    const started = performance.now();
    await assert.rejects(openStore("postgres://trove:pw@127.0.0.1:1/x"), (e: unknown) => e instanceof TroveError && e.code === "UNAVAILABLE" && /cannot reach PostgreSQL/.test(e.message) && !e.message.includes(":pw@"));
    assert.ok(performance.now() - started < 5000, "a dead server fails fast");
  });

  test("migrations run once, are recorded, and a newer format is refused", async () => {
    const { url, store } = await fresh();
    await store.close();
    const again = await PostgresStore.open(url); // second open: nothing to migrate
    await again.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const versions = await client.query("SELECT version FROM trove_schema_version ORDER BY version");
      assert.deepEqual(
        versions.rows.map((r: { version: number }) => r.version),
        [1, 2],
      );
      await client.query("INSERT INTO trove_schema_version VALUES (99, 'future', 'now')");
    } finally {
      await client.end();
    }
    await assert.rejects(PostgresStore.open(url), (e: unknown) => e instanceof InvalidFileError && /format version 99, newer than this Trove understands \(2\)/.test(e.message));
  });

  test("nodes opening a new database at the same moment migrate it once", async () => {
    const url = await server!.createDatabase();
    const stores = await Promise.all([PostgresStore.open(url), PostgresStore.open(url), PostgresStore.open(url)]);
    await stores[0].createCollection("papers", SCHEMA);
    assert.deepEqual(
      (await stores[2].listCollections()).map((c) => c.name),
      ["papers"],
    );
    await Promise.all(stores.map((s) => s.close()));
  });

  test("two writers on one database: numbers follow commit order, so a reader polling the feed never misses a record", async () => {
    const { url, store: a } = await fresh();
    const b = await PostgresStore.open(url);
    const reader = await PostgresStore.open(url);
    try {
      await a.createCollection("docs", SCHEMA);
      const mirror = new Map<string, StoredRecord>();
      let applied = 0;
      let writing = true;
      const follow = (async () => {
        while (writing) {
          for (const change of await reader.changesSince("docs", applied, 1000)) {
            if (change.op === "put") mirror.set(change.id, change.record!);
            else mirror.delete(change.id);
            applied = change.seq;
          }
          await sleep(1);
        }
      })();
      const writer = async (store: Store, prefix: string) => {
        for (let i = 0; i < 60; i++) {
          await store.putRecords("docs", [{ id: `${prefix}${i % 25}`, title: `${prefix} ${i}` }, { id: `${prefix}x${i}`, title: "extra" }]);
          if (i % 7 === 0) await store.deleteRecords("docs", [`${prefix}x${i - 1}`]);
        }
      };
      await Promise.all([writer(a, "a"), writer(b, "b")]);
      writing = false;
      await follow;
      for (const change of await reader.changesSince("docs", applied, 100_000)) {
        if (change.op === "put") mirror.set(change.id, change.record!);
        else mirror.delete(change.id);
      }
      const live = await everything(reader, "docs");
      assert.equal(live.count, live.records.length);
      assert.deepEqual(new Map(live.records.map((r) => [r.id, r.record])), mirror);
      const seqs = live.feed.map((c) => c.seq);
      assert.equal(new Set(seqs).size, seqs.length);
    } finally {
      await Promise.all([a.close(), b.close(), reader.close()]);
    }
  });

  test("a long import holds up another node's write only for its final merge, and takes its numbers after it", async () => {
    const { url, store: importer } = await fresh();
    const other = await PostgresStore.open(url);
    try {
      await importer.createCollection("docs", SCHEMA);
      let otherMs = 0;
      let otherWrite: Promise<void> | undefined;
      async function* slowSource() {
        for (let i = 0; i < 400; i++) {
          if (i === 200) {
            otherWrite = (async () => {
              const started = performance.now();
              await other.putRecords("docs", [{ id: "quick", title: "written by another node during the import" }]);
              otherMs = performance.now() - started;
            })();
          }
          if (i % 100 === 0) await sleep(300);
          yield { id: `d${i}`, title: `doc ${i}` };
        }
      }
      const started = performance.now();
      await importer.putRecords("docs", slowSource(), { batchSize: 50 });
      const importMs = performance.now() - started;
      await otherWrite;
      assert.ok(importMs > 1000, `the import took ${importMs.toFixed(0)} ms`);
      assert.ok(otherMs < importMs / 2, `the other node's write took ${otherMs.toFixed(0)} ms during an import of ${importMs.toFixed(0)} ms`);
      const feed = await other.changesSince("docs", 0, 1000);
      assert.equal(feed[0].id, "quick", "the write that committed first has the lower number");
      assert.equal(await other.countRecords("docs"), 401);
    } finally {
      await Promise.all([importer.close(), other.close()]);
    }
  });

  test("notices arrive through LISTEN/NOTIFY long before the poll, and polling takes over when the listening connection dies", async () => {
    const { url, store: watcher } = await fresh({ pollIntervalMs: 60_000 });
    const writer = await PostgresStore.open(url);
    try {
      await writer.createCollection("docs", SCHEMA);
      const notices: Array<{ collection?: string; seq: number }> = [];
      const stop = watcher.watch((n) => notices.push(n));
      await sleep(300); // the listener connects
      const seq = (await writer.putRecords("docs", [{ id: "1", title: "x" }]), await writer.latestSeq("docs"));
      for (let waited = 0; !notices.some((n) => n.seq === seq) && waited < 3000; waited += 20) await sleep(20);
      assert.ok(
        notices.some((n) => n.collection === "docs" && n.seq === seq),
        "pushed without waiting for the 60 s poll",
      );
      stop();
    } finally {
      await Promise.all([watcher.close(), writer.close()]);
    }

    // polling alone (the listener's connection is killed as soon as it appears)
    const polled = await PostgresStore.open(url, { pollIntervalMs: 100 });
    const writer2 = await PostgresStore.open(url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const notices: number[] = [];
      const stop = polled.watch((n) => notices.push(n.seq));
      await sleep(300);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");
      await writer2.putRecords("docs", [{ id: "2", title: "y" }]);
      const seq = await writer2.latestSeq("docs");
      for (let waited = 0; !notices.includes(seq) && waited < 3000; waited += 20) await sleep(20);
      assert.ok(notices.includes(seq), "the poll found the write");
      stop();
    } finally {
      await admin.end();
      await Promise.all([polled.close(), writer2.close()]);
    }
  });

  test("a writer killed with SIGKILL in the middle of putRecords leaves exactly the previous committed state", async () => {
    const { url, store } = await fresh();
    try {
      await store.createCollection("docs", SCHEMA);
      await store.putRecords(
        "docs",
        Array.from({ length: 300 }, (_, i) => ({ id: `d${i}`, title: `original ${i}` })),
      );
      await store.deleteRecords("docs", ["d5"]);
      const before = await everything(store, "docs");
      const child = spawn(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const { PostgresStore } = await import(process.env.STORE_MODULE);
           const store = await PostgresStore.open(process.env.STORE_URL);
           async function* endless() { for (let i = 0; ; i++) yield { id: i < 300 ? "d" + i : "new" + i, title: "overwritten " + i }; }
           let told = false;
           await store.putRecords("docs", endless(), { batchSize: 500, onProgress(p) { if (!told && p.processed >= 5000) { told = true; process.stdout.write("READY\\n"); } } });`,
        ],
        { env: { ...process.env, STORE_MODULE: new URL("./postgres-store.js", import.meta.url).href, STORE_URL: url }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (c: Buffer) => {
          if (c.toString().includes("READY")) {
            child.kill("SIGKILL");
            resolve();
          }
        });
        void exit.then(() => reject(new Error(`child ended before it was killed: ${stderr}`)));
      });
      assert.equal(await exit, "SIGKILL");
      assert.deepEqual(await everything(store, "docs"), before);
      await store.putRecords("docs", [{ id: "after", title: "after the crash" }]);
      assert.equal(await store.latestSeq("docs"), before.latest + 1);
    } finally {
      await store.close();
    }
  });

  test("the server restarting in the middle of an import: the import fails as UNAVAILABLE, nothing of it is stored, and a rerun succeeds", async () => {
    if (!server!.kill) return;
    const { store } = await fresh();
    try {
      await store.createCollection("docs", SCHEMA);
      await store.putRecords(
        "docs",
        Array.from({ length: 100 }, (_, i) => ({ id: `d${i}`, title: `original ${i}` })),
      );
      const before = await everything(store, "docs");
      const input = (signalAt?: number, onAt?: () => Promise<void>) =>
        (async function* () {
          for (let i = 0; i < 2000; i++) {
            if (i === signalAt) await onAt!();
            yield { id: `n${i}`, title: `new ${i}` };
          }
        })();
      await assert.rejects(
        store.putRecords("docs", input(1000, () => server!.kill()), { batchSize: 200 }),
        (e: unknown) => e instanceof TroveError && e.code === "UNAVAILABLE" && /cannot reach PostgreSQL|terminat/i.test(e.message),
      );
      await assert.rejects(store.countRecords("docs"), (e: unknown) => e instanceof TroveError && e.code === "UNAVAILABLE");
      await server!.start();
      assert.deepEqual(await everything(store, "docs"), before, "the same store object works again once the server is back");
      const rerun = await store.putRecords("docs", input(), { batchSize: 200 });
      assert.equal(rerun.inserted, 2000);
      assert.equal(await store.countRecords("docs"), 2100);
    } finally {
      await store.close();
    }
  });
});
