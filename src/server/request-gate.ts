/**
 * What every request passes before the app sees it, at the level of Node's
 * HTTP server (so it costs nothing of the framework and holds however the
 * app is written):
 *
 * - **One body-size limit, enforced early.** A request that declares a body
 *   larger than the limit (Content-Length) is answered 413 before anything
 *   is read or routed. (Bodies without a declared length are counted by the
 *   app's body-limit middleware as they are read.)
 * - **Keep-alive never loses a reply.** When a response goes out before the
 *   request's body was read (a 401 for a body nobody will read, a 413, a
 *   503), the rest of the body is read and discarded, so the connection can
 *   carry the next request, as its response promised. A body too large to
 *   discard cheaply (or of unknown length) gets `Connection: close` in that
 *   response instead, so the client knows to open a new connection. Without
 *   this, the framework's own clean-up closed such connections after 500 ms
 *   although the response said keep-alive, and the client's next request on
 *   it was lost.
 * - **A bounded queue** (admission.ts): requests beyond the concurrency wait
 *   in a bounded line for a bounded time, else get 503 with Retry-After.
 *   Requests for which `exempt` is true (static files, the OpenAPI
 *   document, health checks) skip the line.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { AdmissionQueue } from "./admission.js";

export interface RequestGateOptions {
  /** Largest request body in bytes. */
  bodyLimitBytes: number;
  /** Bodies up to this size are read and discarded after an early response (default: 4 × the limit, at least 4 MiB). */
  discardLimitBytes?: number;
  /** Admission control; none when undefined. */
  admission?: AdmissionQueue;
  /** Requests that skip admission. Default: GET/HEAD outside /api/. */
  exempt?: (req: IncomingMessage) => boolean;
}

/** GET and HEAD requests outside /api/ (the web app's files, /openapi.json, /healthz) skip the queue. */
export function defaultExempt(req: IncomingMessage): boolean {
  return (req.method === "GET" || req.method === "HEAD") && !(req.url ?? "/").startsWith("/api/");
}

export function gateRequests(listener: RequestListener, options: RequestGateOptions): RequestListener {
  const limit = options.bodyLimitBytes;
  const discardLimit = options.discardLimitBytes ?? Math.max(limit * 4, 4 * 1024 * 1024);
  const exempt = options.exempt ?? defaultExempt;
  return (req, res) => {
    keepConnectionUsable(req, res, discardLimit);
    const declared = declaredLength(req);
    if (declared !== undefined && declared > limit) {
      answer(res, 413, { code: "PAYLOAD_TOO_LARGE", message: `request body is larger than ${limit} bytes` });
      return;
    }
    const admission = options.admission;
    if (!admission || exempt(req)) {
      listener(req, res);
      return;
    }
    void admission.admit().then((turn) => {
      if (!turn.admitted) {
        const message =
          turn.reason === "queue-full"
            ? `the server is busy (${admission.maxQueued} requests already waiting); retry after ${turn.retryAfterSeconds} s`
            : `the server is busy (no turn within ${admission.maxWaitMs} ms); retry after ${turn.retryAfterSeconds} s`;
        answer(res, 503, { code: "UNAVAILABLE", message }, { "retry-after": String(turn.retryAfterSeconds) });
        return;
      }
      res.once("close", turn.release);
      if (res.destroyed || req.destroyed) {
        // the client left while waiting
        turn.release();
        return;
      }
      listener(req, res);
    });
  };
}

/** The declared body length, or undefined when there is none (chunked, or no body). */
function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Makes sure a response sent before the request body was read leaves the
 * connection in a state the response announced: discards the rest of the
 * body when it is small enough, else marks the response `Connection: close`.
 */
function keepConnectionUsable(req: IncomingMessage, res: ServerResponse, discardLimit: number): void {
  const declared = declaredLength(req);
  const hasBody = declared !== undefined ? declared > 0 : req.headers["transfer-encoding"] !== undefined;
  if (!hasBody) return;
  const discardable = declared !== undefined && declared <= discardLimit;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!req.complete && !discardable && !this.headersSent) this.setHeader("connection", "close");
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
  res.once("finish", () => {
    if (req.complete || req.destroyed) return;
    if (!discardable) return; // Connection: close was sent; Node closes the connection
    // nobody reads the rest any more (a reader that stopped would hold the stream paused): discard it
    req.removeAllListeners("data");
    req.removeAllListeners("readable");
    let read = 0;
    req.on("data", (chunk: Buffer) => {
      read += chunk.length;
      if (read > discardLimit) req.socket.destroy();
    });
    req.resume();
  });
}

/** A JSON problem response from the gate itself (same shape as the app's errors). */
function answer(res: ServerResponse, status: number, error: { code: string; message: string }, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}
