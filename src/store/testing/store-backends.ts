/**
 * The store implementations as test fixtures, so that one test body runs
 * against each: `for (const backend of await storeBackends()) describe(backend.name, ...)`.
 * Each `open()` gives a fresh, empty store (a temporary SQLite directory, or
 * a new database on the test process's PostgreSQL server) and `dispose()`
 * removes it. The PostgreSQL backend is marked skipped, with the reason, when
 * PostgreSQL is not installed (and CI is not set; see disposable-postgres.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../open-store.js";
import type { Store } from "../store.js";
import { postgresForTests } from "./disposable-postgres.js";

export interface StoreFixture {
  store: Store;
  /** The location `store` was opened from (a directory or a URL). */
  location: string;
  /** Opens another store on the same location (the caller closes it). */
  openAnother(): Promise<Store>;
  /** Closes `store` (if still open) and removes everything. */
  dispose(): Promise<void>;
}

export interface StoreBackend {
  name: "sqlite" | "postgres";
  /** Why this backend's tests are skipped, or undefined when they run. */
  skip: string | undefined;
  open(): Promise<StoreFixture>;
}

export const sqliteBackend: StoreBackend = {
  name: "sqlite",
  skip: undefined,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), "trove-store-"));
    const store = await openStore(dir);
    return {
      store,
      location: dir,
      openAnother: () => openStore(dir),
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** The PostgreSQL backend (started on first call in this process). */
export async function postgresBackend(): Promise<StoreBackend> {
  const server = await postgresForTests();
  return {
    name: "postgres",
    skip: server ? undefined : "PostgreSQL is not installed",
    async open() {
      if (!server) throw new Error("PostgreSQL is not installed");
      const url = await server.createDatabase();
      const store = await openStore(url, { postgres: { pollIntervalMs: 100 } });
      return {
        store,
        location: url,
        openAnother: () => openStore(url, { postgres: { pollIntervalMs: 100 } }),
        async dispose() {
          await store.close();
        },
      };
    },
  };
}

/** Both backends, SQLite first. */
export async function storeBackends(): Promise<StoreBackend[]> {
  return [sqliteBackend, await postgresBackend()];
}

/** Runs `body` with a fresh store of `backend`, then disposes of it. */
export async function withFixture<T>(backend: StoreBackend, body: (fixture: StoreFixture) => Promise<T>): Promise<T> {
  const fixture = await backend.open();
  try {
    return await body(fixture);
  } finally {
    await fixture.dispose();
  }
}
