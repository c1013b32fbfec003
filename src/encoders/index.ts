/**
 * Encoders: text to dense vectors (a local ONNX model folder, an OpenAI-compatible endpoint, Trove's own).
 * Implementations load lazily through openEncoder, so importing Trove does not load native libraries.
 */
export type { Encoder, EncoderSpec, EncodeKind, EncodeOptions, HttpEncoderSpec, OnnxEncoderSpec, Pooling, TroveEncoderSpec } from "./encoder.js";
export { openEncoder } from "./open-encoder.js";
export { parseEncoderSpec, POOLINGS } from "./encoder-spec.js";
export type { ParseEncoderSpecOptions } from "./encoder-spec.js";
export type { OnnxEncoder, OnnxEncoderSettings } from "./onnx-encoder.js";
export type { HttpEncoder } from "./http-encoder.js";
