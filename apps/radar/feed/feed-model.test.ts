/**
 * The persisted tf-idf model: built once, loaded (not rebuilt) at the next
 * open when the papers did not change, extended when only new papers
 * arrived, rebuilt when a paper changed or the saved files are damaged.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../../src/store/open-store.js";
import type { Store } from "../../../src/store/store.js";
import { PAPERS_COLLECTION, PAPER_SCHEMA } from "../papers.js";
import { FeedModel, feedModelDir, type FeedModelAction } from "./feed-model.js";

const PAPERS = [
  { id: "p1", title: "Dense retrieval with embeddings", abstract: "Dense passage retrieval.", authors: [], categories: ["cs.IR"], date: "2026-01-01" },
  { id: "p2", title: "Machine translation", abstract: "Neural translation of languages.", authors: [], categories: ["cs.CL"], date: "2026-01-02" },
  { id: "p3", title: "Graph networks", abstract: "Message passing on graphs.", authors: [], categories: ["cs.LG"], date: "2026-01-03" },
];

let dir: string;
let store: Store;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "feed-model-"));
  store = await openStore(dir);
  await store.createCollection(PAPERS_COLLECTION, PAPER_SCHEMA);
  await store.putRecords(PAPERS_COLLECTION, PAPERS);
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<{ fm: FeedModel; actions: FeedModelAction[] }> {
  const actions: FeedModelAction[] = [];
  const fm = await FeedModel.open(store, PAPERS_COLLECTION, dir, { onUpdate: (a) => actions.push(a) });
  return { fm, actions };
}

test("built at the first open, loaded unchanged at the next", async () => {
  const first = await open();
  assert.deepEqual(first.actions, ["built"]);
  assert.equal(first.fm.model.size, 3);
  assert.ok(readdirSync(feedModelDir(dir)).includes("model.json"));
  const second = await open();
  assert.deepEqual(second.actions, ["loaded"]);
  assert.deepEqual(second.fm.model.ids, first.fm.model.ids);
  assert.deepEqual([...second.fm.model.values], [...first.fm.model.values]);
  assert.deepEqual(second.fm.model.terms, first.fm.model.terms);
});

test("new papers extend the model (at open and on refresh); a changed paper rebuilds it", async () => {
  const { fm, actions } = await open();
  await store.putRecords(PAPERS_COLLECTION, [{ id: "p4", title: "Sparse retrieval", abstract: "Learned sparse retrieval.", authors: [], categories: ["cs.IR"], date: "2026-01-04" }]);
  const extended = await fm.refresh();
  assert.equal(extended.size, 4);
  assert.ok(extended.rowOf("p4") >= 0);
  assert.deepEqual(actions, ["loaded", "extended"]);
  // a later open sees the extended model as current
  assert.deepEqual((await open()).actions, ["loaded"]);
  await store.putRecords(PAPERS_COLLECTION, [{ ...PAPERS[0], title: "Dense retrieval revisited" }]);
  await fm.refresh();
  assert.deepEqual(actions, ["loaded", "extended", "built"]);
  await store.deleteRecords(PAPERS_COLLECTION, ["p3"]);
  const rebuilt = await fm.refresh();
  assert.equal(rebuilt.rowOf("p3"), -1);
  assert.equal(rebuilt.size, 3);
});

test("a damaged saved model is rebuilt, not trusted", async () => {
  const modelDir = feedModelDir(dir);
  const values = readdirSync(modelDir).find((f) => f.startsWith("values."))!;
  writeFileSync(join(modelDir, values), Buffer.alloc(4));
  const { fm, actions } = await open();
  assert.deepEqual(actions, ["built"]);
  assert.equal(fm.model.size, 3);
});
