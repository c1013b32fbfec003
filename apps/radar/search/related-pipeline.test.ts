/**
 * Related papers run as a pipeline: the paper's own words alone when the
 * papers have no vector field; fused with its vector neighbours when they do,
 * so a paper that shares no words but sits close in vector space is found.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Collection } from "../../../src/engine/collection.js";
import type { FieldSpec } from "../../../src/core/schema.js";
import { openStore } from "../../../src/store/open-store.js";
import { PaperSearch } from "./paper-search.js";
import { RELATED_DEPTH } from "./related-pipeline.js";

const papers = [
  { id: "a", title: "dense retrieval with hard negatives", abstract: "we train dense retrieval models with mined hard negatives", vec: [1, 0, 0] },
  { id: "b", title: "hard negatives for dense retrieval", abstract: "mining negatives for retrieval training", vec: [0.9, 0.1, 0] },
  // no word in common with "a", but its vector is close
  { id: "c", title: "contrastive bi-encoders", abstract: "embedding queries and passages", vec: [0.95, 0.05, 0] },
  { id: "d", title: "speech synthesis", abstract: "vocoders for speech", vec: [0, 0, 1] },
];

async function relatedIds(withVectors: boolean): Promise<{ ids: string[]; total: number }> {
  const dir = mkdtempSync(join(tmpdir(), "radar-related-"));
  const store = await openStore(dir);
  const fields: Record<string, FieldSpec> = { title: { type: "text", boost: 2 }, abstract: { type: "text" } };
  if (withVectors) fields.vec = { type: "vector", dimensions: 3, metric: "cosine" };
  await store.createCollection("papers", { fields });
  await store.putRecords("papers", withVectors ? papers : papers.map(({ vec: _vec, ...p }) => p));
  const collection = await Collection.open(store, "papers", join(dir, "indexes"), { quiet: true });
  try {
    const { items, total } = await new PaperSearch(collection).related("a", { offset: 0, limit: 10 });
    return { ids: items.map((p) => String(p.id)), total };
  } finally {
    await collection.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("related papers: the paper's own words; with a vector field also its neighbours; never the paper itself", async () => {
  const lexical = await relatedIds(false);
  assert.deepEqual(lexical.ids, ["b"], "only b shares words with a");
  assert.equal(lexical.total, 1);
  const hybrid = await relatedIds(true);
  assert.ok(!hybrid.ids.includes("a"));
  assert.deepEqual(hybrid.ids.slice(0, 2).sort(), ["b", "c"], `b (words and vector) and c (vector) lead: ${hybrid.ids}`);
  assert.equal(hybrid.ids.at(-1), "d", "the far paper comes last");
  assert.ok(hybrid.total <= RELATED_DEPTH);
});
