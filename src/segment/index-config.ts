/**
 * What a search index indexes: the id field, and per field how (text fields
 * are analyzed into postings; keyword, number and date fields become columnar
 * doc values for filters and facets; vector fields get a nearest-neighbour
 * graph per segment; sparse vector fields a learned-sparse index). Stored in
 * the index manifest.
 */
import type { CollectionSchema, FieldSpec, VectorMetric, VectorQuantization } from "../core/schema.js";
import { normalizeSchema } from "../core/schema.js";
import { InvalidArgumentError } from "../core/errors.js";
import { DEFAULT_BM25, validateBm25, type Bm25Params } from "../lexical/bm25.js";
import { resolveSparseIndexParams, type SparseIndexParams } from "../sparse/sparse-index-params.js";

export interface TextFieldConfig {
  type: "text";
  analyzer: string;
  boost: number;
  /** Store term positions (phrase queries, highlighting). Default true. */
  positions: boolean;
}
export interface KeywordFieldConfig {
  type: "keyword";
}
export interface NumericFieldConfig {
  type: "number" | "date";
}
export interface VectorFieldConfig {
  type: "vector";
  dimensions: number;
  metric: VectorMetric;
  /** HNSW graph neighbours per node. */
  m: number;
  efConstruction: number;
  quantization: VectorQuantization;
  /** The encoder spec that embeds text for this field (validated when opened). */
  encoder?: { type: string } & Record<string, unknown>;
  /** Text fields embedded for records written without a vector. */
  source?: string[];
}
/** Learned-sparse vectors (term -> weight), indexed by src/sparse. */
export interface SparseVectorFieldConfig {
  type: "sparse_vector";
  index: SparseIndexParams;
}
export type IndexedFieldConfig = TextFieldConfig | KeywordFieldConfig | NumericFieldConfig | VectorFieldConfig | SparseVectorFieldConfig;

export const DEFAULT_VECTOR_INDEX = { m: 16, efConstruction: 100, quantization: "none" as VectorQuantization };

export interface IndexConfig {
  idField: string;
  fields: Record<string, IndexedFieldConfig>;
  bm25: Bm25Params;
}

export interface IndexOptions extends CollectionSchema {
  bm25?: Partial<Bm25Params>;
  /** Default analyzer for text fields that name none; default "english". */
  defaultAnalyzer?: string;
  /** Store positions for text fields (default true). */
  positions?: boolean;
}

export function toIndexConfig(options: IndexOptions): IndexConfig {
  const schema = normalizeSchema(options);
  const fields: Record<string, IndexedFieldConfig> = {};
  for (const [name, spec] of Object.entries(schema.fields) as [string, FieldSpec][]) {
    if (spec.type === "text") {
      fields[name] = { type: "text", analyzer: spec.analyzer ?? options.defaultAnalyzer ?? "english", boost: spec.boost ?? 1, positions: options.positions ?? true };
    } else if (spec.type === "keyword") {
      fields[name] = { type: "keyword" };
    } else if (spec.type === "number" || spec.type === "date") {
      fields[name] = { type: spec.type };
    } else if (spec.type === "vector") {
      fields[name] = {
        type: "vector",
        dimensions: spec.dimensions,
        metric: spec.metric ?? "cosine",
        m: spec.index?.m ?? DEFAULT_VECTOR_INDEX.m,
        efConstruction: spec.index?.efConstruction ?? DEFAULT_VECTOR_INDEX.efConstruction,
        quantization: spec.index?.quantization ?? DEFAULT_VECTOR_INDEX.quantization,
        ...(spec.encoder ? { encoder: spec.encoder } : {}),
        ...(spec.source ? { source: spec.source } : {}),
      };
    } else if (spec.type === "sparse_vector") {
      fields[name] = { type: "sparse_vector", index: resolveSparseIndexParams(spec.index, `field "${name}": index`) };
    }
  }
  if (!Object.values(fields).some((f) => f.type === "text" || f.type === "vector" || f.type === "sparse_vector")) {
    throw new InvalidArgumentError("an index needs at least one text, vector or sparse_vector field");
  }
  const bm25 = validateBm25({ k1: options.bm25?.k1 ?? DEFAULT_BM25.k1, b: options.bm25?.b ?? DEFAULT_BM25.b });
  return { idField: schema.idField, fields, bm25 };
}

export function textFieldNames(config: IndexConfig): string[] {
  return Object.entries(config.fields)
    .filter(([, f]) => f.type === "text")
    .map(([name]) => name);
}

export function sparseVectorFieldNames(config: IndexConfig): string[] {
  return Object.entries(config.fields)
    .filter(([, f]) => f.type === "sparse_vector")
    .map(([name]) => name);
}

export function vectorFieldNames(config: IndexConfig): string[] {
  return Object.entries(config.fields)
    .filter(([, f]) => f.type === "vector")
    .map(([name]) => name);
}
