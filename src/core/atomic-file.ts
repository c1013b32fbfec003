/**
 * Atomic file replacement: write to a temporary file beside the target, fsync
 * it, rename it over the target, then fsync the directory. A crash at any
 * point leaves either the old file or the new one, never a torn mix. Files
 * are created 0600.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { PRIVATE_FILE_MODE } from "./private-files.js";

let counter = 0;

/** `mode`: the new file's permissions (default 0o666 less the umask), e.g. 0o600 for a file holding a secret. */
export function writeFileAtomic(path: string, data: Uint8Array | string | readonly Uint8Array[], options: { mode?: number } = {}): void {
  const writer = new AtomicFileWriter(path, options);
  try {
    const parts = typeof data === "string" || data instanceof Uint8Array ? [data] : data;
    for (const part of parts) writer.write(part);
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.commit();
}

/**
 * A file written piece by piece (output too large to hold in memory) that appears at its path only
 * when `commit()` is called, with the same temp-file, fsync, rename steps; `abort()` leaves the old file.
 */
export class AtomicFileWriter {
  private readonly tmp: string;
  private fd: number | undefined;

  constructor(
    readonly path: string,
    options: { mode?: number } = {},
  ) {
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
    // a new file is readable by its owner only unless `mode` says otherwise (private-files.ts); the rename keeps that mode
    this.fd = openSync(this.tmp, "w", options.mode ?? PRIVATE_FILE_MODE);
  }

  write(data: Uint8Array | string): void {
    if (this.fd === undefined) throw new Error(`${this.path}: write after commit or abort`);
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let offset = 0;
    while (offset < bytes.byteLength) offset += writeSync(this.fd, bytes, offset, bytes.byteLength - offset);
  }

  commit(): void {
    if (this.fd === undefined) throw new Error(`${this.path}: commit after commit or abort`);
    try {
      fsyncSync(this.fd);
    } catch (error) {
      this.abort();
      throw error;
    }
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.tmp, this.path);
    syncDirectory(dirname(this.path));
  }

  /** Removes the temporary file; the file at `path`, if any, is untouched. Safe to call twice. */
  abort(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.tmp, { force: true });
  }
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
