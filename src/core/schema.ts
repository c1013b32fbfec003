/**
 * Collection schemas: which fields an item has and what each field holds.
 * The store validates records against a schema; the lexical index reads the
 * schema to decide which fields to analyze (text), which to keep as exact
 * values for filters and facets (keyword, number, date).
 */
import { InvalidRecordError, InvalidSchemaError } from "./errors.js";

export type FieldType = "text" | "keyword" | "number" | "date" | "vector" | "sparse_vector";

export interface TextFieldSpec {
  type: "text";
  /** Analyzer name (see src/text/registry.ts); default "english". */
  analyzer?: string;
  /** Index boost used when a query does not give one; default 1. */
  boost?: number;
  /** Required fields reject records that lack them. */
  required?: boolean;
}

export interface KeywordFieldSpec {
  type: "keyword";
  /** A keyword field may hold one string or a list of strings (e.g. categories). */
  multi?: boolean;
  required?: boolean;
}

export interface NumberFieldSpec {
  type: "number";
  required?: boolean;
}

export interface DateFieldSpec {
  type: "date";
  required?: boolean;
}

export type VectorMetric = "cosine" | "dot" | "l2";
export type VectorQuantization = "none" | "int8" | "binary";

/** A dense vector per record (embeddings), indexed for nearest-neighbour search. */
export interface VectorFieldSpec {
  type: "vector";
  /** Numbers per vector (1 to 4096). */
  dimensions: number;
  /** Similarity: "cosine" (default; vectors are normalized when indexed), "dot" or "l2". */
  metric?: VectorMetric;
  /** Approximate-nearest-neighbour index settings (HNSW graph per segment). */
  index?: {
    /** Graph neighbours per node (default 16). */
    m?: number;
    /** Candidate list size while building (default 100). */
    efConstruction?: number;
    /** Vectors kept in memory as int8 or bits, with float rescoring from disk (default "none": floats in memory). */
    quantization?: VectorQuantization;
  };
  /**
   * The encoder that embeds text for this field (an encoder spec, docs/encoders.md): query text at
   * search time, and the `source` fields of records written without a vector.
   */
  encoder?: { type: string } & Record<string, unknown>;
  /** Text fields whose text (joined by a blank line) is embedded when a record has no vector. Needs `encoder`. */
  source?: string[];
  required?: boolean;
}

/**
 * A learned-sparse vector per record (SPLADE-style: term -> non-negative weight, e.g.
 * {"retrieval": 1.7, "sparse": 0.9}), indexed for approximate top-k by inner product (docs/learned-sparse.md).
 */
export interface SparseVectorFieldSpec {
  type: "sparse_vector";
  /** Index settings (postingsPerTerm, centroidFraction, minClusterSize, summaryEnergy, summaryMaxTerms, clusteringDocCut, seed). */
  index?: Record<string, number>;
  required?: boolean;
}

export type FieldSpec = TextFieldSpec | KeywordFieldSpec | NumberFieldSpec | DateFieldSpec | VectorFieldSpec | SparseVectorFieldSpec;

export interface CollectionSchema {
  /** Field holding each record's unique id; default "id". */
  idField?: string;
  fields: Record<string, FieldSpec>;
}

/** A record as stored: plain JSON. */
export type RecordValue = string | number | boolean | null | RecordValue[] | { [key: string]: RecordValue };
export type StoredRecord = Record<string, RecordValue>;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const FIELD_TYPES: ReadonlySet<string> = new Set(["text", "keyword", "number", "date", "vector", "sparse_vector"]);

/** Checks a schema and fills in defaults; throws InvalidSchemaError naming the bad field. */
export function normalizeSchema(schema: unknown): Required<Pick<CollectionSchema, "idField">> & CollectionSchema {
  if (schema === null || typeof schema !== "object") throw new InvalidSchemaError("schema must be an object with a 'fields' object");
  const raw = schema as { idField?: unknown; fields?: unknown };
  const idField = raw.idField === undefined ? "id" : raw.idField;
  if (typeof idField !== "string" || !FIELD_NAME.test(idField)) throw new InvalidSchemaError(`idField must be a field name, got ${JSON.stringify(raw.idField)}`);
  if (raw.fields === null || typeof raw.fields !== "object" || Array.isArray(raw.fields)) {
    throw new InvalidSchemaError("schema.fields must be an object mapping field names to field specs");
  }
  const fields: Record<string, FieldSpec> = {};
  for (const [name, spec] of Object.entries(raw.fields as Record<string, unknown>)) {
    if (!FIELD_NAME.test(name)) throw new InvalidSchemaError(`field name "${name}" is not allowed (letters, digits, _ . -; at most 64 characters)`);
    if (name === idField) throw new InvalidSchemaError(`field "${name}" is the id field and cannot be declared again`);
    if (spec === null || typeof spec !== "object") throw new InvalidSchemaError(`field "${name}": spec must be an object with a 'type'`);
    const type = (spec as { type?: unknown }).type;
    if (typeof type !== "string" || !FIELD_TYPES.has(type)) {
      throw new InvalidSchemaError(`field "${name}": type must be one of text, keyword, number, date, vector, sparse_vector; got ${JSON.stringify(type)}`);
    }
    if (type === "text") {
      const boost = (spec as TextFieldSpec).boost;
      if (boost !== undefined && !(typeof boost === "number" && Number.isFinite(boost) && boost >= 0)) {
        throw new InvalidSchemaError(`field "${name}": boost must be a non-negative number`);
      }
    }
    if (type === "sparse_vector") checkSparseVectorSpec(name, spec as SparseVectorFieldSpec);
    fields[name] = spec as FieldSpec;
  }
  for (const [name, spec] of Object.entries(fields)) if (spec.type === "vector") checkVectorSpec(name, spec, fields);
  return { idField, fields };
}

const VECTOR_METRICS: ReadonlySet<string> = new Set(["cosine", "dot", "l2"]);
const VECTOR_QUANTIZATIONS: ReadonlySet<string> = new Set(["none", "int8", "binary"]);

function checkVectorSpec(name: string, spec: VectorFieldSpec, fields: Record<string, FieldSpec>): void {
  const dims = spec.dimensions;
  if (!Number.isInteger(dims) || dims <= 0 || dims > 4096) throw new InvalidSchemaError(`field "${name}": dimensions must be an integer from 1 to 4096`);
  if (spec.metric !== undefined && !VECTOR_METRICS.has(spec.metric)) {
    throw new InvalidSchemaError(`field "${name}": metric must be cosine, dot or l2; got ${JSON.stringify(spec.metric)}`);
  }
  if (spec.encoder !== undefined && (spec.encoder === null || typeof spec.encoder !== "object" || typeof spec.encoder.type !== "string")) {
    throw new InvalidSchemaError(`field "${name}": encoder must be an encoder spec object with a "type" (onnx, http or trove)`);
  }
  if (spec.source !== undefined) {
    if (!Array.isArray(spec.source) || spec.source.length === 0) throw new InvalidSchemaError(`field "${name}": source must be a list of text field names`);
    for (const f of spec.source) {
      if (fields[f]?.type !== "text") throw new InvalidSchemaError(`field "${name}": source field "${f}" is not a text field of the schema`);
    }
    if (spec.encoder === undefined) throw new InvalidSchemaError(`field "${name}": source needs an encoder to embed it`);
  }
  const index = spec.index;
  if (index === undefined) return;
  if (index === null || typeof index !== "object") throw new InvalidSchemaError(`field "${name}": index must be an object with m, efConstruction, quantization`);
  const intIn = (key: "m" | "efConstruction", lo: number, hi: number) => {
    const v = index[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= lo && v <= hi)) throw new InvalidSchemaError(`field "${name}": index.${key} must be an integer from ${lo} to ${hi}`);
  };
  intIn("m", 2, 128);
  intIn("efConstruction", 4, 4096);
  if (index.quantization !== undefined && !VECTOR_QUANTIZATIONS.has(index.quantization)) {
    throw new InvalidSchemaError(`field "${name}": index.quantization must be none, int8 or binary; got ${JSON.stringify(index.quantization)}`);
  }
}

const SPARSE_INDEX_KEYS: ReadonlySet<string> = new Set(["postingsPerTerm", "centroidFraction", "minClusterSize", "summaryEnergy", "summaryMaxTerms", "clusteringDocCut", "seed"]);

function checkSparseVectorSpec(name: string, spec: SparseVectorFieldSpec): void {
  const index = spec.index;
  if (index === undefined) return;
  if (index === null || typeof index !== "object" || Array.isArray(index)) throw new InvalidSchemaError(`field "${name}": index must be an object of sparse index settings`);
  for (const [key, value] of Object.entries(index)) {
    if (!SPARSE_INDEX_KEYS.has(key)) throw new InvalidSchemaError(`field "${name}": unknown index setting "${key}" (known: ${[...SPARSE_INDEX_KEYS].join(", ")})`);
    if (typeof value !== "number" || !Number.isFinite(value)) throw new InvalidSchemaError(`field "${name}": index.${key} must be a number`);
  }
}

/** Largest number of non-zero entries a sparse vector may have. */
export const MAX_SPARSE_ENTRIES = 100_000;

/** What is wrong with a sparse vector value (an object of term -> finite non-negative weight), or null. */
export function sparseVectorProblem(value: unknown): string | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return `expected an object of term -> weight, got ${describe(value)}`;
  let n = 0;
  for (const [term, weight] of Object.entries(value as Record<string, unknown>)) {
    if (term.length === 0 || term.length > 256) return "terms must be 1 to 256 characters";
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) return `the weight of term ${JSON.stringify(term)} must be a finite number >= 0, got ${describe(weight)}`;
    if (++n > MAX_SPARSE_ENTRIES) return `more than ${MAX_SPARSE_ENTRIES} terms`;
  }
  return null;
}

/** Parses a date field value (ISO 8601 string or epoch milliseconds) into epoch milliseconds, or NaN. */
export function parseDateValue(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value !== "string" || value.length === 0) return Number.NaN;
  if (!/^\d{4}-\d{2}(-\d{2})?([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return Number.NaN;
  return Date.parse(value.length === 7 ? `${value}-01` : value);
}

/**
 * Why a key (a record id or a metadata key) cannot be stored as text by every
 * backend, or undefined when it can: PostgreSQL text cannot hold the NUL
 * character, and a lone UTF-16 surrogate has no UTF-8 spelling (the drivers
 * would silently turn it into U+FFFD, so two different ids would collide).
 */
export function keyTextProblem(key: string): string | undefined {
  if (key.includes("\u0000")) return "must not contain the NUL character";
  if (LONE_SURROGATE.test(key)) return "must be well-formed Unicode (it holds a lone surrogate)";
  return undefined;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Validates one record against a normalized schema. Returns the record's id.
 * Unknown fields are kept (stored) but not indexed; declared fields must have the declared type.
 */
export function validateRecord(schema: CollectionSchema & { idField: string }, record: unknown, recordNumber?: number): string {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    throw new InvalidRecordError("record must be a JSON object", { recordNumber });
  }
  const rec = record as Record<string, unknown>;
  const rawId = rec[schema.idField];
  if (typeof rawId !== "string" && typeof rawId !== "number") {
    throw new InvalidRecordError(`missing id: expected a string or number in field "${schema.idField}"`, { recordNumber, field: schema.idField });
  }
  if (typeof rawId === "number" && !Number.isSafeInteger(rawId)) {
    // NaN, Infinity, 1.5 and 2^53+1 have no single spelling as an id; quote them if they are meant as text
    throw new InvalidRecordError(`a numeric id must be an integer within ±(2^53-1), got ${rawId}`, { recordNumber, field: schema.idField });
  }
  const id = String(rawId);
  if (id.length === 0 || id.length > 512) {
    throw new InvalidRecordError("id must be 1 to 512 characters", { recordNumber, field: schema.idField });
  }
  const idProblem = keyTextProblem(id);
  if (idProblem) throw new InvalidRecordError(`id ${idProblem}`, { recordNumber, field: schema.idField });
  for (const [name, spec] of Object.entries(schema.fields)) {
    const value = rec[name];
    const where = { recordNumber, recordId: id, field: name };
    if (value === undefined || value === null) {
      if (spec.required) throw new InvalidRecordError("required field is missing", where);
      continue;
    }
    switch (spec.type) {
      case "text":
        if (typeof value !== "string") throw new InvalidRecordError(`expected text (a string), got ${describe(value)}`, where);
        break;
      case "keyword":
        if (typeof value === "string") break;
        if (Array.isArray(value) && spec.multi && value.every((v) => typeof v === "string")) break;
        throw new InvalidRecordError(
          spec.multi ? `expected a string or a list of strings, got ${describe(value)}` : `expected a string, got ${describe(value)}`,
          where,
        );
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value)) throw new InvalidRecordError(`expected a finite number, got ${describe(value)}`, where);
        break;
      case "date":
        if (Number.isNaN(parseDateValue(value))) {
          throw new InvalidRecordError(`expected a date (ISO 8601 like 2024-05-01 or epoch milliseconds), got ${describe(value)}`, where);
        }
        break;
      case "sparse_vector": {
        const problem = sparseVectorProblem(value);
        if (problem) throw new InvalidRecordError(problem, where);
        break;
      }
      case "vector":
        if (!Array.isArray(value) || value.length !== spec.dimensions || !value.every((v) => typeof v === "number" && Number.isFinite(v))) {
          throw new InvalidRecordError(`expected a list of ${spec.dimensions} finite numbers, got ${Array.isArray(value) ? `a list of ${value.length}` : describe(value)}`, where);
        }
        if ((spec.metric ?? "cosine") === "cosine" && value.every((v) => v === 0)) {
          throw new InvalidRecordError("a cosine vector cannot be all zeros (it has no direction)", where);
        }
        break;
    }
  }
  return id;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
