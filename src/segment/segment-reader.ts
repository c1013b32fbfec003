/**
 * Read-only view of one segment file: the id column and, per field, the reader
 * of its kind (text: src/lexical/text-field-reader.ts; keyword and numeric doc
 * values; vectors, whose data is read on demand). Everything else is a
 * typed-array view over the file's bytes.
 */
import { CorruptIndexError } from "../core/errors.js";
import { TextFieldReader } from "../lexical/text-field-reader.js";
import { IdColumn } from "./id-column.js";
import { KeywordFieldReader } from "./keyword-field.js";
import { VectorFieldReader } from "./vector-field.js";
import { SparseVectorFieldReader } from "./sparse-vector-field.js";
import { readSegmentFile } from "./segment-file.js";
import type { SegmentMeta } from "./segment-format.js";

export class SegmentReader {
  readonly docCount: number;
  readonly meta: SegmentMeta;
  readonly byteLength: number;
  readonly text = new Map<string, TextFieldReader>();
  readonly keywords = new Map<string, KeywordFieldReader>();
  readonly numerics = new Map<string, Float64Array>();
  readonly vectors = new Map<string, VectorFieldReader>();
  readonly sparseVectors = new Map<string, SparseVectorFieldReader>();
  private readonly ids: IdColumn;

  constructor(
    readonly name: string,
    path: string,
    /** 1 = live, 0 = deleted; null when the segment has no deletions. */
    public liveDocs: Uint8Array | null = null,
  ) {
    const file = readSegmentFile<SegmentMeta>(path);
    this.meta = file.meta;
    this.byteLength = file.byteLength;
    this.docCount = file.meta.docCount;
    this.ids = new IdColumn(file);
    if (this.ids.count !== this.docCount) throw new CorruptIndexError(`${path}: id column has the wrong length`);
    for (const [field, stats] of Object.entries(file.meta.fields)) {
      if (stats.type === "text") this.text.set(field, new TextFieldReader(file, field, stats));
      else if (stats.type === "keyword") this.keywords.set(field, new KeywordFieldReader(file, field, stats));
      else if (stats.type === "vector") this.vectors.set(field, new VectorFieldReader(file, field, stats, this.docCount));
      else if (stats.type === "sparse_vector") this.sparseVectors.set(field, new SparseVectorFieldReader(file, field, stats, this.docCount));
      else this.numerics.set(field, file.f64(`${field}.values`));
    }
  }

  idOf(doc: number): string {
    return this.ids.idOf(doc);
  }

  /** Segment-local doc number of a live document with this id, or -1. */
  findDoc(id: string): number {
    return this.ids.find(id, (doc) => this.isLive(doc));
  }

  isLive(doc: number): boolean {
    return this.liveDocs === null || this.liveDocs[doc] === 1;
  }

  liveCount(): number {
    if (!this.liveDocs) return this.docCount;
    let n = 0;
    for (let i = 0; i < this.docCount; i++) n += this.liveDocs[i];
    return n;
  }
}
