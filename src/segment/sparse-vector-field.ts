/**
 * Sparse vector fields (learned-sparse retrieval: term -> weight, e.g. SPLADE)
 * in segments. Per segment and field: the segment's term dictionary
 * (`<field>.terms.bytes` / `.terms.offsets`, sorted UTF-8), the documents
 * that have a vector (`<field>.ordToDoc`, ascending, so ordinal order is
 * document order), the float weights as given (`<field>.weights`, a lazy
 * section aligned with the forward index: merges and `vectorOf` read it),
 * and the learned-sparse index of src/sparse over the quantized weights
 * (`<field>.fwd.*`, `.post.*`, `.term.blocks`, `.block.*`, `.summary.*`;
 * layout in src/sparse/sparse-index-data.ts). Flushes build the index; merges
 * renumber terms into one dictionary, concatenate the live documents' float
 * weights and build the merged index from them, so quantization never
 * compounds.
 */
import { CorruptIndexError } from "../core/errors.js";
import { compareCodePoints, decodeUtf8, encodeUtf8, packStrings, searchPacked } from "../core/utf8.js";
import { buildSparseIndex, type SparseDocuments } from "../sparse/sparse-index-builder.js";
import { sparseIndexFromSections, sparseIndexSections } from "../sparse/sparse-index-data.js";
import type { SparseSearchParams } from "../sparse/sparse-index-params.js";
import { SparseIndexSearcher, type SparseHits } from "../sparse/sparse-index-searcher.js";
import type { SparseVectorFieldConfig } from "./index-config.js";
import type { SegmentFile } from "./segment-file.js";
import type { Sections, SparseVectorFieldStats } from "./segment-format.js";

/** Buffers documents' sparse vectors with term ids of a growing dictionary. */
export class SparseVectorFieldWriter {
  private readonly termIds = new Map<string, number>();
  private readonly terms: string[] = [];
  private offsets: number[] = [0];
  /** Entries added for the document being added. */
  private pending = 0;
  private entryTerms = new Uint32Array(1024);
  private entryWeights = new Float32Array(1024);
  private ords: number[] = [];

  constructor(private readonly config: SparseVectorFieldConfig) {}

  /** Adds document `doc`'s vector (an object term -> weight, validated by the writer); zero weights are left out. */
  add(doc: number, value: unknown): void {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    const entries = Object.entries(value as Record<string, unknown>);
    let n = 0;
    for (const [term, weight] of entries) {
      if (typeof weight !== "number" || !(weight > 0) || !Number.isFinite(weight)) continue;
      this.push(this.termId(term), weight);
      n++;
    }
    this.close(doc, n);
  }

  /** Adds a document whose entries come from another segment: its term ids mapped through `remap` (merges). */
  addMapped(doc: number, terms: Uint32Array, weights: Float32Array, remap: Int32Array, dictionary: (term: number) => string): void {
    for (let i = 0; i < terms.length; i++) {
      let id = remap[terms[i]];
      if (id < 0) id = remap[terms[i]] = this.termId(dictionary(terms[i]));
      this.push(id, weights[i]);
    }
    this.close(doc, terms.length);
  }

  bytesUsed(): number {
    return this.length * 8 + this.ords.length * 8 + this.terms.length * 48;
  }

  private get length(): number {
    return this.offsets[this.offsets.length - 1] + this.pending;
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.termIds.set(term, id);
      this.terms.push(term);
    }
    return id;
  }

  private push(term: number, weight: number): void {
    const at = this.length;
    if (at === this.entryTerms.length) {
      const terms = new Uint32Array(at * 2);
      terms.set(this.entryTerms);
      this.entryTerms = terms;
      const weights = new Float32Array(at * 2);
      weights.set(this.entryWeights);
      this.entryWeights = weights;
    }
    this.entryTerms[at] = term;
    this.entryWeights[at] = weight;
    this.pending++;
  }

  private close(doc: number, n: number): void {
    this.pending = 0;
    if (n === 0) return;
    this.ords.push(doc);
    this.offsets.push(this.offsets[this.offsets.length - 1] + n);
  }

  finish(name: string, sections: Sections, lazy: Set<string>): SparseVectorFieldStats {
    // the dictionary in UTF-8 byte order; entries renumbered and each document's entries sorted by term
    const order = this.terms.map((_, i) => i).sort((a, b) => compareCodePoints(this.terms[a], this.terms[b]));
    const newId = new Uint32Array(order.length);
    order.forEach((old, i) => (newId[old] = i));
    const count = this.ords.length;
    const offsets = Uint32Array.from(this.offsets);
    const terms = new Uint32Array(offsets[count]);
    const weights = new Float32Array(offsets[count]);
    for (let d = 0; d < count; d++) {
      const start = offsets[d];
      const entries: Array<[number, number]> = [];
      for (let e = start; e < offsets[d + 1]; e++) entries.push([newId[this.entryTerms[e]], this.entryWeights[e]]);
      entries.sort((a, b) => a[0] - b[0]);
      entries.forEach(([t, w], i) => {
        terms[start + i] = t;
        weights[start + i] = w;
      });
    }
    const packed = packStrings(order.map((i) => this.terms[i]));
    return putSparseSections(name, this.config, { offsets, terms, weights, termCount: order.length }, packed, Int32Array.from(this.ords), sections, lazy);
  }
}

function putSparseSections(
  name: string,
  config: SparseVectorFieldConfig,
  documents: SparseDocuments,
  dictionary: { bytes: Uint8Array; offsets: Uint32Array },
  ordToDoc: Int32Array,
  sections: Sections,
  lazy: Set<string>,
): SparseVectorFieldStats {
  const index = buildSparseIndex(documents, config.index);
  sections.set(`${name}.terms.bytes`, dictionary.bytes);
  sections.set(`${name}.terms.offsets`, dictionary.offsets);
  sections.set(`${name}.ordToDoc`, ordToDoc);
  sections.set(`${name}.weights`, documents.weights);
  lazy.add(`${name}.weights`);
  for (const [part, data] of sparseIndexSections(index)) sections.set(`${name}.${part}`, data);
  return { type: "sparse_vector", count: ordToDoc.length, entries: documents.weights.length, termCount: documents.termCount, scale: index.scale };
}

/** Read side: the dictionary, ordinal <-> document maps, the index's searcher and the stored float weights. */
export class SparseVectorFieldReader {
  readonly ordToDoc: Int32Array;
  /** Ordinal of each document, -1 for documents without a vector. */
  readonly docToOrd: Int32Array;
  private readonly termBytes: Uint8Array;
  private readonly termOffsets: Uint32Array;
  readonly searcher: SparseIndexSearcher;

  constructor(
    private readonly file: SegmentFile<unknown>,
    readonly name: string,
    readonly stats: SparseVectorFieldStats,
    docCount: number,
  ) {
    this.ordToDoc = file.i32(`${name}.ordToDoc`);
    this.termBytes = file.u8(`${name}.terms.bytes`);
    this.termOffsets = file.u32(`${name}.terms.offsets`);
    const prefix = `${name}.`;
    const data = sparseIndexFromSections({ u8: (part) => file.u8(prefix + part), u32: (part) => file.u32(prefix + part) }, stats.count, stats.termCount, stats.scale);
    if (
      this.ordToDoc.length !== stats.count ||
      this.termOffsets.length !== stats.termCount + 1 ||
      data.forward.offsets.length !== stats.count + 1 ||
      data.forward.terms.length !== stats.entries ||
      file.sectionByteLength(`${name}.weights`) !== stats.entries * 4
    ) {
      throw new CorruptIndexError(`${file.path}: sparse vector field ${name} has inconsistent sections`);
    }
    this.docToOrd = new Int32Array(docCount).fill(-1);
    for (let o = 0; o < this.ordToDoc.length; o++) this.docToOrd[this.ordToDoc[o]] = o;
    this.searcher = new SparseIndexSearcher(data);
  }

  get count(): number {
    return this.stats.count;
  }

  /** This segment's id of `term`, or -1. */
  termId(term: string): number {
    const i = searchPacked(this.termBytes, this.termOffsets, this.stats.termCount, encodeUtf8(term));
    return i >= 0 ? i : -1;
  }

  termAt(id: number): string {
    return decodeUtf8(this.termBytes, this.termOffsets[id], this.termOffsets[id + 1]);
  }

  /** The best k documents (ordinals) for a query given as term -> weight; terms this segment lacks are left out. */
  search(query: ReadonlyMap<string, number>, k: number, params: SparseSearchParams, accept: Uint8Array | null): SparseHits {
    const terms: number[] = [];
    const weights: number[] = [];
    for (const [term, weight] of query) {
      const id = this.termId(term);
      if (id >= 0 && weight > 0) {
        terms.push(id);
        weights.push(weight);
      }
    }
    return this.searcher.search({ terms: Uint32Array.from(terms), weights: Float32Array.from(weights) }, k, params, accept);
  }

  /** Term ids and float weights of ordinal `ord` (weights read from disk). */
  entries(ord: number): { terms: Uint32Array; weights: Float32Array } {
    const { offsets, terms } = this.searcher.data.forward;
    const start = offsets[ord];
    const n = offsets[ord + 1] - start;
    const weights = new Float32Array(n);
    this.file.readRange(`${this.name}.weights`, start * 4, new Uint8Array(weights.buffer));
    return { terms: terms.subarray(start, start + n), weights };
  }

  /** The stored vector of a document (term -> weight as given), or null when it has none. */
  vectorOf(doc: number): Record<string, number> | null {
    const ord = this.docToOrd[doc];
    if (ord < 0) return null;
    const { terms, weights } = this.entries(ord);
    return Object.fromEntries(Array.from(terms, (t, i) => [this.termAt(t), weights[i]]));
  }
}

/** Merges one sparse vector field: live documents in their new order, terms renumbered into one dictionary. */
export function mergeSparseVectorField(
  name: string,
  config: SparseVectorFieldConfig,
  inputs: ReadonlyArray<{ sparseVectors: ReadonlyMap<string, SparseVectorFieldReader> }>,
  docMaps: readonly Int32Array[],
  sections: Sections,
  lazy: Set<string>,
): SparseVectorFieldStats {
  const writer = new SparseVectorFieldWriter(config);
  for (let s = 0; s < inputs.length; s++) {
    const field = inputs[s].sparseVectors.get(name);
    if (!field) continue;
    const remap = new Int32Array(field.stats.termCount).fill(-1);
    const dictionary = (term: number) => field.termAt(term);
    for (let o = 0; o < field.count; o++) {
      const newDoc = docMaps[s][field.ordToDoc[o]];
      if (newDoc < 0) continue;
      const { terms, weights } = field.entries(o);
      writer.addMapped(newDoc, terms, weights, remap, dictionary);
    }
  }
  return writer.finish(name, sections, lazy);
}
