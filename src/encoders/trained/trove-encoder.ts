/**
 * The `Encoder` over a model folder written by `trove encoder train` (or
 * `ensureTrainedEncoder`): `openEncoder({ type: "trove", path })` lands here.
 * Queries and documents share one tower, so `kind` changes nothing; vectors
 * are unit length (cosine = dot).
 */
import type { EncodeOptions, Encoder, TroveEncoderSpec } from "../encoder.js";
import { InterruptedError, InvalidArgumentError } from "../../core/errors.js";
import { readModelFolder, type ModelConfig } from "./model-folder.js";
import type { TrainedModel } from "./trained-model.js";

const CHUNK = 1024;

export class TroveEncoder implements Encoder {
  readonly id: string;
  readonly dimensions: number;
  readonly normalized = true;
  private model: TrainedModel | null;

  constructor(
    model: TrainedModel,
    readonly config: ModelConfig,
  ) {
    this.model = model;
    this.dimensions = model.dimensions;
    this.id = `trove:${config.architecture.replace(/\s+/g, "-")}:${config.dimensions}d:${config.training.data.fingerprint.slice(0, 12)}:${config.training.configFingerprint.slice(0, 8)}`;
  }

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    if (!this.model) throw new InvalidArgumentError(`encoder ${this.id} is closed`);
    if (options.signal?.aborted) throw new InterruptedError("encoding interrupted");
    // batches of CHUNK texts, with a turn of the event loop between them (Ctrl-C, timers, requests)
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += CHUNK) {
      if (start > 0) await new Promise((done) => setImmediate(done));
      const done = start;
      const part = this.model.encode(texts.slice(start, start + CHUNK), { signal: options.signal, onProgress: options.onProgress && ((n) => options.onProgress!(done + n)) });
      for (const v of part) out.push(v);
    }
    return out;
  }

  async close(): Promise<void> {
    this.model = null;
  }
}

export async function openTroveEncoder(spec: TroveEncoderSpec): Promise<Encoder> {
  if (typeof spec?.path !== "string" || spec.path === "") throw new InvalidArgumentError(`a trove encoder needs "path", the folder written by trove encoder train`);
  const { config, model } = readModelFolder(spec.path);
  return new TroveEncoder(model, config);
}
