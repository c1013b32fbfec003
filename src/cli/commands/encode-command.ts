/**
 * `trove encode`: texts to vectors with a local model folder, an embeddings
 * endpoint or an encoder spec file, so that embeddings can be made for other
 * tools and checked against any reference.
 *
 *   input   JSONL lines {"id", "text"} (--input, else standard input)
 *   output  JSONL lines {"id", "vector"} (+ "input_ids" with --tokens)
 *           (--output, written atomically, else standard output)
 */
import type { Command } from "commander";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { AtomicFileWriter } from "../../core/atomic-file.js";
import { InvalidArgumentError, InvalidFileError, NotFoundError } from "../../core/errors.js";
import { InterruptSignal } from "../../core/interrupt.js";
import { Progress } from "../../core/progress.js";
import type { EncodeKind, EncoderSpec } from "../../encoders/encoder.js";
import { parseEncoderSpec } from "../../encoders/encoder-spec.js";
import type { OnnxEncoder } from "../../encoders/onnx-encoder.js";
import { openEncoder } from "../../encoders/open-encoder.js";
import { MODEL_FORMAT } from "../../encoders/trained/model-folder.js";
import { readJsonLines, readStreamJsonLines } from "../../io/lines.js";
import { parseNumberOption } from "../output.js";

interface EncodeFlags {
  model: string;
  pooling?: string;
  kind: string;
  input?: string;
  output?: string;
  tokens?: boolean;
  maxLength?: string;
  batchSize?: string;
  threads?: string;
  modelFile?: string;
  queryPrefix?: string;
  documentPrefix?: string;
  normalize?: boolean;
  endpointModel?: string;
  dimensions?: string;
  timeout?: string;
  retries?: string;
}

/** Records encoded per step: a few batches, so progress and Ctrl-C stay responsive. */
const CHUNK = 256;

/** Flags that only a model folder understands, and those only an endpoint does. */
const FOLDER_FLAGS: Array<[keyof EncodeFlags, string]> = [["pooling", "--pooling"], ["maxLength", "--max-length"], ["threads", "--threads"], ["modelFile", "--model-file"]];
const ENDPOINT_FLAGS: Array<[keyof EncodeFlags, string]> = [["endpointModel", "--endpoint-model"], ["dimensions", "--dimensions"], ["timeout", "--timeout"], ["retries", "--retries"]];

export function registerEncodeCommand(program: Command): void {
  program
    .command("encode")
    .description("encode JSONL texts ({\"id\", \"text\"}) into vectors ({\"id\", \"vector\"}) with a local model folder or an embeddings endpoint")
    .requiredOption("--model <folder|url|spec.json>", "a model folder (sentence-transformers / Hugging Face layout with onnx/model.onnx, or one `trove encoder train` wrote), an OpenAI-compatible endpoint URL (with --endpoint-model), or an encoder spec JSON file")
    .option("--pooling <mode>", "mean, cls or last (default: the folder's 1_Pooling/config.json, else mean)")
    .option("--kind <kind>", "query or document: which prefix applies", "document")
    .option("--input <file>", "JSONL input, .gz accepted (default: standard input)")
    .option("--output <file>", "JSONL output, written atomically (default: standard output)")
    .option("--tokens", "also write the token ids (\"input_ids\", special tokens included); model folders only")
    .option("--max-length <n>", "tokens per text, special tokens included (default: the folder's limit)")
    .option("--batch-size <n>", "texts per inference call or request (default 32)")
    .option("--threads <n>", "ONNX Runtime intra-op threads (default 1)")
    .option("--model-file <path>", "the ONNX file inside the folder (default onnx/model.onnx, else model.onnx)")
    .option("--query-prefix <text>", 'prepended to queries, e.g. "query: " (default: the folder\'s prompts)')
    .option("--document-prefix <text>", 'prepended to documents, e.g. "passage: "')
    .option("--normalize", "L2-normalize the vectors (default: as the folder's modules.json says; endpoints: yes)")
    .option("--no-normalize", "write the vectors as the model outputs them")
    .option("--endpoint-model <name>", "with an endpoint URL: the model name sent to it")
    .option("--dimensions <n>", "with an endpoint URL: the expected vector size")
    .option("--timeout <ms>", "with an endpoint URL: per-request timeout (default 60000)")
    .option("--retries <n>", "with an endpoint URL: retries after 429/5xx/network errors (default 4)")
    .action(async (flags: EncodeFlags) => {
      await runEncode(flags);
    });
}

async function runEncode(flags: EncodeFlags): Promise<void> {
  const kind = parseKind(flags.kind);
  const spec = specFromFlags(flags);
  if (flags.tokens && spec.type !== "onnx") throw new InvalidArgumentError("--tokens needs a local model folder (an endpoint does not say its token ids)");
  if (flags.input !== undefined && !existsSync(flags.input)) throw new NotFoundError(`file not found: ${flags.input}`);
  if (flags.output !== undefined && !existsSync(dirname(resolve(flags.output)))) throw new NotFoundError(`--output: folder ${dirname(resolve(flags.output))} does not exist`);
  const inputName = flags.input ?? "<stdin>";
  const records = flags.input !== undefined ? readJsonLines(flags.input) : readStreamJsonLines(process.stdin, inputName);
  const encoder = await openEncoder(spec);
  const writer = flags.output !== undefined ? new AtomicFileWriter(flags.output) : undefined;
  const interrupt = new InterruptSignal();
  const progress = new Progress("encode");
  let done = 0;
  try {
    const write = async (text: string) => {
      if (writer) writer.write(text);
      else if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once("drain", resolve));
    };
    let chunk: Array<{ id: string | number; text: string }> = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      interrupt.check("encoding");
      const texts = chunk.map((r) => r.text);
      const vectors = await encoder.encode(texts, { kind });
      const tokens = flags.tokens ? await (encoder as OnnxEncoder).tokenize(texts, kind) : undefined;
      await write(chunk.map((r, i) => `${JSON.stringify({ id: r.id, vector: formatVector(vectors[i]), ...(tokens ? { input_ids: [...tokens[i]] } : {}) })}\n`).join(""));
      done += chunk.length;
      progress.update(done);
      chunk = [];
    };
    for await (const { record, lineNumber } of records) {
      chunk.push(textRecord(record, inputName, lineNumber));
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    writer?.commit();
    progress.done();
    process.stderr.write(`encode: ${done} texts, ${encoder.dimensions} dimensions, ${encoder.id}${flags.output ? ` -> ${flags.output}` : ""}\n`);
  } finally {
    writer?.abort();
    interrupt.dispose();
    await encoder.close();
  }
}

/** The spec that --model and the other flags describe. */
export function specFromFlags(flags: EncodeFlags): EncoderSpec {
  const model = flags.model;
  const isUrl = /^https?:\/\//i.test(model);
  const isSpecFile = !isUrl && model.endsWith(".json") && existsSync(model) && statSync(model).isFile();
  let base: Record<string, unknown>;
  if (isSpecFile) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(model, "utf8"));
    } catch (error) {
      throw new InvalidFileError(model, `invalid JSON: ${(error as Error).message}`);
    }
    base = { ...parseEncoderSpec(json, model, { baseDir: dirname(model) }) };
  } else if (isUrl) {
    if (flags.endpointModel === undefined) throw new InvalidArgumentError("--endpoint-model <name> is needed with an endpoint URL (the model name the endpoint serves)");
    base = { type: "http", url: model };
  } else {
    base = { type: isTrainedEncoderFolder(model) ? "trove" : "onnx", path: model };
  }
  const type = base.type as EncoderSpec["type"];
  const refuse = (list: Array<[keyof EncodeFlags, string]>, what: string) => {
    for (const [key, flag] of list) if (flags[key] !== undefined) throw new InvalidArgumentError(`${flag} does not apply to ${what}`);
  };
  if (type !== "onnx") refuse(FOLDER_FLAGS, type === "http" ? "an endpoint" : "a trained Trove encoder");
  if (type !== "http") refuse(ENDPOINT_FLAGS, type === "onnx" ? "a model folder" : "a trained Trove encoder");
  const overrides: Record<string, unknown> = type === "trove" ? {} : {
    normalize: flags.normalize,
    queryPrefix: flags.queryPrefix,
    documentPrefix: flags.documentPrefix,
    batchSize: parseNumberOption("batch-size", flags.batchSize, { integer: true, min: 1 }),
  };
  if (type === "onnx") {
    Object.assign(overrides, {
      pooling: flags.pooling,
      maxLength: parseNumberOption("max-length", flags.maxLength, { integer: true, min: 2 }),
      threads: parseNumberOption("threads", flags.threads, { integer: true, min: 1 }),
      modelFile: flags.modelFile,
    });
  } else if (type === "http") {
    Object.assign(overrides, {
      model: flags.endpointModel,
      dimensions: parseNumberOption("dimensions", flags.dimensions, { integer: true, min: 1 }),
      timeoutMs: parseNumberOption("timeout", flags.timeout, { integer: true, min: 1 }),
      retries: parseNumberOption("retries", flags.retries, { integer: true, min: 0 }),
    });
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) base[key] = value;
  return parseEncoderSpec(base, "--model and its flags");
}

/** A folder that `trove encoder train` wrote (its config.json names the format). */
function isTrainedEncoderFolder(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(path, "config.json"), "utf8")) as { format?: unknown }).format === MODEL_FORMAT;
  } catch {
    return false;
  }
}

function parseKind(value: string): EncodeKind {
  if (value !== "query" && value !== "document") throw new InvalidArgumentError(`--kind must be query or document, got "${value}"`);
  return value;
}

function textRecord(record: Record<string, unknown>, file: string, line: number): { id: string | number; text: string } {
  const { id, text } = record;
  if (typeof id !== "string" && !(typeof id === "number" && Number.isFinite(id))) {
    throw new InvalidFileError(file, `field "id" must be a string or a number, got ${JSON.stringify(id) ?? "nothing"}`, line);
  }
  if (typeof text !== "string") throw new InvalidFileError(file, `field "text" must be a string, got ${JSON.stringify(text) ?? "nothing"}`, line);
  return { id, text };
}

/** Nine significant digits: enough to give back the same float32. */
function formatVector(vector: Float32Array): number[] {
  return Array.from(vector, (x) => Number(x.toPrecision(9)));
}
