/**
 * Job claims shared by the nodes of a deployment, on the store's job queue
 * (src/jobs; on PostgreSQL the `trove_jobs` table, leases timed by the
 * database's clock). A run is one queue job of kind `radar.<job name>` whose
 * payload is the run's input: `claim` adds and claims it in one step unless a
 * run of that job is queued or running (`claimExclusive`), the runner renews
 * the lease while the run works, and a node that dies stops renewing, so once
 * the lease has run out `takeOver` on another node claims the same job
 * (attempt 2) with the same input. A run handed back at shutdown is queued
 * again and taken over at once. The queue job is completed when the run ends,
 * whatever its outcome: the run's outcome is the JobRunner's status, and a
 * failed run is not retried by the queue (an admin starts it again). After
 * three attempts whose nodes all died the queue gives up on the run.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { JobQueue, Lease } from "../../../src/jobs/job-queue.js";
import type { JsonValue } from "../../../src/store/store.js";
import type { JobClaim, JobLease, TakenOverRun } from "./job-claim.js";

const KIND_PREFIX = "radar.";
/** Attempts of one run (a node dying during it counts one) before the queue gives up on it. */
const MAX_ATTEMPTS = 3;

export class QueueJobClaim implements JobClaim {
  readonly shared = true;

  constructor(
    private readonly queue: JobQueue,
    /** This node, in the queue's records. */
    private readonly holder = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
  ) {}

  async claim(job: string, input: JsonValue, leaseMs: number): Promise<JobLease | null> {
    const lease = await this.queue.claimExclusive({ kind: KIND_PREFIX + job, payload: input, maxAttempts: MAX_ATTEMPTS }, this.holder, leaseMs);
    return lease ? wrap(lease) : null;
  }

  async isActive(job: string): Promise<boolean> {
    for (const state of ["running", "queued"] as const) {
      if ((await this.queue.list({ kind: KIND_PREFIX + job, state, limit: 1 })).length > 0) return true;
    }
    return false;
  }

  async takeOver(jobs: readonly string[], leaseMs: number): Promise<TakenOverRun | null> {
    if (jobs.length === 0) return null;
    const lease = await this.queue.claim(
      jobs.map((j) => KIND_PREFIX + j),
      this.holder,
      leaseMs,
    );
    if (!lease) return null;
    return { job: lease.job.kind.slice(KIND_PREFIX.length), input: lease.job.payload, lease: wrap(lease) };
  }
}

function wrap(lease: Lease): JobLease {
  let ended = false;
  const end = async (how: () => Promise<boolean>) => {
    if (ended) return;
    ended = true;
    await how();
  };
  return {
    renew: () => lease.heartbeat(),
    release: () => end(() => lease.complete()),
    handBack: () => end(() => lease.release()),
  };
}
