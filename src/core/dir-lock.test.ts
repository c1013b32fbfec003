import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { LOCK_FILE_NAME, lockDirectory } from "./dir-lock.js";
import { TroveError } from "./errors.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "trove-lock-"));

test("a lock names its owner, refuses a second writer in the same process, and is released", () => {
  const dir = tempDir();
  const lock = lockDirectory(dir, "index");
  const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), "utf8"));
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.host, hostname());
  assert.throws(
    () => lockDirectory(dir, "index"),
    (error: unknown) => error instanceof TroveError && error.code === "CONFLICT" && /index at .* this process/.test(error.message),
  );
  lock.release();
  assert.equal(existsSync(join(dir, LOCK_FILE_NAME)), false);
  lockDirectory(dir).release();
});

test("a lock left by a process that has ended is taken over; an unreadable one too", () => {
  const dir = tempDir();
  const ended = spawnSync(process.execPath, ["-e", "0"]);
  assert.equal(ended.status, 0);
  writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: ended.pid, host: hostname(), command: "gone", since: "2026-01-01T00:00:00Z" }));
  lockDirectory(dir).release();
  writeFileSync(join(dir, LOCK_FILE_NAME), "{half");
  lockDirectory(dir).release();
});

test("a lock held by another running process is refused with its pid", async () => {
  const dir = tempDir();
  const module = fileURLToPath(new URL("./dir-lock.js", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--input-type=module", "-e", `import { lockDirectory } from ${JSON.stringify(module)}; lockDirectory(${JSON.stringify(dir)}); console.log("locked"); setInterval(() => {}, 1000);`],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => (chunk.toString().includes("locked") ? resolve() : undefined));
      child.on("exit", (code) => reject(new Error(`child exited early (${code})`)));
    });
    assert.throws(
      () => lockDirectory(dir, "index"),
      (error: unknown) => error instanceof TroveError && error.code === "CONFLICT" && error.message.includes(`process ${child.pid}`),
    );
  } finally {
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
  }
  // killed without releasing: the lock is stale now
  lockDirectory(dir).release();
});
