import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError, InvalidSchemaError } from "../core/errors.js";
import { normalizeSchema } from "../core/schema.js";
import { ensureTrainedEncoder } from "../encoders/trained/ensure-trained-encoder.js";
import { openStore } from "../store/open-store.js";
import { defaultRegistry } from "../pipeline/default-registry.js";
import { Pipeline } from "../pipeline/pipeline.js";
import { collectionContext } from "../pipeline/pipeline-target.js";
import { presetPipeline } from "../pipeline/presets.js";
import { Collection } from "./collection.js";

const texts = ["sparse lexical retrieval with inverted indexes", "protein folding with deep networks", "music generation from audio tokens"];
const docs = Array.from({ length: 45 }, (_, i) => ({ id: `d${i}`, title: `${texts[i % 3]} ${i}` }));

test("a collection embeds the source text of records written without a vector, and the store keeps the vectors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-field-enc-"));
  try {
    const model = await ensureTrainedEncoder(
      { type: "documents", name: "toy", documents: docs.map((d) => ({ id: d.id, text: d.title })) },
      { cacheDir: join(dir, "cache"), config: { training: { dimensions: 16, epochs: 2, batchSize: 32, patience: 0, validationDocuments: 0 } } },
    );
    const store = await openStore(join(dir, "store"));
    await store.createCollection("papers", {
      fields: { title: { type: "text" }, emb: { type: "vector", dimensions: 16, encoder: { type: "trove", path: model.path }, source: ["title"] } },
    });
    const papers = await Collection.open(store, "papers", join(dir, "indexes"), { quiet: true });
    const given = new Array(16).fill(0).map((_, i) => (i === 0 ? 1 : 0));
    await papers.put([...docs, { id: "own", title: "brings its own vector", emb: given }, { id: "empty", title: "" }]);
    const stored = await store.getRecord("papers", "d0");
    assert.ok(Array.isArray(stored?.emb) && (stored.emb as number[]).length === 16, "the store holds the computed vector");
    assert.deepEqual((await store.getRecord("papers", "own"))?.emb, given, "a given vector is kept as given");
    assert.equal((await store.getRecord("papers", "empty"))?.emb, undefined, "no text, no vector");

    const pipeline = Pipeline.compile(presetPipeline("dense", papers.index.config), defaultRegistry);
    const { hits } = await pipeline.run({ query: "protein folding networks", k: 5 }, collectionContext(papers));
    assert.ok(hits.every((h) => Number(h.id.slice(1)) % 3 === 1), `protein papers first: ${hits.map((h) => h.id)}`);

    // an encoder whose size differs from the field's is refused with both sizes named
    await store.createCollection("small", { fields: { title: { type: "text" }, emb: { type: "vector", dimensions: 8, encoder: { type: "trove", path: model.path }, source: ["title"] } } });
    const small = await Collection.open(store, "small", join(dir, "indexes"), { quiet: true });
    await assert.rejects(small.put([{ id: "x", title: "protein" }]), (e: unknown) => e instanceof InvalidArgumentError && /makes 16-dimensional vectors; vector field "emb" holds 8/.test(e.message));
    assert.equal(await store.countRecords("small"), 0, "nothing was stored");
    await small.close();
    await papers.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("schemas: source fields must be text fields of the schema and need an encoder", () => {
  assert.throws(() => normalizeSchema({ fields: { n: { type: "number" }, emb: { type: "vector", dimensions: 4, source: ["n"], encoder: { type: "trove", path: "x" } } } }), (e: unknown) => e instanceof InvalidSchemaError && /source field "n" is not a text field/.test(e.message));
  assert.throws(() => normalizeSchema({ fields: { t: { type: "text" }, emb: { type: "vector", dimensions: 4, source: ["t"] } } }), /source needs an encoder/);
  assert.throws(() => normalizeSchema({ fields: { emb: { type: "vector", dimensions: 4, metric: "manhattan" } } }), /metric must be cosine, dot or l2/);
  assert.throws(() => normalizeSchema({ fields: { emb: { type: "vector", dimensions: 4, index: { quantization: "pq" } } } }), /quantization must be none, int8 or binary/);
  assert.throws(() => normalizeSchema({ fields: { emb: { type: "vector", dimensions: 5000 } } }), /dimensions must be an integer from 1 to 4096/);
});
