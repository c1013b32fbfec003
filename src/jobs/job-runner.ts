/**
 * A worker that runs jobs from a queue: it polls for ready jobs of the kinds
 * it has handlers for, runs each with an AbortSignal, renews the lease every
 * third of its length while the handler works, and records the outcome
 * (done with the handler's result, or failed with its message; failures are
 * retried with a growing delay until the job's attempts are used up).
 *
 * If a heartbeat finds the lease lost (another node took the job over after
 * this one stalled), the handler's signal aborts and the outcome is dropped.
 * `stop()` stops claiming, aborts running handlers, gives their jobs back
 * (so another node can claim them at once) and waits for them to return.
 *
 * Recurring work: `schedule(kind, everyMs)` enqueues one job per period under
 * the key `<kind>@<period start>`; every node asks, the key lets one job in.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { InvalidArgumentError } from "../core/errors.js";
import type { JsonValue } from "../store/store.js";
import type { JobQueue, JobRecord } from "./job-queue.js";

export interface JobContext {
  job: JobRecord;
  payload: JsonValue;
  /** Aborts when the runner stops or the lease was lost: stop at the next safe point. */
  signal: AbortSignal;
  /** Records progress (sent with the next heartbeat). */
  progress(value: JsonValue): void;
}

export type JobHandler = (context: JobContext) => Promise<JsonValue | void>;

export interface JobRunnerOptions {
  /** Who this worker is, in job records (default host:pid:random). */
  holder?: string;
  /** Lease length (default 30 s): how long a dead worker's job waits before another takes it over. */
  leaseMs?: number;
  /** How often to look for ready jobs (default 1 s). */
  pollMs?: number;
  /** Jobs run at once by this worker (default 1). */
  concurrency?: number;
  /** Delay before retry n is (2^(n-1)) times this (default 5 s). */
  retryBaseMs?: number;
  /** Where unexpected queue errors are reported (default: stderr). */
  onError?: (error: unknown) => void;
}

interface Schedule {
  kind: string;
  everyMs: number;
  payload: JsonValue;
}

export class JobRunner {
  readonly holder: string;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly schedules: Schedule[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void>; release: () => Promise<boolean> }>();
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly retryBaseMs: number;
  private readonly onError: (error: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** Polling (after start). */
  private polling = false;
  /** After stop(): claims nothing more. */
  private stopped = false;
  /** The claim round in progress (one at a time, so the concurrency holds). */
  private claiming: Promise<void> | undefined;

  constructor(
    readonly queue: JobQueue,
    options: JobRunnerOptions = {},
  ) {
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 1000;
    this.concurrency = options.concurrency ?? 1;
    this.retryBaseMs = options.retryBaseMs ?? 5000;
    this.onError = options.onError ?? ((error) => process.stderr.write(`trove jobs: ${error instanceof Error ? error.message : String(error)}\n`));
  }

  /** Registers the handler of `kind`; this worker then claims jobs of that kind. */
  handle(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  /** Asks for one `kind` job per period of `everyMs` (aligned to the epoch), from the next poll on. */
  schedule(kind: string, everyMs: number, payload: JsonValue = null): this {
    if (!Number.isInteger(everyMs) || everyMs < 1000) throw new InvalidArgumentError(`a schedule's period must be at least 1000 ms, got ${everyMs}`);
    this.schedules.push({ kind, everyMs, payload });
    return this;
  }

  /** Starts polling. */
  start(): void {
    if (this.polling || this.stopped) return;
    this.polling = true;
    const loop = () => {
      if (this.stopped) return;
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        if (!this.stopped) {
          this.timer = setTimeout(loop, this.pollMs);
          this.timer.unref();
        }
      });
    };
    loop();
  }

  /** Enqueues due scheduled jobs and claims work up to the concurrency; resolves when claiming is done (not the jobs). */
  async tick(): Promise<void> {
    if (this.claiming) return this.claiming;
    this.claiming = this.claimWork().finally(() => (this.claiming = undefined));
    return this.claiming;
  }

  private async claimWork(): Promise<void> {
    try {
      const now = Date.now();
      for (const s of this.schedules) {
        const period = Math.floor(now / s.everyMs) * s.everyMs;
        await this.queue.enqueue({ kind: s.kind, key: `${s.kind}@${new Date(period).toISOString()}`, payload: s.payload, runAt: new Date(period) });
      }
      while (this.running.size < this.concurrency && !this.stopped) {
        const lease = await this.queue.claim([...this.handlers.keys()], this.holder, this.leaseMs);
        if (!lease) break;
        this.launch(lease);
      }
    } catch (error) {
      this.onError(error);
    }
  }

  /** Jobs this worker is running now. */
  get active(): string[] {
    return [...this.running.keys()];
  }

  /** Waits until this worker runs no job. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Stops claiming, aborts running handlers, gives their jobs back and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.polling = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    const running = [...this.running.values()];
    for (const r of running) r.controller.abort(new Error("the job runner is stopping"));
    await Promise.all(running.map((r) => r.done));
  }

  private launch(lease: Awaited<ReturnType<JobQueue["claim"]>> & object): void {
    const job = lease.job;
    const handler = this.handlers.get(job.kind)!;
    const controller = new AbortController();
    let progress: JsonValue | undefined;
    let lost = false;
    const beat = setInterval(() => {
      void lease.heartbeat(progress).then(
        (kept) => {
          if (!kept && !lost) {
            lost = true;
            controller.abort(new Error(`lost the lease on job ${job.id} (another worker took it over)`));
          }
        },
        (error: unknown) => this.onError(error),
      );
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    beat.unref();
    const done = (async () => {
      try {
        const result = await handler({ job, payload: job.payload, signal: controller.signal, progress: (value) => (progress = value) });
        if (!lost) await lease.complete(result ?? null);
      } catch (error) {
        if (lost) return;
        if (this.stopped && controller.signal.aborted) {
          await lease.release();
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        await lease.fail(message, this.retryBaseMs * 2 ** Math.max(0, job.attempts - 1));
      }
    })()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        clearInterval(beat);
        this.running.delete(job.id);
        if (this.polling) void this.tick();
      });
    this.running.set(job.id, { controller, done, release: lease.release });
  }
}
