import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../store/open-store.js";
import { Collection } from "./collection.js";
import { embedCollection, encoderMarkField } from "./collection-embedder.js";

const texts = ["graph neural networks for molecules", "query expansion for document retrieval", "speech synthesis with vocoders"];
const docs = Array.from({ length: 60 }, (_, i) => ({ id: `d${i}`, title: `${texts[i % 3]} ${i}`, abstract: `study ${i} of ${texts[i % 3]}` }));
const SMALL = { training: { dimensions: 16, epochs: 2, batchSize: 32, patience: 0, validationDocuments: 0 } };

test("embedCollection trains Trove's own encoder on the collection, fills the field, and embeds only what changed on a rerun", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trove-embed-"));
  try {
    const store = await openStore(join(dir, "store"));
    await store.createCollection("papers", { fields: { title: { type: "text" }, abstract: { type: "text" }, emb: { type: "vector", dimensions: 16 } } });
    const papers = await Collection.open(store, "papers", join(dir, "indexes"), { quiet: true });
    await papers.put(docs);
    const options = { field: "emb", source: ["title", "abstract"], training: { cacheDir: join(dir, "cache"), config: SMALL } };
    const first = await embedCollection(papers, options);
    assert.equal(first.trained, true);
    assert.equal(first.embedded, 60);
    const record = await store.getRecord("papers", "d7");
    assert.equal((record?.emb as number[]).length, 16);
    assert.equal(record?.[encoderMarkField("emb")], first.encoder);
    assert.equal(papers.index.vectorOf("d7", "emb")?.length, 16, "the index has the vectors too");

    const again = await embedCollection(papers, options);
    assert.equal(again.trained, false, "the trained encoder is reused");
    assert.equal(again.embedded, 0, "nothing to do");
    await papers.put([{ id: "new", title: "retrieval with query expansion", abstract: "a new paper" }]);
    const third = await embedCollection(papers, options);
    assert.equal(third.encoder, first.encoder, "additions are embedded with the encoder trained earlier");
    assert.equal(third.embedded, 1);
    const retrained = await embedCollection(papers, { ...options, retrain: true });
    assert.equal(retrained.trained, true, "a retrain learns from the collection as it is now");
    assert.notEqual(retrained.encoder, first.encoder);
    assert.equal(retrained.embedded, 61, "and re-embeds everything");
    // a reopened collection queries with the encoder its vectors came from
    await papers.close();
    const reopened = await Collection.open(store, "papers", join(dir, "indexes"), { quiet: true });
    const encoder = await reopened.encoders.encoderFor("emb");
    assert.equal(encoder.id, retrained.encoder);
    await reopened.close();
    const papersAgain = await Collection.open(store, "papers", join(dir, "indexes"), { quiet: true });
    await assert.rejects(embedCollection(papersAgain, { field: "title" }), /"title" is not a vector field/);
    await assert.rejects(embedCollection(papersAgain, { field: "emb" }), /say which text fields to embed/);
    await papersAgain.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
