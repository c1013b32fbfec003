/**
 * An encoder named by one string, as CLI flags and settings give it: an
 * encoder spec JSON file, a folder written by `trove encoder train`, or a
 * local model folder (sentence-transformers / Hugging Face layout, run with
 * ONNX Runtime). Endpoints need more than a string: use a spec file.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { InvalidArgumentError, InvalidFileError } from "../core/errors.js";
import type { EncoderSpec } from "./encoder.js";
import { parseEncoderSpec } from "./encoder-spec.js";
import { MODEL_FORMAT } from "./trained/model-folder.js";

export function encoderSpecFromLocation(location: string, where = "--encoder"): EncoderSpec {
  if (!existsSync(location)) throw new InvalidArgumentError(`${where} ${location}: no such file or folder (give an encoder spec .json, a folder from trove encoder train, or a model folder)`);
  if (statSync(location).isFile()) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(location, "utf8"));
    } catch (error) {
      throw new InvalidFileError(location, `is not valid JSON: ${(error as Error).message}`);
    }
    return parseEncoderSpec(json, location, { baseDir: dirname(location) });
  }
  const config = join(location, "config.json");
  if (existsSync(config)) {
    try {
      if ((JSON.parse(readFileSync(config, "utf8")) as { format?: unknown }).format === MODEL_FORMAT) return { type: "trove", path: resolve(location) };
    } catch {
      // not ours: a model folder's config.json is read by the ONNX encoder, which reports damage
    }
  }
  return parseEncoderSpec({ type: "onnx", path: resolve(location) }, where);
}
