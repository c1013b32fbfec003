/**
 * The store: Trove's system of record (see store.ts for the contract and
 * docs/store.md for the user guide).
 */
export type {
  Change,
  ChangeNotice,
  CollectionInfo,
  JsonValue,
  NormalizedSchema,
  PutOptions,
  PutProgress,
  PutResult,
  RecordId,
  RejectedRecord,
  ScanOptions,
  ScannedRecord,
  Store,
  VersionedRecord,
} from "./store.js";
export { validateCollectionName } from "./store.js";
export { ConflictError } from "./errors.js";
export { SqliteStore, STORE_FILE_NAME } from "./sqlite-store.js";
export { PostgresStore } from "./postgres-store.js";
export type { PostgresStoreOptions } from "./postgres-store.js";
export { openStore, isPostgresUrl, resolveStoreLocation, STORE_URL_ENV } from "./open-store.js";
