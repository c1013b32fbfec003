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
  /** Default: from the folder's modules.json / 1_Pooling/config.json, else "mean". */
  pooling?: Pooling;
  /** L2-normalize outputs (default: true when the folder's modules list a Normalize module, else true). */
  normalize?: boolean;
  /** Tokens per text, special tokens included (default: the tokenizer's, capped by the model's). */
  maxLength?: number;
  /** Prepended to queries, e.g. "query: " (E5) or an instruction (BGE). */
  queryPrefix?: string;
  /** Prepended to documents, e.g. "passage: ". */
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
  /** Expected output size; checked against the first answer when given. */
  dimensions?: number;
  normalize?: boolean;
  queryPrefix?: string;
  documentPrefix?: string;
  batchSize?: number;
  timeoutMs?: number;
  retries?: number;
}

/** A model trained by `trove encoder train` (a folder it wrote). */
export interface TroveEncoderSpec {
  type: "trove";
  path: string;
}

export type EncoderSpec = OnnxEncoderSpec | HttpEncoderSpec | TroveEncoderSpec;
