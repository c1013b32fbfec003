/**
 * The job queue that fits a store: the PostgreSQL store's `trove_jobs` table
 * when nodes share a database, else a queue in this process's memory.
 */
import { PostgresStore } from "../store/postgres-store.js";
import type { Store } from "../store/store.js";
import { InProcessJobQueue } from "./in-process-job-queue.js";
import type { JobQueue } from "./job-queue.js";
import { PostgresJobQueue } from "./postgres-job-queue.js";

export function openJobQueue(store: Store): JobQueue {
  return store instanceof PostgresStore ? new PostgresJobQueue(store) : new InProcessJobQueue();
}
