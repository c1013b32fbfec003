/**
 * Atomic file replacement: write to a temporary file beside the target, fsync
 * it, rename it over the target, then fsync the directory. A crash at any
 * point leaves either the old file or the new one, never a torn mix.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** `mode`: the new file's permissions (default 0o666 less the umask), e.g. 0o600 for a file holding a secret. */
export function writeFileAtomic(path: string, data: Uint8Array | string | readonly Uint8Array[], options: { mode?: number } = {}): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  const fd = openSync(tmp, "w", options.mode ?? 0o666);
  try {
    const parts = typeof data === "string" ? [Buffer.from(data, "utf8")] : data instanceof Uint8Array ? [data] : data;
    for (const part of parts) {
      let offset = 0;
      while (offset < part.byteLength) offset += writeSync(fd, part, offset, part.byteLength - offset);
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, path);
  syncDirectory(dirname(path));
}

/** fsync a directory so that a rename inside it is durable. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some file systems do not allow fsync on directories; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
