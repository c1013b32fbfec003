/**
 * Store-specific errors. They extend the one hierarchy in src/core/errors.ts
 * (code "CONFLICT" is declared there); they live here until another module
 * needs them.
 */
import { TroveError } from "../core/errors.js";

/**
 * A write collided with existing state: an insert of an id that exists, a
 * collection name that is taken, or a store locked by another writer.
 * Names the record (number and id) when a record is at fault.
 */
export class ConflictError extends TroveError {
  readonly recordNumber: number | undefined;
  readonly recordId: string | undefined;

  constructor(message: string, where: { recordNumber?: number; recordId?: string } = {}, options?: { cause?: unknown }) {
    const place = [
      where.recordNumber !== undefined ? `record ${where.recordNumber}` : undefined,
      where.recordId !== undefined ? `id "${where.recordId}"` : undefined,
    ]
      .filter(Boolean)
      .join(", ");
    super("CONFLICT", place ? `${place}: ${message}` : message, options);
    this.name = "ConflictError";
    this.recordNumber = where.recordNumber;
    this.recordId = where.recordId;
  }
}
