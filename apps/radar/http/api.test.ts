/**
 * Paper Radar's HTTP API end to end: a real server on 127.0.0.1 (port 0)
 * over a temporary data directory holding a small papers collection.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../../src/store/open-store.js";
import type { RunningServer } from "../../../src/server/start-server.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA } from "../papers.js";
import { startRadarServer } from "../radar-server.js";

interface TestPaper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  date: string;
  doi?: string;
}

const PAPERS: TestPaper[] = [
  {
    id: "2403.00001",
    title: "Dense Retrieval with Learned Representations",
    abstract: "We study dense retrieval models that retrieve passages with learned embeddings. Dense retrieval quality improves with hard negatives.",
    authors: ["Ada Lovelace", "Alan Turing"],
    categories: ["cs.IR"],
    date: "2024-03-01",
  },
  {
    id: "2405.00002",
    title: "Sparse Retrieval Revisited",
    abstract: "BM25 and sparse retrieval remain strong baselines for retrieving documents; learned sparse models close the gap.",
    authors: ["Grace Hopper"],
    categories: ["cs.IR", "cs.CL"],
    date: "2024-05-10",
    doi: "10.1145/3404835.3463098",
  },
  {
    id: "2311.00003",
    title: "Neural Machine Translation at Scale",
    abstract: "Translation models trained on <script>alert(1)</script> & other \"noisy\" web text translate well.",
    authors: ["Alan Turing"],
    categories: ["cs.CL"],
    date: "2023-11-20",
  },
  {
    id: "2405.00004",
    title: "Query Expansion for Retrieval",
    abstract: "Query expansion with pseudo relevance feedback improves the retrieval of rare documents in dense and sparse retrieval.",
    authors: ["Ada Lovelace"],
    categories: ["cs.IR"],
    date: "2024-05-10",
  },
  {
    id: "2201.00005",
    title: "Graph Neural Networks",
    abstract: "Message passing on graphs learns node representations.",
    authors: ["Grace Hopper"],
    categories: ["cs.LG"],
    date: "2022-01-15",
  },
  {
    id: "hep-th/9901001",
    title: "String Theory Dualities",
    abstract: "Dualities relate string theories in different backgrounds.",
    authors: ["Edward Witten"],
    categories: ["hep-th"],
    date: "1999-01-05",
  },
];

// 40 more papers in cs.DB over 2020, some sharing a date, for pagination and date order
for (let i = 0; i < 40; i++) {
  const day = String(1 + (i % 28)).padStart(2, "0");
  const month = String(1 + Math.floor(i / 4) % 12).padStart(2, "0");
  PAPERS.push({
    id: `2001.${String(10000 + i)}`,
    title: `Database systems note ${i}`,
    abstract: `Index structures and query processing, part ${i}. ${i % 3 === 0 ? "Retrieval of tuples." : "Joins."}`,
    authors: [i % 2 === 0 ? "Edgar Codd" : "Jim Gray"],
    categories: ["cs.DB"],
    date: `2020-${month}-${day}`,
  });
}

/** Expected newest-first order: date desc, then id asc. */
function newestFirst(papers: TestPaper[]): string[] {
  return [...papers].sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.id < b.id ? -1 : 1)).map((p) => p.id);
}

let dataDir: string;
let server: RunningServer;

interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

async function call(method: string, path: string, options: { body?: unknown; cookie?: string; key?: string; headers?: Record<string, string>; raw?: string } = {}): Promise<Res> {
  // as a browser does: the page's origin (the server checks it on cookie-authenticated writes); a test may override it
  const headers: Record<string, string> = { origin: server.url, ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.cookie) headers.cookie = options.cookie;
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

function sessionCookie(res: Res): string {
  const header = res.headers.get("set-cookie") ?? "";
  const m = /radar_session=([^;]+)/.exec(header);
  assert.ok(m, `expected a session cookie, got ${header}`);
  return `radar_session=${m[1]}`;
}

async function signUp(email: string, password = "correct horse battery"): Promise<{ cookie: string; id: string; role: string }> {
  const res = await call("POST", "/api/auth/signup", { body: { email, password } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { cookie: sessionCookie(res), id: res.body.reader.id, role: res.body.reader.role };
}

function assertProblem(res: Res, status: number, field?: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(typeof res.body.error.code, "string");
  assert.equal(typeof res.body.error.message, "string");
  if (field !== undefined) {
    assert.equal(res.body.error.field, field, JSON.stringify(res.body));
    assert.ok(res.body.error.message.startsWith(field), `message names the field: ${res.body.error.message}`);
  }
}

let admin: { cookie: string; id: string; role: string };
let alice: { cookie: string; id: string; role: string };
let bob: { cookie: string; id: string; role: string };

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "radar-api-"));
  const store = await openStore(dataDir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(PAPERS_COLLECTION, PAPERS);
  await store.close();
  server = await startRadarServer({ port: 0, host: "127.0.0.1", dataDir, radar: { accounts: { scrypt: { N: 1024, r: 8, p: 1 } } } });
  admin = await signUp("admin@example.org");
  alice = await signUp("alice@example.org");
  bob = await signUp("bob@example.org");
});

after(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("OpenAPI document", () => {
  test("is OpenAPI 3.1 with every route, its parameters and its responses", async () => {
    const res = await call("GET", "/openapi.json");
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof doc.info.title, "string");
    assert.equal(typeof doc.info.version, "string");
    const expected: Array<[string, string, number[]]> = [
      ["/api/auth/signup", "post", [201, 400, 403, 409, 429]],
      ["/api/auth/signin", "post", [200, 400, 401, 429]],
      ["/api/auth/signout", "post", [204]],
      ["/api/me", "get", [200, 401]],
      ["/api/keys", "post", [201, 400, 401, 403]],
      ["/api/keys", "get", [200, 401]],
      ["/api/keys/{id}", "delete", [204, 401, 404]],
      ["/api/papers", "get", [200, 400]],
      ["/api/papers/{id}", "get", [200, 404]],
      ["/api/papers/{id}/related", "get", [200, 404]],
      ["/api/papers/{id}/research-area", "get", [200, 404]],
      ["/api/search", "get", [200, 400]],
      ["/api/search/semantic", "get", [200]],
      ["/api/pipelines", "get", [200]],
      ["/api/pipelines/{name}/search", "get", [200, 400, 404]],
      ["/api/feedback", "post", [200, 201, 400, 401, 404]],
      ["/api/feedback", "get", [200, 401]],
      ["/api/feedback/{id}", "get", [200, 401, 404]],
      ["/api/feedback/{id}", "delete", [204, 401, 404]],
      ["/api/topics", "get", [200, 401]],
      ["/api/topics", "put", [200, 400, 401]],
      ["/api/admin/pins", "post", [201, 400, 401, 403, 404, 409]],
      ["/api/admin/pins", "get", [200, 401, 403]],
      ["/api/admin/pins/{paperId}", "delete", [204, 401, 403, 404]],
      ["/api/admin/invites", "post", [201, 400, 401, 403]],
      ["/api/admin/invites", "get", [200, 401, 403]],
      ["/api/admin/invites/{id}", "delete", [204, 401, 403, 404]],
      ["/api/feed", "get", [200, 400, 401]],
      ["/api/onboarding", "get", [200, 400, 401, 503]],
      ["/api/onboarding/ratings", "post", [200, 400, 401, 404]],
      ["/api/map", "get", [200, 401, 503]],
      ["/api/map/papers", "get", [200, 400, 401, 503]],
      ["/api/trending", "get", [200, 400]],
      ["/api/digest", "get", [200, 400, 401]],
      ["/api/digest/send", "post", [200, 400, 401, 503]],
      ["/api/feedback-states", "get", [200, 400, 401]],
      ["/api/history", "get", [200, 400, 401]],
      ["/api/admin/jobs", "get", [200, 401, 403]],
      ["/api/admin/jobs/{name}", "get", [200, 401, 403, 404]],
      ["/api/admin/fetch", "post", [202, 400, 401, 403, 409]],
      ["/api/admin/import", "post", [202, 400, 401, 403, 409, 413]],
      ["/api/collections", "get", [200, 401]],
      ["/api/collections", "post", [201, 400, 401, 409]],
      ["/api/collections/{id}", "get", [200, 401, 404]],
      ["/api/collections/{id}", "patch", [200, 400, 401, 404, 409]],
      ["/api/collections/{id}", "delete", [204, 401, 404]],
      ["/api/collections/{id}/papers", "post", [200, 400, 401, 404, 409]],
      ["/api/collections/{id}/papers/{paperId}", "delete", [200, 401, 404]],
      ["/api/collections/{id}/recommendations", "get", [200, 400, 401, 404]],
      ["/api/collections/{id}/export", "get", [200, 400, 401, 404]],
      ["/api/saved/export", "get", [200, 400, 401]],
      ["/api/library/import", "post", [200, 400, 401, 404]],
      ["/api/notes/{id}", "get", [200, 401, 404]],
      ["/api/notes/{id}", "put", [200, 204, 400, 401, 404]],
      ["/api/shared/collections/{token}", "get", [200, 404]],
      ["/api/feeds/collections/{token}", "get", [200, 404]],
      ["/api/digest/settings", "get", [200, 401]],
      ["/api/digest/settings", "put", [200, 400, 401]],
      ["/api/digest/next", "get", [200, 400, 401]],
      ["/api/digest/issue", "post", [200, 400, 401]],
      ["/api/admin/digest-mail", "post", [202, 401, 403, 409, 503]],
    ];
    for (const [path, method, statuses] of expected) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method.toUpperCase()} ${path} is in the document`);
      for (const status of statuses) assert.ok(op.responses[String(status)], `${method} ${path} documents ${status}`);
      for (const match of path.matchAll(/\{(\w+)\}/g)) {
        assert.ok(
          op.parameters?.some((p: { in: string; name: string; required: boolean }) => p.in === "path" && p.name === match[1] && p.required),
          `${path} declares path parameter ${match[1]}`,
        );
      }
    }
    const routeCount = Object.values(doc.paths as Record<string, object>).reduce((n, ops) => n + Object.keys(ops).length, 0);
    assert.equal(routeCount, expected.length, "no undocumented extra routes, none missing");

    const search = doc.paths["/api/search"].get;
    const params = new Map(search.parameters.map((p: { name: string }) => [p.name, p]));
    for (const name of ["q", "category", "author", "from", "to", "sort", "mode", "limit", "offset"]) assert.ok(params.has(name), `search has ${name}`);
    assert.deepEqual((params.get("mode") as { schema: { enum: string[] } }).schema.enum, ["hybrid", "lexical"]);
    assert.equal((params.get("q") as { required: boolean }).required, true);
    assert.deepEqual((params.get("sort") as { schema: { enum: string[] } }).schema.enum, ["relevance", "date"]);
    assert.equal((params.get("limit") as { schema: { maximum: number } }).schema.maximum, 100);
    assert.equal((params.get("category") as { schema: { type: string } }).schema.type, "array");
    assert.ok(doc.paths["/api/feedback"].post.requestBody.required);
    assert.ok(doc.paths["/api/me"].get.security.length > 0);

    assert.ok(doc.components.schemas.Problem);
    assert.equal(doc.components.securitySchemes.apiKey.scheme, "bearer");
    assert.equal(doc.components.securitySchemes.sessionCookie.in, "cookie");
    // every reference resolves
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    assert.ok(refs.length > 10);
    for (const ref of refs) {
      const name = /#\/components\/schemas\/(\w+)/.exec(ref)?.[1];
      assert.ok(name && doc.components.schemas[name], `${ref} resolves`);
    }
  });
});

describe("accounts", () => {
  test("the first account is the admin; the others are readers", () => {
    assert.equal(admin.role, "admin");
    assert.equal(alice.role, "reader");
  });

  test("the session cookie is HttpOnly, SameSite=Lax; sign-in, /api/me and sign-out", async () => {
    const res = await call("POST", "/api/auth/signin", { body: { email: "Alice@Example.org", password: "correct horse battery" } });
    assert.equal(res.status, 200);
    const setCookie = res.headers.get("set-cookie") ?? "";
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.match(setCookie, /Path=\//);
    const cookie = sessionCookie(res);
    const me = await call("GET", "/api/me", { cookie });
    assert.equal(me.status, 200);
    assert.equal(me.body.email, "alice@example.org");
    assert.equal(me.body.authMethod, "session");
    assert.equal(me.body.passwordHash, undefined);
    const out = await call("POST", "/api/auth/signout", { cookie });
    assert.equal(out.status, 204);
    assert.match(out.headers.get("set-cookie") ?? "", /radar_session=;/);
    assertProblem(await call("GET", "/api/me", { cookie }), 401);
    // the other session of alice still works
    assert.equal((await call("GET", "/api/me", { cookie: alice.cookie })).status, 200);
  });

  test("wrong password and unknown email are the same 401", async () => {
    const wrong = await call("POST", "/api/auth/signin", { body: { email: "alice@example.org", password: "not the password" } });
    const unknown = await call("POST", "/api/auth/signin", { body: { email: "nobody@example.org", password: "not the password" } });
    assertProblem(wrong, 401);
    assertProblem(unknown, 401);
    assert.equal(wrong.body.error.message, unknown.body.error.message);
  });

  test("sign-up refuses a taken email (409), a bad email and a weak password (400 naming the field)", async () => {
    assertProblem(await call("POST", "/api/auth/signup", { body: { email: "ALICE@example.org", password: "another good password" } }), 409, "body.email");
    assertProblem(await call("POST", "/api/auth/signup", { body: { email: "not-an-email", password: "another good password" } }), 400, "body.email");
    assertProblem(await call("POST", "/api/auth/signup", { body: { email: "carol@example.org", password: "short" } }), 400, "body.password");
    assertProblem(await call("POST", "/api/auth/signup", { body: { email: "carol@example.org" } }), 400, "body.password");
  });

  test("API keys: shown once, authenticate as Bearer, listed without the key, revocable by their owner only", async () => {
    const created = await call("POST", "/api/keys", { cookie: alice.cookie, body: { name: "laptop" } });
    assert.equal(created.status, 201);
    const key: string = created.body.key;
    assert.match(key, /^trk_[0-9a-f]{16}_/);
    const me = await call("GET", "/api/me", { key });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, alice.id);
    assert.equal(me.body.authMethod, "apiKey");
    // a key cannot mint keys
    assertProblem(await call("POST", "/api/keys", { key, body: { name: "more" } }), 403);
    const list = await call("GET", "/api/keys", { cookie: alice.cookie });
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 1);
    assert.equal(list.body.items[0].id, created.body.id);
    assert.equal(list.body.items[0].key, undefined);
    assert.ok(!JSON.stringify(list.body).includes(key.slice(22)));
    assert.equal((await call("GET", "/api/keys", { cookie: bob.cookie })).body.total, 0);
    // bob cannot revoke alice's key
    assertProblem(await call("DELETE", `/api/keys/${created.body.id}`, { cookie: bob.cookie }), 404);
    assert.equal((await call("DELETE", `/api/keys/${created.body.id}`, { cookie: alice.cookie })).status, 204);
    assertProblem(await call("GET", "/api/me", { key }), 401);
    assertProblem(await call("GET", "/api/me", { key: "trk_0000000000000000_" + "A".repeat(43) }), 401);
    assertProblem(await call("GET", "/api/me", { headers: { authorization: "Basic abc" } }), 401);
  });
});

describe("feedback and topics", () => {
  test("a reader sees and changes only their own feedback", async () => {
    const liked = await call("POST", "/api/feedback", { cookie: alice.cookie, body: { paperId: "2403.00001", kind: "like" } });
    assert.equal(liked.status, 201);
    assert.equal(liked.body.user, alice.id);
    assert.equal(liked.body.item, "2403.00001");
    assert.equal(liked.body.kind, "like");
    assert.equal(typeof liked.body.timestamp, "number");
    const again = await call("POST", "/api/feedback", { cookie: alice.cookie, body: { paperId: "2403.00001", kind: "like" } });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, liked.body.id);
    await call("POST", "/api/feedback", { cookie: alice.cookie, body: { paperId: "2405.00002", kind: "save", note: "read later" } });
    await call("POST", "/api/feedback", { cookie: alice.cookie, body: { paperId: "2405.00002", kind: "view" } });
    await call("POST", "/api/feedback", { cookie: alice.cookie, body: { paperId: "2405.00002", kind: "view" } });
    await call("POST", "/api/feedback", { cookie: bob.cookie, body: { paperId: "2403.00001", kind: "hide" } });

    const mine = await call("GET", "/api/feedback", { cookie: alice.cookie });
    assert.equal(mine.status, 200);
    assert.equal(mine.body.total, 4);
    assert.deepEqual(
      mine.body.items.map((f: { kind: string }) => f.kind),
      ["view", "view", "save", "like"],
      "newest first",
    );
    assert.ok(mine.body.items.every((f: { user: string }) => f.user === alice.id));
    const views = await call("GET", "/api/feedback?kind=view&limit=1", { cookie: alice.cookie });
    assert.equal(views.body.total, 2);
    assert.equal(views.body.items.length, 1);
    assert.equal(views.body.next, 1);
    const onPaper = await call("GET", "/api/feedback?paperId=2403.00001", { cookie: alice.cookie });
    assert.deepEqual(
      onPaper.body.items.map((f: { id: string }) => f.id),
      [liked.body.id],
    );

    // bob: cannot read or delete alice's record, and lists only his own
    assertProblem(await call("GET", `/api/feedback/${liked.body.id}`, { cookie: bob.cookie }), 404);
    assertProblem(await call("DELETE", `/api/feedback/${liked.body.id}`, { cookie: bob.cookie }), 404);
    const bobs = await call("GET", "/api/feedback", { cookie: bob.cookie });
    assert.equal(bobs.body.total, 1);
    assert.equal(bobs.body.items[0].kind, "hide");
    // anonymous: 401
    assertProblem(await call("GET", "/api/feedback"), 401);
    assertProblem(await call("POST", "/api/feedback", { body: { paperId: "2403.00001", kind: "like" } }), 401);

    // alice can
    assert.equal((await call("GET", `/api/feedback/${liked.body.id}`, { cookie: alice.cookie })).status, 200);
    assert.equal((await call("DELETE", `/api/feedback/${liked.body.id}`, { cookie: alice.cookie })).status, 204);
    assertProblem(await call("GET", `/api/feedback/${liked.body.id}`, { cookie: alice.cookie }), 404);
    assert.equal((await call("GET", "/api/feedback", { cookie: alice.cookie })).body.total, 3);
  });

  test("feedback on an unknown paper is 404 naming body.paperId", async () => {
    assertProblem(await call("POST", "/api/feedback", { cookie: alice.cookie, body: { paperId: "9999.99999", kind: "like" } }), 404, "body.paperId");
  });

  test("topics: replaced as a whole, per reader, validated", async () => {
    const empty = await call("GET", "/api/topics", { cookie: bob.cookie });
    assert.deepEqual(empty.body, { topics: [], updatedAt: null });
    const topics = [
      { kind: "category", value: "cs.IR", level: "like" },
      { kind: "keyword", value: "  query   expansion ", level: "like" },
      { kind: "category", value: "cs.CV", level: "dislike" },
    ];
    const put = await call("PUT", "/api/topics", { cookie: alice.cookie, body: { topics } });
    assert.equal(put.status, 200);
    assert.equal(put.body.topics[1].value, "query expansion");
    const got = await call("GET", "/api/topics", { cookie: alice.cookie });
    assert.equal(got.body.topics.length, 3);
    assert.deepEqual((await call("GET", "/api/topics", { cookie: bob.cookie })).body.topics, []);
    assertProblem(
      await call("PUT", "/api/topics", { cookie: alice.cookie, body: { topics: [{ kind: "category", value: "Not A Category", level: "like" }] } }),
      400,
      "body.topics[0].value",
    );
    assertProblem(
      await call("PUT", "/api/topics", { cookie: alice.cookie, body: { topics: [{ kind: "keyword", value: "x", level: "love" }] } }),
      400,
      "body.topics[0].level",
    );
    assertProblem(
      await call("PUT", "/api/topics", {
        cookie: alice.cookie,
        body: { topics: [{ kind: "keyword", value: "BM25", level: "like" }, { kind: "keyword", value: "bm25", level: "dislike" }] },
      }),
      400,
      "body.topics[1].value",
    );
  });
});

describe("validation", () => {
  test("bad query parameters are 400 naming the field", async () => {
    const res = await call("GET", "/api/search?q=retrieval&limit=0");
    assertProblem(res, 400, "query.limit");
    assert.equal(res.body.error.message, "query.limit: must be an integer between 1 and 100");
    assert.equal(res.body.error.code, "INVALID_ARGUMENT");
    assertProblem(await call("GET", "/api/search?q=retrieval&limit=abc"), 400, "query.limit");
    assertProblem(await call("GET", "/api/search?q=retrieval&offset=-1"), 400, "query.offset");
    assertProblem(await call("GET", "/api/search?q=retrieval&sort=popular"), 400, "query.sort");
    assertProblem(await call("GET", "/api/search?q=retrieval&categroy=cs.IR"), 400, "query.categroy");
    assertProblem(await call("GET", "/api/search?q=retrieval&from=2024-02-30"), 400, "query.from");
    assertProblem(await call("GET", "/api/search?q=retrieval&from=2024-05-01&to=2024-01-01"), 400, "query.from");
    assertProblem(await call("GET", "/api/search"), 400, "query.q");
    assertProblem(await call("GET", "/api/search?q=%20%20"), 400, "query.q");
    assertProblem(await call("GET", "/api/papers?limit=101"), 400, "query.limit");
  });

  test("bad bodies are 400 naming the field, 413 when too large, 415 when not JSON", async () => {
    assertProblem(await call("POST", "/api/feedback", { cookie: alice.cookie, body: { paperId: "2403.00001", kind: "love" } }), 400, "body.kind");
    assertProblem(await call("POST", "/api/feedback", { cookie: alice.cookie, body: { kind: "like" } }), 400, "body.paperId");
    assertProblem(await call("POST", "/api/feedback", { cookie: alice.cookie, body: { paperId: "2403.00001", kind: "like", extra: 1 } }), 400, "body.extra");
    assertProblem(await call("POST", "/api/feedback", { cookie: alice.cookie, raw: "{not json", headers: { "content-type": "application/json" } }), 400, "body");
    assertProblem(await call("POST", "/api/feedback", { cookie: alice.cookie, raw: "paperId=1", headers: { "content-type": "text/plain" } }), 415);
    const huge = { topics: [{ kind: "keyword", value: "x".repeat(2_000_000), level: "like" }] };
    assertProblem(await call("PUT", "/api/topics", { cookie: alice.cookie, body: huge }), 413);
  });

  test("unknown routes are 404 in the same JSON shape", async () => {
    assertProblem(await call("GET", "/api/nothing-here"), 404);
  });
});

describe("papers and search", () => {
  test("one paper, also with a '/' in its id; 404 for an unknown id", async () => {
    const res = await call("GET", "/api/papers/2403.00001");
    assert.equal(res.status, 200);
    assert.equal(res.body.title, PAPERS[0].title);
    const old = await call("GET", `/api/papers/${encodeURIComponent("hep-th/9901001")}`);
    assert.equal(old.status, 200);
    assert.equal(old.body.id, "hep-th/9901001");
    assertProblem(await call("GET", "/api/papers/0000.00000"), 404);
  });

  test("the listing is newest first and pages add up to the total", async () => {
    const expected = newestFirst(PAPERS);
    const seen: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const res: Res = await call("GET", `/api/papers?limit=7&offset=${offset}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.total, PAPERS.length);
      assert.equal(res.body.limit, 7);
      seen.push(...res.body.items.map((p: { id: string }) => p.id));
      offset = res.body.next;
    }
    assert.deepEqual(seen, expected);
  });

  test("filtered listings walk the date order the same way", async () => {
    const check = async (query: string, keep: (p: TestPaper) => boolean): Promise<void> => {
      const expected = newestFirst(PAPERS.filter(keep));
      const seen: string[] = [];
      let offset: number | null = 0;
      while (offset !== null) {
        const res: Res = await call("GET", `/api/papers?${query}&limit=3&offset=${offset}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.total, expected.length, query);
        seen.push(...res.body.items.map((p: { id: string }) => p.id));
        offset = res.body.next;
      }
      assert.deepEqual(seen, expected, query);
    };
    await check("category=cs.IR", (p) => p.categories.includes("cs.IR"));
    await check("category=cs.IR&category=cs.CL", (p) => p.categories.includes("cs.IR") || p.categories.includes("cs.CL"));
    await check("author=Jim%20Gray", (p) => p.authors.includes("Jim Gray"));
    await check("from=2020-03-01&to=2020-06-30", (p) => p.date >= "2020-03-01" && p.date <= "2020-06-30");
    await check("category=cs.DB&from=2020-06-01", (p) => p.categories.includes("cs.DB") && p.date >= "2020-06-01");
  });

  test("search ranks by relevance, filters, and sorts by date", async () => {
    const res = await call("GET", "/api/search?q=dense%20retrieval");
    assert.equal(res.status, 200);
    assert.equal(res.body.items[0].paper.id, "2403.00001");
    assert.ok(res.body.items.every((h: { score: number }, i: number, all: Array<{ score: number }>) => i === 0 || all[i - 1].score >= h.score));
    const ir = await call("GET", "/api/search?q=retrieval&category=cs.CL");
    assert.deepEqual(
      ir.body.items.map((h: { paper: { id: string } }) => h.paper.id),
      ["2405.00002"],
    );
    const byAuthor = await call("GET", "/api/search?q=retrieval&author=Ada%20Lovelace");
    assert.deepEqual(byAuthor.body.items.map((h: { paper: { id: string } }) => h.paper.id).sort(), ["2403.00001", "2405.00004"]);
    const ranged = await call("GET", "/api/search?q=retrieval&from=2024-05-01&to=2024-12-31");
    assert.deepEqual(ranged.body.items.map((h: { paper: { id: string } }) => h.paper.id).sort(), ["2405.00002", "2405.00004"]);

    const matching = PAPERS.filter((p) => /retriev/i.test(p.title + " " + p.abstract));
    const byDate = await call("GET", `/api/search?q=retrieval&sort=date&limit=100`);
    assert.equal(byDate.body.total, matching.length);
    assert.deepEqual(
      byDate.body.items.map((h: { paper: { id: string } }) => h.paper.id),
      newestFirst(matching),
    );
    // paging by date gives the same order
    const paged: string[] = [];
    for (let offset = 0; offset < matching.length; offset += 2) {
      const page = await call("GET", `/api/search?q=retrieval&sort=date&limit=2&offset=${offset}`);
      paged.push(...page.body.items.map((h: { paper: { id: string } }) => h.paper.id));
    }
    assert.deepEqual(paged, newestFirst(matching));
  });

  test("search forgives: text that does not parse is searched as words, a name that is not a field is a word, and the answer says so", async () => {
    const unclosed = await call("GET", `/api/search?q=${encodeURIComponent('"query expansion')}`);
    assert.equal(unclosed.status, 200);
    assert.equal(unclosed.body.readAs, "words");
    assert.match(unclosed.body.notice, /not valid query syntax .*quote is never closed/);
    assert.equal(unclosed.body.items[0].paper.id, "2405.00004");
    const boost = await call("GET", `/api/search?q=${encodeURIComponent("R^2R retrieval")}`);
    assert.equal(boost.status, 200);
    assert.equal(boost.body.readAs, "words");
    assert.ok(boost.body.total > 0);
    const title = await call("GET", `/api/search?q=${encodeURIComponent("Sparse Retrieval: Revisited")}`);
    assert.equal(title.status, 200);
    assert.equal(title.body.readAs, "query");
    assert.match(title.body.notice, /“Retrieval” is not a field of the papers, so it was searched as a word/);
    assert.equal(title.body.items[0].paper.id, "2405.00002");
    assert.match(title.body.items[0].highlights.title, /<mark>Sparse<\/mark> <mark>Retrieval<\/mark> <mark>Revisited<\/mark>/);
    const plain = await call("GET", "/api/search?q=retrieval");
    assert.equal(plain.body.readAs, "query");
    assert.equal(plain.body.notice, undefined);
    const nothing = await call("GET", `/api/search?q=${encodeURIComponent("(((")}`);
    assert.equal(nothing.status, 200);
    assert.equal(nothing.body.total, 0);
  });

  test("an arXiv id, arXiv URL or DOI pasted into search answers that paper", async () => {
    for (const [q, id, by] of [
      ["2403.00001", "2403.00001", "arxiv-id"],
      ["arXiv:2403.00001v2", "2403.00001", "arxiv-id"],
      ["https://arxiv.org/abs/2403.00001v3", "2403.00001", "arxiv-id"],
      ["https://arxiv.org/pdf/hep-th/9901001v1", "hep-th/9901001", "arxiv-id"],
      ["https://doi.org/10.1145/3404835.3463098", "2405.00002", "doi"],
      ["doi:10.1145/3404835.3463098", "2405.00002", "doi"],
      ["10.48550/arXiv.2403.00001", "2403.00001", "arxiv-id"],
    ]) {
      const res = await call("GET", `/api/search?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200, q);
      assert.deepEqual(res.body.match, { paperId: id, by }, q);
      assert.equal(res.body.total, 1, q);
      assert.equal(res.body.items[0].paper.id, id, q);
    }
    const missing = await call("GET", `/api/search?q=${encodeURIComponent("2499.99999")}`);
    assert.equal(missing.status, 200);
    assert.equal(missing.body.match, undefined);
    assert.match(missing.body.notice, /No paper with arXiv id 2499\.99999 is in Paper Radar yet/);
  });

  test("pagination totals of search", async () => {
    const first = await call("GET", "/api/search?q=database&limit=15");
    assert.equal(first.body.total, 40);
    assert.equal(first.body.items.length, 15);
    assert.equal(first.body.next, 15);
    const last = await call("GET", "/api/search?q=database&limit=15&offset=30");
    assert.equal(last.body.items.length, 10);
    assert.equal(last.body.next, null);
    const beyond = await call("GET", "/api/search?q=database&offset=50");
    assert.equal(beyond.body.total, 40);
    assert.deepEqual(beyond.body.items, []);
    assert.equal(beyond.body.next, null);
  });

  test("highlights mark the words the analyzer matches and escape the rest", async () => {
    const res = await call("GET", "/api/search?q=retrieval&category=cs.IR&sort=date");
    const dense = res.body.items.find((h: { paper: { id: string } }) => h.paper.id === "2403.00001");
    assert.equal(dense.highlights.title, "Dense <mark>Retrieval</mark> with Learned Representations");
    // "retrieve" stems to the query's term too; "Dense" does not match
    assert.equal(
      dense.highlights.abstract,
      "We study dense <mark>retrieval</mark> models that <mark>retrieve</mark> passages with learned embeddings. " +
        "Dense <mark>retrieval</mark> quality improves with hard negatives.",
    );
    const translation = await call("GET", "/api/search?q=translate%20noisy");
    const nmt = translation.body.items.find((h: { paper: { id: string } }) => h.paper.id === "2311.00003");
    assert.equal(nmt.highlights.title, "Neural Machine <mark>Translation</mark> at Scale");
    assert.equal(
      nmt.highlights.abstract,
      "<mark>Translation</mark> models trained on &lt;script&gt;alert(1)&lt;/script&gt; &amp; other &quot;<mark>noisy</mark>&quot; web text <mark>translate</mark> well.",
    );
    // excluded words and other fields are not marked
    const excluded = await call("GET", `/api/search?q=${encodeURIComponent("retrieval -dense")}`);
    for (const hit of excluded.body.items) assert.ok(!/<mark>dense<\/mark>/i.test(hit.highlights.abstract));
    const fielded = await call("GET", `/api/search?q=${encodeURIComponent("title:sparse")}`);
    const sparse = fielded.body.items.find((h: { paper: { id: string } }) => h.paper.id === "2405.00002");
    assert.equal(sparse.highlights.title, "<mark>Sparse</mark> Retrieval Revisited");
    assert.ok(!sparse.highlights.abstract.includes("<mark>"), "title:sparse marks nothing in the abstract");
  });

  test("related papers exclude the paper itself", async () => {
    const res = await call("GET", "/api/papers/2403.00001/related?limit=5");
    assert.equal(res.status, 200);
    const ids = res.body.items.map((p: { id: string }) => p.id);
    assert.ok(!ids.includes("2403.00001"));
    assert.ok(ids.length > 0 && ids.length <= 5);
    assert.ok(ids.slice(0, 2).every((id: string) => id === "2405.00004" || id === "2405.00002"), `retrieval papers first: ${ids}`);
    assert.ok(res.body.total >= ids.length);
    const all = await call("GET", `/api/papers/2403.00001/related?limit=100`);
    assert.equal(all.body.total, all.body.items.length);
    assert.ok(!all.body.items.some((p: { id: string }) => p.id === "2403.00001"));
    assertProblem(await call("GET", "/api/papers/0000.00000/related"), 404);
  });

  test("a paper's research area: its semantic ID and the papers sharing each prefix", async () => {
    const res = await call("GET", "/api/papers/2403.00001/research-area");
    assert.equal(res.status, 200);
    assert.equal(res.body.id, "2403.00001");
    const codes = res.body.semanticId.split("-");
    assert.equal(res.body.trail.length, 3);
    res.body.trail.forEach((step: { depth: number; prefix: string; size: number; papers: { id: string }[] }, k: number) => {
      assert.equal(step.prefix, codes.slice(0, k + 1).join("-"));
      assert.ok(step.size >= 1 && !step.papers.some((p) => p.id === "2403.00001"));
    });
    assertProblem(await call("GET", "/api/papers/0000.00000/research-area"), 404);
  });
});

describe("admin pins", () => {
  test("only an admin pins; readers get 403, anonymous callers 401", async () => {
    assertProblem(await call("POST", "/api/admin/pins", { body: { paperId: "2403.00001" } }), 401);
    assertProblem(await call("POST", "/api/admin/pins", { cookie: alice.cookie, body: { paperId: "2403.00001" } }), 403);
    assertProblem(await call("GET", "/api/admin/pins", { cookie: alice.cookie }), 403);
    assertProblem(await call("DELETE", "/api/admin/pins/2403.00001", { cookie: bob.cookie }), 403);

    const pinned = await call("POST", "/api/admin/pins", { cookie: admin.cookie, body: { paperId: "2403.00001", note: "must read", until: "2030-01-01" } });
    assert.equal(pinned.status, 201);
    assert.equal(pinned.body.pinnedBy, admin.id);
    assertProblem(await call("POST", "/api/admin/pins", { cookie: admin.cookie, body: { paperId: "2403.00001" } }), 409);
    assertProblem(await call("POST", "/api/admin/pins", { cookie: admin.cookie, body: { paperId: "0000.00000" } }), 404, "body.paperId");
    assertProblem(await call("POST", "/api/admin/pins", { cookie: admin.cookie, body: { paperId: "2403.00001", until: "someday" } }), 400, "body.until");
    const list = await call("GET", "/api/admin/pins", { cookie: admin.cookie });
    assert.equal(list.body.total, 1);
    assert.equal(list.body.items[0].note, "must read");
    assert.equal((await call("DELETE", "/api/admin/pins/2403.00001", { cookie: admin.cookie })).status, 204);
    assertProblem(await call("DELETE", "/api/admin/pins/2403.00001", { cookie: admin.cookie }), 404);
  });
});
