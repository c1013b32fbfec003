/**
 * The embeddings-endpoint encoder against a fake OpenAI-compatible server on 127.0.0.1 that can
 * fail on purpose (429 with Retry-After, 503, dropped connections, slow answers, bad bodies).
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import type { HttpEncoderSpec } from "./encoder.js";
import { API_KEY_VARIABLE, openHttpEncoder } from "./http-encoder.js";
import { openEncoder } from "./open-encoder.js";

interface Received {
  authorization?: string;
  model: string;
  input: string[];
}

/** What the server does with the next requests, in order; then it answers normally. */
type Behaviour =
  | { kind: "status"; status: number; body?: string; retryAfter?: string }
  | { kind: "drop" }
  | { kind: "slow"; ms: number }
  | { kind: "shuffle" }
  | { kind: "body"; body: string }
  | { kind: "dimensions"; dims: number };

let server: Server;
let url: string;
let queue: Behaviour[] = [];
let received: Received[] = [];
let arrivals: number[] = [];

/** A deterministic 3-dimensional vector per text: [length, first char code, 1]. */
function vectorOf(text: string, dims = 3): number[] {
  return [text.length, text.charCodeAt(0) || 0, 1, 0, 0, 0].slice(0, dims);
}

function answer(request: IncomingMessage, response: ServerResponse, raw: string): void {
  const body = JSON.parse(raw) as { model: string; input: string[] };
  received.push({ authorization: request.headers.authorization, model: body.model, input: body.input });
  arrivals.push(performance.now());
  const behaviour = queue.shift();
  const send = (status: number, payload: string, headers: Record<string, string> = {}) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(payload);
  };
  let data = body.input.map((text, index) => ({ object: "embedding", index, embedding: vectorOf(text) }));
  switch (behaviour?.kind) {
    case "status":
      return send(behaviour.status, behaviour.body ?? "", behaviour.retryAfter ? { "retry-after": behaviour.retryAfter } : {});
    case "drop":
      request.socket.destroy();
      return;
    case "slow":
      setTimeout(() => send(200, JSON.stringify({ object: "list", data })), behaviour.ms);
      return;
    case "shuffle":
      data = [...data].reverse();
      break;
    case "body":
      return send(200, behaviour.body);
    case "dimensions":
      data = body.input.map((text, index) => ({ object: "embedding", index, embedding: vectorOf(text, behaviour.dims) }));
      break;
  }
  send(200, JSON.stringify({ object: "list", data, model: body.model }));
}

before(async () => {
  server = createServer((request, response) => {
    let raw = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (raw += chunk));
    request.on("end", () => answer(request, response, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  queue = [];
  received = [];
  arrivals = [];
});

function spec(extra: Partial<HttpEncoderSpec> = {}): HttpEncoderSpec {
  return { type: "http", url, model: "fake-embed", normalize: false, retryDelayMs: 5, ...extra };
}

describe("embeddings endpoint", () => {
  test("batches in order, prefixes by kind, bearer key from the spec", async () => {
    const encoder = await openEncoder(spec({ batchSize: 2, apiKey: "secret", queryPrefix: "q: ", documentPrefix: "d: " }));
    const texts = ["alpha", "b", "gamma", "delta", "e"];
    const vectors = await encoder.encode(texts);
    assert.deepEqual(received.map((r) => r.input), [["d: alpha", "d: b"], ["d: gamma", "d: delta"], ["d: e"]]);
    assert.ok(received.every((r) => r.authorization === "Bearer secret" && r.model === "fake-embed"));
    assert.deepEqual(vectors.map((v) => [...v]), texts.map((t) => vectorOf(`d: ${t}`)));
    assert.equal(encoder.dimensions, 3);
    assert.equal(encoder.normalized, false);
    const [query] = await encoder.encode(["x"], { kind: "query" });
    assert.deepEqual([...query], vectorOf("q: x"));
    await encoder.close();
  });

  test("the key may come from TROVE_EMBEDDINGS_API_KEY; vectors are normalized by default", async () => {
    process.env[API_KEY_VARIABLE] = "from-env";
    try {
      const encoder = await openHttpEncoder({ type: "http", url, model: "m" });
      const [v] = await encoder.encode(["abc"]);
      assert.equal(received[0].authorization, "Bearer from-env");
      const norm = Math.hypot(...vectorOf("abc"));
      assert.deepEqual([...v], vectorOf("abc").map((x) => Math.fround(x / norm)));
      assert.equal(encoder.normalized, true);
    } finally {
      delete process.env[API_KEY_VARIABLE];
    }
  });

  test("answers out of order are put back in input order by index", async () => {
    queue = [{ kind: "shuffle" }];
    const encoder = await openHttpEncoder(spec());
    const vectors = await encoder.encode(["one", "three", "fifteen"]);
    assert.deepEqual(vectors.map((v) => v[0]), [3, 5, 7]);
  });

  test("429 with Retry-After, 503 and a dropped connection are retried with backoff", async () => {
    queue = [
      { kind: "status", status: 429, body: JSON.stringify({ error: { message: "rate limited" } }), retryAfter: "0.2" },
      { kind: "status", status: 503, body: "busy" },
      { kind: "drop" },
    ];
    const encoder = await openHttpEncoder(spec({ retries: 3, retryDelayMs: 20 }));
    const [v] = await encoder.encode(["hello"]);
    assert.deepEqual([...v], vectorOf("hello"));
    assert.equal(received.length, 4);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
    assert.ok(gaps[0] >= 190, `Retry-After 0.2 s honoured (waited ${gaps[0].toFixed(0)} ms)`);
    assert.ok(gaps[1] >= 19, `first backoff 20 ms (waited ${gaps[1].toFixed(0)} ms)`);
    assert.ok(gaps[2] >= 39, `second backoff doubles to 40 ms (waited ${gaps[2].toFixed(0)} ms)`);
  });

  test("a slow answer times out and is retried; giving up names the endpoint", async () => {
    queue = [{ kind: "slow", ms: 300 }];
    const encoder = await openHttpEncoder(spec({ timeoutMs: 100, retries: 1 }));
    const [v] = await encoder.encode(["late"]);
    assert.deepEqual([...v], vectorOf("late"));
    queue = [{ kind: "slow", ms: 300 }, { kind: "slow", ms: 300 }];
    await assert.rejects(encoder.encode(["late"]), {
      code: "UNAVAILABLE",
      message: new RegExp(`embeddings endpoint ${url}/embeddings: no answer within 100 ms \\(after 2 attempts\\)`),
    });
  });

  test("persistent 5xx gives up after the retries with the status and the server's message", async () => {
    queue = Array.from({ length: 3 }, () => ({ kind: "status" as const, status: 500, body: JSON.stringify({ error: "model crashed" }) }));
    const encoder = await openHttpEncoder(spec({ retries: 2 }));
    await assert.rejects(encoder.encode(["x"]), {
      code: "UNAVAILABLE",
      message: /\/v1\/embeddings: HTTP 500 Internal Server Error: model crashed \(after 3 attempts\)/,
    });
    assert.equal(received.length, 3);
  });

  test("4xx other than 429 fails at once; 401 says to check the key", async () => {
    queue = [{ kind: "status", status: 404, body: JSON.stringify({ error: { message: 'model "fake-embed" not found' } }) }];
    const encoder = await openHttpEncoder(spec());
    await assert.rejects(encoder.encode(["x"]), { message: /HTTP 404 Not Found: model "fake-embed" not found$/ });
    assert.equal(received.length, 1);
    queue = [{ kind: "status", status: 401, body: JSON.stringify({ error: { message: "Incorrect API key" } }) }];
    await assert.rejects(encoder.encode(["x"]), { message: /HTTP 401 Unauthorized: Incorrect API key \(check the API key: spec apiKey or TROVE_EMBEDDINGS_API_KEY\)/ });
  });

  test("an unreachable endpoint is retried, then named", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const encoder = await openHttpEncoder(spec({ url: `http://127.0.0.1:${port}/v1`, retries: 1 }));
    await assert.rejects(encoder.encode(["x"]), { code: "UNAVAILABLE", message: new RegExp(`127.0.0.1:${port}/v1/embeddings: cannot be reached: ECONNREFUSED \\(after 2 attempts\\)`) });
  });

  test("bad answers: wrong count, duplicate index, not JSON, dimensions that differ from the spec", async () => {
    const encoder = await openHttpEncoder(spec());
    queue = [{ kind: "body", body: JSON.stringify({ data: [{ index: 0, embedding: [1] }] }) }];
    await assert.rejects(encoder.encode(["a", "b"]), { message: /answered 1 embeddings for 2 inputs/ });
    queue = [{ kind: "body", body: JSON.stringify({ data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [2] }] }) }];
    await assert.rejects(encoder.encode(["a", "b"]), { message: /data\[1\]\.index is 0; expected each of 0\.\.1 once/ });
    queue = [{ kind: "body", body: "<html>proxy error</html>" }];
    await assert.rejects(encoder.encode(["a"]), { message: /not JSON: "<html>proxy error<\/html>"/ });
    const sized = await openHttpEncoder(spec({ dimensions: 3 }));
    queue = [{ kind: "dimensions", dims: 4 }];
    await assert.rejects(sized.encode(["a"]), { code: "INVALID_ARGUMENT", message: /model fake-embed returned 4 dimensions, expected 3 \(the spec's dimensions\)/ });
  });

  test("an aborted signal stops between batches", async () => {
    const encoder = await openHttpEncoder(spec({ batchSize: 1 }));
    const controller = new AbortController();
    await assert.rejects(encoder.encode(["a", "b", "c"], { signal: controller.signal, onProgress: () => controller.abort() }), { code: "INTERRUPTED" });
    assert.equal(received.length, 1);
  });
});
