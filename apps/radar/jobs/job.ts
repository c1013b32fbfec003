/**
 * Background work the server does on its own (Paper Radar as the writer of
 * its papers): fetching from arXiv on a schedule, importing an uploaded
 * file, mailing digests. Each is a `Job`: a name and a `run` that reports
 * progress and stops when its signal aborts. The `JobRunner` (job-runner.ts)
 * runs them one at a time per name, under a `JobClaim` (job-claim.ts: on a
 * shared store exactly one node runs each, and another finishes a run whose
 * node died, so `input` must be JSON and name nothing local to a node), and
 * keeps what admins see: running or not, progress, last run, next run.
 */

/** What a running job is handed. */
export interface JobContext {
  /** Aborted when the server shuts down (or the run is cancelled): stop at the next safe point. */
  signal: AbortSignal;
  /** Reports progress (shown to admins; throttled by the runner). */
  progress(update: JobProgress): void;
}

export interface JobProgress {
  /** Units of work done (records read, papers fetched). */
  done: number;
  /** Units expected, when known. */
  total?: number;
  /** What is happening, for people ("cs.IR: results 101-200 of 640"). */
  message?: string;
}

/** A kind of background work. `Input` is what one run is asked to do; `Result` what it reports. */
export interface Job<Input = void, Result = unknown> {
  readonly name: string;
  /** Does the work; throws to fail the run (the error's message is kept for admins). */
  run(input: Input, context: JobContext): Promise<Result>;
  /** A one-line summary of a result for the status ("12 new papers"). */
  summarize?(result: Result): string;
  /**
   * Called once a run has ended for good, whatever its outcome (not when the
   * run is handed to another node): removes what the run's input refers to
   * (an import's upload).
   */
  cleanup?(input: Input): Promise<void>;
}

/** One run, as admins see it. */
export interface JobRun {
  startedAt: string;
  finishedAt?: string;
  /** Set while running. */
  progress?: JobProgress;
  outcome?: "succeeded" | "failed" | "cancelled";
  summary?: string;
  error?: string;
  /** The error's code (TroveError codes: INVALID_FILE, UNAVAILABLE, ...). */
  errorCode?: string;
  /** The job's result (JSON), when it succeeded. */
  result?: unknown;
  /** Which node ran it (host:pid). */
  node: string;
  /** True when this node took the run over from a node that stopped mid-run (died, or shut down). */
  takenOver?: boolean;
}

/** A job's state: what admins see at GET /api/admin/jobs. */
export interface JobStatus {
  name: string;
  /** running: a run is in progress (here or on another node); idle: waiting; off: not scheduled (see `reason`). */
  state: "running" | "idle" | "off";
  /** Why the job is off, or why the schedule is paused ("no network: ..."), for people. */
  reason?: string;
  /** The run in progress, else the last one. */
  current?: JobRun;
  lastRun?: JobRun;
  /** When the schedule runs it next (ISO time); absent when not scheduled. */
  nextRun?: string;
  /** Interval of the schedule in ms, when scheduled. */
  everyMs?: number;
}
