/**
 * One entry point that turns a location into a Store: a file or directory
 * path opens the embedded SQLite store; a PostgreSQL URL opens the shared
 * store that several Trove processes (nodes) can use at once.
 */
import { fileURLToPath } from "node:url";
import { InvalidArgumentError } from "../core/errors.js";
import { PostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
import { redactUrl } from "./redact-url.js";
import { SqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

export { redactUrl } from "./redact-url.js";

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The environment variable that names the store when no --store option is given. */
export const STORE_URL_ENV = "TROVE_STORE_URL";

/** True when `location` names a PostgreSQL store (postgres:// or postgresql://). */
export function isPostgresUrl(location: string): boolean {
  const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase();
  return scheme === "postgres" || scheme === "postgresql";
}

/**
 * Opens the store at `location`:
 * - a path (`./data`, `/srv/trove/trove.db`) or `file://` URL -> SqliteStore
 *   (a directory holds `trove.db`; see SqliteStore.open);
 * - `postgres://` or `postgresql://` -> PostgresStore (the database must exist;
 *   its tables are created or migrated at open).
 */
export async function openStore(location: string, options: { postgres?: PostgresStoreOptions } = {}): Promise<Store> {
  if (typeof location !== "string" || location.trim().length === 0) {
    throw new InvalidArgumentError("store location must be a path or a URL, got an empty value");
  }
  const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) return SqliteStore.open(location);
  if (scheme === "file") return SqliteStore.open(fileURLToPath(location));
  if (scheme === "postgres" || scheme === "postgresql") return PostgresStore.open(location, options.postgres);
  throw new InvalidArgumentError(`unsupported store location ${redactUrl(location)}: use a local path, a file:// URL or postgres://user:password@host/database`);
}

/**
 * The store a command or server uses: `explicit` (a --store option) if
 * given, else $TROVE_STORE_URL, else the data directory's SQLite file.
 */
export function resolveStoreLocation(explicit: string | undefined, dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit?.trim() || env[STORE_URL_ENV]?.trim();
  return chosen ? chosen : dataDir;
}
