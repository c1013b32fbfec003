/**
 * The store: Trove's system of record (see store.ts for the contract and
 * docs/store.md for the user guide).
 */
export type {
  Change,
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
} from "./store.js";
export { validateCollectionName } from "./store.js";
export { ConflictError } from "./errors.js";
export { SqliteStore, STORE_FILE_NAME } from "./sqlite-store.js";
export { openStore } from "./open-store.js";
