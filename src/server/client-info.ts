/**
 * Who is on the other end of a request: the client's address (for rate
 * limits and logs) and whether it came over HTTPS (for Secure cookies and the
 * Origin check). Behind a reverse proxy that terminates TLS, the TCP peer is
 * the proxy and the request arrives over plain HTTP; the proxy says who the
 * client was in X-Forwarded-For and X-Forwarded-Proto. Those headers are
 * believed only from proxies the operator names (`trustProxy`), since anyone
 * else could send them to dodge a rate limit.
 *
 * `trustProxy`:
 * - `false` (default): no proxy; the peer is the client, the socket says https or not.
 * - a list of addresses and CIDR blocks ("10.0.0.0/8", "127.0.0.1", "::1"):
 *   forwarded headers are read when the peer is one of them, and proxies in
 *   the list are skipped when walking X-Forwarded-For from the right.
 * - a number n: trust the n nearest hops, whatever their addresses.
 * - `true`: trust every hop (only when the server is reachable through the proxy alone).
 */
import { BlockList, isIP } from "node:net";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Context } from "hono";
import { InvalidArgumentError } from "../core/errors.js";

export type TrustProxy = boolean | number | readonly string[];

export interface ClientInfo {
  /** The client's IP address ("unknown" when there is no socket, as in app.request() tests). */
  address: string;
  /** True when the client's connection (to us or to the trusted proxy) is HTTPS. */
  secure: boolean;
  /** The scheme and host the client used (`https://radar.example.org`), for the Origin check. */
  origin: string;
}

type Trust = (address: string, hop: number) => boolean;

/** Turns the `trustProxy` setting into a predicate over (address, hop number from our side). */
export function compileTrust(setting: TrustProxy | undefined): Trust {
  if (setting === undefined || setting === false) return () => false;
  if (setting === true) return () => true;
  if (typeof setting === "number") {
    if (!Number.isInteger(setting) || setting < 0) throw new InvalidArgumentError(`trustProxy as a number must be a hop count (0 or more), got ${setting}`);
    return (_address, hop) => hop < setting;
  }
  const list = new BlockList();
  for (const entry of setting) {
    const [address, bits] = entry.trim().split("/");
    const family = isIP(address);
    if (family === 0) throw new InvalidArgumentError(`trustProxy: ${JSON.stringify(entry)} is not an IP address or CIDR block`);
    const type = family === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address, type);
    else {
      const prefix = Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) throw new InvalidArgumentError(`trustProxy: bad prefix length in ${JSON.stringify(entry)}`);
      list.addSubnet(address, prefix, type);
    }
  }
  return (address) => {
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? "ipv6" : "ipv4");
  };
}

/** "::ffff:127.0.0.1" (an IPv4 peer on a dual-stack socket) -> "127.0.0.1". */
function unmapped(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Resolves the client of a Node request under a trust predicate. */
export function resolveClient(req: IncomingMessage, trust: Trust): ClientInfo {
  const peer = unmapped(req.socket?.remoteAddress ?? "unknown");
  let secure = Boolean((req.socket as TLSSocket | undefined)?.encrypted);
  let host = firstHeader(req.headers.host) ?? "localhost";
  let address = peer;
  if (trust(peer, 0)) {
    const forwarded = (firstHeader(req.headers["x-forwarded-for"]) ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    // walk from the nearest hop outwards; the first address we do not trust is the client
    let hop = 1;
    for (let i = forwarded.length - 1; i >= 0; i--, hop++) {
      address = unmapped(forwarded[i]);
      if (!trust(address, hop)) break;
    }
    const proto = firstHeader(req.headers["x-forwarded-proto"])?.split(",")[0]?.trim().toLowerCase();
    if (proto === "https") secure = true;
    else if (proto === "http") secure = false;
    const forwardedHost = firstHeader(req.headers["x-forwarded-host"])?.split(",")[0]?.trim();
    if (forwardedHost) host = forwardedHost;
  }
  return { address, secure, origin: `${secure ? "https" : "http"}://${host}` };
}

/** Resolved clients of the requests in flight, filled in by the server before the app runs. */
const clients = new WeakMap<IncomingMessage, ClientInfo>();

export function rememberClient(req: IncomingMessage, info: ClientInfo): void {
  clients.set(req, info);
}

/** The client of a request handled by the app (see the module comment). */
export function clientOf(c: Context): ClientInfo {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const known = incoming ? clients.get(incoming) : undefined;
  if (known) return known;
  // no server in between (app.request() in tests): what the URL says
  const url = new URL(c.req.url);
  return { address: incoming?.socket?.remoteAddress ?? "unknown", secure: url.protocol === "https:", origin: url.origin };
}
