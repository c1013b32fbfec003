/**
 * Admission control: at most `maxConcurrent` requests are handled at once,
 * at most `maxQueued` wait for a turn (first come, first served), and none
 * waits longer than `maxWaitMs`. A request that finds the queue full, or
 * whose wait runs out, is refused at once (the server answers 503 with
 * Retry-After) instead of joining a line that only grows: under overload the
 * latency of admitted requests stays bounded by the wait limit plus their own
 * work, and clients learn to back off.
 *
 * Why a bound helps a single-threaded server: a Node process does one
 * request's synchronous work at a time, so 64 concurrent feed requests of
 * 80 ms each make the last one wait 5 s. Admitting a few at a time and
 * refusing the excess early turns a multi-second tail into fast 503s.
 *
 * Why requests also start a few per turn of the event loop
 * (`maxStartsPerTurn`): Node (libuv) accepts one new connection per turn of
 * its loop, so a turn that runs 16 requests' synchronous work back to back
 * (about 100 ms of feeds) lets a new connection in only every 100 ms, and
 * the 64th of 64 clients that connect at once waited 4-5 s before its first
 * request was even read (measured with bench:http, docs/deploying.md). The
 * queued requests beyond the per-turn number start in the next turns
 * (setImmediate), after the loop has polled for connections and input.
 */
import { InvalidArgumentError } from "../core/errors.js";

export interface AdmissionOptions {
  /** Requests handled at once (default 16). */
  maxConcurrent?: number;
  /** Requests waiting for a turn (default 64). */
  maxQueued?: number;
  /** Longest wait for a turn, ms (default 1000). */
  maxWaitMs?: number;
  /** Requests started in one turn of the event loop (default 2); the rest wait in the queue for the next turns. */
  maxStartsPerTurn?: number;
}

export type Admission = { admitted: true; release: () => void } | { admitted: false; reason: "queue-full" | "waited-too-long"; retryAfterSeconds: number };

interface Waiter {
  resolve: (admission: Admission) => void;
  timer: NodeJS.Timeout;
}

export class AdmissionQueue {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly maxWaitMs: number;
  readonly maxStartsPerTurn: number;
  private active = 0;
  private startsThisTurn = 0;
  private turnEndScheduled = false;
  private readonly waiting: Waiter[] = [];
  /** Counters since start, for logs and benchmarks. */
  readonly stats = { admitted: 0, queued: 0, refusedFull: 0, refusedWait: 0 };

  constructor(options: AdmissionOptions = {}) {
    this.maxConcurrent = positiveInteger(options.maxConcurrent ?? 16, "maxConcurrent", 1);
    this.maxQueued = positiveInteger(options.maxQueued ?? 64, "maxQueued", 0);
    this.maxWaitMs = positiveInteger(options.maxWaitMs ?? 1000, "maxWaitMs", 1);
    this.maxStartsPerTurn = positiveInteger(options.maxStartsPerTurn ?? 2, "maxStartsPerTurn", 1);
  }

  /** Requests being handled now. */
  get running(): number {
    return this.active;
  }

  /** Requests waiting now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves when the request may run (call `release` when it is done) or is refused. */
  admit(): Promise<Admission> {
    if (this.mayStart() && this.waiting.length === 0) return Promise.resolve(this.grant());
    if (this.waiting.length >= this.maxQueued) {
      this.stats.refusedFull++;
      return Promise.resolve({ admitted: false, reason: "queue-full", retryAfterSeconds: this.retryAfter() });
    }
    this.stats.queued++;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const at = this.waiting.indexOf(waiter);
          if (at >= 0) this.waiting.splice(at, 1);
          this.stats.refusedWait++;
          resolve({ admitted: false, reason: "waited-too-long", retryAfterSeconds: this.retryAfter() });
        }, this.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private mayStart(): boolean {
    return this.active < this.maxConcurrent && this.startsThisTurn < this.maxStartsPerTurn;
  }

  private grant(): Admission {
    this.active++;
    this.stats.admitted++;
    this.startsThisTurn++;
    if (!this.turnEndScheduled) {
      // the turn's count resets after the loop's next poll for I/O (check phase), and the queue moves on
      this.turnEndScheduled = true;
      setImmediate(() => {
        this.turnEndScheduled = false;
        this.startsThisTurn = 0;
        this.startWaiting();
      });
    }
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.active--;
        this.startWaiting();
      },
    };
  }

  /** Starts waiting requests, first come first served, while this turn allows. */
  private startWaiting(): void {
    while (this.waiting.length > 0 && this.mayStart()) {
      const next = this.waiting.shift()!;
      clearTimeout(next.timer);
      next.resolve(this.grant());
    }
  }

  /** Seconds a refused client should wait: about the time the current queue takes to clear, at least 1. */
  private retryAfter(): number {
    return Math.max(1, Math.ceil(this.maxWaitMs / 1000));
  }
}

function positiveInteger(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(`admission ${name} must be an integer of at least ${min}, got ${value}`);
  return value;
}
