/**
 * Serving the web app: pages answer index.html (404 for unknown paths),
 * assets come only from the public folder, and API paths are never shadowed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createApp } from "../../../src/server/app.js";
import { findPublicDir, isPagePath, mountWebApp, PAGE_ROUTES } from "./web-app.js";

function makeApp() {
  const app = createApp();
  app.get("/api/ping", (c) => c.json({ ok: true }));
  mountWebApp(app);
  app.get("/api/late", (c) => c.json({ late: true })); // routes added after the web app still answer
  return app;
}

const publicDir = findPublicDir();
const indexHtml = readFileSync(join(publicDir, "index.html"), "utf8");

test("the app's pages answer index.html with a same-origin content security policy", async () => {
  const app = makeApp();
  for (const path of ["/", "/search?q=x", "/paper/hep-th%2F9901001", ...PAGE_ROUTES.map((r) => `/${r}`)]) {
    const res = await app.request(path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(await res.text(), indexHtml, path);
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/, "no inline scripts");
  }
});

test("unknown paths answer the app's shell with 404; API paths keep the API's JSON answers", async () => {
  const app = makeApp();
  const page = await app.request("/no/such/page");
  assert.equal(page.status, 404);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);

  const api = await app.request("/api/nope");
  assert.equal(api.status, 404);
  assert.deepEqual(await api.json(), { error: { code: "NOT_FOUND", message: "no route for GET /api/nope" } });
  assert.deepEqual(await (await app.request("/api/ping")).json(), { ok: true });
  assert.deepEqual(await (await app.request("/api/late")).json(), { late: true });
  const doc = await app.request("/openapi.json");
  assert.equal(doc.status, 200);
  assert.equal(typeof ((await doc.json()) as { openapi?: unknown }).openapi, "string");
  const post = await app.request("/search", { method: "POST" });
  assert.equal(post.status, 404, "only GET and HEAD serve pages");
});

test("assets are served with their types, and only files of the public folder", async () => {
  const app = makeApp();
  const js = await app.request("/assets/js/main.js");
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
  assert.equal(js.headers.get("x-content-type-options"), "nosniff");
  assert.equal(await js.text(), readFileSync(join(publicDir, "js", "main.js"), "utf8"));
  const css = await app.request("/assets/style.css");
  assert.match(css.headers.get("content-type") ?? "", /^text\/css/);
  for (const path of ["/assets/../web-app.ts", "/assets/%2e%2e/web-app.ts", "/assets/js/../../../web-app.ts", "/assets/missing.js"]) {
    const res = await app.request(path);
    assert.notEqual(res.headers.get("content-type"), "text/javascript; charset=utf-8", path);
    assert.ok(!(await res.text()).includes("findPublicDir"), `${path} must not leak server files`);
  }
});

test("isPagePath knows the app's routes", () => {
  assert.equal(isPagePath("/"), true);
  assert.equal(isPagePath("/feed"), true);
  assert.equal(isPagePath("/paper/2503.12855"), true);
  assert.equal(isPagePath("/feedx"), false);
  assert.equal(isPagePath("/wp-admin"), false);
});

test("the client never assigns HTML strings (no innerHTML, outerHTML, insertAdjacentHTML or document.write)", async () => {
  const { readdirSync, statSync } = await import("node:fs");
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".js")) files.push(path);
    }
  };
  walk(publicDir);
  assert.ok(files.length >= 5);
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    assert.doesNotMatch(source, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/, file);
  }
});

test("paper links become hrefs only when they are http(s) URLs (javascript:, data:, relative and broken ones never do)", async () => {
  const { httpHref } = (await import(pathToFileURL(join(publicDir, "js", "links.js")).href)) as { httpHref: (url: unknown) => string | undefined };
  assert.equal(httpHref("https://arxiv.org/abs/2503.12855"), "https://arxiv.org/abs/2503.12855");
  assert.equal(httpHref(" http://example.org/a b "), "http://example.org/a%20b");
  for (const bad of ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x", "//evil.example/x", "/relative", "https://", "", undefined, 42]) {
    assert.equal(httpHref(bad), undefined, String(bad));
  }
  const page = readFileSync(join(publicDir, "js", "pages", "paper.js"), "utf8");
  assert.ok(!/href: (links\.|paper\.doi)/.test(page), "paper.js passes every stored link through httpHref");
});
