// Runs every compiled test file (dist/**/*.test.js) with Node's built-in test runner.
// Node 20's `--test` does not expand globs, so the files are listed here.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const filter = process.argv[2];
const files = ["dist/src", "dist/apps"].filter((d) => existsSync(d)).flatMap((d) => collect(d, [])).filter((f) => !filter || f.includes(filter)).sort();
if (files.length === 0) {
  console.error("run-tests: no test files found under dist/src (did the build run?)");
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
