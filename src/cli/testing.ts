/** Test helper: runs the CLI in this process (no start-up cost), capturing what it writes. */
import { main } from "./main.js";

export async function runCliInProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const captured = { stdout: "", stderr: "" };
  // The CLI writes strings; the test runner's own messages (binary) pass through.
  const capture = (key: "stdout" | "stderr", write: typeof process.stdout.write) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk !== "string") return (write as (c: Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
      captured[key] += chunk;
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture("stdout", writeOut);
  process.stderr.write = capture("stderr", writeErr);
  try {
    const code = await main(args);
    return { code, ...captured };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}
