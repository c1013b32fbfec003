/**
 * Late interaction as ColBERT does it (Khattab & Zaharia 2020; ColBERTv2),
 * from a local ONNX model folder: every token of a text gets its own vector
 * (the transformer's token state, projected by the folder's Dense module when
 * it has one, then L2-normalized), and a document's score for a query is
 * MaxSim: the sum over query tokens of the best dot product with any
 * document token.
 *
 * Tokenization follows ColBERT's: a marker token right after [CLS]
 * ([unused0] for queries, [unused1] for documents, or what the folder's
 * colbert_config.json / PyLate config says); queries are padded to their
 * full length with [MASK] tokens ("query augmentation"), which attention does
 * not see unless `attendToMaskTokens` but whose vectors take part in MaxSim;
 * documents drop their padding and punctuation tokens ("mask punctuation").
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { InvalidArgumentError, InvalidFileError, TroveError } from "../core/errors.js";
import { parseWith } from "../core/parse-with.js";
import type { EncodeOptions } from "../encoders/encoder.js";
import { DenseProjection } from "../encoders/dense-projection.js";
import { forEachTokenBatch, normalizeInPlace } from "../encoders/encode-batches.js";
import { maxLengthFor, readModelFolder, type ModelFolder } from "../encoders/model-folder.js";
import { TextTokenizer } from "../encoders/text-tokenizer.js";
import { TokenModel, type TokenRow } from "../encoders/token-model.js";

export const lateInteractionSpecSchema = z.strictObject({
  /** Folder with tokenizer.json, onnx/model.onnx (or model.onnx) and, optionally, a Dense module and colbert_config.json. */
  path: z.string().min(1),
  modelFile: z.string().min(1).optional(),
  /** Query tokens, markers and [MASK] padding included (default: the folder's query_maxlen, else 32). */
  queryMaxLength: z.number().int().min(3).max(100_000).optional(),
  /** Document tokens at most (default: the folder's doc_maxlen, else 180; capped by the model's positions). */
  documentMaxLength: z.number().int().min(3).max(100_000).optional(),
  queryMarker: z.string().min(1).optional(),
  documentMarker: z.string().min(1).optional(),
  /** Let attention see the [MASK] padding of queries (default: the folder's setting, else false as ColBERTv2). */
  attendToMaskTokens: z.boolean().optional(),
  /** Leave punctuation tokens out of documents (default true). */
  maskPunctuation: z.boolean().optional(),
  /** Texts per inference call (default 32). */
  batchSize: z.number().int().min(1).max(1024).optional(),
  threads: z.number().int().min(1).max(256).optional(),
});
export type LateInteractionSpec = z.infer<typeof lateInteractionSpecSchema>;

/** One text's token vectors: `count` rows of `dimensions` floats, each of unit length. */
export interface TokenVectors {
  count: number;
  dimensions: number;
  data: Float32Array;
}

const PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
const DEFAULT_BATCH_SIZE = 32;

interface Settings {
  queryMaxLength: number;
  documentMaxLength: number;
  queryMarker: number;
  documentMarker: number;
  maskId: number;
  attendToMaskTokens: boolean;
  maskPunctuation: boolean;
}

export async function openLateInteractionModel(spec: LateInteractionSpec): Promise<LateInteractionModel> {
  const checked = parseWith(lateInteractionSpecSchema, spec, "late-interaction spec");
  const folder = readModelFolder(checked.path, checked.modelFile);
  const defaults = folderDefaults(folder.path);
  const queryMaxLength = maxLengthFor(folder, checked.queryMaxLength ?? defaults.queryMaxLength ?? 32);
  const documentMaxLength = maxLengthFor(folder, checked.documentMaxLength ?? Math.min(defaults.documentMaxLength ?? 180, folder.maxPositions ?? Infinity));
  // the marker takes one position, so the tokenizers cut one token earlier
  const queryTokenizer = TextTokenizer.open(folder.tokenizerFile, queryMaxLength - 1, folder.padToken);
  const documentTokenizer = TextTokenizer.open(folder.tokenizerFile, documentMaxLength - 1, folder.padToken);
  const tokenId = (token: string, what: string) => {
    const id = queryTokenizer.tokenId(token);
    if (id === undefined) throw new InvalidArgumentError(`late-interaction model ${folder.path}: the ${what} "${token}" is not in tokenizer.json`);
    return id;
  };
  const settings: Settings = {
    queryMaxLength,
    documentMaxLength,
    queryMarker: tokenId(checked.queryMarker ?? defaults.queryMarker ?? "[unused0]", "query marker"),
    documentMarker: tokenId(checked.documentMarker ?? defaults.documentMarker ?? "[unused1]", "document marker"),
    maskId: tokenId("[MASK]", "mask token"),
    attendToMaskTokens: checked.attendToMaskTokens ?? defaults.attendToMaskTokens ?? false,
    maskPunctuation: checked.maskPunctuation ?? defaults.maskPunctuation ?? true,
  };
  const skip = new Set<number>();
  if (settings.maskPunctuation) {
    const first = await documentTokenizer.encode([...PUNCTUATION], { addSpecialTokens: false });
    [...PUNCTUATION].forEach((symbol, i) => {
      const id = documentTokenizer.tokenId(symbol);
      if (id !== undefined) skip.add(id);
      if (first[i].length > 0) skip.add(first[i][0]);
    });
  }
  const projection = denseModule(folder);
  const model = await TokenModel.open(folder.modelFile, checked.threads ?? 1, "export the encoder's token states, e.g. optimum's feature-extraction task");
  const opened = new LateInteractionModel(checked, model, queryTokenizer, documentTokenizer, settings, skip, projection);
  try {
    await opened.checkModel();
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}

export class LateInteractionModel {
  readonly id: string;
  dimensions = 0;
  private readonly output: string;
  private project = false;
  private closed = false;

  constructor(
    private readonly spec: LateInteractionSpec,
    private readonly model: TokenModel,
    private readonly queryTokenizer: TextTokenizer,
    private readonly documentTokenizer: TextTokenizer,
    readonly settings: Settings,
    private readonly skip: ReadonlySet<number>,
    private readonly projection: DenseProjection | null,
  ) {
    this.output = model.pickOutput(["last_hidden_state", "token_embeddings", "contextual"]);
    this.id = `late-interaction:${basename(spec.path)} query=${settings.queryMaxLength} document=${settings.documentMaxLength}`;
  }

  /** Learns the token vector size from one short text and checks it against the Dense module. */
  async checkModel(): Promise<void> {
    const [row] = await this.rows(["a"], "document");
    const output = await this.model.run([row], this.queryTokenizer.padId, this.output);
    if (output.dims.length !== 3) throw new InvalidFileError(this.model.file, `output "${this.output}" has shape [${output.dims.join(", ")}]; expected token states [batch, sequence, hidden]`);
    const hidden = Number(output.dims[2]);
    if (this.projection && hidden === this.projection.inFeatures) {
      this.project = true;
      this.dimensions = this.projection.outFeatures;
    } else if (!this.projection || hidden === this.projection.outFeatures) {
      this.dimensions = hidden;
    } else {
      throw new InvalidFileError(this.model.file, `outputs ${hidden} dimensions per token; the Dense module maps ${this.projection.inFeatures} to ${this.projection.outFeatures}`);
    }
  }

  /** Token rows as the model sees them: marker after [CLS]; queries padded with [MASK] to their full length. */
  async rows(texts: readonly string[], kind: "query" | "document"): Promise<TokenRow[]> {
    const s = this.settings;
    const tokenizer = kind === "query" ? this.queryTokenizer : this.documentTokenizer;
    const encoded = await tokenizer.encode(texts);
    return encoded.map((plain) => {
      const length = kind === "query" ? s.queryMaxLength : plain.length + 1;
      const ids = new Int32Array(length).fill(s.maskId);
      ids[0] = plain[0];
      ids[1] = kind === "query" ? s.queryMarker : s.documentMarker;
      ids.set(plain.subarray(1), 2);
      const mask = new Uint8Array(length).fill(1);
      if (kind === "query" && !s.attendToMaskTokens) mask.fill(0, plain.length + 1);
      return { ids, mask };
    });
  }

  async encodeQueries(texts: readonly string[], options: EncodeOptions = {}): Promise<TokenVectors[]> {
    return this.encode(texts, "query", options);
  }

  async encodeDocuments(texts: readonly string[], options: EncodeOptions = {}): Promise<TokenVectors[]> {
    return this.encode(texts, "document", options);
  }

  private async encode(texts: readonly string[], kind: "query" | "document", options: EncodeOptions): Promise<TokenVectors[]> {
    if (this.closed) throw new TroveError("UNAVAILABLE", `${this.id}: the model is closed`);
    const out = new Array<TokenVectors>(texts.length);
    const dims = this.dimensions;
    await forEachTokenBatch(texts.length, this.spec.batchSize ?? DEFAULT_BATCH_SIZE, options, (start, end) => this.rows(texts.slice(start, end), kind), async (batch) => {
      const output = await this.model.run(batch.map(({ row }) => row), this.queryTokenizer.padId, this.output);
      const states = output.data as Float32Array;
      const sequence = Number(output.dims[1]);
      const hidden = Number(output.dims[2]);
      batch.forEach(({ index, row }, r) => {
        const kept: number[] = [];
        for (let t = 0; t < row.ids.length; t++) if (kind === "query" || !this.skip.has(row.ids[t])) kept.push(t);
        const data = new Float32Array(kept.length * dims);
        kept.forEach((t, i) => {
          const at = (r * sequence + t) * hidden;
          if (this.project) this.projection!.apply(states, at, data, i * dims);
          else data.set(states.subarray(at, at + dims), i * dims);
          normalizeInPlace(data.subarray(i * dims, (i + 1) * dims));
        });
        out[index] = { count: kept.length, dimensions: dims, data };
      });
    });
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.model.release();
  }
}

/** MaxSim: for each query token the best dot product with a document token, summed (0 for an empty document). */
export function maxSim(query: TokenVectors, document: TokenVectors): number {
  if (query.dimensions !== document.dimensions) throw new InvalidArgumentError(`token vectors of ${query.dimensions} and ${document.dimensions} dimensions cannot be compared`);
  const dims = query.dimensions;
  const q = query.data;
  const d = document.data;
  let total = 0;
  for (let i = 0; i < query.count; i++) {
    let best = -Infinity;
    for (let j = 0; j < document.count; j++) {
      let dot = 0;
      for (let x = 0; x < dims; x++) dot += q[i * dims + x] * d[j * dims + x];
      if (dot > best) best = dot;
    }
    if (document.count > 0) total += best;
  }
  return total;
}

/** The folder's Dense module (modules.json names it), or null. */
function denseModule(folder: ModelFolder): DenseProjection | null {
  const modulesFile = join(folder.path, "modules.json");
  if (!existsSync(modulesFile)) return existsSync(join(folder.path, "1_Dense", "config.json")) ? DenseProjection.read(join(folder.path, "1_Dense")) : null;
  const modules = JSON.parse(readFileSync(modulesFile, "utf8")) as Array<{ type?: string; path?: string }>;
  const dense = modules.find((m) => typeof m.type === "string" && m.type.endsWith(".Dense"));
  if (!dense) return null;
  if (typeof dense.path !== "string") throw new InvalidFileError(modulesFile, "the Dense module has no \"path\"");
  return DenseProjection.read(join(folder.path, dense.path));
}

/** Settings from colbert_config.json (colbert-ai) or config_sentence_transformers.json (PyLate). */
function folderDefaults(path: string): {
  queryMaxLength?: number;
  documentMaxLength?: number;
  queryMarker?: string;
  documentMarker?: string;
  attendToMaskTokens?: boolean;
  maskPunctuation?: boolean;
} {
  const read = (name: string): Record<string, unknown> => {
    const file = join(path, name);
    if (!existsSync(file)) return {};
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidFileError(file, `invalid JSON: ${(error as Error).message}`);
    }
  };
  const colbert = read("colbert_config.json");
  const pylate = read("config_sentence_transformers.json");
  const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v > 2 ? v : undefined);
  const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
  const bool = (v: unknown) => (typeof v === "boolean" ? v : undefined);
  return {
    queryMaxLength: num(colbert.query_maxlen) ?? num(pylate.query_length),
    documentMaxLength: num(colbert.doc_maxlen) ?? num(pylate.document_length),
    queryMarker: str(colbert.query_token_id) ?? str(pylate.query_prefix),
    documentMarker: str(colbert.doc_token_id) ?? str(pylate.document_prefix),
    attendToMaskTokens: bool(colbert.attend_to_mask_tokens) ?? bool(pylate.attend_to_expansion_tokens),
    maskPunctuation: bool(colbert.mask_punctuation),
  };
}
