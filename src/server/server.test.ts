/**
 * The HTTP plumbing on its own: a tiny module with routes that throw each
 * kind of error, served on 127.0.0.1 (port 0) over a temporary data dir.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRoute, z } from "@hono/zod-openapi";
import { InvalidQueryError, NotFoundError, TroveError, UnavailableError } from "../core/errors.js";
import { ConflictError } from "../store/errors.js";
import { createApp, createRouter } from "./app.js";
import { errorResponses, jsonBody, jsonResponse } from "./openapi.js";
import { pageOf, pageSchema, paginate, paginationQuery } from "./pagination.js";
import { HttpError, statusForCode, toProblem } from "./problem.js";
import { startServer, type RunningServer, type ServerModule } from "./start-server.js";
import { queryList } from "./validation.js";

const THROWN: Record<string, () => unknown> = {
  notfound: () => new NotFoundError("no such thing"),
  query: () => new InvalidQueryError("unbalanced parentheses", 3),
  conflict: () => new ConflictError("taken"),
  corrupt: () => new TroveError("CORRUPT_INDEX", "segment seg_1 is damaged at /secret/path"),
  bug: () => new TypeError("cannot read properties of undefined (/secret/path)"),
  forbidden: () => new HttpError(403, "FORBIDDEN", "not yours"),
  unavailable: () => new UnavailableError("mail is not configured: set RADAR_SMTP_URL"),
};

let released: () => void = () => undefined;
const internalErrors: unknown[] = [];
let closedModules = 0;

const testModule: ServerModule = {
  name: "test",
  async start({ app }) {
    const router = createRouter();
    router.openapi(
      createRoute({
        method: "get",
        path: "/items",
        request: { query: z.strictObject({ tag: queryList(z.string().min(1), { max: 3 }), ...paginationQuery }) },
        responses: { 200: jsonResponse("items", pageSchema(z.object({ n: z.number() }), "ItemPage")), ...errorResponses(400) },
      }),
      (c) => {
        const query = c.req.valid("query");
        const all = Array.from({ length: 45 }, (_, n) => ({ n }));
        return c.json(paginate(all, query), 200);
      },
    );
    router.openapi(
      createRoute({
        method: "post",
        path: "/items",
        request: { body: jsonBody(z.strictObject({ name: z.string().min(1), tags: z.array(z.string().max(5)).optional() })) },
        responses: { 201: jsonResponse("created", z.object({ name: z.string() })), ...errorResponses(400, 413, 415) },
      }),
      (c) => c.json({ name: c.req.valid("json").name }, 201),
    );
    router.get("/throw/:kind", (c) => {
      throw THROWN[c.req.param("kind")]();
    });
    router.get("/slow", async (c) => {
      await new Promise<void>((resolve) => {
        released = resolve;
      });
      return c.json({ done: true });
    });
    app.route("/", router);
    return {
      async close() {
        closedModules++;
      },
    };
  },
};

let dataDir: string;
let server: RunningServer;
const logLines: string[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "trove-server-"));
  server = await startServer({
    port: 0,
    host: "127.0.0.1",
    dataDir,
    modules: [testModule],
    bodyLimitBytes: 1000,
    logRequests: (line) => logLines.push(line),
    onInternalError: (error) => internalErrors.push(error),
  });
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: await res.json() };
}

describe("errors", () => {
  test("engine error codes map to statuses; unexpected errors are 500 without details", async () => {
    const cases: Array<[string, number, string]> = [
      ["notfound", 404, "NOT_FOUND"],
      ["query", 400, "INVALID_QUERY"],
      ["conflict", 409, "CONFLICT"],
      ["forbidden", 403, "FORBIDDEN"],
      ["corrupt", 500, "INTERNAL"],
      ["bug", 500, "INTERNAL"],
    ];
    for (const [kind, status, code] of cases) {
      const res = await get(`/throw/${kind}`);
      assert.equal(res.status, status, kind);
      assert.equal(res.body.error.code, code, kind);
      assert.ok(!res.body.error.message.includes("/secret/path"), "internal details stay in the log");
    }
    assert.equal(internalErrors.length, 2, "the two 500s were reported to onInternalError");
    const unavailable = await get("/throw/unavailable");
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.body.error.code, "UNAVAILABLE");
    assert.match(unavailable.body.error.message, /RADAR_SMTP_URL/, "a 503 says what is missing");
    assert.equal(statusForCode("INVALID_RECORD"), 400);
    assert.equal(toProblem("a string").status, 500);
  });

  test("unknown routes are 404 JSON", async () => {
    const res = await get("/nowhere");
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, "NOT_FOUND");
    assert.match(res.body.error.message, /GET \/nowhere/);
  });
});

describe("validation and pagination", () => {
  test("query parameters: field named in the message", async () => {
    let res = await get("/items?limit=500");
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error, { code: "INVALID_ARGUMENT", message: "query.limit: must be an integer between 1 and 100", field: "query.limit" });
    res = await get("/items?offset=1.5");
    assert.equal(res.body.error.field, "query.offset");
    res = await get("/items?nope=1");
    assert.deepEqual(res.body.error, { code: "INVALID_ARGUMENT", message: "query.nope: unknown parameter", field: "query.nope" });
    res = await get("/items?tag=a&tag=b&tag=c&tag=d");
    assert.equal(res.body.error.field, "query.tag");
  });

  test("bodies: nested field paths, missing fields, bad JSON, wrong type, too large", async () => {
    const post = async (body: string, contentType = "application/json") => {
      const res = await fetch(`${server.url}/items`, { method: "POST", headers: { "content-type": contentType }, body });
      return { status: res.status, body: (await res.json()) as any, headers: res.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    assert.equal((await post(JSON.stringify({ name: "x" }))).status, 201);
    let res = await post(JSON.stringify({ name: "x", tags: ["ok", "too long"] }));
    assert.equal(res.body.error.field, "body.tags[1]");
    assert.match(res.body.error.message, /^body\.tags\[1\]: /);
    res = await post(JSON.stringify({}));
    assert.deepEqual(res.body.error, { code: "INVALID_ARGUMENT", message: "body.name: is required", field: "body.name" });
    res = await post(JSON.stringify({ name: 3 }));
    assert.equal(res.body.error.message, "body.name: expected string");
    res = await post("{");
    assert.equal(res.status, 400);
    assert.equal(res.body.error.field, "body");
    res = await post("name=x", "application/x-www-form-urlencoded");
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, "UNSUPPORTED_MEDIA_TYPE");
    res = await post(JSON.stringify({ name: "x".repeat(2000) }));
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, "PAYLOAD_TOO_LARGE");
  });

  test("pages carry total and next", async () => {
    let res = await get("/items?limit=20");
    assert.equal(res.body.total, 45);
    assert.equal(res.body.items.length, 20);
    assert.equal(res.body.next, 20);
    res = await get("/items?limit=20&offset=40");
    assert.equal(res.body.items.length, 5);
    assert.equal(res.body.next, null);
    res = await get("/items");
    assert.equal(res.body.limit, 20, "default limit");
    assert.deepEqual(pageOf([], 3, { limit: 10, offset: 5 }), { items: [], total: 3, limit: 10, offset: 5, next: null });
  });
});

describe("server", () => {
  test("serves the OpenAPI 3.1 document with the module's routes", async () => {
    const doc = (await get("/openapi.json")).body;
    assert.equal(doc.openapi, "3.1.0");
    assert.ok(doc.paths["/items"].get && doc.paths["/items"].post);
    assert.equal(doc.paths["/items"].get.parameters.find((p: { name: string }) => p.name === "limit").schema.type, "integer");
    assert.ok(doc.components.schemas.Problem && doc.components.schemas.ItemPage);
  });

  test("logs one line per request when asked (never headers or bodies)", () => {
    assert.ok(logLines.some((l) => /GET \/items 200 [\d.]+ms$/.test(l)));
    assert.ok(logLines.every((l) => !l.includes("application/json")));
  });

  test("request logging is off by default", async () => {
    const app = createApp();
    const writes: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      await app.request("/nowhere");
    } finally {
      process.stderr.write = original;
    }
    assert.deepEqual(writes, []);
  });

  test("refuses a bad port and a missing module", async () => {
    await assert.rejects(startServer({ port: 70000, dataDir, modules: [testModule] }), /port must be an integer/);
    await assert.rejects(startServer({ port: 0, dataDir, modules: [] }), /at least one module/);
    await assert.rejects(
      startServer({ port: server.port, host: "127.0.0.1", dataDir: join(dataDir, "busy"), modules: [testModule] }),
      (error: unknown) => error instanceof TroveError && error.code === "CONFLICT" && new RegExp(`port ${server.port} .* already in use`).test(error.message),
    );
  });

  test("close() lets a request in flight finish, then closes the modules and the store", async () => {
    const own = await startServer({ port: 0, host: "127.0.0.1", dataDir: join(dataDir, "second"), modules: [testModule] });
    const before = closedModules;
    const slow = fetch(`${own.url}/slow`).then((r) => r.json());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = own.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    released();
    assert.deepEqual(await slow, { done: true });
    await closing;
    assert.equal(closedModules, before + 1);
    await assert.rejects(fetch(`${own.url}/items`));
    await assert.rejects(own.store.countRecords("anything"));
    await own.close(); // twice is fine
  });
});

test("default size messages are rewritten to name the bound", async () => {
  const { describeIssue } = await import("./validation.js");
  const schema = z.object({ s: z.string().max(3), a: z.array(z.number()).min(2), n: z.number().max(9), e: z.string().min(1) });
  const result = schema.safeParse({ s: "abcd", a: [1], n: 10, e: "" });
  assert.equal(result.success, false);
  const messages = result.error!.issues.map((i) => {
    const d = describeIssue("json", i);
    return `${d.field}: ${d.message}`;
  });
  assert.deepEqual(messages, ["body.s: must be at most 3 characters long", "body.a: must have at least 2 items", "body.n: must be at most 9", "body.e: must not be empty"]);
});
