/**
 * Paper Radar's web app: a small no-build client (plain ES modules and CSS
 * under apps/radar/web/public) served as static files next to the JSON API.
 *
 * - `/assets/...` serves the files of the public folder (listed once at start:
 *   only those files can be served, so no path can escape the folder);
 * - the app's pages (`/`, `/search`, `/paper/<id>`, `/feed`, ...) answer the
 *   same `index.html`; the client renders the page from the URL. Any other
 *   path answers `index.html` with status 404 (the client shows "not found").
 * - `/api/...` and `/openapi.json` are never answered here: they fall through
 *   to the API routes and the API's own JSON 404.
 *
 * The public folder is found beside this module when running from the source
 * tree, or in the source tree (`apps/radar/web/public`) when running from the
 * compiled `dist/` copy (tsc does not copy non-TypeScript files).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Env, Hono, MiddlewareHandler } from "hono";

/** Client-side routes: the first path segment of every page of the app. */
export const PAGE_ROUTES = ["search", "paper", "feed", "trending", "topics", "saved", "collections", "shared", "digest", "signin", "signup", "account", "admin", "onboarding", "map"] as const;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
};

/** Same-origin only: scripts, styles, frames (the digest preview) and fetches. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join("; ");

/** The folder of the client's files: beside this module, or in the source tree when this module runs from dist/. */
export function findPublicDir(moduleUrl: string = import.meta.url): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = [join(here, "public"), join(here, "..", "..", "..", "..", "apps", "radar", "web", "public")];
  const found = candidates.find((dir) => existsSync(join(dir, "index.html")));
  if (!found) throw new Error(`Paper Radar web app: index.html not found in ${candidates.join(" or ")}`);
  return found;
}

function listFiles(dir: string, root = dir, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listFiles(path, root, out);
    else if (CONTENT_TYPES[extname(name)]) out.set(`/assets/${relative(root, path).split(sep).join("/")}`, path);
  }
  return out;
}

function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/") || path === "/openapi.json";
}

/** True for the paths of the app's pages. */
export function isPagePath(path: string): boolean {
  if (path === "/" || path === "/index.html") return true;
  const first = path.split("/")[1] ?? "";
  return (PAGE_ROUTES as readonly string[]).includes(first);
}

export interface WebAppOptions {
  /** Folder of the client's files (default: findPublicDir()). */
  publicDir?: string;
}

/** Middleware serving the web app; every API path passes through untouched. */
export function webApp(options: WebAppOptions = {}): MiddlewareHandler {
  const publicDir = options.publicDir ?? findPublicDir();
  const files = listFiles(publicDir);
  const indexFile = join(publicDir, "index.html");
  return async (c, next) => {
    const path = c.req.path;
    if ((c.req.method !== "GET" && c.req.method !== "HEAD") || isApiPath(path)) return next();
    const asset = files.get(path);
    const file = asset ?? indexFile;
    const status = asset || isPagePath(path) ? 200 : 404;
    const body = await readFile(file);
    c.header("content-type", CONTENT_TYPES[extname(file)] ?? "application/octet-stream");
    c.header("cache-control", "no-cache");
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "same-origin");
    if (!asset) c.header("content-security-policy", CONTENT_SECURITY_POLICY);
    return c.body(body, status);
  };
}

/** Mounts the web app on `app` (after or before the API routes: API paths are never shadowed). */
export function mountWebApp<E extends Env>(app: Hono<E>, options: WebAppOptions = {}): void {
  app.use("*", webApp(options) as MiddlewareHandler<E>);
}
