/**
 * Filling a collection's vector field from its text, for collections whose
 * schema names no encoder (or to switch encoders): with a given encoder, or
 * with Trove's own encoder trained on the collection's text first (so
 * semantic search works on a machine with no model). Each record keeps the
 * id of the encoder that made its vector in `<field>_encoder`, so a run
 * embeds only records that lack a vector or carry another encoder's, and a
 * rerun after an interruption picks up where it stopped. Records are written
 * back to the store in batches (the store stays the system of record). The
 * encoder trained for a field is remembered in the store's metadata, so new
 * records are embedded with the same one until a retrain is asked for.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import type { StoredRecord } from "../core/schema.js";
import type { Encoder, EncoderSpec } from "../encoders/encoder.js";
import { openEncoder } from "../encoders/open-encoder.js";
import type { EncoderTrainingOverrides } from "../encoders/trained/train-encoder.js";
import type { Store } from "../store/store.js";
import type { Collection } from "./collection.js";

export interface EmbedCollectionOptions {
  /** The vector field to fill. */
  field: string;
  /** Text fields embedded (default: the field's `source`). */
  source?: string[];
  /** The encoder (default: the field's own; else Trove's own, trained on `source` text of the collection). */
  encoder?: EncoderSpec;
  /** Trove's own encoder: its cache and training settings. */
  training?: { cacheDir?: string; config?: EncoderTrainingOverrides };
  /**
   * Train Trove's own encoder again on the collection as it is now (new
   * documents, new vocabulary) and re-embed everything. Otherwise the encoder
   * trained earlier for this field is kept, so additions are embedded with it.
   */
  retrain?: boolean;
  /** Records written per batch (default 512). */
  batchSize?: number;
  onProgress?: (done: { scanned: number; embedded: number }) => void;
  signal?: AbortSignal;
}

export interface EmbedCollectionResult {
  encoder: string;
  /** Where Trove's own encoder is, when one was used. */
  encoderPath?: string;
  trained: boolean;
  scanned: number;
  embedded: number;
}

/** The record field that names the encoder of a vector field's value. */
export function encoderMarkField(field: string): string {
  return `${field}_encoder`;
}

/** The store metadata key under which the encoder trained for a collection's field is remembered. */
export function embeddingMetaKey(collection: string, field: string): string {
  return `embedding:${collection}/${field}`;
}

/** The encoder Trove trained earlier for this field (remembered in the store), if its folder still exists. */
export async function rememberedEncoder(store: Store, collection: string, field: string): Promise<EncoderSpec | undefined> {
  const remembered = await store.getMeta<{ path: string }>(embeddingMetaKey(collection, field));
  return remembered && existsSync(join(remembered.path, "config.json")) ? { type: "trove", path: remembered.path } : undefined;
}

export async function embedCollection(collection: Collection, options: EmbedCollectionOptions): Promise<EmbedCollectionResult> {
  const config = collection.index.config.fields[options.field];
  if (!config || config.type !== "vector") throw new InvalidArgumentError(`"${options.field}" is not a vector field of collection ${collection.name}`);
  const source = options.source ?? config.source;
  if (!source || source.length === 0) throw new InvalidArgumentError(`say which text fields to embed into "${options.field}" (its schema names no source)`);
  for (const f of source) {
    if (collection.index.config.fields[f]?.type !== "text") throw new InvalidArgumentError(`source field "${f}" is not a text field of collection ${collection.name}`);
  }
  const textOf = (record: StoredRecord) => source.map((f) => record[f]).filter((v): v is string => typeof v === "string" && v.trim() !== "").join("\n\n");
  let spec = options.encoder ?? (config.encoder as EncoderSpec | undefined);
  let trained = false;
  let encoderPath: string | undefined;
  const metaKey = embeddingMetaKey(collection.name, options.field);
  if (!spec && !options.retrain) {
    spec = await rememberedEncoder(collection.store, collection.name, options.field);
    if (spec) encoderPath = (spec as { path: string }).path;
  }
  if (!spec) {
    const { ensureTrainedEncoder } = await import("../encoders/trained/ensure-trained-encoder.js");
    const store = collection.store;
    const documents = async function* () {
      for await (const { id, record } of store.scanRecords(collection.name)) {
        const text = textOf(record);
        if (text) yield { id, text };
      }
    };
    const model = await ensureTrainedEncoder({ type: "documents", name: collection.name, documents: documents() }, { cacheDir: options.training?.cacheDir, config: options.training?.config });
    spec = { type: "trove", path: model.path };
    trained = model.trained;
    encoderPath = model.path;
    await collection.store.setMeta(metaKey, { path: model.path, trainedAt: new Date().toISOString() });
  }
  const encoder: Encoder = await openEncoder(spec);
  if (!config.encoder && !options.encoder) collection.encoders.setFieldEncoder(options.field, spec);
  try {
    if (encoder.dimensions !== config.dimensions) {
      throw new InvalidArgumentError(`the encoder ${encoder.id} makes ${encoder.dimensions}-dimensional vectors; vector field "${options.field}" holds ${config.dimensions}`);
    }
    const mark = encoderMarkField(options.field);
    const batchSize = options.batchSize ?? 512;
    let scanned = 0;
    let embedded = 0;
    let batch: StoredRecord[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const vectors = await encoder.encode(batch.map(textOf), { kind: "document", signal: options.signal });
      const updated = batch.map((record, i) => ({ ...record, [options.field]: Array.from(vectors[i], (x) => Number(x.toPrecision(9))), [mark]: encoder.id }));
      await collection.put(updated, { signal: options.signal });
      embedded += batch.length;
      batch = [];
      options.onProgress?.({ scanned, embedded });
    };
    // scan first (ids only), write after: a scan would otherwise meet its own writes again
    const pending: string[] = [];
    for await (const { id, record } of collection.store.scanRecords(collection.name)) {
      scanned++;
      if ((record[mark] === encoder.id && Array.isArray(record[options.field])) || !textOf(record)) continue;
      pending.push(id);
    }
    const idField = collection.info.schema.idField;
    for (let start = 0; start < pending.length; start += batchSize) {
      const ids = pending.slice(start, start + batchSize);
      const records = await collection.store.getRecords(collection.name, ids);
      records.forEach((record, i) => record && batch.push({ ...record, [idField]: ids[i] }));
      await flush();
    }
    return { encoder: encoder.id, encoderPath, trained, scanned, embedded };
  } finally {
    await encoder.close();
  }
}
