/**
 * Inference-free sparse encoding: a text's distinct tokens (the model
 * folder's tokenizer, special tokens left out), each weighted by a table
 * (token -> weight, e.g. the idf.json of OpenSearch's doc-only sparse
 * models, whose documents are encoded by a model and whose queries by this
 * table). Tokens absent from the table, or weighted 0 or less, are left out.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InvalidFileError, NotFoundError, TroveError } from "../core/errors.js";
import type { EncodeOptions } from "../encoders/encoder.js";
import { TextTokenizer } from "../encoders/text-tokenizer.js";
import type { SparseEncoder, SparseEncoderSpec, SparseVector } from "./sparse-encoder.js";

type TermWeightsSpec = Extract<SparseEncoderSpec, { type: "term-weights" }>;

export async function openTermWeightsEncoder(spec: TermWeightsSpec): Promise<TermWeightsEncoder> {
  const tokenizerFile = join(spec.path, "tokenizer.json");
  const weightsFile = join(spec.path, spec.weightsFile ?? "idf.json");
  let table: unknown;
  try {
    table = JSON.parse(readFileSync(weightsFile, "utf8"));
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") throw new NotFoundError(`${weightsFile} is missing (a JSON object token -> weight; name another file with weightsFile)`);
    throw new InvalidFileError(weightsFile, `invalid JSON: ${(error as Error).message}`);
  }
  if (table === null || typeof table !== "object" || Array.isArray(table)) throw new InvalidFileError(weightsFile, "expected a JSON object token -> weight");
  const weights = new Map<string, number>();
  for (const [token, weight] of Object.entries(table as Record<string, unknown>)) {
    if (typeof weight !== "number" || !Number.isFinite(weight)) throw new InvalidFileError(weightsFile, `the weight of ${JSON.stringify(token)} is not a finite number`);
    if (weight > 0) weights.set(token, weight);
  }
  if (!existsSync(tokenizerFile)) throw new NotFoundError(`${tokenizerFile} is missing (a Hugging Face tokenizer file is needed; Trove does not download it)`);
  return new TermWeightsEncoder(spec, TextTokenizer.open(tokenizerFile, spec.maxLength ?? 512), weights);
}

export class TermWeightsEncoder implements SparseEncoder {
  readonly id: string;
  private closed = false;

  constructor(
    spec: TermWeightsSpec,
    private readonly tokenizer: TextTokenizer,
    private readonly weights: ReadonlyMap<string, number>,
  ) {
    this.id = `term-weights:${basename(spec.path)}/${spec.weightsFile ?? "idf.json"}`;
  }

  async encode(texts: readonly string[], _options: EncodeOptions = {}): Promise<SparseVector[]> {
    if (this.closed) throw new TroveError("UNAVAILABLE", `${this.id}: the encoder is closed`);
    const ids = await this.tokenizer.encode(texts, { addSpecialTokens: false });
    return ids.map((row) => {
      const out: Array<[string, number]> = [];
      const seen = new Set<number>();
      for (const id of row) {
        if (seen.has(id)) continue;
        seen.add(id);
        const token = this.tokenizer.tokenOf(id);
        const weight = token === undefined ? undefined : this.weights.get(token);
        if (token !== undefined && weight !== undefined) out.push([token, weight]);
      }
      return Object.fromEntries(out);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
