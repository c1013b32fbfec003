/**
 * How command-line tools find the Paper Radar server that owns a data
 * directory. A running server is the one writer of its papers index (the
 * index's write.lock names its process), so `trove radar import` and
 * `trove radar fetch` hand their work to it instead of opening the index.
 * At start the server writes `<dataDir>/radar-server.json` (readable by the
 * directory's owner only) with its URL, process and a local admin token; a
 * tool that can read the data directory could change the store directly
 * anyway, so the token grants admin rights to the admin routes only. The
 * file is removed when the server stops; one left by a process that has
 * ended is ignored.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/core/atomic-file.js";
import { LOCK_FILE_NAME } from "../../src/core/dir-lock.js";
import { PAPERS_COLLECTION } from "./papers.js";

export const SERVER_INFO_FILE = "radar-server.json";

export interface ServerInfo {
  url: string;
  pid: number;
  host: string;
  startedAt: string;
  /** Bearer token for the admin routes, for tools on this machine. */
  token: string;
}

export function newLocalToken(): string {
  return `trl_${randomBytes(24).toString("base64url")}`;
}

/** True when `presented` is the local token (constant-time comparison). */
export function isLocalToken(presented: string, token: string | undefined): boolean {
  if (!token) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function writeServerInfo(dataDir: string, info: Omit<ServerInfo, "pid" | "host" | "startedAt">): void {
  const full: ServerInfo = { ...info, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  writeFileAtomic(join(dataDir, SERVER_INFO_FILE), JSON.stringify(full, null, 2) + "\n", { mode: 0o600 });
}

/** Removes the file if this process wrote it. */
export function removeServerInfo(dataDir: string): void {
  const info = readInfo(dataDir);
  if (info && info.pid === process.pid && info.host === hostname()) rmSync(join(dataDir, SERVER_INFO_FILE), { force: true });
}

function readInfo(dataDir: string): ServerInfo | undefined {
  const path = join(dataDir, SERVER_INFO_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as Partial<ServerInfo>;
    if (typeof info.url !== "string" || typeof info.pid !== "number" || typeof info.token !== "string" || typeof info.host !== "string") return undefined;
    return info as ServerInfo;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid in the papers index's write lock, if the lock is there and readable. */
function lockHolder(dataDir: string): number | undefined {
  try {
    const owner = JSON.parse(readFileSync(join(dataDir, "indexes", PAPERS_COLLECTION, LOCK_FILE_NAME), "utf8")) as { pid?: unknown };
    return typeof owner.pid === "number" ? owner.pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The server running on this data directory, if any: its info file names a
 * process that is still running on this host and (when the papers index is
 * locked) holds the index's write lock.
 */
export function findRunningServer(dataDir: string): ServerInfo | undefined {
  const info = readInfo(dataDir);
  if (!info || info.host !== hostname() || !isRunning(info.pid)) return undefined;
  const holder = lockHolder(dataDir);
  if (holder !== undefined && holder !== info.pid) return undefined;
  return info;
}
