#!/usr/bin/env node
// Entry point of the `trove` command: runs the compiled CLI.
import { main } from "../dist/src/cli/main.js";

// A closed pipe (`trove ... | head`) is a normal way for output to end.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`trove: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
