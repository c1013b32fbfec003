/**
 * The backend-independent half of `putRecords`: reads the input (an iterable
 * or async iterable, never collected whole), validates each record against
 * the collection schema, checks that it is plain JSON so that what is read
 * back equals what was written, serializes it, and hands out batches. A
 * backend writes each batch inside its one transaction for the call.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { InterruptedError, InvalidArgumentError, InvalidRecordError } from "../core/errors.js";
import { validateRecord } from "../core/schema.js";
import { isPlainObject, kindOf, nonJsonProblem } from "./plain-json.js";
import type { NormalizedSchema, RejectedRecord } from "./store.js";

export interface PreparedRecord {
  recordNumber: number;
  id: string;
  /** The record serialized with JSON.stringify. */
  json: string;
}

export interface PreparedBatch {
  records: PreparedRecord[];
  /** Input records read so far, including rejected ones. */
  processed: number;
}

export interface BatchOptions {
  batchSize: number;
  skipInvalid: boolean;
  signal?: AbortSignal;
  /** Receives rejected records when skipInvalid is set. */
  rejected: RejectedRecord[];
  /** Used in messages ("putRecords into \"papers\""). */
  what: string;
}

const DEFAULT_BATCH_SIZE = 1000;
const MAX_BATCH_SIZE = 1_000_000;

/** Checks the batchSize option and fills in the default. */
export function resolveBatchSize(batchSize: unknown): number {
  if (batchSize === undefined) return DEFAULT_BATCH_SIZE;
  if (typeof batchSize !== "number" || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new InvalidArgumentError(`batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${JSON.stringify(batchSize)}`);
  }
  return batchSize;
}

/** Throws unless `records` is an iterable or async iterable of records (a string is refused). */
export function checkRecordSource(records: unknown): void {
  const ok =
    records !== null &&
    typeof records === "object" &&
    (typeof (records as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function" ||
      typeof (records as Partial<Iterable<unknown>>)[Symbol.iterator] === "function");
  if (!ok) throw new InvalidArgumentError("records must be an iterable or async iterable of records (for example an array)");
}

/** Validates and serializes one record (putRecordIf's input), as a batch does; InvalidRecordError names it. */
export function prepareRecord(schema: NormalizedSchema, record: unknown): PreparedRecord {
  const id = validateRecord(schema, record, 1);
  checkPlainJson(record as Record<string, unknown>, 1, id);
  return { recordNumber: 1, id, json: JSON.stringify(record) };
}

/**
 * Validates and serializes records, yielding batches of at most `batchSize`
 * input records. Throws InvalidRecordError for the first invalid record
 * unless `skipInvalid` is set; throws InterruptedError when the signal aborts.
 * Yields to the event loop between batches so a long import does not starve
 * other work in the process.
 */
export async function* prepareBatches(
  schema: NormalizedSchema,
  records: Iterable<unknown> | AsyncIterable<unknown>,
  options: BatchOptions,
): AsyncGenerator<PreparedBatch> {
  const { batchSize, skipInvalid, signal, rejected, what } = options;
  let batch: PreparedRecord[] = [];
  let processed = 0;

  const accept = (record: unknown): boolean => {
    processed++;
    try {
      const id = validateRecord(schema, record, processed);
      checkPlainJson(record as Record<string, unknown>, processed, id);
      batch.push({ recordNumber: processed, id, json: JSON.stringify(record) });
    } catch (error) {
      if (!skipInvalid || !(error instanceof InvalidRecordError)) throw error;
      rejected.push(rejectionOf(error, processed));
    }
    return processed % batchSize === 0;
  };
  const take = (): PreparedBatch => {
    const out = { records: batch, processed };
    batch = [];
    return out;
  };
  const checkSignal = () => {
    if (signal?.aborted) throw new InterruptedError(`${what} interrupted after ${processed} records; nothing was stored`);
  };

  checkSignal();
  if (typeof (records as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function") {
    for await (const record of records as AsyncIterable<unknown>) {
      if (accept(record)) {
        yield take();
        await yieldToEventLoop();
        checkSignal();
      }
    }
  } else {
    for (const record of records as Iterable<unknown>) {
      if (accept(record)) {
        yield take();
        await yieldToEventLoop();
        checkSignal();
      }
    }
  }
  if (processed % batchSize !== 0) yield take();
}

/** Turns an InvalidRecordError into a reject entry, with the reason free of the "record N, id ..." prefix. */
export function rejectionOf(error: InvalidRecordError | { message: string; recordId?: string; field?: string }, recordNumber: number): RejectedRecord {
  const where = { recordNumber, recordId: error.recordId, field: error.field };
  const prefix = new InvalidRecordError("", where).message;
  const reason = prefix && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  const entry: RejectedRecord = { recordNumber, reason };
  if (error.recordId !== undefined) entry.id = error.recordId;
  if (error.field !== undefined) entry.field = error.field;
  return entry;
}

/** Refuses records that JSON would change (see plain-json.ts); names the top-level field at fault. */
function checkPlainJson(record: Record<string, unknown>, recordNumber: number, id: string): void {
  if (!isPlainObject(record)) {
    throw new InvalidRecordError(`record must be a plain JSON object, got ${kindOf(record)}`, { recordNumber, recordId: id });
  }
  for (const key of Object.keys(record)) {
    const problem = nonJsonProblem(record[key], key, 1);
    if (problem) throw new InvalidRecordError(problem, { recordNumber, recordId: id, field: key });
  }
}

/** Why an insert-mode record was refused (the same words from every backend). */
export function insertConflictReason(collection: string): string {
  return `id already exists in collection "${collection}" (mode "insert"; use mode "upsert" to replace it)`;
}
