/**
 * The gate in front of the app, over real sockets: replies are never lost on
 * keep-alive connections after an early rejection, the body-size limit is
 * enforced before the body is read, and the bounded queue answers 503 with
 * Retry-After instead of letting waits grow.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRouter } from "./app.js";
import { unauthenticated } from "./problem.js";
import { startServer, type RunningServer, type ServerModule } from "./start-server.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let slowGate: Promise<void> = Promise.resolve();
const module: ServerModule = {
  name: "gate-test",
  async start({ app }) {
    const router = createRouter();
    // like POST /api/keys without a session: refused before the body is read
    router.post("/api/guarded", (c) => {
      if (c.req.header("authorization") !== "Bearer ok") throw unauthenticated();
      return c.json({ ok: true });
    });
    router.post("/api/echo", async (c) => c.json({ bytes: (await c.req.text()).length }));
    router.get("/api/ok", (c) => c.json({ ok: true }));
    router.get("/api/slow", async (c) => {
      await slowGate;
      return c.json({ slow: true });
    });
    app.route("/", router);
  },
};

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw HTTP/1.1 connection that reads responses one at a time (bodies with Content-Length only). */
class Connection {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    const end = () => {
      this.closed = true;
      this.waiting?.();
    };
    socket.on("close", end);
    socket.on("error", end);
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => resolve(new Connection(socket)));
      socket.once("error", reject);
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** The next response, or undefined when the server closed the connection first. */
  async response(timeoutMs = 5000): Promise<RawResponse | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.closed) return undefined;
      if (Date.now() > deadline) throw new Error("no response in time");
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 50);
      });
    }
  }

  private parse(): RawResponse | undefined {
    const end = this.buffer.indexOf("\r\n\r\n");
    if (end < 0) return undefined;
    const lines = this.buffer.subarray(0, end).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const at = line.indexOf(":");
      headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
    }
    const length = Number(headers["content-length"] ?? 0);
    if (this.buffer.length < end + 4 + length) return undefined;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString("utf8");
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status: Number(lines[0].split(" ")[1]), headers, body };
  }

  close(): void {
    this.socket.destroy();
  }
}

function head(method: string, path: string, length?: number, extra = ""): string {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n${length !== undefined ? `Content-Type: application/json\r\nContent-Length: ${length}\r\n` : ""}${extra}\r\n`;
}

describe("request gate", () => {
  let dataDir: string;
  let server: RunningServer;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "trove-gate-"));
    server = await startServer({ port: 0, dataDir, modules: [module], admission: { maxConcurrent: 1, maxQueued: 1, maxWaitMs: 1500 } });
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("a body refused before it was read (401) does not cost the next request on the keep-alive connection its reply", async () => {
    const conn = await Connection.open(server.port);
    try {
      const size = 900 * 1024;
      await conn.write(head("POST", "/api/guarded", size));
      // the client sends its body slowly (as over a real network): the 401 comes back before the body is in
      const chunk = Buffer.alloc(size / 9, 0x20);
      for (let i = 0; i < 9; i++) {
        await conn.write(chunk);
        await sleep(120);
      }
      const refused = await conn.response();
      assert.equal(refused?.status, 401);
      assert.notEqual(refused?.headers.connection, "close", "the refusal kept the connection alive");
      await sleep(700);
      await conn.write(head("GET", "/api/ok"));
      const next = await conn.response();
      assert.equal(next?.status, 200, "the next request on the connection was answered");
      assert.equal(next?.body, '{"ok":true}');
    } finally {
      conn.close();
    }
  });

  test("the body-size limit is enforced before the body is read; a huge declared body also gets Connection: close", async () => {
    const conn = await Connection.open(server.port);
    try {
      await conn.write(head("POST", "/api/echo", 2 * 1024 * 1024));
      const refused = await conn.response(); // answered before a single body byte was sent
      assert.equal(refused?.status, 413);
      assert.match(refused!.body, /PAYLOAD_TOO_LARGE.*larger than 1048576 bytes/);
      assert.notEqual(refused?.headers.connection, "close");
      await conn.write(Buffer.alloc(2 * 1024 * 1024, 0x20)); // discarded by the server
      await conn.write(head("POST", "/api/echo", 2) + "{}");
      assert.deepEqual(JSON.parse((await conn.response())!.body), { bytes: 2 });
    } finally {
      conn.close();
    }
    const huge = await Connection.open(server.port);
    try {
      await huge.write(head("POST", "/api/echo", 50 * 1024 * 1024));
      const refused = await huge.response();
      assert.equal(refused?.status, 413);
      assert.equal(refused?.headers.connection, "close", "too large to discard: the client is told to reconnect");
    } finally {
      huge.close();
    }
  });

  test("the bounded queue: one request runs, one waits (at most 1.5 s), the rest get 503 with Retry-After at once", async () => {
    let release!: () => void;
    slowGate = new Promise<void>((resolve) => (release = resolve));
    const first = fetch(`${server.url}/api/slow`);
    await sleep(50);
    const second = fetch(`${server.url}/api/slow`);
    await sleep(50);
    // "at once" means without waiting for a turn: well under the queue's 1.5 s wait, even on a loaded machine
    const started = performance.now();
    const third = await fetch(`${server.url}/api/ok`);
    assert.equal(third.status, 503);
    assert.equal(third.headers.get("retry-after"), "2", "the queue wait (1.5 s) rounded up");
    assert.match(((await third.json()) as { error: { message: string } }).error.message, /busy/);
    assert.ok(performance.now() - started < 1000, "the full queue answered at once");
    const waited = await second;
    assert.equal(waited.status, 503, "no turn within 1.5 s");
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200, "GETs outside /api/ skip the queue");
    release();
    assert.equal((await first).status, 200);
    slowGate = Promise.resolve();
    assert.equal((await fetch(`${server.url}/api/ok`)).status, 200);
    assert.ok(server.admission!.stats.refusedFull >= 1 && server.admission!.stats.refusedWait >= 1);
  });
});
