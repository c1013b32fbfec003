/**
 * What a segment holds, as recorded in its file header: the document count and,
 * per field, the statistics its kind needs (text: BM25 collection statistics;
 * keyword: dictionary size; vector: dimensions and the ANN structure's
 * parameters; sparse vector: sizes and the quantization scale). Each field kind stores its data in named sections
 * (`<field>.<part>`) of the segment file (segment-file.ts); the section layouts
 * are described beside the code that writes them: text fields in
 * src/lexical/text-field-writer.ts, doc values in keyword-field.ts and
 * numeric-field.ts, vectors in vector-field.ts, sparse vectors in
 * sparse-vector-field.ts, the id column in id-column.ts.
 */

export interface TextFieldStats {
  type: "text";
  docCount: number;
  sumTotalTermFreq: number;
  sumDocFreq: number;
  termCount: number;
  positions: boolean;
}

export interface KeywordFieldStats {
  type: "keyword";
  valueCount: number;
}

export interface NumericFieldStats {
  type: "number" | "date";
}

export interface VectorFieldStats {
  type: "vector";
  dimensions: number;
  metric: "cosine" | "dot" | "l2";
  /** Documents of the segment that have a vector (their ordinals are 0..count-1, in doc order). */
  count: number;
  /** What the nearest-neighbour structure needs to reopen itself (src/vector); absent for an empty field. */
  ann?: Record<string, unknown>;
}

export interface SparseVectorFieldStats {
  type: "sparse_vector";
  /** Documents of the segment that have a vector (their ordinals are 0..count-1, in doc order). */
  count: number;
  /** Non-zero entries over all documents. */
  entries: number;
  /** Distinct terms in the segment's dictionary. */
  termCount: number;
  /** weight = impact x scale in the quantized index (src/sparse). */
  scale: number;
}

export type SegmentFieldStats = TextFieldStats | KeywordFieldStats | NumericFieldStats | VectorFieldStats | SparseVectorFieldStats;

export interface SegmentMeta {
  docCount: number;
  fields: Record<string, SegmentFieldStats>;
}

/** The typed arrays a segment file can hold, one per named section. */
export type SectionData = Uint8Array | Int8Array | Uint32Array | Int32Array | Float32Array | Float64Array;
export type Sections = Map<string, SectionData>;
