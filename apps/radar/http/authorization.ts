/**
 * Who is calling, and what they may do. `authenticate` runs before every API
 * route: an `Authorization: Bearer <API key>` header or the session cookie
 * names the reader (a bad key is refused with 401 at once; a stale cookie just
 * means "not signed in"). Routes then demand what they need with
 * `requireReader`, `requireSession` or `requireAdmin`, and `assertOwner`
 * keeps each reader to their own data: another reader's record answers 404,
 * exactly as a missing one, so ids of others' data reveal nothing.
 *
 * Writes that a browser could be tricked into sending (POST, PUT, PATCH,
 * DELETE carrying the session cookie, and sign-in/sign-up themselves) must
 * come from a page of this site: the Origin check (src/server/same-origin.ts)
 * answers 403 otherwise. SameSite=Lax cookies already stop most cross-site
 * writes; the check also covers browsers and setups where they do not.
 * API-key requests are not affected (a browser never adds the key itself).
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { clientOf } from "../../../src/server/client-info.js";
import { forbidden, notFound, unauthenticated } from "../../../src/server/problem.js";
import { crossOriginProblem, isSafeMethod } from "../../../src/server/same-origin.js";
import type { Accounts, Reader } from "../accounts/accounts.js";
import { isLocalToken } from "../server-info.js";

export const SESSION_COOKIE = "radar_session";

export interface AuthVariables {
  reader: Reader | null;
  authMethod: "session" | "apiKey" | null;
  sessionToken: string | null;
}

export type RadarEnv = { Variables: AuthVariables };

/**
 * Who the server's local admin token (server-info.ts: for `trove radar
 * import|fetch` on the same machine) acts as. It passes `requireAdmin`; it
 * is nobody's account, so reader routes see a reader with no data.
 */
export const LOCAL_ADMIN: Reader = Object.freeze({ id: "local-admin", email: "local admin (data directory)", role: "admin", createdAt: "1970-01-01T00:00:00.000Z" });

export interface AuthenticateOptions {
  cookieName?: string;
  /** Origins besides the server's own whose pages may write with the session cookie (e.g. "https://radar.example.org" behind a proxy that rewrites Host). */
  allowedOrigins?: readonly string[];
  /** The server's local admin token (server-info.ts), accepted as an admin's API key. */
  localToken?: string;
}

/**
 * Resolves the caller from an API key (or the server's local admin token)
 * or the session cookie and stores it in the context; refuses cross-site writes.
 */
export function authenticate(accounts: Accounts, options: AuthenticateOptions = {}): MiddlewareHandler<RadarEnv> {
  const cookieName = options.cookieName ?? SESSION_COOKIE;
  const allowed = options.allowedOrigins ?? [];
  const localToken = options.localToken;
  return async (c, next) => {
    c.set("reader", null);
    c.set("authMethod", null);
    c.set("sessionToken", null);
    const header = c.req.header("authorization");
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw unauthenticated("the Authorization header must be 'Bearer <API key>'");
      const reader = isLocalToken(m[1], localToken) ? LOCAL_ADMIN : await accounts.resolveApiKey(m[1]);
      if (!reader) throw unauthenticated("the API key is not valid (mistyped or revoked)");
      c.set("reader", reader);
      c.set("authMethod", "apiKey");
    } else {
      const token = getCookie(c, cookieName);
      const unsafe = !isSafeMethod(c.req.method);
      // a browser sends the cookie with any write; sign-in and sign-up (login CSRF) are checked when a browser names its origin
      if (unsafe && (token !== undefined || (c.req.path.startsWith("/api/auth/") && c.req.header("origin") !== undefined))) {
        const problem = crossOriginProblem(c, allowed);
        if (problem) throw forbidden(`cross-site request refused: ${problem}`);
      }
      if (token) {
        const reader = await accounts.resolveSession(token);
        if (reader) {
          c.set("reader", reader);
          c.set("authMethod", "session");
          c.set("sessionToken", token);
        }
      }
    }
    await next();
  };
}

/** The signed-in reader; throws 401 when there is none. */
export function currentReader(c: Context<RadarEnv>): Reader {
  const reader = c.get("reader");
  if (!reader) throw unauthenticated();
  return reader;
}

/** Route middleware: the caller must be signed in (session or API key). */
export const requireReader: MiddlewareHandler<RadarEnv> = async (c, next) => {
  currentReader(c);
  await next();
};

/** Route middleware: the caller must be signed in with a session (not an API key), e.g. to create API keys. */
export const requireSession: MiddlewareHandler<RadarEnv> = async (c, next) => {
  currentReader(c);
  if (c.get("authMethod") !== "session") throw forbidden("this needs a signed-in session; API keys cannot do it");
  await next();
};

/** Route middleware: the caller must be an admin (401 if not signed in, 403 if not an admin). */
export const requireAdmin: MiddlewareHandler<RadarEnv> = async (c, next) => {
  const reader = currentReader(c);
  if (reader.role !== "admin") throw forbidden("only an admin can do this");
  await next();
};

/** Throws 404 (as for a missing record) unless `ownerId` is the reader's own id. */
export function assertOwner(reader: Reader, ownerId: unknown, what: string): void {
  if (ownerId !== reader.id) throw notFound(`no ${what}`);
}

export interface CookieOptions {
  cookieName?: string;
  /** Add the Secure attribute (default: when the client's connection is https, to us or to a trusted proxy). */
  secure?: boolean;
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Max-Age of the session. */
export function setSessionCookie(c: Context, token: string, maxAgeMs: number, options: CookieOptions = {}): void {
  setCookie(c, options.cookieName ?? SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    maxAge: Math.floor(maxAgeMs / 1000),
    secure: options.secure ?? clientOf(c).secure,
  });
}

export function clearSessionCookie(c: Context, options: CookieOptions = {}): void {
  deleteCookie(c, options.cookieName ?? SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Lax" });
}
