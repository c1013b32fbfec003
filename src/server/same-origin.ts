/**
 * The Origin check for cookie-authenticated writes (CSRF defence in depth
 * beside SameSite=Lax cookies): a browser sends `Origin` with every POST,
 * PUT, PATCH and DELETE, so a write that carries the session cookie must come
 * from a page of this server (its own origin, as the client reached it, see
 * client-info.ts) or of an origin the operator allows. Without `Origin`, a
 * `Referer` of this server is accepted; with neither, the write is refused,
 * since a browser would have sent one. Requests authenticated with an API key
 * are not affected: no browser attaches those on its own.
 */
import type { Context } from "hono";
import { clientOf } from "./client-info.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** The origin (scheme://host[:port]) of a URL, or undefined when it is not one. */
function originOf(url: string | undefined): string | undefined {
  if (!url || url === "null") return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Undefined when the request may write; else why not (for the 403 message). */
export function crossOriginProblem(c: Context, allowedOrigins: readonly string[] = []): string | undefined {
  const own = originOf(clientOf(c).origin);
  const origin = c.req.header("origin");
  const claimed = origin !== undefined ? originOf(origin) : originOf(c.req.header("referer"));
  if (claimed === undefined) {
    return origin !== undefined ? `the request's Origin ${JSON.stringify(origin)} is not allowed` : "a signed-in write must carry an Origin (or Referer) header of this site";
  }
  if (claimed === own || allowedOrigins.includes(claimed)) return undefined;
  return `requests from ${claimed} may not use this site's session (expected ${own})`;
}
