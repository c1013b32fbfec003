/**
 * The admission queue on its own: first come first served, bounded, and a
 * few starts per turn of the event loop so that new connections are
 * accepted between bursts of synchronous work.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { AdmissionQueue, type Admission } from "./admission.js";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test("at most maxStartsPerTurn requests start in one turn; the others start in the next turns, in arrival order", async () => {
  const queue = new AdmissionQueue({ maxConcurrent: 16, maxQueued: 64, maxStartsPerTurn: 2 });
  const started: number[] = [];
  const turns = Array.from({ length: 5 }, (_, i) => queue.admit().then((a) => (assert.ok(a.admitted), started.push(i), a)));
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(started, [0, 1], "two start in the turn they arrived in");
  assert.equal(queue.queued, 3);
  await nextTurn();
  await Promise.resolve();
  assert.deepEqual(started, [0, 1, 2, 3], "two more in the next turn");
  await nextTurn();
  await Promise.resolve();
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(queue.running, 5, "the per-turn limit does not limit how many run at once");
  for (const a of await Promise.all(turns)) (a as Extract<Admission, { admitted: true }>).release();
  assert.equal(queue.running, 0);
});

test("a release starts the next waiting request when the turn allows it, and the concurrency bound still holds", async () => {
  const queue = new AdmissionQueue({ maxConcurrent: 1, maxQueued: 4, maxStartsPerTurn: 8 });
  const first = await queue.admit();
  assert.ok(first.admitted);
  let secondStarted = false;
  const second = queue.admit().then((a) => ((secondStarted = true), a));
  await nextTurn();
  assert.equal(secondStarted, false, "one at a time");
  first.release();
  const a = await second;
  assert.ok(a.admitted && secondStarted);
  a.release();
});

test("the option is checked", () => {
  assert.throws(() => new AdmissionQueue({ maxStartsPerTurn: 0 }), /maxStartsPerTurn must be an integer of at least 1/);
});

/**
 * Over real sockets: 8 keep-alive clients keep a server busy with requests of
 * 10 ms of synchronous work each, then 12 more clients connect. Node accepts
 * one connection per turn of its loop, and without the per-turn limit a turn
 * runs every ready request first (8 × 10 ms and growing), so the newcomers
 * trickle in; with one start per turn the turns stay short.
 */
test("new connections are accepted promptly while keep-alive clients keep the server busy", async () => {
  const lastNewcomerAcceptedAfterMs = async (queue: AdmissionQueue | undefined): Promise<number> => {
    const accepted: number[] = [];
    const server: Server = createServer((req, res) => {
      const run = () => {
        const until = performance.now() + 10;
        while (performance.now() < until) {
          // synchronous work, as a feed's ranking
        }
        res.end("ok");
      };
      if (!queue) return run();
      void queue.admit().then((turn) => {
        if (!turn.admitted) return res.writeHead(503).end();
        res.once("close", turn.release);
        run();
      });
    });
    server.on("connection", () => accepted.push(performance.now()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    let stop = false;
    const sockets: Socket[] = [];
    const busyClient = () => new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(REQUEST));
      sockets.push(socket);
      socket.on("data", () => (stop ? resolve() : socket.write(REQUEST)));
      socket.on("error", () => resolve());
    });
    const busy = Array.from({ length: 8 }, busyClient);
    while (accepted.length < 8) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    for (let i = 0; i < 12; i++) sockets.push(connect(port, "127.0.0.1").on("error", () => undefined));
    while (accepted.length < 20) await new Promise((resolve) => setTimeout(resolve, 5));
    const waited = accepted[19] - started;
    stop = true;
    await Promise.race([Promise.all(busy), new Promise((resolve) => setTimeout(resolve, 500))]);
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    server.close();
    return waited;
  };
  const unlimited = await lastNewcomerAcceptedAfterMs(undefined);
  const limited = await lastNewcomerAcceptedAfterMs(new AdmissionQueue({ maxConcurrent: 16, maxQueued: 64, maxStartsPerTurn: 1, maxWaitMs: 10_000 }));
  assert.ok(unlimited > 250, `without the limit the newcomers waited for the others' work (${unlimited.toFixed(0)} ms)`);
  assert.ok(limited < unlimited / 2, `with one start per turn the last newcomer was accepted after ${limited.toFixed(0)} ms (vs ${unlimited.toFixed(0)} ms)`);
});

const REQUEST = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
