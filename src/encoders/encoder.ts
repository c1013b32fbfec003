/**
 * An encoder turns text into dense vectors: one small interface, several
 * implementations (a local ONNX model folder, an OpenAI-compatible embeddings
 * endpoint, the encoder Trove trains itself). Retrievers in src/pipeline and
 * the vector fields of collections only see this interface. Which encoder to
 * use is data (`EncoderSpec`), so pipelines and index manifests can name one.
 */

/** Many models embed queries and documents differently (prefixes, instructions, separate towers). */
export type EncodeKind = "query" | "document";

export interface EncodeOptions {
  /** Default "document". */
  kind?: EncodeKind;
  /** Aborting stops at the next batch boundary with an InterruptedError. */
  signal?: AbortSignal;
  /** Called after each batch with the number of texts encoded so far. */
  onProgress?: (done: number) => void;
}

export interface Encoder {
  /** A short, stable description (kind, model, pooling), recorded beside vectors it produced. */
  readonly id: string;
  readonly dimensions: number;
  /** True when every output vector has unit length (then cosine equals dot). */
  readonly normalized: boolean;
  /** One vector per text, in order. */
  encode(texts: readonly string[], options?: EncodeOptions): Promise<Float32Array[]>;
  /** Releases sessions, sockets and memory. */
  close(): Promise<void>;
}

export type Pooling = "mean" | "cls" | "last";

/** A local model folder in the sentence-transformers / Hugging Face layout, run with ONNX Runtime. */
export interface OnnxEncoderSpec {
  type: "onnx";
  /** Folder with tokenizer.json, config.json and onnx/model.onnx (or model.onnx). */
  path: string;
  /** The ONNX file inside the folder, e.g. "onnx/model_quint8_avx2.onnx" (default onnx/model.onnx, else model.onnx). */
  modelFile?: string;
  /** Default: from the folder's modules.json / 1_Pooling/config.json, else "mean". */
  pooling?: Pooling;
  /**
   * L2-normalize outputs. Default: what the folder's modules.json says (a Normalize module or not), so that
   * vectors equal sentence-transformers'; true when the folder has no modules.json.
   */
  normalize?: boolean;
  /** Tokens per text, special tokens included (default: the tokenizer's, capped by the model's). */
  maxLength?: number;
  /**
   * Prepended to queries, e.g. "query: " (E5) or an instruction (BGE). Default: the "query" prompt of the
   * folder's config_sentence_transformers.json, else none.
   */
  queryPrefix?: string;
  /** Prepended to documents, e.g. "passage: ". Default: the folder's "document" (or "passage") prompt, else none. */
  documentPrefix?: string;
  /** Texts per inference call (default 32). */
  batchSize?: number;
  /** ONNX Runtime intra-op threads (default: 1). */
  threads?: number;
}

/** An OpenAI-compatible `POST {url}/embeddings` endpoint (Ollama, vLLM, TEI, OpenAI). */
export interface HttpEncoderSpec {
  type: "http";
  /** Base URL, e.g. http://localhost:11434/v1 */
  url: string;
  model: string;
  /** Sent as a bearer token; may also come from TROVE_EMBEDDINGS_API_KEY. */
  apiKey?: string;
  /** Expected output size; every answer is checked against it (default: the first answer's size). */
  dimensions?: number;
  /** L2-normalize the endpoint's vectors (default true). */
  normalize?: boolean;
  queryPrefix?: string;
  documentPrefix?: string;
  /** Texts per request (default 32, TEI's default limit). */
  batchSize?: number;
  /** Per request (default 60000). */
  timeoutMs?: number;
  /** Retries after 429, 5xx, timeouts and network errors (default 4). */
  retries?: number;
  /** First retry delay; doubles each retry, Retry-After takes precedence (default 500). */
  retryDelayMs?: number;
}

/** A model trained by `trove encoder train` (a folder it wrote). */
export interface TroveEncoderSpec {
  type: "trove";
  path: string;
}

export type EncoderSpec = OnnxEncoderSpec | HttpEncoderSpec | TroveEncoderSpec;
