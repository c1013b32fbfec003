/**
 * Vector fields in segments: per segment and field, the float vectors of the
 * documents that have one (`<field>.vectors`, float32 rows, a lazy section:
 * read on demand), their documents (`<field>.ordToDoc`, ascending, so ordinal
 * order is document order), and the nearest-neighbour index built over them
 * by src/vector (`<field>.hnsw.*`, `<field>.int8.*`, `<field>.binary.*`; its
 * JSON meta sits in the field's stats). Flushes build the index; merges
 * concatenate the live vectors and build the merged index seeded with the
 * largest input's graph, as Lucene does. Raw vectors are stored as given;
 * cosine normalization happens inside the index.
 */
import { CorruptIndexError } from "../core/errors.js";
import type { VectorFieldConfig } from "./index-config.js";
import type { SegmentFile } from "./segment-file.js";
import type { Sections, VectorFieldStats } from "./segment-format.js";
import { buildAnnIndexSync } from "../vector/ann-index-builder.js";
import { AnnIndexReader } from "../vector/ann-index-reader.js";
import type { AnnIndexMeta, FloatVectorSource, SectionSource } from "../vector/types.js";

export class VectorFieldWriter {
  private vectors = new Float32Array(1024);
  private ords: number[] = [];

  constructor(private readonly config: VectorFieldConfig) {}

  /** Adds document `doc`'s vector (validated by the store: `dimensions` finite numbers), or nothing. */
  add(doc: number, value: unknown): void {
    if (!Array.isArray(value) && !(value instanceof Float32Array)) return;
    const dim = this.config.dimensions;
    if (value.length !== dim) return;
    const at = this.ords.length * dim;
    if (at + dim > this.vectors.length) {
      const grown = new Float32Array(Math.max(this.vectors.length * 2, at + dim));
      grown.set(this.vectors);
      this.vectors = grown;
    }
    for (let i = 0; i < dim; i++) this.vectors[at + i] = value[i] as number;
    this.ords.push(doc);
  }

  bytesUsed(): number {
    return this.ords.length * (this.config.dimensions * 4 + 8);
  }

  finish(name: string, sections: Sections, lazy: Set<string>): VectorFieldStats {
    const count = this.ords.length;
    return putVectorSections(name, this.config, this.vectors.subarray(0, count * this.config.dimensions), Int32Array.from(this.ords), sections, lazy, null);
  }
}

function putVectorSections(
  name: string,
  config: VectorFieldConfig,
  vectors: Float32Array,
  ordToDoc: Int32Array,
  sections: Sections,
  lazy: Set<string>,
  seed: { reader: AnnIndexReader; ordMap: Int32Array } | null,
): VectorFieldStats {
  const count = ordToDoc.length;
  const stats: VectorFieldStats = { type: "vector", dimensions: config.dimensions, metric: config.metric, count };
  sections.set(`${name}.vectors`, vectors);
  lazy.add(`${name}.vectors`);
  sections.set(`${name}.ordToDoc`, ordToDoc);
  if (count === 0) return stats;
  const built = buildAnnIndexSync(vectors, count, annParams(config), seed ? { seed } : {});
  for (const [part, data] of built.sections) sections.set(`${name}.${part}`, data);
  stats.ann = built.meta as unknown as Record<string, unknown>;
  return stats;
}

function annParams(config: VectorFieldConfig) {
  return { metric: config.metric, dimensions: config.dimensions, m: config.m, efConstruction: config.efConstruction, quantization: config.quantization };
}

/** Read side: ordinal <-> document maps, the float vectors on disk, and the nearest-neighbour index (opened on first use). */
export class VectorFieldReader {
  readonly ordToDoc: Int32Array;
  /** Ordinal of each document, -1 for documents without a vector. */
  readonly docToOrd: Int32Array;
  readonly floats: FloatVectorSource;
  private ann: AnnIndexReader | null = null;

  constructor(
    private readonly file: SegmentFile<unknown>,
    readonly name: string,
    readonly stats: VectorFieldStats,
    docCount: number,
  ) {
    this.ordToDoc = file.i32(`${name}.ordToDoc`);
    const dim = stats.dimensions;
    if (this.ordToDoc.length !== stats.count || file.sectionByteLength(`${name}.vectors`) !== stats.count * dim * 4) {
      throw new CorruptIndexError(`${file.path}: vector field ${name} has inconsistent sections`);
    }
    this.docToOrd = new Int32Array(docCount).fill(-1);
    for (let o = 0; o < this.ordToDoc.length; o++) this.docToOrd[this.ordToDoc[o]] = o;
    const section = `${name}.vectors`;
    const bytes = (out: Float32Array, outOffset: number, n: number) => new Uint8Array(out.buffer, out.byteOffset + outOffset * 4, n * dim * 4);
    this.floats = {
      count: stats.count,
      dimensions: dim,
      resident: null,
      read: (ord, out, outOffset = 0) => file.readRange(section, ord * dim * 4, bytes(out, outOffset, 1)),
      readRange: (first, n, out, outOffset = 0) => file.readRange(section, first * dim * 4, bytes(out, outOffset, n)),
    };
  }

  get count(): number {
    return this.stats.count;
  }

  /** The nearest-neighbour index (loaded into WebAssembly memory the first time it is needed). */
  index(): AnnIndexReader {
    if (!this.ann) {
      const prefix = `${this.name}.`;
      const file = this.file;
      const sections: SectionSource = {
        has: (part) => file.has(prefix + part),
        byteLength: (part) => file.sectionByteLength(prefix + part),
        readInto: (part, target) => file.readInto(prefix + part, target),
      };
      this.ann = AnnIndexReader.open(this.stats.ann as unknown as AnnIndexMeta, sections, this.floats);
    }
    return this.ann;
  }

  /** Bytes of memory the loaded index holds (0 until first use). */
  get memoryBytes(): number {
    return this.ann ? this.ann.memoryBytes : 0;
  }

  private liveCache: { live: Uint8Array; accept: Uint8Array; count: number } | null = null;

  /**
   * Which ordinals may be returned: documents that are live (and pass `filter`,
   * a per-document bitset). Null when every ordinal may. The live-only answer
   * is cached per live-docs generation, so unfiltered searches on a segment
   * with deletions do not rebuild it per query.
   */
  eligible(live: Uint8Array | null, filter: Uint8Array | null): { accept: Uint8Array | null; count: number } {
    if (!live && !filter) return { accept: null, count: this.count };
    if (!filter && live && this.liveCache?.live === live) return this.liveCache;
    const accept = new Uint8Array(this.count);
    let count = 0;
    for (let o = 0; o < this.count; o++) {
      const doc = this.ordToDoc[o];
      if ((live === null || live[doc] === 1) && (filter === null || filter[doc] === 1)) {
        accept[o] = 1;
        count++;
      }
    }
    if (!filter && live) this.liveCache = { live, accept, count };
    return { accept, count };
  }

  /** The stored (raw) vector of a document, or null when it has none. */
  vectorOf(doc: number): Float32Array | null {
    const ord = this.docToOrd[doc];
    if (ord < 0) return null;
    const out = new Float32Array(this.stats.dimensions);
    this.floats.read(ord, out, 0);
    return out;
  }
}

/** Merges one vector field: live vectors in their new document order, and an index seeded with the largest input's graph. */
export function mergeVectorField(
  name: string,
  config: VectorFieldConfig,
  inputs: ReadonlyArray<{ docCount: number; vectors: ReadonlyMap<string, VectorFieldReader> }>,
  docMaps: readonly Int32Array[],
  sections: Sections,
  lazy: Set<string>,
): VectorFieldStats {
  const dim = config.dimensions;
  let total = 0;
  for (let s = 0; s < inputs.length; s++) {
    const field = inputs[s].vectors.get(name);
    if (!field) continue;
    for (let o = 0; o < field.count; o++) if (docMaps[s][field.ordToDoc[o]] >= 0) total++;
  }
  const vectors = new Float32Array(total * dim);
  const ordToDoc = new Int32Array(total);
  // the input with the most vectors and a graph seeds the merged graph
  let seedInput = -1;
  inputs.forEach((input, s) => {
    const field = input.vectors.get(name);
    const best = seedInput >= 0 ? inputs[seedInput].vectors.get(name)!.count : 0;
    if (field && field.stats.ann && (field.stats.ann as { graph?: string }).graph === "hnsw" && field.count > best) seedInput = s;
  });
  let seedMap: Int32Array | null = null;
  let next = 0;
  const row = new Float32Array(dim);
  for (let s = 0; s < inputs.length; s++) {
    const field = inputs[s].vectors.get(name);
    if (!field) continue;
    const ordMap = s === seedInput ? new Int32Array(field.count).fill(-1) : null;
    for (let o = 0; o < field.count; o++) {
      const newDoc = docMaps[s][field.ordToDoc[o]];
      if (newDoc < 0) continue;
      field.floats.read(o, row, 0);
      vectors.set(row, next * dim);
      ordToDoc[next] = newDoc;
      if (ordMap) ordMap[o] = next;
      next++;
    }
    if (ordMap) seedMap = ordMap;
  }
  const seed = seedInput >= 0 && seedMap ? { reader: inputs[seedInput].vectors.get(name)!.index(), ordMap: seedMap } : null;
  return putVectorSections(name, config, vectors, ordToDoc, sections, lazy, seed);
}
