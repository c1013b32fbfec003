/**
 * The one way to get an Encoder from a spec: validates it, then opens the
 * implementation its `type` names. The implementations are imported lazily, so
 * that code which never encodes does not load ONNX Runtime's native library.
 */
import { UnavailableError } from "../core/errors.js";
import type { Encoder, EncoderSpec, TroveEncoderSpec } from "./encoder.js";
import { parseEncoderSpec } from "./encoder-spec.js";

/** Validates `spec` (the same checks as parseEncoderSpec) and opens the encoder it names. */
export async function openEncoder(spec: EncoderSpec): Promise<Encoder> {
  const checked = parseEncoderSpec(spec, "encoder spec");
  switch (checked.type) {
    case "onnx": {
      const { openOnnxEncoder } = await import("./onnx-encoder.js");
      return openOnnxEncoder(checked);
    }
    case "http": {
      const { openHttpEncoder } = await import("./http-encoder.js");
      return openHttpEncoder(checked);
    }
    case "trove":
      return (await loadTrainedEncoder())(checked);
  }
}

type OpenTroveEncoder = (spec: TroveEncoderSpec) => Promise<Encoder>;

/** The encoder `trove encoder train` writes (src/encoders/trained), which a trimmed build may leave out. */
async function loadTrainedEncoder(): Promise<OpenTroveEncoder> {
  try {
    return (await import("./trained/trove-encoder.js")).openTroveEncoder;
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND" && String((error as Error).message).includes("trove-encoder")) {
      throw new UnavailableError("the trained encoder (type \"trove\") is not part of this build");
    }
    throw error;
  }
}
