/**
 * Who may run a job now, and who finishes a run whose node died. One Paper
 * Radar process runs each job at most once at a time; with several nodes on
 * one PostgreSQL store the claim is shared (`QueueJobClaim`,
 * queue-job-claim.ts: a lease in the store's job queue, renewed while the run
 * works), so that exactly one node runs each job, and a run whose node
 * stopped renewing is taken over by another node with the same input.
 * `LocalJobClaim` serves the embedded SQLite store (one process: nobody to
 * share with, nothing to take over).
 */
import type { JsonValue } from "../../../src/store/store.js";

/** A claim held on one run of a job. */
export interface JobLease {
  /** Extends the lease by its length; false when it was lost (another node took the run over): stop working. */
  renew(): Promise<boolean>;
  /** The run ended (succeeded, failed, or cancelled for good): nobody runs it again. Idempotent. */
  release(): Promise<void>;
  /** The run did not end (this node is shutting down): another node may take it over at once. */
  handBack(): Promise<void>;
}

/** A run claimed from a node that stopped: the job, the input it was started with, and the lease. */
export interface TakenOverRun {
  job: string;
  input: JsonValue;
  lease: JobLease;
}

export interface JobClaim {
  /** True when runs outlive this process (another node takes them over): shutdown hands runs back instead of cancelling them. */
  readonly shared: boolean;
  /**
   * Claims `job` for a run with `input` (kept where every node can read it),
   * or answers null when a run of it is in progress (here, on another node,
   * or waiting to be taken over). `leaseMs` bounds how long a run of a node
   * that died blocks others: the holder renews the lease while it works.
   */
  claim(job: string, input: JsonValue, leaseMs: number): Promise<JobLease | null>;
  /** Whether a run of `job` is in progress (here or on another node) or waits to be taken over. */
  isActive(job: string): Promise<boolean>;
  /** Claims a run of one of `jobs` whose node stopped renewing its lease (or handed it back), to finish it here; null when there is none. */
  takeOver(jobs: readonly string[], leaseMs: number): Promise<TakenOverRun | null>;
}

/** Claims within this process only (the embedded store: one process writes). */
export class LocalJobClaim implements JobClaim {
  readonly shared = false;
  private readonly held = new Set<string>();

  async claim(job: string): Promise<JobLease | null> {
    if (this.held.has(job)) return null;
    this.held.add(job);
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      this.held.delete(job);
    };
    return { renew: async () => !released, release, handBack: release };
  }

  async isActive(job: string): Promise<boolean> {
    return this.held.has(job);
  }

  async takeOver(): Promise<TakenOverRun | null> {
    return null;
  }
}
