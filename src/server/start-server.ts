/**
 * Starting and stopping the HTTP server. `startServer` opens the store in
 * `dataDir`, lets each module (a feature such as Paper Radar's API) open what
 * it needs and mount its routes, then listens. `close()` shuts down
 * gracefully: it stops accepting connections, lets requests in flight finish
 * (up to `shutdownTimeoutMs`, then cuts the rest), closes the modules and
 * finally the store, so no write is cut off half-way.
 *
 * Every request first passes the gate (request-gate.ts): the body-size limit
 * checked before anything is read, keep-alive connections kept usable after
 * early answers, and a bounded queue that answers 503 with Retry-After
 * rather than letting latency grow without limit. The client's address and
 * scheme are resolved once per request, believing X-Forwarded-* headers only
 * from the proxies named in `trustProxy` (client-info.ts).
 */
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import { InvalidArgumentError, TroveError } from "../core/errors.js";
import { makePrivateDir } from "../core/private-files.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { AdmissionQueue, type AdmissionOptions } from "./admission.js";
import { createApp, DEFAULT_BODY_LIMIT_BYTES, type AppOptions } from "./app.js";
import { compileTrust, rememberClient, resolveClient, type TrustProxy } from "./client-info.js";
import { gateRequests } from "./request-gate.js";

/** What a module gets when it starts. */
export interface ServerContext {
  /** The root app: mount routers on it (`app.route("/", router)`). */
  app: OpenAPIHono<Env>;
  /** The store of `dataDir`, shared by all modules; the server closes it. */
  store: Store;
  /** The data directory (indexes, models and, for SQLite, the store file live under it). */
  dataDir: string;
}

/** A feature of the server: opens its resources and mounts its routes; `close` releases them. */
export interface ServerModule {
  readonly name: string;
  /** Request body limits of the module's upload routes, by path (see AppOptions.bodyLimits). */
  readonly bodyLimits?: Readonly<Record<string, number>>;
  start(context: ServerContext): Promise<{ close?: () => Promise<void> } | void>;
}

export interface StartServerOptions extends AppOptions {
  /** TCP port; 0 picks a free one (see `port` of the result). Default 8080. */
  port?: number;
  /** Interface to listen on. Default "127.0.0.1" (this machine only); "0.0.0.0" for every interface. */
  host?: string;
  /** Directory of the store (`<dataDir>/trove.db`) and derived data. */
  dataDir: string;
  /** The features to serve, e.g. Paper Radar's `radarApi()`. */
  modules: ServerModule[];
  /** An already open store to use instead of opening `dataDir`'s (it is then not closed by `close()`). */
  store?: Store;
  /** Where the store is when it is not `dataDir`'s SQLite file: a postgres:// URL (see openStore). */
  storeLocation?: string;
  /** Bounded request queue (default: 16 at once, 64 waiting, 1 s longest wait); false turns it off. */
  admission?: AdmissionOptions | false;
  /** Which reverse proxies' X-Forwarded-For/-Proto/-Host headers to believe (default: none; see client-info.ts). */
  trustProxy?: TrustProxy;
  /** Longest time to receive a whole request, headers and body (default 60 s; slow clients are cut off). */
  requestTimeoutMs?: number;
  /** How long `close()` waits for requests in flight before cutting connections (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Close gracefully on SIGINT/SIGTERM (default false: the caller decides). */
  handleSignals?: boolean;
}

export interface RunningServer {
  /** Base URL, e.g. "http://127.0.0.1:41234". */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The app (for `app.request()` in tests). */
  readonly app: OpenAPIHono<Env>;
  readonly store: Store;
  /** The bounded request queue (undefined when turned off). */
  readonly admission: AdmissionQueue | undefined;
  /** Graceful shutdown; safe to call more than once. */
  close(): Promise<void>;
}

const DEFAULT_PORT = 8080;

function checkPort(port: unknown): number {
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
    throw new InvalidArgumentError(`port must be an integer from 0 to 65535, got ${JSON.stringify(port)}`);
  }
  return port as number;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const port = checkPort(options.port ?? DEFAULT_PORT);
  const host = options.host ?? "127.0.0.1";
  if (typeof options.dataDir !== "string" || options.dataDir.length === 0) throw new InvalidArgumentError("dataDir must be a directory path");
  if (!Array.isArray(options.modules) || options.modules.length === 0) {
    throw new InvalidArgumentError("startServer needs at least one module (for Paper Radar: modules: [radarApi()])");
  }
  const trust = compileTrust(options.trustProxy);
  const admission = options.admission === false ? undefined : new AdmissionQueue(options.admission);
  // derived data (indexes, models) lives here whatever the store is; readable by its owner only
  makePrivateDir(options.dataDir);
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openStore(options.storeLocation ?? options.dataDir));
  const bodyLimits = Object.assign({}, options.bodyLimits, ...options.modules.map((m) => m.bodyLimits ?? {}));
  const app = createApp<Env>({ ...options, bodyLimits });
  const closers: Array<() => Promise<void>> = [];
  const closeModules = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    closers.length = 0;
    if (ownsStore) await store.close();
  };
  let server: Server;
  try {
    for (const module of options.modules) {
      const handle = await module.start({ app, store, dataDir: options.dataDir });
      if (handle && handle.close) closers.push(handle.close);
    }
    // the gate discards unread bodies itself (the framework's clean-up would cut keep-alive connections after 500 ms)
    const listener = getRequestListener(app.fetch, { autoCleanupIncoming: false });
    const gate = gateRequests(listener, { bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, admission });
    server = createServer({ requestTimeout: options.requestTimeoutMs ?? 60_000 }, (req, res) => {
      rememberClient(req, resolveClient(req, trust));
      gate(req, res);
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await closeModules();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new TroveError("CONFLICT", `port ${port} on ${host} is already in use (another Paper Radar?): choose another with --port or PORT`);
    if (code === "EACCES") throw new TroveError("INVALID_ARGUMENT", `not allowed to listen on port ${port} on ${host}: choose a port above 1023 with --port or PORT`);
    throw error;
  }

  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  const timeout = options.shutdownTimeoutMs ?? 10_000;

  let closing: Promise<void> | null = null;
  const onSignal = (): void => {
    void close();
  };
  const close = (): Promise<void> => {
    if (!closing) {
      closing = (async () => {
        if (options.handleSignals) {
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
        }
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // keep-alive connections that finish their request become idle: close them as they do
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        const timer = setTimeout(() => server.closeAllConnections(), timeout);
        await closed;
        clearInterval(sweep);
        clearTimeout(timer);
        await closeModules();
      })();
    }
    return closing;
  };
  if (options.handleSignals) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  return { url, host: address.address, port: address.port, app, store, admission, close };
}
