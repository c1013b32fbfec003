/**
 * One error hierarchy for the whole engine. Every error carries a stable `code`
 * so that the CLI can choose an exit status and the HTTP API a 4xx/5xx status,
 * and a message that names the input (file, line, field) and what was expected.
 */
export type TroveErrorCode =
  | "INVALID_ARGUMENT"
  | "INVALID_SCHEMA"
  | "INVALID_RECORD"
  | "INVALID_QUERY"
  | "INVALID_FILE"
  | "NOT_FOUND"
  | "CONFLICT"
  | "CORRUPT_INDEX"
  | "INTERRUPTED"
  | "UNAVAILABLE";

export class TroveError extends Error {
  readonly code: TroveErrorCode;

  constructor(code: TroveErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TroveError";
    this.code = code;
  }
}

/** A caller passed a bad option or parameter (k1 < 0, unknown field, ...). */
export class InvalidArgumentError extends TroveError {
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
    this.name = "InvalidArgumentError";
  }
}

/** A collection schema is malformed. */
export class InvalidSchemaError extends TroveError {
  constructor(message: string) {
    super("INVALID_SCHEMA", message);
    this.name = "InvalidSchemaError";
  }
}

/** A record failed validation against its schema; names the record and the field. */
export class InvalidRecordError extends TroveError {
  readonly recordNumber: number | undefined;
  readonly recordId: string | undefined;
  readonly field: string | undefined;

  constructor(message: string, where: { recordNumber?: number; recordId?: string; field?: string } = {}) {
    const place = [
      where.recordNumber !== undefined ? `record ${where.recordNumber}` : undefined,
      where.recordId !== undefined ? `id "${where.recordId}"` : undefined,
      where.field !== undefined ? `field "${where.field}"` : undefined,
    ]
      .filter(Boolean)
      .join(", ");
    super("INVALID_RECORD", place ? `${place}: ${message}` : message);
    this.name = "InvalidRecordError";
    this.recordNumber = where.recordNumber;
    this.recordId = where.recordId;
    this.field = where.field;
  }
}

/** A query string could not be parsed; names the position. */
export class InvalidQueryError extends TroveError {
  readonly position: number | undefined;

  constructor(message: string, position?: number) {
    super("INVALID_QUERY", position !== undefined ? `${message} (at character ${position + 1})` : message);
    this.name = "InvalidQueryError";
    this.position = position;
  }
}

/** An input file is malformed; names the file and line. */
export class InvalidFileError extends TroveError {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, message: string, line?: number) {
    super("INVALID_FILE", line !== undefined ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = "InvalidFileError";
    this.file = file;
    this.line = line;
  }
}

export class NotFoundError extends TroveError {
  constructor(message: string) {
    super("NOT_FOUND", message);
    this.name = "NotFoundError";
  }
}

/** On-disk index state is unreadable or inconsistent. */
export class CorruptIndexError extends TroveError {
  constructor(message: string) {
    super("CORRUPT_INDEX", message);
    this.name = "CorruptIndexError";
  }
}

/** A long job was stopped by the user (SIGINT) at a safe point. */
export class InterruptedError extends TroveError {
  constructor(message = "interrupted") {
    super("INTERRUPTED", message);
    this.name = "InterruptedError";
  }
}

/** Something the operation needs (a remote API, a mail server, an LLM endpoint) cannot be reached or is not configured. */
export class UnavailableError extends TroveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNAVAILABLE", message, options);
    this.name = "UnavailableError";
  }
}
