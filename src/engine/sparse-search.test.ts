/**
 * Sparse vector fields in the engine's segments: writing, exact and approximate search by inner
 * product (scores equal the quantized dot product), filters, deletes and replacements, several
 * segments, merges (float weights are re-quantized from the stored floats), reopening, the stored
 * vectors, and refusal of bad records and schemas.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { InvalidArgumentError, InvalidRecordError, InvalidSchemaError } from "../core/errors.js";
import { validateRecord, normalizeSchema } from "../core/schema.js";
import { syntheticSparse } from "../sparse/synthetic-sparse.js";
import { SearchIndex } from "./search-index.js";

const N = 1200;
const data = syntheticSparse({ documents: N, queries: 20, vocabulary: 2000, topics: 30, seed: 11 });
const vectorOf = (v: typeof data.documents, i: number): Record<string, number> => {
  const out: Record<string, number> = {};
  for (let e = v.offsets[i]; e < v.offsets[i + 1]; e++) out[`t${v.terms[e]}`] = v.weights[e];
  return out;
};
const docs = Array.from({ length: N }, (_, i) => ({ id: `d${i}`, group: i % 4 === 0 ? "four" : "other", splade: vectorOf(data.documents, i) }));
const queries = Array.from({ length: 20 }, (_, q) => vectorOf(data.queries, q));
/** One quantization step of an index holding all documents. */
const step = data.documents.weights.reduce((a, b) => Math.max(a, b), 0) / 255;

/** Float dot products, best first: the ranking the quantized scores approximate. */
function floatTop(query: Record<string, number>, k: number, keep: (i: number) => boolean = () => true): Array<{ id: string; score: number }> {
  return docs
    .map((d, i) => ({ id: d.id, i, score: Object.entries(query).reduce((s, [t, w]) => s + w * (d.splade[t] ?? 0), 0) }))
    .filter((x) => keep(x.i) && x.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, k);
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function create(writer = {}) {
  const dir = mkdtempSync(join(tmpdir(), "trove-sparse-"));
  dirs.push(dir);
  return { dir, index: await SearchIndex.create(dir, { fields: { group: { type: "keyword" }, splade: { type: "sparse_vector", index: { postingsPerTerm: 60 } } }, writer }) };
}

function overlap(a: string[], b: string[]): number {
  const set = new Set(b);
  return a.filter((x) => set.has(x)).length / Math.max(1, b.length);
}

test("exact search ranks by the quantized inner product; approximate search finds most of it", async () => {
  const { index } = await create();
  index.addDocuments(docs);
  await index.commit();
  let agree = 0;
  for (const query of queries) {
    const exact = index.searchSparse({ field: "splade", vector: query, k: 10, exact: true });
    const truth = floatTop(query, 10);
    // quantization to a byte moves scores by at most half a step per query term
    assert.ok(overlap(exact.hits.map((h) => h.id), truth.map((t) => t.id)) >= 0.8);
    const bound = Object.values(query).reduce((a, w) => a + w, 0) * (step / 2) + 1e-9;
    const floats = new Map(floatTop(query, N).map((t) => [t.id, t.score]));
    exact.hits.forEach((h) => assert.ok(Math.abs(h.score - floats.get(h.id)!) <= bound, `${h.id}: ${h.score} vs ${floats.get(h.id)}`));
    const approximate = index.searchSparse({ field: "splade", vector: query, k: 10 });
    agree += overlap(approximate.hits.map((h) => h.id), exact.hits.map((h) => h.id));
    assert.equal(exact.totalHits, N);
  }
  assert.ok(agree / queries.length >= 0.85, `agreement ${agree / queries.length}`);
  await index.close();
});

test("filters, deletes, replacements, several segments, merges and reopening", async () => {
  const { dir, index } = await create({ maxBufferedDocs: 500 });
  index.addDocuments(docs);
  await index.commit();
  const query = queries[0];
  const before = index.searchSparse({ field: "splade", vector: query, k: 10, exact: true }).hits;
  // filter: only documents of group "four"
  const filtered = index.searchSparse({ field: "splade", vector: query, k: 10, exact: true, filter: "group:four" }).hits;
  const all = index.searchSparse({ field: "splade", vector: query, k: N, exact: true }).hits;
  assert.deepEqual(filtered, all.filter((h) => Number(h.id.slice(1)) % 4 === 0).slice(0, 10));
  for (const mode of [true, false]) {
    for (const h of index.searchSparse({ field: "splade", vector: query, k: 20, exact: mode, filter: "group:four" }).hits) assert.equal(Number(h.id.slice(1)) % 4, 0);
  }
  // delete the best hit, replace the second with an empty vector
  index.deleteDocuments([before[0].id]);
  index.addDocument({ id: before[1].id, group: "other" });
  await index.commit();
  const after1 = index.searchSparse({ field: "splade", vector: query, k: 10, exact: true }).hits.map((h) => h.id);
  assert.ok(!after1.includes(before[0].id) && !after1.includes(before[1].id));
  assert.deepEqual(after1.slice(0, 8), before.slice(2, 10).map((h) => h.id));
  assert.equal(index.sparseVectorOf(before[1].id, "splade"), null);
  const stored = index.sparseVectorOf("d7", "splade")!;
  assert.deepEqual(Object.keys(stored).sort(), Object.keys(docs[7].splade).sort());
  for (const [t, w] of Object.entries(stored)) assert.equal(w, Math.fround(docs[7].splade[t]));
  await index.merge({ maxSegments: 1, inProcess: true });
  // the merged segment quantizes the stored floats with one scale: near-ties may swap, the set stays
  const merged = index.searchSparse({ field: "splade", vector: query, k: 10, exact: true }).hits.map((h) => h.id);
  assert.ok(overlap(merged, after1) >= 0.9);
  await index.close();
  const reopened = await SearchIndex.open(dir);
  assert.deepEqual(reopened.searchSparse({ field: "splade", vector: query, k: 10, exact: true }).hits.map((h) => h.id), merged);
  assert.deepEqual(reopened.sparseVectorOf("d7", "splade"), stored);
  await reopened.close();
});

test("bad values, queries and schemas are refused with the field named", async () => {
  const { index } = await create();
  assert.throws(() => index.addDocument({ id: "x", splade: { a: -1 } }), (e: unknown) => e instanceof InvalidRecordError && /"a" must be a finite number >= 0/.test(e.message) && /splade/.test(e.message));
  assert.throws(() => index.addDocument({ id: "x", splade: [1, 2] }), InvalidRecordError);
  assert.throws(() => index.searchSparse({ field: "group", vector: { a: 1 } }), (e: unknown) => e instanceof InvalidArgumentError && /not a sparse vector field.*splade/.test(e.message));
  assert.throws(() => index.searchSparse({ field: "splade", vector: { a: Number.NaN } }), InvalidArgumentError);
  assert.throws(() => index.searchSparse({ field: "splade", vector: { a: 1 }, queryCut: 0 }), /queryCut/);
  const schema = normalizeSchema({ fields: { s: { type: "sparse_vector" } } });
  assert.throws(() => validateRecord(schema, { id: "1", s: { x: "1" } }), InvalidRecordError);
  assert.equal(validateRecord(schema, { id: "1", s: { x: 0.5, y: 0 } }), "1");
  assert.throws(() => normalizeSchema({ fields: { s: { type: "sparse_vector", index: { postingz: 3 } } } }), (e: unknown) => e instanceof InvalidSchemaError && /unknown index setting "postingz"/.test(e.message));
  await assert.rejects(SearchIndex.create(join(tmpdir(), `trove-sparse-bad-${process.pid}`), { fields: { s: { type: "sparse_vector", index: { summaryEnergy: 2 } } } }), /field "s": index: summaryEnergy must be a number in \(0, 1\]/);
  // an empty index searches to nothing
  assert.deepEqual(index.searchSparse({ field: "splade", vector: { t1: 1 } }).hits, []);
  await index.close();
});
