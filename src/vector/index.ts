/**
 * Approximate nearest-neighbour search (docs/vector-search.md): an HNSW graph
 * (or, for small inputs, none) over float, int8 or binary vectors, built and
 * searched in a WebAssembly SIMD kernel, with filters applied during the graph
 * search and an exact scan when the filter leaves few candidates.
 */
export type {
  VectorMetric,
  VectorQuantization,
  AnnParams,
  ResolvedAnnParams,
  AnnIndexMeta,
  AnnSections,
  SectionArray,
  SectionSource,
  FloatVectorSource,
  AnnSearchOptions,
  AnnSearchResult,
  AnnBuildOptions,
  BuiltAnnIndex,
  Int8QuantizationMeta,
  BinaryQuantizationMeta,
} from "./types.js";
export { VECTOR_METRICS, VECTOR_QUANTIZATIONS } from "./types.js";
export { buildAnnIndex, buildAnnIndexSync } from "./ann-index-builder.js";
export { AnnIndexReader, DEFAULT_EF_SEARCH, DEFAULT_RESCORE } from "./ann-index-reader.js";
export { ExactSearcher, exactSearch } from "./exact-search.js";
export { normalizeInPlace } from "./metric.js";
export { resolveAnnParams, DEFAULT_M, DEFAULT_EF_CONSTRUCTION, DEFAULT_FLAT_THRESHOLD } from "./params.js";
export { SECTION, sectionsFromMap } from "./sections.js";
export { floatVectorsFromArray, floatVectorsFromFile, type FileFloatVectorSource } from "./float-vector-source.js";
