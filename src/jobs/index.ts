/** Jobs that run once across nodes: the queue contract, its two implementations and the worker. */
export type { JobQueue, JobRecord, JobSpec, JobState, Lease } from "./job-queue.js";
export { InProcessJobQueue } from "./in-process-job-queue.js";
export { PostgresJobQueue } from "./postgres-job-queue.js";
export { JobRunner } from "./job-runner.js";
export type { JobContext, JobHandler, JobRunnerOptions } from "./job-runner.js";
export { openJobQueue } from "./open-job-queue.js";
