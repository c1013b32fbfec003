/**
 * Runs Paper Radar's jobs (job.ts) in the background of the server: one run
 * per job at a time (under a JobClaim), on demand (`start`) or on a schedule
 * (`schedule`), with the status admins see kept in the store's metadata
 * (`radar.job.<name>`), so that it survives restarts and every node sharing
 * the store sees the same last run.
 *
 * Runs hold a lease (`leaseMs`, renewed every third of it while the run
 * works). With a shared claim (several nodes on PostgreSQL: QueueJobClaim)
 * every node also looks for runs whose node stopped renewing (it died) and
 * takes them over with the same input; at shutdown a node hands its runs
 * back, so another node continues them at once. A node that finds its lease
 * lost (it stalled past the lease and another node took over) stops its run
 * and leaves the status to the new holder.
 *
 * A scheduled run that fails because a service cannot be reached
 * (UnavailableError: no network, arXiv down) turns the job "off" with the
 * reason and tries again later, doubling the pause up to the interval. On
 * several nodes each keeps the schedule, and a node whose turn comes soon
 * after another node's successful run waits for the next period instead.
 * `close()` stops the schedules and the runs (handed back or cancelled).
 */
import { hostname } from "node:os";
import { ConflictError } from "../../../src/store/errors.js";
import { NotFoundError, TroveError, UnavailableError } from "../../../src/core/errors.js";
import type { JsonValue, Store } from "../../../src/store/store.js";
import { LocalJobClaim, type JobClaim, type JobLease } from "./job-claim.js";
import type { Job, JobProgress, JobRun, JobStatus } from "./job.js";

export interface JobRunnerOptions {
  /** Where statuses are kept (metadata keys `radar.job.<name>`). */
  store: Store;
  /** Who may run a job now (default: this process only). */
  claim?: JobClaim;
  /** Clock (tests). */
  now?: () => number;
  /** Lease of a run, renewed every third of it while the run works: how long a node that died holds up its runs (default 30 s). */
  leaseMs?: number;
  /** How often this node looks for runs to take over, with a shared claim (default: half the lease). */
  takeoverPollMs?: number;
  /** Where unexpected errors of the background work are reported (default: stderr). */
  onError?: (error: unknown) => void;
}

/** Default lease of a run. */
export const DEFAULT_JOB_LEASE_MS = 30_000;

export interface ScheduleOptions<Input> {
  /** Pause between the end of one run and the start of the next. */
  everyMs: number;
  /** Pause before the first run (default: one minute). */
  firstDelayMs?: number;
  /** What each scheduled run is asked to do. */
  input: () => Input | Promise<Input>;
}

interface Schedule {
  everyMs: number;
  nextAt: number;
  timer: NodeJS.Timeout | null;
  /** Why the job is off for now (a failure to reach a service), if it is. */
  offReason?: string;
  /** Pause after an unavailable failure (doubles up to everyMs). */
  retryMs: number;
  run: () => Promise<void>;
}

interface Stored {
  current?: JobRun;
  lastRun?: JobRun;
}

const PROGRESS_SAVE_MS = 1000;
const FIRST_RETRY_MS = 60_000;

function metaKey(name: string): string {
  return `radar.job.${name}`;
}

export class JobRunner {
  private readonly jobs = new Map<string, Job<never, unknown>>();
  private readonly running = new Map<string, { controller: AbortController; done: Promise<unknown>; run: JobRun }>();
  private readonly leaseMs: number;
  private readonly onError: (error: unknown) => void;
  private takeoverTimer: NodeJS.Timeout | undefined;
  private takingOver: Promise<void> | undefined;
  private readonly schedules = new Map<string, Schedule>();
  private readonly offReasons = new Map<string, string>();
  private readonly claim: JobClaim;
  private readonly now: () => number;
  private readonly node = `${hostname()}:${process.pid}`;
  private closed = false;

  constructor(private readonly options: JobRunnerOptions) {
    this.claim = options.claim ?? new LocalJobClaim();
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? DEFAULT_JOB_LEASE_MS;
    this.onError = options.onError ?? ((error) => process.stderr.write(`radar jobs: ${error instanceof Error ? error.message : String(error)}\n`));
    if (this.claim.shared) {
      const every = options.takeoverPollMs ?? Math.max(50, Math.floor(this.leaseMs / 2));
      this.takeoverTimer = setInterval(() => void this.takeOver(), every);
      this.takeoverTimer.unref();
    }
  }

  register<Input, Result>(job: Job<Input, Result>): void {
    if (this.jobs.has(job.name)) throw new ConflictError(`a job named "${job.name}" is registered already`);
    this.jobs.set(job.name, job as unknown as Job<never, unknown>);
  }

  /**
   * Takes over the runs of registered jobs whose nodes stopped renewing their
   * leases, one after another, and runs them here. Runs on a timer with a
   * shared claim; resolves when no such run is left (not when they finish).
   */
  takeOver(): Promise<void> {
    this.takingOver ??= (async () => {
      try {
        while (!this.closed) {
          const idle = [...this.jobs.keys()].filter((name) => !this.running.has(name));
          const taken = await this.claim.takeOver(idle, this.leaseMs);
          if (!taken) return;
          if (!this.jobs.has(taken.job) || this.closed) {
            await taken.lease.handBack();
            return;
          }
          try {
            await this.begin(taken.job, taken.input, taken.lease, true);
          } catch (error) {
            this.onError(error);
          }
        }
      } catch (error) {
        this.onError(error);
      } finally {
        this.takingOver = undefined;
      }
    })();
    return this.takingOver;
  }

  /** Marks a job off (not scheduled) with the reason admins see, e.g. "not configured: set ...". */
  setOff(name: string, reason: string): void {
    this.offReasons.set(name, reason);
  }

  private job(name: string): Job<never, unknown> {
    const job = this.jobs.get(name);
    if (!job) throw new NotFoundError(`no job named "${name}" (jobs: ${[...this.jobs.keys()].join(", ")})`);
    return job;
  }

  /**
   * Starts a run in the background and returns it at once; ConflictError
   * when the job is running already (here or on another node).
   */
  async start<Input>(name: string, input: Input): Promise<JobRun> {
    return (await this.launch(name, input)).run;
  }

  /** Starts a run and waits for its result (throws its error). */
  async runNow<Input, Result>(name: string, input: Input): Promise<Result> {
    return (await this.launch(name, input)).done as Promise<Result>;
  }

  private async launch<Input>(name: string, input: Input): Promise<{ run: JobRun; done: Promise<unknown> }> {
    if (this.closed) throw new UnavailableError("the server is shutting down");
    this.job(name);
    const lease = await this.claim.claim(name, (input ?? null) as unknown as JsonValue, this.leaseMs);
    if (!lease) throw new ConflictError(`the ${name} job is running already; wait for it to finish (see GET /api/admin/jobs)`);
    return this.begin(name, input, lease);
  }

  /** Runs `name` under `lease` (claimed here, or taken over from a node that stopped). */
  private async begin<Input>(name: string, input: Input, lease: JobLease, takenOver = false): Promise<{ run: JobRun; done: Promise<unknown> }> {
    const job = this.job(name);
    const controller = new AbortController();
    const run: JobRun = { startedAt: new Date(this.now()).toISOString(), node: this.node, progress: { done: 0 } };
    if (takenOver) run.takenOver = true;
    let lastSave = 0;
    /** Set when another node took the run over: it writes the status now. */
    let lost = false;
    const save = async (): Promise<void> => {
      if (lost) return;
      const stored = await this.stored(name);
      await this.options.store.setMeta(metaKey(name), { ...stored, current: run } as unknown as JsonValue);
    };
    try {
      await save();
      // closed while the status was written: do not start (close() did not see this run)
      if (this.closed) throw new UnavailableError("the server is shutting down");
    } catch (error) {
      if (this.claim.shared) await lease.handBack().catch(() => undefined);
      else await lease.release();
      throw error;
    }
    const heartbeat = setInterval(() => {
      void lease.renew().then(
        (kept) => {
          if (!kept && !lost) {
            lost = true;
            controller.abort(new Error(`another node took the ${name} run over`));
          }
        },
        () => undefined, // the store is unreachable for now: the next beat tries again
      );
    }, Math.max(20, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    const done = (async () => {
      try {
        const result = await job.run(input as never, {
          signal: controller.signal,
          progress: (update: JobProgress) => {
            run.progress = { ...update };
            if (this.now() - lastSave >= PROGRESS_SAVE_MS) {
              lastSave = this.now();
              void save().catch(() => undefined);
            }
          },
        });
        run.outcome = "succeeded";
        run.summary = job.summarize?.(result as never);
        run.result = result;
        return result;
      } catch (error) {
        run.outcome = controller.signal.aborted ? "cancelled" : "failed";
        run.error = error instanceof Error ? error.message : String(error);
        if (error instanceof TroveError) run.errorCode = error.code;
        throw error;
      } finally {
        clearInterval(heartbeat);
        this.running.delete(name);
        // shutting down with a shared claim: another node continues the run; lost: it does already
        const continuedElsewhere = lost || (this.closed && this.claim.shared && run.outcome === "cancelled");
        if (continuedElsewhere) {
          if (!lost) await lease.handBack().catch((error: unknown) => this.onError(error));
        } else {
          run.finishedAt = new Date(this.now()).toISOString();
          delete run.progress;
          try {
            await this.options.store.setMeta(metaKey(name), { lastRun: run } as unknown as JsonValue);
          } catch {
            // the store is closing: the status is lost, the work is not
          }
          // the run ends for good before its input goes: a node dying in between leaves an orphaned upload, never a rerun without its input
          await lease.release().catch((error: unknown) => this.onError(error));
          await job.cleanup?.(input as never).catch((error: unknown) => this.onError(error));
        }
      }
    })();
    done.catch(() => undefined);
    this.running.set(name, { controller, done, run });
    return { run, done };
  }

  /**
   * Runs `name` every `everyMs` (measured from the end of a run). A run that
   * fails with UnavailableError turns the job off with the reason and is
   * retried sooner (one minute, doubling up to the interval).
   */
  schedule<Input>(name: string, options: ScheduleOptions<Input>): void {
    this.job(name);
    this.offReasons.delete(name);
    const schedule: Schedule = {
      everyMs: options.everyMs,
      nextAt: this.now() + (options.firstDelayMs ?? 60_000),
      timer: null,
      retryMs: FIRST_RETRY_MS,
      run: async () => {
        schedule.timer = null;
        if (this.closed) return;
        let pause = schedule.everyMs;
        const last = (await this.stored(name).catch(() => ({}) as Stored)).lastRun;
        if (last?.outcome === "succeeded" && last.finishedAt && last.node !== this.node) {
          // another node ran it this period: wait for the next one
          const due = Date.parse(last.finishedAt) + schedule.everyMs - this.now();
          if (due > 1000) {
            this.arm(schedule, due);
            return;
          }
        }
        try {
          await this.runNow(name, await options.input());
          schedule.offReason = undefined;
          schedule.retryMs = FIRST_RETRY_MS;
        } catch (error) {
          if (error instanceof UnavailableError && !this.closed) {
            pause = Math.min(schedule.retryMs, schedule.everyMs);
            schedule.retryMs = Math.min(schedule.retryMs * 2, schedule.everyMs);
            schedule.offReason = `cannot reach the network service it needs (${error.message}); trying again at ${new Date(this.now() + pause).toISOString()}`;
          } else if (error instanceof TroveError && error.code === "CONFLICT") {
            // run by hand or on another node just now: the next turn comes as usual
          }
        }
        this.arm(schedule, pause);
      },
    };
    this.schedules.set(name, schedule);
    this.arm(schedule, options.firstDelayMs ?? 60_000);
  }

  private arm(schedule: Schedule, delayMs: number): void {
    if (this.closed) return;
    schedule.nextAt = this.now() + delayMs;
    schedule.timer = setTimeout(() => void schedule.run(), delayMs);
    schedule.timer.unref();
  }

  private async stored(name: string): Promise<Stored> {
    return ((await this.options.store.getMeta(metaKey(name))) as Stored | undefined) ?? {};
  }

  async status(name: string): Promise<JobStatus> {
    this.job(name);
    const stored = await this.stored(name);
    const here = this.running.get(name);
    const schedule = this.schedules.get(name);
    const status: JobStatus = { name, state: "idle" };
    const unfinished = stored.current && !stored.current.finishedAt ? stored.current : undefined;
    // a run recorded as unfinished that no claim holds any more stopped for good: its process was killed
    // (one process on SQLite), or every node that took it over died (the queue gave up on it)
    const interrupted = !here && unfinished && !(await this.claim.isActive(name)) ? unfinished : undefined;
    const current = here?.run ?? (interrupted ? undefined : unfinished);
    if (current) {
      status.state = "running";
      status.current = current;
    }
    if (interrupted) {
      const { progress: _progress, ...run } = interrupted;
      status.lastRun = { ...run, outcome: "cancelled", error: "the server running it stopped during this run; start it again" };
    } else if (stored.lastRun) status.lastRun = stored.lastRun;
    if (schedule) {
      status.everyMs = schedule.everyMs;
      if (!this.closed) status.nextRun = new Date(schedule.nextAt).toISOString();
      if (schedule.offReason && !current) {
        status.state = "off";
        status.reason = schedule.offReason;
      }
    } else {
      const off = this.offReasons.get(name);
      if (off && !current) {
        status.state = "off";
        status.reason = off;
      }
    }
    return status;
  }

  async statuses(): Promise<JobStatus[]> {
    return Promise.all([...this.jobs.keys()].map((name) => this.status(name)));
  }

  /** Stops the schedules, aborts running jobs and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.takeoverTimer);
    await this.takingOver;
    for (const schedule of this.schedules.values()) if (schedule.timer) clearTimeout(schedule.timer);
    const runs = [...this.running.values()];
    for (const r of runs) r.controller.abort();
    await Promise.all(runs.map((r) => r.done.catch(() => undefined)));
  }
}
