#!/usr/bin/env node
// Entry point of the `trove` command: runs the compiled CLI.
import { main } from "../dist/src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`trove: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
