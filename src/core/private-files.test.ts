import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-file.js";
import { lockDirectory } from "./dir-lock.js";
import { makePrivateDir } from "./private-files.js";

test("atomic writes, lock files and new directories are readable by their owner only, whatever the umask", () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-private-"));
  const previous = process.umask(0o022);
  try {
    const mode = (path: string) => statSync(path).mode & 0o777;
    makePrivateDir(join(dir, "a", "b"));
    assert.equal(mode(join(dir, "a")), 0o700);
    assert.equal(mode(join(dir, "a", "b")), 0o700);
    writeFileAtomic(join(dir, "a", "b", "segment.bin"), new Uint8Array([1, 2, 3]));
    assert.equal(mode(join(dir, "a", "b", "segment.bin")), 0o600);
    const lock = lockDirectory(join(dir, "a"), "test");
    assert.equal(mode(lock.path), 0o600);
    lock.release();
  } finally {
    process.umask(previous);
    rmSync(dir, { recursive: true, force: true });
  }
});
