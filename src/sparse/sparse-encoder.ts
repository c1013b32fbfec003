/**
 * Sparse encoders turn text into learned-sparse vectors (term -> weight), as
 * sparse vector fields store them and the sparse retriever queries them. Two
 * kinds, both from local files, never downloaded:
 *
 *   splade        an ONNX masked-language model folder (SPLADE and its kin):
 *                 weight of a vocabulary term = max over the text's tokens of
 *                 log(1 + relu(logit)) (splade-encoder.ts)
 *   term-weights  "inference-free" query encoding (e.g. OpenSearch's
 *                 doc-only sparse models): the text's distinct tokens, each
 *                 weighted by a table such as idf.json (term-weights-encoder.ts)
 *
 * Specs are JSON, validated here with errors naming where they came from.
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import type { EncodeOptions } from "../encoders/encoder.js";
import { parseWith } from "../core/parse-with.js";

/** term -> weight (> 0). */
export type SparseVector = Record<string, number>;

export interface SparseEncoder {
  /** A short, stable description, recorded beside the vectors it produced. */
  readonly id: string;
  /** One vector per text, in order; `kind` picks query or document prefixes where the model has them. */
  encode(texts: readonly string[], options?: EncodeOptions): Promise<SparseVector[]>;
  close(): Promise<void>;
}

export const sparseEncoderSpecSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("splade"),
    /** Folder with tokenizer.json and onnx/model.onnx (or model.onnx) whose output is MLM logits [batch, sequence, vocabulary]. */
    path: z.string().min(1),
    modelFile: z.string().min(1).optional(),
    /** Tokens per text, special tokens included (default: the tokenizer's, capped by the model's positions). */
    maxLength: z.number().int().min(2).max(100_000).optional(),
    /** Keep at most this many terms per vector, the heaviest (default: all non-zero). */
    maxTerms: z.number().int().min(1).max(100_000).optional(),
    queryPrefix: z.string().optional(),
    documentPrefix: z.string().optional(),
    /** Texts per inference call (default 8: the logits are batch x tokens x vocabulary floats). */
    batchSize: z.number().int().min(1).max(1024).optional(),
    threads: z.number().int().min(1).max(256).optional(),
  }),
  z.strictObject({
    type: z.literal("term-weights"),
    /** Folder with tokenizer.json and the weight table. */
    path: z.string().min(1),
    /** JSON object token -> weight inside the folder (default "idf.json"). */
    weightsFile: z.string().min(1).optional(),
    maxLength: z.number().int().min(1).max(100_000).optional(),
  }),
]);
export type SparseEncoderSpec = z.infer<typeof sparseEncoderSpecSchema>;

/** Validates a spec (from `where`); relative paths are resolved against `baseDir` when given. */
export function parseSparseEncoderSpec(json: unknown, where: string, baseDir?: string): SparseEncoderSpec {
  const spec = parseWith(sparseEncoderSpecSchema, json, where);
  if (baseDir !== undefined && !isAbsolute(spec.path)) return { ...spec, path: resolve(baseDir, spec.path) };
  return spec;
}

/** Opens the encoder a spec names (implementations load lazily: ONNX Runtime only when needed). */
export async function openSparseEncoder(spec: SparseEncoderSpec): Promise<SparseEncoder> {
  const checked = parseSparseEncoderSpec(spec, "sparse encoder spec");
  if (checked.type === "splade") {
    const { openSpladeEncoder } = await import("./splade-encoder.js");
    return openSpladeEncoder(checked);
  }
  const { openTermWeightsEncoder } = await import("./term-weights-encoder.js");
  return openTermWeightsEncoder(checked);
}
