/**
 * One entry point that turns a location into a Store: a file or directory
 * path opens the embedded SQLite store; a PostgreSQL URL is reserved for the
 * shared-deployment store that a later issue adds.
 */
import { fileURLToPath } from "node:url";
import { InvalidArgumentError, TroveError } from "../core/errors.js";
import { SqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Opens the store at `location`:
 * - a path (`./data`, `/srv/trove/trove.db`) or `file://` URL -> SqliteStore
 *   (a directory holds `trove.db`; see SqliteStore.open);
 * - `postgres://` or `postgresql://` -> not implemented yet (TroveError, code INVALID_ARGUMENT).
 */
export async function openStore(location: string): Promise<Store> {
  if (typeof location !== "string" || location.trim().length === 0) {
    throw new InvalidArgumentError("store location must be a path or a URL, got an empty value");
  }
  const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) return SqliteStore.open(location);
  if (scheme === "file") return SqliteStore.open(fileURLToPath(location));
  if (scheme === "postgres" || scheme === "postgresql") {
    throw new TroveError(
      "INVALID_ARGUMENT",
      `PostgreSQL stores are not implemented yet (${redactUrl(location)}); use a local path for the embedded SQLite store`,
    );
  }
  throw new InvalidArgumentError(`unsupported store location ${redactUrl(location)}: use a local path, a file:// URL or (later) postgres://`);
}

/** Hides a password in a URL so that it never reaches a log or an error message. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, "$1:***@");
}
