/**
 * The SQLite store's file format: identification, the table layout, and the
 * migrations that move an older file to the current layout.
 *
 * A Trove store file is marked with SQLite's application_id header field
 * (ASCII "TROV"), so a file written by another program is refused before
 * anything is written to it. `store_schema_version` lists every migration
 * applied; a file whose highest version is newer than this code knows is
 * refused rather than misread.
 *
 * Layout (version 1):
 * - `store_state`: one row holding the store-wide sequence counter. Kept in a
 *   row rather than derived from max(seq) so that numbers are never reused,
 *   even after the newest records are dropped with their collection.
 * - `collections`: name, schema (JSON), creation time and sequence number,
 *   and the live record count (kept in step inside each write transaction so
 *   countRecords is O(1)).
 * - `records`: one row per (collection, id), live or deleted. `seq` is the
 *   rowid, so a row's position is its latest write and a scan in rowid order
 *   is write order. `body` is the record's JSON text, or NULL for a deletion
 *   (a tombstone kept for the change feed). Unique index on (cid, id); the
 *   index on (cid) also holds the rowid, so it serves "cid = ? AND seq > ?
 *   ORDER BY seq" without a second column.
 * - `meta`: key-value JSON for derived artifacts.
 *
 * Interactions (users, events) arrive in a later migration as new tables that
 * take their numbers from the same `store_state` counter.
 */
import type Database from "better-sqlite3";

/** "TROV" in ASCII, stored in the SQLite header's application_id field. */
export const TROVE_APPLICATION_ID = 0x54524f56;

export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "collections, records with change-feed sequence numbers, metadata",
    up(db) {
      db.exec(`
        CREATE TABLE store_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          last_seq INTEGER NOT NULL
        );
        INSERT INTO store_state (id, last_seq) VALUES (1, 0);

        CREATE TABLE collections (
          cid INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL UNIQUE,
          schema TEXT NOT NULL,
          created_at TEXT NOT NULL,
          created_seq INTEGER NOT NULL,
          record_count INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE records (
          seq INTEGER PRIMARY KEY,
          cid INTEGER NOT NULL,
          id TEXT NOT NULL,
          body TEXT
        );
        CREATE UNIQUE INDEX records_by_id ON records (cid, id);
        CREATE INDEX records_by_seq ON records (cid);

        CREATE TABLE meta (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) WITHOUT ROWID;
      `);
    },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
