/**
 * The PostgreSQL store's tables and the versioned migrations that create
 * them. Every table name starts with `trove_`, so Trove can share a database
 * (or, with `?options=-c search_path=<schema>` in the URL, live in a schema
 * of its own). `trove_schema_version` lists every migration applied; a
 * database whose highest version is newer than this code knows is refused
 * rather than misread. `migrate` runs at every open inside one transaction
 * holding an advisory lock, so nodes starting together apply each migration
 * once.
 *
 * Layout (version 1; the same model as the SQLite file, sqlite-migrations.ts):
 * - `trove_state`: one row holding the store-wide sequence counter. Every
 *   write that takes numbers locks this row for its last moments (the merge
 *   of its staged records and the commit), so numbers are handed out in
 *   commit order: a reader that has seen number N has seen every write up to
 *   N, which a PostgreSQL SEQUENCE (numbers taken at insert, commits in any
 *   order) would not guarantee.
 * - `trove_collections`: name, schema (JSON text), creation time and number,
 *   and the live record count kept in step by each write.
 * - `trove_records`: one row per (collection, id), live or deleted; `seq` is
 *   the number of its latest write (unique per collection, indexed for the
 *   change feed), `body` the record's JSON text or NULL for a tombstone. Text,
 *   not jsonb: jsonb reorders keys and drops duplicates, and the store returns
 *   exactly what it was given.
 * - `trove_meta`: key-value JSON for derived artifacts.
 *
 * Version 2 adds `trove_jobs`, the queue that src/jobs claims work from
 * (FOR UPDATE SKIP LOCKED) so that one node runs each job.
 */
import type { PoolClient } from "pg";

export interface PostgresMigration {
  version: number;
  description: string;
  sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: "collections, records with change-feed sequence numbers, metadata",
    sql: `
      CREATE TABLE trove_state (
        id integer PRIMARY KEY CHECK (id = 1),
        last_seq bigint NOT NULL
      );
      INSERT INTO trove_state (id, last_seq) VALUES (1, 0);

      CREATE TABLE trove_collections (
        cid bigserial PRIMARY KEY,
        name text NOT NULL UNIQUE,
        schema text NOT NULL,
        created_at text NOT NULL,
        created_seq bigint NOT NULL,
        record_count bigint NOT NULL DEFAULT 0
      );

      CREATE TABLE trove_records (
        cid bigint NOT NULL,
        id text NOT NULL,
        seq bigint NOT NULL,
        body text,
        PRIMARY KEY (cid, id)
      );
      CREATE UNIQUE INDEX trove_records_by_seq ON trove_records (cid, seq);

      CREATE TABLE trove_meta (
        key text PRIMARY KEY,
        value text NOT NULL,
        updated_at text NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: "jobs claimed by one node at a time",
    sql: `
      CREATE TABLE trove_jobs (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        key text UNIQUE,
        payload text NOT NULL,
        state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
        run_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        holder text,
        lease_until timestamptz,
        progress text,
        result text,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      );
      CREATE INDEX trove_jobs_ready ON trove_jobs (kind, run_at) WHERE state IN ('queued', 'running');
    `,
  },
];

export const POSTGRES_LATEST_VERSION = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1].version;

/** Any constant works: it only has to be the same for every Trove node on the database. */
const MIGRATION_LOCK = 0x54524f56;

export type MigrationOutcome = { from: number; to: number };

/**
 * Brings the database to the latest layout. Throws `tooNew(version)` when the
 * database was written by a newer Trove.
 */
export async function migrate(client: PoolClient, tooNew: (version: number) => Error): Promise<MigrationOutcome> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    const exists = await client.query<{ t: string | null }>("SELECT to_regclass('trove_schema_version')::text AS t");
    if (exists.rows[0].t === null) {
      await client.query("CREATE TABLE trove_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at text NOT NULL)");
    }
    const current = await client.query<{ v: number | null }>("SELECT max(version) AS v FROM trove_schema_version");
    const from = current.rows[0].v ?? 0;
    if (from > POSTGRES_LATEST_VERSION) throw tooNew(from);
    for (const migration of POSTGRES_MIGRATIONS) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
      await client.query("INSERT INTO trove_schema_version (version, description, applied_at) VALUES ($1, $2, $3)", [
        migration.version,
        migration.description,
        new Date().toISOString(),
      ]);
    }
    await client.query("COMMIT");
    return { from, to: Math.max(from, POSTGRES_LATEST_VERSION) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
