/**
 * Buffers added documents in memory and turns them into the sections of one
 * immutable segment: the id column, then each field through the writer of its
 * kind (text postings, keyword and numeric doc values, vectors with their
 * nearest-neighbour index).
 */
import type { Analyzer } from "../text/analyzer.js";
import type { IndexConfig } from "../segment/index-config.js";
import { TextFieldWriter } from "../lexical/text-field-writer.js";
import { putIdSections } from "./id-column.js";
import { KeywordFieldWriter } from "./keyword-field.js";
import { NumericFieldWriter } from "./numeric-field.js";
import { VectorFieldWriter } from "./vector-field.js";
import { SparseVectorFieldWriter } from "./sparse-vector-field.js";
import type { SegmentFieldStats, SegmentMeta, Sections } from "./segment-format.js";

export class SegmentBuilder {
  private readonly ids: string[] = [];
  private readonly text = new Map<string, TextFieldWriter>();
  private readonly keywords = new Map<string, KeywordFieldWriter>();
  private readonly numerics = new Map<string, NumericFieldWriter>();
  private readonly vectors = new Map<string, VectorFieldWriter>();
  private readonly sparseVectors = new Map<string, SparseVectorFieldWriter>();

  constructor(config: IndexConfig, analyzerFor: (name: string) => Analyzer) {
    for (const [name, field] of Object.entries(config.fields)) {
      if (field.type === "text") this.text.set(name, new TextFieldWriter(analyzerFor(field.analyzer), field));
      else if (field.type === "keyword") this.keywords.set(name, new KeywordFieldWriter());
      else if (field.type === "vector") this.vectors.set(name, new VectorFieldWriter(field));
      else if (field.type === "sparse_vector") this.sparseVectors.set(name, new SparseVectorFieldWriter(field));
      else this.numerics.set(name, new NumericFieldWriter(field.type));
    }
  }

  get docCount(): number {
    return this.ids.length;
  }

  bytesUsed(): number {
    let total = this.ids.length * 48;
    for (const f of this.text.values()) total += f.bytesUsed();
    for (const f of this.vectors.values()) total += f.bytesUsed();
    for (const f of this.sparseVectors.values()) total += f.bytesUsed();
    return total;
  }

  /** Adds a validated record; returns its segment-local doc number. */
  add(id: string, record: Record<string, unknown>): number {
    const doc = this.ids.length;
    this.ids.push(id);
    for (const [name, writer] of this.text) {
      const value = record[name];
      writer.add(doc, typeof value === "string" ? value : undefined);
    }
    for (const [name, writer] of this.keywords) writer.add(record[name]);
    for (const [name, writer] of this.numerics) writer.add(record[name]);
    for (const [name, writer] of this.vectors) writer.add(doc, record[name]);
    for (const [name, writer] of this.sparseVectors) writer.add(doc, record[name]);
    return doc;
  }

  /** The segment's header meta and sections; `lazy` names the sections read on demand (vector data). */
  build(): { meta: SegmentMeta; sections: Sections; lazy: Set<string> } {
    const sections: Sections = new Map();
    const lazy = new Set<string>();
    const fields: Record<string, SegmentFieldStats> = {};
    putIdSections(sections, this.ids);
    for (const [name, writer] of this.text) fields[name] = writer.finish(name, sections);
    for (const [name, writer] of this.keywords) fields[name] = writer.finish(name, sections);
    for (const [name, writer] of this.numerics) fields[name] = writer.finish(name, sections);
    for (const [name, writer] of this.vectors) fields[name] = writer.finish(name, sections, lazy);
    for (const [name, writer] of this.sparseVectors) fields[name] = writer.finish(name, sections, lazy);
    return { meta: { docCount: this.ids.length, fields }, sections, lazy };
  }
}
