/**
 * A throwaway PostgreSQL server for tests, benchmarks and the fault harness:
 * `initdb` into a temporary directory, `pg_ctl start` on a free port of
 * 127.0.0.1, a fresh database per caller, and `stop()` removing it all.
 *
 * Debian's `postgresql` package puts the server binaries under
 * /usr/lib/postgresql/<version>/bin (not on PATH); TROVE_PG_BIN names another
 * directory. `initdb` refuses to run as root, so as root the server runs as
 * the `postgres` user (the package creates it) through `runuser`.
 *
 * The server is tuned for throwaway data (fsync off): a crash of the
 * PostgreSQL process (`kill()`, used by the fault harness) still loses
 * nothing committed, because the operating system keeps the written pages;
 * only a power cut would.
 *
 * `postgresForTests()` is what test files call: it starts one server per
 * test process, says why and returns undefined when PostgreSQL is not
 * installed (outside CI only: with CI=true a missing PostgreSQL is an error,
 * and .ci/run installs it).
 */
import { execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TroveError } from "../../core/errors.js";

export interface DisposablePostgres {
  readonly host: string;
  readonly port: number;
  /** Connection URL of `database` (default "postgres"). */
  url(database?: string): string;
  /** Creates a new empty database (a fresh name unless given) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Crashes the server (immediate shutdown: no checkpoint, as a power-cut-free crash). */
  kill(): Promise<void>;
  /** Starts the server again after `kill()` or `stop({ keepData: true })`; crash recovery runs. */
  start(): Promise<void>;
  /** Stops the server and removes its files. Safe to call twice. */
  stop(): Promise<void>;
}

const USER = "trove";

/** The directory holding initdb, pg_ctl and postgres, or undefined when PostgreSQL is not installed. */
export function findPostgresBinaries(): string | undefined {
  const candidates: string[] = [];
  if (process.env.TROVE_PG_BIN) candidates.push(process.env.TROVE_PG_BIN);
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(root, v, "bin"));
  }
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir) candidates.push(dir);
  return candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")));
}

/** A port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${name}:`));
    if (!line) return undefined;
    const [, , uid, gid] = line.split(":");
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

function run(command: string, args: string[], asUser: string | undefined): Promise<{ code: number | null; output: string }> {
  const [file, argv] = asUser ? ["runuser", ["-u", asUser, "--", command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

export interface StartOptions {
  /** Directory of the server binaries (default: findPostgresBinaries()). */
  binDir?: string;
  /** Extra server settings, e.g. { max_connections: "200" }. */
  settings?: Record<string, string>;
}

/** Starts a new server in a temporary directory. Throws when PostgreSQL is not installed. */
export async function startDisposablePostgres(options: StartOptions = {}): Promise<DisposablePostgres> {
  const bin = options.binDir ?? findPostgresBinaries();
  if (!bin) throw new TroveError("UNAVAILABLE", "PostgreSQL is not installed (apt-get install postgresql, or set TROVE_PG_BIN to the directory of initdb and pg_ctl)");
  const root = mkdtempSync(join(tmpdir(), "trove-pg-"));
  const dataDir = join(root, "data");
  const asUser = process.getuid?.() === 0 ? "postgres" : undefined;
  if (asUser) {
    const ids = userIds(asUser);
    if (!ids) throw new TroveError("UNAVAILABLE", "running as root, but there is no 'postgres' user to run PostgreSQL as (initdb refuses root)");
    chownSync(root, ids.uid, ids.gid);
  }
  const init = await run(join(bin, "initdb"), ["-D", dataDir, "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync", "--no-instructions"], asUser);
  if (init.code !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new TroveError("UNAVAILABLE", `initdb failed (${init.code}): ${init.output.trim()}`);
  }
  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: root,
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    max_connections: "200",
    shared_buffers: "32MB",
    ...options.settings,
  };
  let port = 0;
  let started = false;

  const pgCtl = (args: string[]) => run(join(bin, "pg_ctl"), ["-D", dataDir, ...args], asUser);
  const startServer = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      if (!started) port = port || (await freePort());
      const opts = [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(" ");
      const result = await pgCtl(["-o", opts, "-l", join(root, "server.log"), "-w", "-t", "60", "start"]);
      if (result.code === 0) {
        started = true;
        return;
      }
      const log = existsSync(join(root, "server.log")) ? readFileSync(join(root, "server.log"), "utf8").slice(-2000) : "";
      // the port was taken between choosing it and binding it: choose another (only before the first start)
      if (!started && attempt < 3 && /could not (bind|create listen socket)|already in use/i.test(log)) {
        port = 0;
        continue;
      }
      throw new TroveError("UNAVAILABLE", `pg_ctl start failed (${result.code}): ${result.output.trim()}\n${log}`);
    }
  };

  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      const args = ["-D", dataDir, "-m", "immediate", "stop"];
      if (asUser) execFileSync("runuser", ["-u", asUser, "--", join(bin, "pg_ctl"), ...args], { stdio: "ignore" });
      else execFileSync(join(bin, "pg_ctl"), args, { stdio: "ignore" });
    } catch {
      // not running
    }
    rmSync(root, { recursive: true, force: true });
  };
  // a test process that ends without calling stop() must not leave a server behind
  process.once("exit", stopSync);

  try {
    await startServer();
  } catch (error) {
    stopSync();
    throw error;
  }

  let databases = 0;
  const url = (database = "postgres") => `postgres://${USER}@127.0.0.1:${port}/${database}`;
  const handle: DisposablePostgres = {
    host: "127.0.0.1",
    get port() {
      return port;
    },
    url,
    async createDatabase(name) {
      const db = name ?? `t${process.pid}_${++databases}`;
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(db)) throw new TroveError("INVALID_ARGUMENT", `database name ${JSON.stringify(db)} is not a plain identifier`);
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${db}`);
      } finally {
        await client.end();
      }
      return url(db);
    },
    async kill() {
      const result = await pgCtl(["-m", "immediate", "-w", "stop"]);
      if (result.code !== 0) throw new TroveError("UNAVAILABLE", `pg_ctl stop failed: ${result.output.trim()}`);
    },
    async start() {
      await startServer();
    },
    async stop() {
      process.off("exit", stopSync);
      if (stopped) return;
      await pgCtl(["-m", "immediate", "-w", "stop"]);
      stopped = true;
      rmSync(root, { recursive: true, force: true });
    },
  };
  return handle;
}

let shared: Promise<DisposablePostgres | undefined> | undefined;

/**
 * The test process's PostgreSQL server, started on first use and stopped
 * when the process exits; undefined (with a note on stderr) when PostgreSQL
 * is not installed and CI is not set. Tests create their own database on it.
 * TROVE_TEST_PG_URL (a server URL with a user allowed to create databases)
 * uses an existing server instead.
 */
export function postgresForTests(): Promise<DisposablePostgres | undefined> {
  shared ??= (async () => {
    const external = process.env.TROVE_TEST_PG_URL;
    if (external) return externalServer(external);
    if (!findPostgresBinaries()) {
      if (process.env.CI === "true") {
        throw new TroveError("UNAVAILABLE", "CI=true but PostgreSQL is not installed: .ci/run installs the postgresql package; PostgreSQL tests must run in CI");
      }
      process.stderr.write("# PostgreSQL is not installed (apt-get install postgresql): the PostgreSQL tests are skipped\n");
      return undefined;
    }
    return startDisposablePostgres();
  })();
  return shared;
}

/** A DisposablePostgres over a server someone else runs: databases are created on it, nothing is stopped. */
function externalServer(serverUrl: string): DisposablePostgres {
  const parsed = new URL(serverUrl);
  let databases = 0;
  const url = (database = "postgres") => {
    const u = new URL(serverUrl);
    u.pathname = `/${database}`;
    return u.href;
  };
  const unsupported = async () => {
    throw new TroveError("UNAVAILABLE", "an external test server (TROVE_TEST_PG_URL) cannot be killed or restarted by the tests");
  };
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    url,
    async createDatabase(name) {
      const db = name ?? `trove_test_${process.pid}_${Date.now()}_${++databases}`;
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${db}`);
      } finally {
        await client.end();
      }
      return url(db);
    },
    kill: unsupported,
    start: unsupported,
    async stop() {},
  };
}
