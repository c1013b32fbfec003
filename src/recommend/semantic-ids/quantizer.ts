/**
 * A semantic-ID quantizer turns item embeddings into L codes of K values
 * each, coarse to fine. Three kinds:
 *
 * - `rq-kmeans` (rq-kmeans.ts): residual k-means; level l clusters what the
 *   levels before it left unexplained (GRID's and OneRec's tokenizer);
 * - `rq-vae` (rq-vae.ts): TIGER's residual-quantized variational autoencoder,
 *   an MLP encoder, L code books on its latent and an MLP decoder;
 * - `random` (random-codes.ts): codes drawn at random (TIGER's ablation: IDs of
 *   the same shape without meaning).
 *
 * Quantizers are fitted once; `encode` then gives codes to any embedding, so
 * new items get codes without refitting.
 */
import type { ModelArray } from "../model-io.js";

export type QuantizerKind = "rq-kmeans" | "rq-vae" | "random";

export const QUANTIZER_KINDS: readonly QuantizerKind[] = ["rq-kmeans", "rq-vae", "random"];

export interface QuantizerProgress {
  phase: string;
  done: number;
  total: number;
}

export interface Quantizer {
  readonly kind: QuantizerKind;
  readonly levels: number;
  readonly codebookSize: number;
  /** Fits on n row-major embeddings of d dimensions. */
  fit(x: Float32Array, n: number, d: number, onProgress?: (p: QuantizerProgress) => void): Promise<void>;
  /** Codes (n × levels, row-major) of n embeddings. */
  encode(x: Float32Array, n: number): Int32Array;
  /** Reconstructed embeddings (n × d) from codes, or null for a quantizer without a decoder. */
  reconstruct(codes: Int32Array, n: number): Float32Array | null;
  exportState(): { state: Record<string, unknown>; arrays: Record<string, ModelArray> };
}
