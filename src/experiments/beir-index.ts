/**
 * The index a BEIR evaluation searches, cached under a directory keyed by the
 * corpus file (path, size, modification time), the field mode, the analyzer
 * and, when vectors are wanted, each vector field's encoder: "flat" indexes
 * title and text as one field `contents`; "multifield" as `title` and `text`.
 * Vector fields hold the encoder's document embeddings of title + text.
 * A flat index may also hold `title` and `text` as fields of their own
 * (`sourceFields`, for pipelines that read them by name, e.g. per-field
 * features): their schema boost is 0, so unfielded queries still search
 * `contents` alone and the flat figures do not move.
 * k1 and b are query-time parameters and do not need a rebuild.
 */
import { createHash } from "node:crypto";
import { rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import type { FieldSpec } from "../core/schema.js";
import { InterruptSignal } from "../core/interrupt.js";
import { Progress } from "../core/progress.js";
import type { Encoder } from "../encoders/encoder.js";
import type { SparseEncoder } from "../sparse/sparse-encoder.js";
import { readBeirCorpus, type BeirDataset } from "../eval/beir.js";
import { SearchIndex } from "../engine/search-index.js";
import type { Bm25Params } from "../lexical/bm25.js";

export type BeirFieldMode = "flat" | "multifield";

export interface BeirIndexOptions {
  mode: BeirFieldMode;
  analyzer: string;
  bm25: Bm25Params;
  cacheDir: string;
  rebuild?: boolean;
  /** Vector fields to fill, each with the encoder that embeds the documents. */
  vectors?: ReadonlyArray<{ field: string; encoder: Encoder }>;
  /** Flat mode: also index `title` and `text` as fields of their own (boost 0). */
  sourceFields?: boolean;
  /** Sparse vector fields to fill, each with the sparse encoder (e.g. SPLADE) of the documents. */
  sparse?: ReadonlyArray<{ field: string; encoder: SparseEncoder }>;
}

export interface BeirIndex {
  index: SearchIndex;
  path: string;
  reused: boolean;
  seconds: number;
}

/** Documents are embedded and added in batches of this many. */
const BATCH = 2000;

export async function openBeirIndex(dataset: BeirDataset, options: BeirIndexOptions): Promise<BeirIndex> {
  const { mode, analyzer } = options;
  if (mode !== "flat" && mode !== "multifield") throw new InvalidArgumentError(`--fields must be flat or multifield, got "${mode}"`);
  const vectors = options.vectors ?? [];
  const sourceFields = mode === "flat" && options.sourceFields === true;
  const sparse = options.sparse ?? [];
  const corpusStat = statSync(dataset.corpusPath);
  const keyParts: unknown[] = [resolve(dataset.corpusPath), corpusStat.size, corpusStat.mtimeMs, mode, analyzer, 1];
  if (vectors.length) keyParts.push(vectors.map((v) => [v.field, v.encoder.id, v.encoder.dimensions]));
  if (sparse.length) keyParts.push(sparse.map((v) => [v.field, v.encoder.id, "sparse"]));
  if (sourceFields) keyParts.push("title+text");
  const key = createHash("sha1").update(JSON.stringify(keyParts)).digest("hex").slice(0, 12);
  const label = dataset.dir.split(/[\\/]/).filter(Boolean).pop();
  const path = join(options.cacheDir, `${label}-${mode}${sourceFields ? "+fields" : ""}${vectors.length ? "-vectors" : ""}${sparse.length ? "-sparse" : ""}-${key}`);
  if (options.rebuild) rmSync(path, { recursive: true, force: true });
  if (SearchIndex.exists(path)) {
    const index = await SearchIndex.open(path);
    if (index.userData.complete === true) return { index, path, reused: true, seconds: 0 };
    await index.close();
  }
  rmSync(path, { recursive: true, force: true });
  const started = performance.now();
  const fields: Record<string, FieldSpec> =
    mode === "flat" ? { contents: { type: "text", analyzer } } : { title: { type: "text", analyzer }, text: { type: "text", analyzer } };
  if (sourceFields) Object.assign(fields, { title: { type: "text", analyzer, boost: 0 }, text: { type: "text", analyzer, boost: 0 } });
  for (const { field, encoder } of vectors) {
    fields[field] = { type: "vector", dimensions: encoder.dimensions, metric: encoder.normalized ? "cosine" : "dot" };
  }
  for (const { field } of sparse) fields[field] = { type: "sparse_vector" };
  const index = await SearchIndex.create(path, { fields, bm25: options.bm25 });
  const progress = new Progress(vectors.length || sparse.length ? "indexing and encoding corpus" : "indexing corpus");
  const interrupt = new InterruptSignal();
  try {
    let batch: Array<{ id: string; title: string; text: string }> = [];
    let count = 0;
    const flush = async () => {
      const records = batch.map((doc) => beirRecord(doc, mode, sourceFields));
      for (const { field, encoder } of vectors) {
        const embedded = await encoder.encode(
          batch.map((doc) => (doc.title ? `${doc.title} ${doc.text}` : doc.text)),
          { kind: "document", signal: interrupt.signal },
        );
        embedded.forEach((v, i) => (records[i][field] = v));
      }
      for (const { field, encoder } of sparse) {
        const encoded = await encoder.encode(
          batch.map((doc) => (doc.title ? `${doc.title} ${doc.text}` : doc.text)),
          { kind: "document", signal: interrupt.signal },
        );
        encoded.forEach((v, i) => (records[i][field] = v));
      }
      index.addDocuments(records);
      count += batch.length;
      batch = [];
      progress.update(count);
      interrupt.check("indexing");
    };
    for await (const doc of readBeirCorpus(dataset.corpusPath)) {
      batch.push({ id: doc.id, title: doc.title, text: doc.text });
      if (batch.length === BATCH) await flush();
    }
    if (batch.length) await flush();
    await index.commit({ complete: true });
    await index.merge({ maxSegments: 1 });
    progress.done();
  } catch (error) {
    await index.close();
    rmSync(path, { recursive: true, force: true });
    throw error;
  } finally {
    interrupt.dispose();
  }
  return { index, path, reused: false, seconds: (performance.now() - started) / 1000 };
}

/** A BEIR document as the index (and a pipeline reading records) sees it: `contents` = title + text in flat mode. */
export function beirRecord(doc: { id: string; title: string; text: string }, mode: BeirFieldMode, sourceFields = true): Record<string, unknown> {
  if (mode === "multifield") return { id: doc.id, title: doc.title, text: doc.text };
  const contents = doc.title ? `${doc.title} ${doc.text}` : doc.text;
  return sourceFields ? { id: doc.id, contents, title: doc.title, text: doc.text } : { id: doc.id, contents };
}
