/**
 * Jobs that must run once across all nodes (a scheduled arXiv fetch, an
 * import, a model rebuild): the contract every queue implements.
 *
 * A job is enqueued (optionally under a `key`: a second enqueue with the same
 * key finds the first job instead of adding one, which is how every node can
 * ask for "the 06:00 fetch" and one fetch runs). A worker claims a job for a
 * lease (a few tens of seconds), renews the lease with heartbeats while it
 * works, and completes or fails it. A worker that dies stops renewing; when
 * its lease runs out another worker claims the job again (attempt + 1), so a
 * job's handler must be safe to rerun (Trove's imports are: they upsert).
 *
 * Implementations: `PostgresJobQueue` (a table claimed with FOR UPDATE SKIP
 * LOCKED, the database's clock for leases) for shared deployments, and
 * `InProcessJobQueue` for the single-node SQLite default. `openJobQueue`
 * picks the one that fits a store.
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { JsonValue } from "../store/store.js";

export type JobState = "queued" | "running" | "done" | "failed";

export interface JobSpec {
  /** What to run: the name a JobRunner has a handler for. */
  kind: string;
  /** The handler's input (JSON). */
  payload?: JsonValue;
  /** At most one job per key, ever (e.g. "arxiv-fetch@2026-11-22T06:00Z"). */
  key?: string;
  /** Not before this time (default now). */
  runAt?: Date;
  /** Claims before the job counts as failed (default 3). */
  maxAttempts?: number;
}

export interface JobRecord {
  id: string;
  kind: string;
  key: string | null;
  payload: JsonValue;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  /** The worker holding (or that last held) the job. */
  holder: string | null;
  /** ISO time the current lease ends. */
  leaseUntil: string | null;
  /** The handler's last progress report. */
  progress: JsonValue;
  result: JsonValue;
  error: string | null;
  createdAt: string;
  runAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A claimed job. Every method is a no-op returning false once the lease was lost to another worker. */
export interface Lease {
  readonly job: JobRecord;
  /** Extends the lease by its length (and records `progress`); false when another worker has taken the job over. */
  heartbeat(progress?: JsonValue): Promise<boolean>;
  /** Marks the job done. */
  complete(result?: JsonValue): Promise<boolean>;
  /** Records a failure: queued again after `retryInMs` while attempts remain, else failed for good. */
  fail(error: string, retryInMs?: number): Promise<boolean>;
  /** Gives the job back untouched (a worker shutting down): another worker may claim it at once. */
  release(): Promise<boolean>;
}

export interface JobQueue {
  /** Adds a job, or returns the job that already has `spec.key` (`created: false`). */
  enqueue(spec: JobSpec): Promise<{ job: JobRecord; created: boolean }>;
  /** Claims the next ready job of one of `kinds` (queued and due, or running with an expired lease), or undefined. */
  claim(kinds: readonly string[], holder: string, leaseMs: number): Promise<Lease | undefined>;
  /**
   * Adds a job and claims it for `holder` in one step, unless a job of the
   * same kind is queued or running (then nothing is added: undefined). For
   * work of which at most one run may exist at a time across all nodes (an
   * import: a node asking while another node's run is in progress, or waits
   * to be taken over, is told no).
   */
  claimExclusive(spec: JobSpec, holder: string, leaseMs: number): Promise<Lease | undefined>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Jobs, newest first. */
  list(filter?: { kind?: string; state?: JobState; limit?: number }): Promise<JobRecord[]>;
  /** Removes done and failed jobs that finished before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

/** Checks a spec and fills in defaults. */
export function checkJobSpec(spec: JobSpec): Required<Omit<JobSpec, "key">> & { key: string | null } {
  if (typeof spec.kind !== "string" || !/^[a-z0-9][a-z0-9._:-]{0,99}$/.test(spec.kind)) {
    throw new InvalidArgumentError(`job kind must be 1-100 lower-case letters, digits and . _ : -, got ${JSON.stringify(spec.kind)}`);
  }
  if (spec.key !== undefined && (typeof spec.key !== "string" || spec.key.length === 0 || spec.key.length > 300)) {
    throw new InvalidArgumentError(`job key must be a string of 1 to 300 characters, got ${JSON.stringify(spec.key)}`);
  }
  const maxAttempts = spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) throw new InvalidArgumentError(`maxAttempts must be an integer from 1 to 100, got ${maxAttempts}`);
  return { kind: spec.kind, payload: spec.payload ?? null, key: spec.key ?? null, runAt: spec.runAt ?? new Date(), maxAttempts };
}
