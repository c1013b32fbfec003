import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { parseEncoderSpec } from "./encoder-spec.js";
import { openEncoder } from "./open-encoder.js";
import type { EncoderSpec } from "./encoder.js";

test("valid specs come back checked, relative paths resolved against the base folder, URL without trailing slash", () => {
  assert.deepEqual(parseEncoderSpec({ type: "onnx", path: "models/bge", pooling: "cls", maxLength: 256, normalize: true }, "x", { baseDir: "/srv" }), {
    type: "onnx", path: join("/srv", "models/bge"), pooling: "cls", maxLength: 256, normalize: true,
  });
  assert.deepEqual(parseEncoderSpec({ type: "http", url: "http://localhost:11434/v1/", model: "nomic-embed-text", retries: 0 }, "x"), {
    type: "http", url: "http://localhost:11434/v1", model: "nomic-embed-text", retries: 0,
  });
  assert.deepEqual(parseEncoderSpec({ type: "trove", path: "/abs/enc" }, "x", { baseDir: "/srv" }), { type: "trove", path: "/abs/enc" });
});

test("errors name the source and the field", () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /^enc\.json: an encoder spec must be a JSON object/],
    [{ type: "bert" }, /^enc\.json: field "type" must be "onnx", "http" or "trove", got "bert"/],
    [{ type: "onnx" }, /^enc\.json: an encoder of type "onnx" needs the field "path"/],
    [{ type: "onnx", path: "m", poolng: "cls" }, /^enc\.json: unknown field "poolng" for an encoder of type "onnx" \(known: path, modelFile, pooling/],
    [{ type: "onnx", path: "m", pooling: "max" }, /^enc\.json: field "pooling" must be one of mean, cls, last, got "max"/],
    [{ type: "onnx", path: "m", batchSize: 0 }, /field "batchSize" must be a positive integer, got 0/],
    [{ type: "onnx", path: "m", threads: 1.5 }, /field "threads" must be a positive integer, got 1.5/],
    [{ type: "onnx", path: "m", maxLength: 1 }, /field "maxLength" must be at least 2/],
    [{ type: "onnx", path: "m", normalize: "yes" }, /field "normalize" must be true or false, got "yes"/],
    [{ type: "onnx", path: "" }, /field "path" must be a non-empty string/],
    [{ type: "http", url: "ftp://host/v1", model: "m" }, /field "url" must be an http\(s\) URL, got "ftp:\/\/host\/v1"/],
    [{ type: "http", url: "localhost:8080", model: "m" }, /field "url" must be an http\(s\) URL/],
    [{ type: "http", url: "http://h/v1" }, /an encoder of type "http" needs the field "model"/],
    [{ type: "http", url: "http://h/v1", model: "m", retries: -1 }, /field "retries" must be a non-negative integer, got -1/],
    [{ type: "trove", path: "p", pooling: "cls" }, /unknown field "pooling" for an encoder of type "trove"/],
  ];
  for (const [spec, message] of cases) {
    assert.throws(() => parseEncoderSpec(spec, "enc.json"), { code: "INVALID_ARGUMENT", message }, JSON.stringify(spec));
  }
});

test("openEncoder validates programmatic specs the same way", async () => {
  await assert.rejects(openEncoder({ type: "onnx", path: "m", pooling: "max" } as unknown as EncoderSpec), {
    code: "INVALID_ARGUMENT",
    message: /encoder spec: field "pooling" must be one of mean, cls, last/,
  });
});

test("the trained encoder is loaded from ./trained/trove-encoder.js, or said to be missing from this build", async () => {
  try {
    const encoder = await openEncoder({ type: "trove", path: "/nonexistent/trained-encoder" });
    await encoder.close();
    assert.fail("a trained encoder opened from a folder that does not exist");
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === "UNAVAILABLE") assert.match(String(e.message), /the trained encoder \(type "trove"\) is not part of this build/);
    else assert.ok(e.code === "NOT_FOUND" || e.code === "INVALID_ARGUMENT" || e.code === "INVALID_FILE", `the trained encoder's own error: ${e.code} ${e.message}`);
  }
});
