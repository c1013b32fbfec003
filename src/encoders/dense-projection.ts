/**
 * A sentence-transformers / PyLate Dense module applied to token vectors: a
 * linear projection (weight [out, in], optional bias, identity activation)
 * read from the module's folder (config.json with in_features, out_features,
 * bias, activation_function; weights in model.safetensors as linear.weight
 * and linear.bias). ColBERT-style models project each token's state to 128
 * dimensions this way. Errors name the folder and the file.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InvalidFileError, NotFoundError } from "../core/errors.js";
import { readSafetensors } from "./safetensors.js";

export class DenseProjection {
  private constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    private readonly weight: Float32Array,
    private readonly bias: Float32Array | null,
  ) {}

  static read(folder: string): DenseProjection {
    const configFile = join(folder, "config.json");
    if (!existsSync(configFile)) throw new NotFoundError(`${configFile} is missing (the Dense module's settings)`);
    let config: Record<string, unknown>;
    try {
      config = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidFileError(configFile, `invalid JSON: ${(error as Error).message}`);
    }
    const inFeatures = config.in_features;
    const outFeatures = config.out_features;
    if (!Number.isInteger(inFeatures) || !Number.isInteger(outFeatures)) throw new InvalidFileError(configFile, "in_features and out_features must be integers");
    const activation = config.activation_function;
    if (activation !== undefined && activation !== null && !/Identity$/.test(String(activation))) {
      throw new InvalidFileError(configFile, `activation_function ${String(activation)} is not implemented (Trove applies the linear projection only)`);
    }
    const weightsFile = join(folder, "model.safetensors");
    if (!existsSync(weightsFile)) {
      const hint = existsSync(join(folder, "pytorch_model.bin")) ? " (pytorch_model.bin is not read: convert it to safetensors)" : "";
      throw new NotFoundError(`${weightsFile} is missing${hint}`);
    }
    const tensors = readSafetensors(weightsFile);
    const weight = tensors.get("linear.weight");
    if (!weight || weight.shape.length !== 2 || weight.shape[0] !== outFeatures || weight.shape[1] !== inFeatures) {
      throw new InvalidFileError(weightsFile, `expected a tensor linear.weight of shape [${outFeatures}, ${inFeatures}]`);
    }
    const bias = tensors.get("linear.bias") ?? null;
    if (config.bias === true && !bias) throw new InvalidFileError(weightsFile, "config.json asks for a bias but linear.bias is missing");
    if (bias && bias.data.length !== outFeatures) throw new InvalidFileError(weightsFile, `linear.bias has ${bias.data.length} values, expected ${outFeatures}`);
    return new DenseProjection(inFeatures as number, outFeatures as number, weight.data, bias?.data ?? null);
  }

  /** Projects `input` (inFeatures floats starting at `offset`) into `out` at `outOffset`. */
  apply(input: Float32Array, offset: number, out: Float32Array, outOffset: number): void {
    const { inFeatures, outFeatures, weight, bias } = this;
    for (let o = 0; o < outFeatures; o++) {
      let s = bias ? bias[o] : 0;
      const row = o * inFeatures;
      for (let i = 0; i < inFeatures; i++) s += weight[row + i] * input[offset + i];
      out[outOffset + o] = s;
    }
  }
}
