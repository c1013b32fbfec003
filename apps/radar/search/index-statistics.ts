/**
 * What the app reads of a collection's lexical index beyond `Collection`'s
 * own surface (`search`, `put`, `delete`, `sync`): the analyzer a field was
 * indexed with, the number of searchable documents and a term's document
 * frequency. They are read-only statistics, so reading them without the
 * collection's refresh is harmless (at most a second behind another
 * process's writes). Kept in this one file so that, once `Collection`
 * offers them, only this file changes.
 */
import type { Collection } from "../../../src/engine/collection.js";
import type { Analyzer } from "../../../src/text/analyzer.js";
import { getAnalyzer } from "../../../src/text/registry.js";

/** The analyzer `field` of `collection` was indexed with ("english" for fields that are not text). */
export function fieldAnalyzer(collection: Collection, field: string): Analyzer {
  const config = collection.index.config.fields[field];
  return getAnalyzer(config && config.type === "text" ? config.analyzer : "english");
}

/** Documents searchable in the collection's index. */
export function searchableCount(collection: Collection): number {
  return collection.index.documentCount;
}

/** Documents whose `field` holds the analyzed `term`. */
export function documentFrequency(collection: Collection, field: string, term: string): number {
  return collection.index.docFreq(field, term);
}
