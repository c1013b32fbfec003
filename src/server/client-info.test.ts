import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { Hono } from "hono";
import { InvalidArgumentError } from "../core/errors.js";
import { compileTrust, resolveClient } from "./client-info.js";
import { RateLimiter } from "./rate-limiter.js";
import { crossOriginProblem } from "./same-origin.js";

function request(peer: string, headers: Record<string, string> = {}, encrypted = false): IncomingMessage {
  return { socket: { remoteAddress: peer, encrypted }, headers: { host: "radar.internal:8080", ...headers } } as unknown as IncomingMessage;
}

test("client address and scheme: forwarded headers count only from trusted proxies", () => {
  const spoofed = request("203.0.113.9", { "x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" });
  assert.deepEqual(resolveClient(spoofed, compileTrust(false)), { address: "203.0.113.9", secure: false, origin: "http://radar.internal:8080" });

  const viaProxy = request("::ffff:10.0.0.5", { "x-forwarded-for": "198.51.100.7, 10.0.0.9", "x-forwarded-proto": "https", "x-forwarded-host": "radar.example.org" });
  const trustList = compileTrust(["10.0.0.0/8"]);
  assert.deepEqual(resolveClient(viaProxy, trustList), { address: "198.51.100.7", secure: true, origin: "https://radar.example.org" });
  // a client that forges X-Forwarded-For behind the proxy cannot pick its address: the rightmost untrusted hop is taken
  const forged = request("10.0.0.5", { "x-forwarded-for": "9.9.9.9, 198.51.100.7" });
  assert.equal(resolveClient(forged, trustList).address, "198.51.100.7");
  assert.equal(resolveClient(forged, compileTrust(1)).address, "198.51.100.7", "one trusted hop");
  assert.equal(resolveClient(forged, compileTrust(2)).address, "9.9.9.9", "two trusted hops");
  assert.equal(resolveClient(request("::1", {}, true), compileTrust(["::1"])).secure, true, "TLS on the socket itself");
  assert.throws(() => compileTrust(["not-an-ip"]), InvalidArgumentError);
  assert.throws(() => compileTrust(["10.0.0.0/33"]), InvalidArgumentError);
});

test("rate limiter: a sliding window per key, Retry-After until it slides, bounded memory", () => {
  let now = 1_000_000;
  const limiter = new RateLimiter({ limit: 3, windowMs: 60_000 }, { now: () => now, maxKeys: 100 });
  for (let i = 0; i < 3; i++) assert.equal(limiter.hit("a").allowed, true);
  assert.equal(limiter.check("a").allowed, false);
  const refused = limiter.hit("a");
  assert.equal(refused.allowed, false);
  assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60);
  assert.equal(limiter.check("b").allowed, true, "other keys are not affected");
  now += 60_000 * 2;
  assert.equal(limiter.check("a").allowed, true, "two windows later the key is free");
  limiter.hit("c");
  limiter.reset("c");
  assert.equal(limiter.check("c").allowed, true);
  for (let i = 0; i < 500; i++) limiter.hit(`flood-${i}`);
  assert.ok(limiter.size <= 100);
});

test("Origin check: same origin or an allowed one; cross-site and missing origins are refused", async () => {
  const app = new Hono();
  app.post("/w", (c) => c.json({ problem: crossOriginProblem(c, ["https://allowed.example"]) ?? null }));
  const check = async (headers: Record<string, string>) =>
    ((await (await app.request("http://radar.example/w", { method: "POST", headers })).json()) as { problem: string | null }).problem;
  assert.equal(await check({ origin: "http://radar.example" }), null);
  assert.equal(await check({ origin: "https://allowed.example" }), null);
  assert.equal(await check({ referer: "http://radar.example/page?x=1" }), null);
  assert.match((await check({ origin: "https://evil.example" }))!, /evil\.example may not use this site's session/);
  assert.match((await check({ origin: "null" }))!, /not allowed/);
  assert.match((await check({}))!, /must carry an Origin/);
});
