/**
 * Test, benchmark and fault-harness helper: Paper Radar nodes as real
 * processes (`trove radar start` from bin/trove.js), on a port the system
 * picks, with a small slice of the bundled sample as the corpus. `request`
 * sends JSON with the node's own Origin (as the web app's pages do).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createReadStream, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";

export interface RadarNode {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly readyLine: string;
  readonly process: ChildProcess;
  /** What the node printed on stderr so far. */
  stderr(): string;
  request(method: string, path: string, body?: unknown, cookie?: string, headers?: Record<string, string>): Promise<NodeResponse>;
  /** SIGTERM and wait (graceful shutdown). */
  stop(): Promise<void>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

export interface NodeResponse {
  status: number;
  body: unknown;
  headers: Headers;
  /** `radar_session=...` when the response set the session cookie. */
  cookie?: string;
}

/** The repository root, from dist/src/cli/commands/testing or src/cli/commands/testing. */
export function repositoryRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${join("dist", "src")}`) ? 5 : 4;
  return join(here, ...Array<string>(up).fill(".."));
}

/** Writes the first `count` papers of the bundled sample to `file` (JSONL) and returns the path. */
export async function writeSampleCorpus(file: string, count: number): Promise<string> {
  const lines: string[] = [];
  const input = createInterface({ input: createReadStream(join(repositoryRoot(), "data", "arxiv-sample.jsonl.gz")).pipe(createGunzip()) });
  for await (const line of input) {
    if (!line.trim()) continue;
    lines.push(line);
    if (lines.length >= count) break;
  }
  input.close();
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

export interface NodeOptions {
  storeUrl?: string;
  dataDir: string;
  /** Papers imported when the store has none. */
  corpus: string;
  /** More command-line arguments (e.g. ["--max-concurrent", "4"]). */
  args?: string[];
  env?: Record<string, string>;
  /** Options for the node's Node.js itself, before the script (e.g. ["--cpu-prof", "--cpu-prof-dir", dir]). */
  nodeArgs?: string[];
  /** How long to wait for the ready line (default 60 s). */
  timeoutMs?: number;
}

export async function startNode(options: NodeOptions): Promise<RadarNode> {
  const args = [...(options.nodeArgs ?? []), join(repositoryRoot(), "bin", "trove.js"), "radar", "start", "--port", "0", "--data", options.dataDir, "--corpus", options.corpus, ...(options.args ?? [])];
  if (options.storeUrl) args.push("--store", options.storeUrl);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TROVE_STORE_URL: "", ...options.env } });
  let stderr = "";
  let stdout = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start in time:\n${stderr}`)), options.timeoutMs ?? 60_000);
    child.stdout!.on("data", (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split("\n").find((l) => l.startsWith("Paper Radar is running at "));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`node exited before it was ready (${child.exitCode ?? child.signalCode}):\n${stderr}`));
    });
  });
  const port = Number(/:(\d+)\//.exec(readyLine)![1]);
  const url = `http://127.0.0.1:${port}`;
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url,
    port,
    pid: child.pid!,
    readyLine,
    process: child,
    stderr: () => stderr,
    async request(method, path, body, cookie, headers = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { origin: url, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(cookie ? { cookie } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON
      }
      const session = /radar_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "");
      return { status: res.status, body: parsed, headers: res.headers, cookie: session ? `radar_session=${session[1]}` : undefined };
    },
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
  };
}
