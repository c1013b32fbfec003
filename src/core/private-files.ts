/**
 * Files and directories that only their owner can read: the store, indexes,
 * models and lock files hold readers' data (emails, password hashes,
 * sessions, feedback), so Trove creates them 0600 and their directories 0700
 * whatever the umask would allow. Existing files keep the mode they have (an
 * operator may have chosen it).
 */
import { closeSync, mkdirSync, openSync } from "node:fs";

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** mkdir -p whose new directories are 0700. */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Creates an empty 0600 file unless `path` exists. */
export function touchPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, "wx", PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}
