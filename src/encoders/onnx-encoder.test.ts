/**
 * The ONNX encoder against the reference: fixtures/expected.json holds token ids from an independent
 * WordPiece implementation and vectors from the torch model the fixture was exported from
 * (scripts/fixtures/make_tiny_encoder.py). Trove batches and pads; the reference ran one text at a time.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Encoder, OnnxEncoderSpec } from "./encoder.js";
import { openEncoder } from "./open-encoder.js";
import { openOnnxEncoder, type OnnxEncoder } from "./onnx-encoder.js";

const FIXTURES = fileURLToPath(new URL("../../../src/encoders/fixtures/", import.meta.url));
const BERT = join(FIXTURES, "tiny-bert");
const DECODER = join(FIXTURES, "tiny-decoder");

interface Case {
  text: string;
  ids: number[];
  query_ids: number[];
  short_ids: number[];
  decoder_ids: number[];
  vectors: Record<string, number[]>;
}
const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as {
  query_prefix: string;
  short_max_length: number;
  cases: Case[];
};
const texts = expected.cases.map((c) => c.text);
const TOLERANCE = 1e-5;

function assertClose(actual: Float32Array, wanted: number[], what: string): void {
  assert.equal(actual.length, wanted.length, `${what}: dimensions`);
  for (let i = 0; i < wanted.length; i++) {
    assert.ok(Math.abs(actual[i] - wanted[i]) <= TOLERANCE, `${what}: component ${i} is ${actual[i]}, expected ${wanted[i]}`);
  }
}

async function withEncoder(spec: Omit<OnnxEncoderSpec, "type">, body: (encoder: OnnxEncoder) => Promise<void>): Promise<void> {
  const encoder = await openOnnxEncoder({ type: "onnx", ...spec });
  try {
    await body(encoder);
  } finally {
    await encoder.close();
  }
}

describe("tokenization equals the reference WordPiece", () => {
  test("ids with special tokens, accents, CJK, punctuation, unknown words, empty text, truncation at 64", async () => {
    await withEncoder({ path: BERT }, async (encoder) => {
      const ids = await encoder.tokenize(texts);
      expected.cases.forEach((c, i) => assert.deepEqual([...ids[i]], c.ids, JSON.stringify(c.text)));
      assert.equal(ids.at(-1)?.length, 64, "the long text is truncated to the tokenizer's 64 tokens");
    });
  });

  test("a query prefix and a short max length", async () => {
    await withEncoder({ path: BERT, queryPrefix: expected.query_prefix, maxLength: expected.short_max_length }, async (encoder) => {
      const documents = await encoder.tokenize(texts, "document");
      expected.cases.forEach((c, i) => assert.deepEqual([...documents[i]], c.short_ids, JSON.stringify(c.text)));
    });
    await withEncoder({ path: BERT, queryPrefix: expected.query_prefix }, async (encoder) => {
      const queries = await encoder.tokenize(texts, "query");
      expected.cases.forEach((c, i) => assert.deepEqual([...queries[i]], c.query_ids, JSON.stringify(c.text)));
    });
  });
});

describe("vectors equal the torch reference to 1e-5", () => {
  const configurations: Array<{ name: string; spec: Omit<OnnxEncoderSpec, "type">; kind?: "query" }> = [
    { name: "mean_normalized", spec: { path: BERT } }, // pooling and Normalize from modules.json
    { name: "mean", spec: { path: BERT, normalize: false } },
    { name: "cls", spec: { path: BERT, pooling: "cls", normalize: false } },
    { name: "last", spec: { path: BERT, pooling: "last", normalize: false } },
    { name: "query_mean_normalized", spec: { path: BERT, queryPrefix: expected.query_prefix }, kind: "query" },
    { name: "short_mean_normalized", spec: { path: BERT, maxLength: expected.short_max_length } },
    { name: "decoder_last_normalized", spec: { path: DECODER } }, // last-token pooling from 1_Pooling, no token_type_ids input
  ];
  for (const { name, spec, kind } of configurations) {
    test(name, async () => {
      // batch size 5 over 14 texts: batches of mixed lengths, padded
      await withEncoder({ ...spec, batchSize: 5 }, async (encoder) => {
        const vectors = await encoder.encode(texts, { kind });
        expected.cases.forEach((c, i) => assertClose(vectors[i], c.vectors[name], `${name} ${JSON.stringify(c.text.slice(0, 30))}`));
      });
    });
  }

  test("batch size does not change the vectors, and order is the input order", async () => {
    await withEncoder({ path: BERT, batchSize: 1 }, async (one) => {
      await withEncoder({ path: BERT, batchSize: 64 }, async (all) => {
        const reversed = [...texts].reverse();
        const a = await one.encode(reversed);
        const b = await all.encode(reversed);
        reversed.forEach((_, i) => assertClose(a[i], [...b[i]], `text ${i}`));
        assertClose(b[0], expected.cases.at(-1)!.vectors.mean_normalized, "first output is the first input");
      });
    });
  });
});

describe("the encoder interface", () => {
  let encoder: Encoder;
  before(async () => {
    encoder = await openEncoder({ type: "onnx", path: BERT, batchSize: 4, threads: 2 });
  });
  after(async () => encoder.close());

  test("openEncoder dispatches; dimensions, normalized and id describe the model", async () => {
    assert.equal(encoder.dimensions, 32);
    assert.equal(encoder.normalized, true);
    assert.match(encoder.id, /^onnx:tiny-bert pooling=mean normalize=true maxLength=64$/);
    assert.deepEqual(await encoder.encode([]), []);
  });

  test("progress after each batch, and an aborted signal stops before the next batch", async () => {
    const seen: number[] = [];
    await encoder.encode(texts, { onProgress: (done) => seen.push(done) });
    assert.deepEqual(seen, [4, 8, 12, 14]);
    const controller = new AbortController();
    const progress: number[] = [];
    await assert.rejects(
      encoder.encode(texts, { signal: controller.signal, onProgress: (done) => { progress.push(done); controller.abort(); } }),
      { code: "INTERRUPTED" },
    );
    assert.deepEqual(progress, [4]);
  });
});

describe("model folders with problems", () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-onnx-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const copy = (name: string) => {
    const target = join(dir, name);
    cpSync(BERT, target, { recursive: true });
    return target;
  };

  test("missing folder, tokenizer and model name the folder and the file", async () => {
    await assert.rejects(openOnnxEncoder({ type: "onnx", path: join(dir, "nope") }), { code: "NOT_FOUND", message: /model folder .*nope does not exist/ });
    const noTokenizer = copy("no-tokenizer");
    rmSync(join(noTokenizer, "tokenizer.json"));
    await assert.rejects(openOnnxEncoder({ type: "onnx", path: noTokenizer }), { code: "NOT_FOUND", message: /no-tokenizer: tokenizer\.json is missing/ });
    const noModel = copy("no-model");
    rmSync(join(noModel, "onnx"), { recursive: true });
    await assert.rejects(openOnnxEncoder({ type: "onnx", path: noModel }), { code: "NOT_FOUND", message: /no-model: no ONNX model \(looked for onnx\/model\.onnx and model\.onnx/ });
  });

  test("invalid files are named", async () => {
    const badJson = copy("bad-json");
    writeFileSync(join(badJson, "1_Pooling", "config.json"), "{ not json");
    await assert.rejects(openOnnxEncoder({ type: "onnx", path: badJson }), { code: "INVALID_FILE", message: /1_Pooling\/config\.json: invalid JSON/ });
    const badTokenizer = copy("bad-tokenizer");
    writeFileSync(join(badTokenizer, "tokenizer.json"), JSON.stringify({ model: { type: "Nonsense" } }));
    await assert.rejects(openOnnxEncoder({ type: "onnx", path: badTokenizer }), { code: "INVALID_FILE", message: /tokenizer\.json: not a valid Hugging Face tokenizer file/ });
    const badModel = copy("bad-model");
    writeFileSync(join(badModel, "onnx", "model.onnx"), "not a model");
    await assert.rejects(openOnnxEncoder({ type: "onnx", path: badModel }), { code: "INVALID_FILE", message: /model\.onnx: ONNX Runtime cannot load it/ });
  });

  test("pooling Trove does not implement is refused unless the spec chooses one; max length beyond the model's positions", async () => {
    const maxPooling = copy("max-pooling");
    const file = join(maxPooling, "1_Pooling", "config.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify({ ...config, pooling_mode_mean_tokens: false, pooling_mode_max_tokens: true }));
    await assert.rejects(openOnnxEncoder({ type: "onnx", path: maxPooling }), { code: "INVALID_FILE", message: /pooling_mode_max_tokens, which Trove does not implement/ });
    const encoder = await openOnnxEncoder({ type: "onnx", path: maxPooling, pooling: "cls" });
    await encoder.close();
    await assert.rejects(openOnnxEncoder({ type: "onnx", path: BERT, maxLength: 65 }), { code: "INVALID_ARGUMENT", message: /max_position_embeddings is 64/ });
  });

  test("prompts from config_sentence_transformers.json are the default prefixes; modelFile picks the ONNX file", async () => {
    const prompts = copy("prompts");
    writeFileSync(join(prompts, "config_sentence_transformers.json"), JSON.stringify({ prompts: { query: expected.query_prefix, document: "" } }));
    const moved = join(prompts, "onnx", "model.onnx");
    cpSync(moved, join(prompts, "other.onnx"));
    rmSync(moved);
    const encoder = await openOnnxEncoder({ type: "onnx", path: prompts, modelFile: "other.onnx" });
    try {
      const [query] = await encoder.encode([texts[0]], { kind: "query" });
      assertClose(query, expected.cases[0].vectors.query_mean_normalized, "query with the folder's prompt");
      const [document] = await encoder.encode([texts[0]]);
      assertClose(document, expected.cases[0].vectors.mean_normalized, "document without prompt");
    } finally {
      await encoder.close();
    }
  });
});
