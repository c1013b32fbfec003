/**
 * Which item embedder a content model builds for itself (its options name it)
 * and how a saved one is restored.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { ModelArray } from "../model-io.js";
import type { ItemEmbedder } from "./item-embedder.js";
import { TfidfSvdEmbedder, ALL_CONTENT_FIELDS, type ContentField } from "./tfidf-svd-embedder.js";
import { TrainedEncoderEmbedder } from "./trained-encoder-embedder.js";

/** Restores a saved embedder; an external encoder's cannot be restored from a file (pass the encoder again). */
export function restoreItemEmbedder(kind: string, state: Record<string, unknown>, arrays: Record<string, ModelArray>): ItemEmbedder | undefined {
  if (kind === "tfidf-svd") return TfidfSvdEmbedder.restore(state, arrays);
  if (kind === "trove-encoder") return TrainedEncoderEmbedder.restore(state);
  return undefined;
}

export type EmbeddingKind = "tfidf-svd" | "trove-encoder";

/** The embedder a content model builds for itself: tf-idf + SVD, or Trove's trained encoder over the item texts. */
export function createItemEmbedder(kind: EmbeddingKind, o: { embeddingDims: number; embeddingFields: string; sidSeed: number }): ItemEmbedder {
  if (kind === "trove-encoder") return new TrainedEncoderEmbedder({ seed: o.sidSeed });
  if (kind !== "tfidf-svd") throw new InvalidArgumentError(`embedding must be "tfidf-svd" or "trove-encoder", got "${String(kind)}"`);
  return new TfidfSvdEmbedder({ dimensions: o.embeddingDims, fields: parseContentFields(o.embeddingFields), seed: o.sidSeed });
}

/** "title,brand" → the fields, checked. */
export function parseContentFields(fields: string): ContentField[] {
  const list = fields.split(",").map((f) => f.trim()).filter((f) => f !== "");
  for (const f of list) if (!ALL_CONTENT_FIELDS.includes(f as ContentField)) throw new InvalidArgumentError(`embeddingFields: unknown field "${f}" (fields: ${ALL_CONTENT_FIELDS.join(", ")})`);
  if (list.length === 0) throw new InvalidArgumentError("embeddingFields names no field");
  return list as ContentField[];
}
