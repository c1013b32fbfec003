/**
 * Validation of encoder specs read from files, CLI flags or API callers: every
 * field is checked for its type and range, unknown fields are refused (a typo
 * such as "poolng" would otherwise be ignored silently), and each error names
 * where the spec came from and the bad field.
 */
import { isAbsolute, resolve } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import type { EncoderSpec, HttpEncoderSpec, OnnxEncoderSpec, Pooling, TroveEncoderSpec } from "./encoder.js";

export const POOLINGS: readonly Pooling[] = ["mean", "cls", "last"];

type FieldType = "string" | "boolean" | "positive-integer" | "count" | "pooling" | "url";

const FIELDS: Record<EncoderSpec["type"], Record<string, FieldType>> = {
  onnx: {
    path: "string", modelFile: "string", pooling: "pooling", normalize: "boolean", maxLength: "positive-integer",
    queryPrefix: "string", documentPrefix: "string", batchSize: "positive-integer", threads: "positive-integer",
  },
  http: {
    url: "url", model: "string", apiKey: "string", dimensions: "positive-integer", normalize: "boolean",
    queryPrefix: "string", documentPrefix: "string", batchSize: "positive-integer", timeoutMs: "positive-integer",
    retries: "count", retryDelayMs: "count",
  },
  trove: { path: "string" },
};

const REQUIRED: Record<EncoderSpec["type"], string[]> = { onnx: ["path"], http: ["url", "model"], trove: ["path"] };

export interface ParseEncoderSpecOptions {
  /** Relative `path` fields are resolved against this folder (e.g. the folder of the spec file). */
  baseDir?: string;
}

/**
 * Checks that `json` is a valid EncoderSpec and returns a copy of it. `where` names the source in
 * errors ("encoder.json", "--model", "pipeline.json: retrievers[1].encoder").
 */
export function parseEncoderSpec(json: unknown, where: string, options: ParseEncoderSpecOptions = {}): EncoderSpec {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new InvalidArgumentError(`${where}: an encoder spec must be a JSON object with a "type" field (onnx, http or trove)`);
  }
  const input = json as Record<string, unknown>;
  const type = input.type;
  if (type !== "onnx" && type !== "http" && type !== "trove") {
    throw new InvalidArgumentError(`${where}: field "type" must be "onnx", "http" or "trove", got ${describe(type)}`);
  }
  const fields = FIELDS[type];
  const out: Record<string, unknown> = { type };
  for (const [key, value] of Object.entries(input)) {
    if (key === "type" || value === undefined) continue;
    const fieldType = fields[key];
    if (fieldType === undefined) {
      throw new InvalidArgumentError(`${where}: unknown field "${key}" for an encoder of type "${type}" (known: ${Object.keys(fields).join(", ")})`);
    }
    out[key] = checkField(where, key, fieldType, value);
  }
  for (const key of REQUIRED[type]) {
    if (out[key] === undefined) throw new InvalidArgumentError(`${where}: an encoder of type "${type}" needs the field "${key}"`);
  }
  if (typeof out.path === "string" && options.baseDir !== undefined && !isAbsolute(out.path)) {
    out.path = resolve(options.baseDir, out.path);
  }
  if (type === "onnx" && out.maxLength !== undefined && (out.maxLength as number) < 2) {
    throw new InvalidArgumentError(`${where}: field "maxLength" must be at least 2 (room for the special tokens), got ${out.maxLength}`);
  }
  if (type === "http") out.url = (out.url as string).replace(/\/+$/, "");
  return out as unknown as OnnxEncoderSpec | HttpEncoderSpec | TroveEncoderSpec;
}

function checkField(where: string, key: string, type: FieldType, value: unknown): unknown {
  const bad = (expected: string) => new InvalidArgumentError(`${where}: field "${key}" must be ${expected}, got ${describe(value)}`);
  switch (type) {
    case "string":
      if (typeof value !== "string") throw bad("a string");
      if ((key === "path" || key === "model" || key === "modelFile") && value.trim() === "") throw bad("a non-empty string");
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw bad("true or false");
      return value;
    case "positive-integer":
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw bad("a positive integer");
      return value;
    case "count":
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw bad("a non-negative integer");
      return value;
    case "pooling":
      if (typeof value !== "string" || !(POOLINGS as readonly string[]).includes(value)) throw bad(`one of ${POOLINGS.join(", ")}`);
      return value;
    case "url": {
      if (typeof value !== "string") throw bad("an http(s) URL");
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw bad("an http(s) URL");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") throw bad("an http(s) URL");
      return value;
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
