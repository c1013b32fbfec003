/**
 * `trove radar import` and `trove radar fetch` from the command line, in this
 * process (the fixture server answers from its event loop). Bad input goes
 * through main() with stderr captured, which also checks the exit codes; the
 * test runner reports on stdout, so stdout is never replaced: successful runs
 * use a program of their own whose radar commands print to a buffer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Command } from "commander";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../../src/cli/main.js";
import { registerRadarCommands } from "../../../src/cli/commands/radar-commands.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "apps", "radar", "ingest", "fixtures");

/** The radar commands with their output in strings. */
async function radarCommand(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command().exitOverride();
  registerRadarCommands(program, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  await program.parseAsync(args, { from: "user" });
  return { stdout: out.join(""), stderr: err.join("") };
}

/** main() in this process, for commands that fail before printing to stdout. */
async function troveFailing(...args: string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    return { code: await main(args), stderr: err.join("") };
  } finally {
    process.stderr.write = write;
  }
}

test("radar import and fetch: bad input exits 2 with a message naming file:line:field or the option", async () => {
  const dir = mkdtempSync(join(tmpdir(), "radar-cli-"));
  try {
    const data = join(dir, "data");
    const csv = join(dir, "papers.csv");
    writeFileSync(csv, "id,title,authors,categories,date\n2501.00001,Sparse retrieval,Ada Lovelace,cs.IR,2025-01-02\n2501.00002,,Alan Turing,cs.IR,2025-01-03\n");
    assert.deepEqual(await troveFailing("radar", "import", csv, "--data", data), {
      code: 2,
      stderr: `trove: ${csv}:3: id "2501.00002", field "title": required: expected a non-empty string\n`,
    });
    const txt = join(dir, "papers.txt");
    assert.deepEqual(await troveFailing("radar", "import", txt, "--data", data), {
      code: 2,
      stderr: `trove: cannot tell the format of ${txt} from its name: use --format jsonl or --format csv\n`,
    });
    assert.deepEqual(await troveFailing("radar", "import", csv, "--data", data, "--format", "xml"), { code: 2, stderr: 'trove: --format must be jsonl or csv, got "xml"\n' });
    assert.deepEqual(await troveFailing("radar", "import", join(dir, "none.jsonl"), "--data", data), { code: 2, stderr: `trove: file not found: ${join(dir, "none.jsonl")}\n` });
    assert.deepEqual(await troveFailing("radar", "fetch", "--category", "cs.IR", "--since", "last week", "--data", data), {
      code: 2,
      stderr: 'trove: --since must be a date YYYY-MM-DD, got "last week"\n',
    });
    assert.equal((await troveFailing("radar", "fetch", "--data", data)).code, 2); // --category is required
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("radar import --skip-invalid and radar fetch --base-url print what they stored", async () => {
  const pages = [readFileSync(join(FIXTURES, "arxiv-cs-ir-page-1.xml"), "utf8"), readFileSync(join(FIXTURES, "arxiv-cs-ir-page-2.xml"), "utf8")];
  const server = createServer((req, res) => {
    const start = new URL(req.url ?? "/", "http://127.0.0.1").searchParams.get("start");
    res.writeHead(200, { "Content-Type": "application/atom+xml" }).end(start === "0" ? pages[0] : pages[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/query`;
  const dir = mkdtempSync(join(tmpdir(), "radar-cli-"));
  try {
    const csv = join(dir, "papers.csv");
    writeFileSync(csv, "id,title,authors,categories,date\n2501.00001,Sparse retrieval,Ada Lovelace,cs.IR,2025-01-02\n2501.00002,,Alan Turing,cs.IR,2025-01-03\n");
    const imported = await radarCommand("radar", "import", csv, "--data", join(dir, "imported"), "--skip-invalid");
    const fetched = await radarCommand("radar", "fetch", "--category", "cs.IR", "--since", "2025-11-18", "--page-size", "3", "--delay", "0", "--base-url", baseUrl, "--data", join(dir, "fetched"));
    assert.match(imported.stdout, /2 read, 1 inserted, 0 updated, 0 unchanged, 1 rejected; 1 papers searchable/);
    assert.match(imported.stderr, /rejected .*papers\.csv:3: id "2501\.00002", field "title": required/);

    assert.match(fetched.stdout, /arXiv cs\.IR: 5 papers \(2025-11-18 \.\. 2025-11-21\) in 2 requests, 5 inserted, .*stopped: reached papers older than 2025-11-18; 5 papers searchable/);
    assert.match(fetched.stderr, /results 1-3 of 6 \(2025-11-20 \.\. 2025-11-21\): 3 new/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});
