/**
 * Who may run a job now. One Paper Radar process runs each job at most once
 * at a time; with several processes over one shared store (two nodes on
 * PostgreSQL), the claim must be shared too, so that exactly one node runs a
 * scheduled fetch. That is the only thing to swap: give the JobRunner a
 * `JobClaim` backed by the shared store (a row lock or lease in PostgreSQL)
 * instead of `LocalJobClaim`.
 */

/** A claim held on a job; `release` when the run ends (idempotent). */
export interface JobLease {
  release(): Promise<void>;
}

export interface JobClaim {
  /**
   * Claims `job` for one run, or answers null when someone else holds it.
   * `ttlMs` bounds how long a claim of a node that died may block others.
   */
  claim(job: string, ttlMs: number): Promise<JobLease | null>;
}

/** Claims within this process only (the embedded store: one process writes). */
export class LocalJobClaim implements JobClaim {
  private readonly held = new Set<string>();

  async claim(job: string): Promise<JobLease | null> {
    if (this.held.has(job)) return null;
    this.held.add(job);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        this.held.delete(job);
      },
    };
  }
}
