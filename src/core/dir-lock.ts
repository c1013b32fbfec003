/**
 * A lock file that keeps a second process from writing a directory another
 * process is writing (two writers of one index would delete each other's
 * uncommitted segment files and replace each other's manifests).
 *
 * The lock is a file created with O_EXCL holding the owner's pid, host and
 * command line. A lock left by a process that no longer runs on this host (a
 * crash, kill -9) is stale and taken over. Within one process, the same
 * directory can be locked once; a second attempt fails like another process's
 * would, since two writers in one process are just as harmful.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { TroveError } from "./errors.js";

export const LOCK_FILE_NAME = "write.lock";

interface LockOwner {
  pid: number;
  host: string;
  command: string;
  since: string;
}

/** A directory locked by this process; `release()` removes the lock file. */
export interface DirLock {
  readonly path: string;
  release(): void;
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    if (typeof owner.pid !== "number" || typeof owner.host !== "string") return null;
    return { pid: owner.pid, host: owner.host, command: String(owner.command ?? ""), since: String(owner.since ?? "") };
  } catch {
    return null;
  }
}

/** Whether a process with this pid runs on this host (signal 0; EPERM means it runs as another user). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when the recorded owner can no longer hold the lock. */
function isStale(owner: LockOwner | null): boolean {
  if (owner === null) return true; // unreadable or half-written by a crashed process
  return owner.host === hostname() && owner.pid !== process.pid && !isRunning(owner.pid);
}

/**
 * Locks `dir` (which must exist) for writing by this process, or throws a
 * CONFLICT error naming the process that holds it. `what` names the directory
 * in messages ("index", "model").
 */
export function lockDirectory(dir: string, what = "directory"): DirLock {
  const path = join(dir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(path);
      if (isStale(owner)) {
        rmSync(path, { force: true });
        continue;
      }
      const who = owner!.pid === process.pid ? "this process (it is already open; close it first)" : `process ${owner!.pid} on ${owner!.host} (${owner!.command || "unknown command"}, since ${owner!.since})`;
      throw new TroveError("CONFLICT", `the ${what} at ${dir} is being written by ${who}; stop that process first (a lock left by a process that has ended is taken over automatically)`);
    }
    const owner: LockOwner = { pid: process.pid, host: hostname(), command: process.argv.slice(1).join(" ").slice(0, 300), since: new Date().toISOString() };
    try {
      writeSync(fd, JSON.stringify(owner));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        const current = readOwner(path);
        if (current && current.pid === owner.pid && current.since === owner.since) rmSync(path, { force: true });
      },
    };
  }
  throw new TroveError("CONFLICT", `could not lock the ${what} at ${dir}: its lock file keeps changing`);
}
