import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readItemContent, type ItemContent } from "./item-content.js";
import { restoreItemEmbedder } from "./embedder-factory.js";
import { TrainedEncoderEmbedder } from "./trained-encoder-embedder.js";
import { fitSemanticIds } from "../semantic-ids/tokenizer.js";

const BEAUTY_TEXT = "../shared/datasets/amazon-beauty/Beauty_item_text.jsonl.gz";
const SMALL = { training: { dimensions: 16, epochs: 2, batchSize: 64, patience: 0, validationDocuments: 0, learningRate: 0.1 } };

test("Trove's trained encoder embeds Beauty items: trained once and cached, new items embedded without refitting, restored from its folder", async () => {
  const table = await readItemContent(BEAUTY_TEXT);
  const items: ItemContent[] = Array.from({ length: 240 }, (_, i) => table.get(String(i + 1))!);
  const cacheDir = mkdtempSync(join(tmpdir(), "trove-item-encoder-"));
  try {
    const embedder = new TrainedEncoderEmbedder({ cacheDir, seed: 3, config: SMALL });
    await embedder.fit(items.slice(0, 200));
    assert.equal(embedder.dimensions, 16);
    const vectors = await embedder.embed([...items, undefined]);
    assert.equal(vectors.length, 241 * 16);
    assert.ok(vectors.subarray(200 * 16, 240 * 16).some((x) => x !== 0), "items not fitted on are embedded");
    assert.ok(vectors.subarray(240 * 16).every((x) => x === 0), "an item without content is the zero vector");

    const { kind, state, arrays } = embedder.exportState();
    const restored = restoreItemEmbedder(kind, state, arrays)!;
    assert.deepEqual(await restored.embed(items), vectors.subarray(0, 240 * 16));

    // semantic IDs from its vectors: deterministic, each item its own ID
    const options = { levels: 2, codebookSize: 8, kmeansIterations: 10 } as const;
    const a = await fitSemanticIds(items, options, { embedder: new TrainedEncoderEmbedder({ cacheDir, seed: 3, config: SMALL }) });
    const b = await fitSemanticIds(items, options, { embedder: new TrainedEncoderEmbedder({ cacheDir, seed: 3, config: SMALL }) });
    assert.deepEqual(a.ids.toArray(), b.ids.toArray());
    assert.equal(new Set(items.map((_, i) => a.ids.format(i))).size, 240);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
