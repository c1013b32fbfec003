/**
 * The job queue of a single node (the SQLite default): jobs live in this
 * process's memory, so there is nobody to share them with and nothing to
 * take over after a crash; scheduled jobs are simply asked for again at the
 * next start. Same contract and lease rules as the PostgreSQL queue, so code
 * written against one runs on the other.
 */
import { checkJobSpec, type JobQueue, type JobRecord, type JobSpec, type JobState, type Lease } from "./job-queue.js";
import type { JsonValue } from "../store/store.js";

interface Entry extends JobRecord {
  leaseEnds: number;
  due: number;
}

export class InProcessJobQueue implements JobQueue {
  private readonly jobs = new Map<string, Entry>();
  private readonly byKey = new Map<string, string>();
  private nextId = 1;

  constructor(private readonly now: () => number = Date.now) {}

  async enqueue(spec: JobSpec): Promise<{ job: JobRecord; created: boolean }> {
    const checked = checkJobSpec(spec);
    if (checked.key !== null) {
      const existing = this.byKey.get(checked.key);
      if (existing !== undefined) return { job: view(this.jobs.get(existing)!), created: false };
    }
    const id = String(this.nextId++);
    const due = checked.runAt.getTime();
    const entry: Entry = {
      id,
      kind: checked.kind,
      key: checked.key,
      payload: clone(checked.payload),
      state: "queued",
      attempts: 0,
      maxAttempts: checked.maxAttempts,
      holder: null,
      leaseUntil: null,
      progress: null,
      result: null,
      error: null,
      createdAt: iso(this.now()),
      runAt: iso(due),
      startedAt: null,
      finishedAt: null,
      leaseEnds: 0,
      due,
    };
    this.jobs.set(id, entry);
    if (checked.key !== null) this.byKey.set(checked.key, id);
    return { job: view(entry), created: true };
  }

  async claim(kinds: readonly string[], holder: string, leaseMs: number): Promise<Lease | undefined> {
    const now = this.now();
    const ready = [...this.jobs.values()]
      .filter((j) => kinds.includes(j.kind) && ((j.state === "queued" && j.due <= now) || (j.state === "running" && j.leaseEnds < now)))
      .sort((a, b) => a.due - b.due || Number(a.id) - Number(b.id));
    for (const job of ready) {
      if (job.attempts >= job.maxAttempts) {
        // its last worker died holding it
        Object.assign(job, { state: "failed", finishedAt: iso(now), error: job.error ?? `abandoned: the worker holding attempt ${job.attempts} stopped renewing its lease` });
        continue;
      }
      Object.assign(job, { state: "running", holder, attempts: job.attempts + 1, leaseEnds: now + leaseMs, leaseUntil: iso(now + leaseMs), startedAt: iso(now) });
      return this.lease(job, holder, job.attempts, leaseMs);
    }
    return undefined;
  }

  async claimExclusive(spec: JobSpec, holder: string, leaseMs: number): Promise<Lease | undefined> {
    const checked = checkJobSpec(spec);
    const now = this.now();
    for (const job of this.jobs.values()) {
      if (job.kind !== checked.kind) continue;
      if (job.state === "running" && job.leaseEnds < now && job.attempts >= job.maxAttempts) {
        Object.assign(job, { state: "failed", finishedAt: iso(now), error: job.error ?? `abandoned: the worker holding attempt ${job.attempts} stopped renewing its lease` });
      }
      if (job.state === "queued" || job.state === "running") return undefined;
    }
    const { job: added, created } = await this.enqueue({ ...spec, runAt: new Date(now) });
    if (!created) return undefined;
    const entry = this.jobs.get(added.id)!;
    Object.assign(entry, { state: "running", holder, attempts: 1, leaseEnds: now + leaseMs, leaseUntil: iso(now + leaseMs), startedAt: iso(now) });
    return this.lease(entry, holder, 1, leaseMs);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const job = this.jobs.get(id);
    return job ? view(job) : undefined;
  }

  async list(filter: { kind?: string; state?: JobState; limit?: number } = {}): Promise<JobRecord[]> {
    return [...this.jobs.values()]
      .filter((j) => (filter.kind === undefined || j.kind === filter.kind) && (filter.state === undefined || j.state === filter.state))
      .sort((a, b) => Number(b.id) - Number(a.id))
      .slice(0, filter.limit ?? 100)
      .map(view);
  }

  async prune(before: Date): Promise<number> {
    let removed = 0;
    for (const [id, job] of this.jobs) {
      if ((job.state === "done" || job.state === "failed") && job.finishedAt !== null && Date.parse(job.finishedAt) < before.getTime()) {
        this.jobs.delete(id);
        if (job.key !== null) this.byKey.delete(job.key);
        removed++;
      }
    }
    return removed;
  }

  private lease(job: Entry, holder: string, attempt: number, leaseMs: number): Lease {
    const mine = () => job.state === "running" && job.holder === holder && job.attempts === attempt && this.jobs.get(job.id) === job;
    const finish = (fields: Partial<Entry>) => {
      if (!mine()) return false;
      Object.assign(job, fields);
      return true;
    };
    return {
      job: view(job),
      heartbeat: async (progress?: JsonValue) => {
        const now = this.now();
        return finish({ leaseEnds: now + leaseMs, leaseUntil: iso(now + leaseMs), ...(progress !== undefined ? { progress: clone(progress) } : {}) });
      },
      complete: async (result?: JsonValue) => finish({ state: "done", result: clone(result ?? null), finishedAt: iso(this.now()), leaseUntil: null }),
      fail: async (error: string, retryInMs = 0) => {
        const now = this.now();
        const final = job.attempts >= job.maxAttempts;
        return finish(
          final
            ? { state: "failed", error, finishedAt: iso(now), leaseUntil: null }
            : { state: "queued", error, due: now + retryInMs, runAt: iso(now + retryInMs), leaseUntil: null, holder: null },
        );
      },
      release: async () => finish({ state: "queued", attempts: job.attempts - 1, leaseUntil: null, holder: null }),
    };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function clone<T extends JsonValue>(value: T): T {
  return value === null || typeof value !== "object" ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function view(entry: Entry): JobRecord {
  const { leaseEnds: _l, due: _d, ...record } = entry;
  return { ...record, payload: clone(record.payload), progress: clone(record.progress), result: clone(record.result) };
}
