/**
 * Where the trained encoder's training text comes from: a BEIR directory
 * (corpus, queries, and the judgments of ONE split, "train" by default, never
 * "test") or plain documents (`{ id, title?, text }`, e.g. records of a store
 * collection) with no judgments. `loadTrainingData` reads either into memory
 * and checks it, so errors name the document at fault before any training.
 */
import { createHash } from "node:crypto";
import { basename, resolve } from "node:path";
import { InvalidArgumentError } from "../../core/errors.js";
import { openBeirDataset, readBeirCorpus, readBeirQueries, readBeirSplitQrels } from "../../eval/beir.js";
import { checkTrainingSplit } from "../../eval/held-out-splits.js";
import type { Store } from "../../store/store.js";

export interface TrainingDocument {
  id: string;
  title?: string;
  text: string;
}

/** A query and a document judged relevant to it. */
export interface TrainingJudgment {
  queryId: string;
  query: string;
  docId: string;
}

export type TrainingSource =
  /** A BEIR directory; judgments from qrels/<split>.tsv (default "train"). */
  | { type: "beir"; dir: string; split?: string }
  /** Documents without judgments; `name` labels the cached model folder. */
  | { type: "documents"; name: string; documents: Iterable<TrainingDocument> | AsyncIterable<TrainingDocument> };

export interface TrainingData {
  /** A short label: the BEIR directory's name or the source's name. */
  name: string;
  /** What the data is, for the model's report. */
  description: string;
  documents: TrainingDocument[];
  judgments: TrainingJudgment[];
}


export async function loadTrainingData(source: TrainingSource): Promise<TrainingData> {
  if (source.type === "beir") return loadBeir(source.dir, source.split ?? "train");
  if (source.type === "documents") {
    const documents: TrainingDocument[] = [];
    for await (const doc of source.documents) documents.push(checkDocument(doc, documents.length + 1, source.name));
    return finish({ name: source.name, description: `${documents.length} documents of ${source.name}`, documents, judgments: [] });
  }
  throw new InvalidArgumentError(`unknown training source type ${JSON.stringify((source as { type?: unknown }).type)}; expected "beir" or "documents"`);
}

async function loadBeir(dir: string, split: string): Promise<TrainingData> {
  checkTrainingSplit(split, dir);
  const dataset = openBeirDataset(dir);
  const documents: TrainingDocument[] = [];
  for await (const doc of readBeirCorpus(dataset.corpusPath)) documents.push(checkDocument(doc, documents.length + 1, dataset.corpusPath));
  const judgments: TrainingJudgment[] = [];
  if (dataset.splits.includes(split)) {
    const qrels = await readBeirSplitQrels(dataset.dir, split);
    const queries = await readBeirQueries(dataset.queriesPath);
    const known = new Set(documents.map((d) => d.id));
    for (const [queryId, judged] of qrels) {
      const query = queries.get(queryId);
      if (query === undefined || query.trim() === "") continue;
      for (const [docId, relevance] of judged) if (relevance > 0 && known.has(docId)) judgments.push({ queryId, query, docId });
    }
  } else if (split !== "train") {
    throw new InvalidArgumentError(`${dir} has no qrels/${split}.tsv (splits: ${dataset.splits.join(", ") || "none"})`);
  }
  const name = basename(resolve(dataset.dir));
  return finish({
    name,
    description: `BEIR ${name}: ${documents.length} documents, ${judgments.length} judgments of split "${split}"`,
    documents,
    judgments,
  });
}

function checkDocument(doc: TrainingDocument, number: number, where: string): TrainingDocument {
  if (doc === null || typeof doc !== "object") throw new InvalidArgumentError(`${where}: document ${number} is not an object`);
  if (typeof doc.id !== "string" || doc.id === "") throw new InvalidArgumentError(`${where}: document ${number} has no id (expected a non-empty string)`);
  if (typeof doc.text !== "string") throw new InvalidArgumentError(`${where}: document "${doc.id}" has no text (expected a string)`);
  if (doc.title !== undefined && typeof doc.title !== "string") throw new InvalidArgumentError(`${where}: document "${doc.id}": title must be a string`);
  return { id: doc.id, title: doc.title ?? "", text: doc.text };
}

function finish(data: TrainingData): TrainingData {
  if (data.documents.length === 0) throw new InvalidArgumentError(`${data.name}: no documents to train on`);
  const withText = data.documents.filter((d) => `${d.title ?? ""}${d.text}`.trim() !== "").length;
  if (withText === 0) throw new InvalidArgumentError(`${data.name}: every document's title and text are empty; nothing to learn from`);
  return data;
}

/** A digest of the training data (ids, texts, judgments): part of the model's cache key and config. */
export function fingerprintData(data: TrainingData): string {
  const hash = createHash("sha256");
  for (const d of data.documents) hash.update(`${d.id}\u0000${d.title ?? ""}\u0000${d.text}\u0001`);
  hash.update("\u0002");
  for (const j of data.judgments) hash.update(`${j.queryId}\u0000${j.query}\u0000${j.docId}\u0001`);
  return hash.digest("hex");
}

/**
 * Documents of a store collection: `fields[0]` is the title, the others are
 * joined (blank-line separated) as the text. Non-string values are skipped.
 */
export async function* storeCollectionDocuments(store: Store, collection: string, fields: readonly string[]): AsyncGenerator<TrainingDocument> {
  if (fields.length === 0) throw new InvalidArgumentError("--fields needs at least one field name");
  const info = await store.getCollection(collection);
  for (const field of fields) {
    if (!(field in info.schema.fields)) {
      throw new InvalidArgumentError(`collection ${collection} has no field "${field}" (fields: ${Object.keys(info.schema.fields).join(", ")})`);
    }
  }
  const text = (value: unknown): string => (typeof value === "string" ? value : Array.isArray(value) ? value.filter((v) => typeof v === "string").join(" ") : "");
  const titleField = fields.length > 1 ? fields[0] : undefined;
  const textFields = fields.length > 1 ? fields.slice(1) : fields;
  for await (const { id, record } of store.scanRecords(collection)) {
    yield {
      id,
      title: titleField === undefined ? "" : text(record[titleField]),
      text: textFields.map((f) => text(record[f])).filter(Boolean).join("\n\n"),
    };
  }
}
