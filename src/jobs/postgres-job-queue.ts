/**
 * The job queue of a shared deployment: the `trove_jobs` table of the
 * PostgreSQL store (created by its migration 2). A worker claims the next
 * ready job with `FOR UPDATE SKIP LOCKED`, so two nodes polling at once never
 * take the same job and never wait for each other; leases are timed by the
 * database's clock (`now()`), so nodes whose clocks disagree still agree on
 * when a lease ran out. Every lease operation names the holder and the
 * attempt, so a worker that lost its lease (it stalled, another node took the
 * job over) cannot complete or fail the job under the new holder's feet.
 */
import type pg from "pg";
import type { PostgresStore } from "../store/postgres-store.js";
import type { JsonValue } from "../store/store.js";
import { checkJobSpec, type JobQueue, type JobRecord, type JobSpec, type JobState, type Lease } from "./job-queue.js";

interface JobRow {
  id: number;
  kind: string;
  key: string | null;
  payload: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  holder: string | null;
  lease_until: Date | null;
  progress: string | null;
  result: string | null;
  error: string | null;
  created_at: Date;
  run_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** Jobs whose last allowed attempt died with its worker fail instead of running again. */
const ABANDON = `UPDATE trove_jobs SET state = 'failed', finished_at = now(),
    error = coalesce(error, 'abandoned: the worker holding attempt ' || attempts || ' stopped renewing its lease')
  WHERE kind = ANY($1::text[]) AND state = 'running' AND lease_until < now() AND attempts >= max_attempts`;

const COLUMNS = "id, kind, key, payload, state, attempts, max_attempts, holder, lease_until, progress, result, error, created_at, run_at, started_at, finished_at";

export class PostgresJobQueue implements JobQueue {
  constructor(private readonly store: PostgresStore) {}

  private run<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    return this.store.withConnection((client) => client.query<R>(text, values));
  }

  async enqueue(spec: JobSpec): Promise<{ job: JobRecord; created: boolean }> {
    const s = checkJobSpec(spec);
    const inserted = await this.run<JobRow>(
      `INSERT INTO trove_jobs (kind, key, payload, state, run_at, max_attempts) VALUES ($1, $2, $3, 'queued', $4, $5)
       ON CONFLICT (key) DO NOTHING RETURNING ${COLUMNS}`,
      [s.kind, s.key, JSON.stringify(s.payload), s.runAt, s.maxAttempts],
    );
    if (inserted.rows.length > 0) return { job: toRecord(inserted.rows[0]), created: true };
    const existing = await this.run<JobRow>(`SELECT ${COLUMNS} FROM trove_jobs WHERE key = $1`, [s.key]);
    if (existing.rows.length > 0) return { job: toRecord(existing.rows[0]), created: false };
    // pruned between the two statements: try once more
    return this.enqueue(spec);
  }

  async claim(kinds: readonly string[], holder: string, leaseMs: number): Promise<Lease | undefined> {
    await this.run(ABANDON, [kinds]);
    const claimed = await this.run<JobRow>(
      `WITH next AS (
         SELECT id FROM trove_jobs
         WHERE kind = ANY($1::text[]) AND ((state = 'queued' AND run_at <= now()) OR (state = 'running' AND lease_until < now()))
         ORDER BY run_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE trove_jobs j SET state = 'running', holder = $2, attempts = j.attempts + 1,
         lease_until = now() + $3 * interval '1 millisecond', started_at = now()
       FROM next WHERE j.id = next.id
       RETURNING ${COLUMNS.split(", ")
         .map((c) => `j.${c}`)
         .join(", ")}`,
      [kinds, holder, leaseMs],
    );
    if (claimed.rows.length === 0) return undefined;
    return this.lease(toRecord(claimed.rows[0]), leaseMs);
  }

  async claimExclusive(spec: JobSpec, holder: string, leaseMs: number): Promise<Lease | undefined> {
    const s = checkJobSpec(spec);
    const claimed = await this.store.withConnection(async (client) => {
      await client.query("BEGIN");
      try {
        // one claimExclusive per kind at a time on every node: the NOT EXISTS below sees the other's committed job
        await client.query("SELECT pg_advisory_xact_lock(hashtext('trove_jobs:' || $1))", [s.kind]);
        await client.query(ABANDON, [[s.kind]]);
        const inserted = await client.query<JobRow>(
          `INSERT INTO trove_jobs (kind, key, payload, state, run_at, max_attempts, attempts, holder, lease_until, started_at)
           SELECT $1, $2, $3, 'running', now(), $4, 1, $5, now() + $6 * interval '1 millisecond', now()
           WHERE NOT EXISTS (SELECT 1 FROM trove_jobs WHERE kind = $1 AND state IN ('queued', 'running'))
           ON CONFLICT (key) DO NOTHING RETURNING ${COLUMNS}`,
          [s.kind, s.key, JSON.stringify(s.payload), s.maxAttempts, holder, leaseMs],
        );
        await client.query("COMMIT");
        return inserted.rows[0];
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
    return claimed ? this.lease(toRecord(claimed), leaseMs) : undefined;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const found = await this.run<JobRow>(`SELECT ${COLUMNS} FROM trove_jobs WHERE id = $1`, [id]);
    return found.rows.length > 0 ? toRecord(found.rows[0]) : undefined;
  }

  async list(filter: { kind?: string; state?: JobState; limit?: number } = {}): Promise<JobRecord[]> {
    const found = await this.run<JobRow>(
      `SELECT ${COLUMNS} FROM trove_jobs WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR state = $2) ORDER BY id DESC LIMIT $3`,
      [filter.kind ?? null, filter.state ?? null, filter.limit ?? 100],
    );
    return found.rows.map(toRecord);
  }

  async prune(before: Date): Promise<number> {
    const result = await this.run("DELETE FROM trove_jobs WHERE state IN ('done', 'failed') AND finished_at < $1", [before]);
    return result.rowCount ?? 0;
  }

  private lease(job: JobRecord, leaseMs: number): Lease {
    const guard = "id = $1 AND holder = $2 AND attempts = $3 AND state = 'running'";
    const base = [job.id, job.holder, job.attempts];
    const update = async (set: string, values: unknown[]): Promise<boolean> => {
      const result = await this.run(`UPDATE trove_jobs SET ${set} WHERE ${guard}`, [...base, ...values]);
      return (result.rowCount ?? 0) > 0;
    };
    return {
      job,
      heartbeat: (progress?: JsonValue) =>
        update("lease_until = now() + $4 * interval '1 millisecond', progress = coalesce($5, progress)", [leaseMs, progress === undefined ? null : JSON.stringify(progress)]),
      complete: (result?: JsonValue) => update("state = 'done', result = $4, finished_at = now(), lease_until = NULL", [JSON.stringify(result ?? null)]),
      fail: (error: string, retryInMs = 0) =>
        update(
          `error = $4, lease_until = NULL,
           state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
           finished_at = CASE WHEN attempts >= max_attempts THEN now() ELSE NULL END,
           holder = CASE WHEN attempts >= max_attempts THEN holder ELSE NULL END,
           run_at = CASE WHEN attempts >= max_attempts THEN run_at ELSE now() + $5 * interval '1 millisecond' END`,
          [error, retryInMs],
        ),
      release: () => update("state = 'queued', attempts = attempts - 1, holder = NULL, lease_until = NULL", []),
    };
  }
}

function parse(text: string | null): JsonValue {
  return text === null ? null : (JSON.parse(text) as JsonValue);
}

function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: String(row.id),
    kind: row.kind,
    key: row.key,
    payload: parse(row.payload),
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    holder: row.holder,
    leaseUntil: isoOrNull(row.lease_until),
    progress: parse(row.progress),
    result: parse(row.result),
    error: row.error,
    createdAt: row.created_at.toISOString(),
    runAt: row.run_at.toISOString(),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
  };
}
