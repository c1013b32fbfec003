import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InterruptedError, InvalidArgumentError, NotFoundError } from "../../core/errors.js";
import { readBeirCorpus } from "../../eval/beir.js";
import { ensureTrainedEncoder } from "./ensure-trained-encoder.js";
import { writeModelFolder } from "./model-folder.js";
import { trainEncoder, trainingConfig, type EncoderTrainingOverrides } from "./train-encoder.js";
import { loadTrainingData, type TrainingDocument } from "./training-data.js";
import { openTroveEncoder } from "./trove-encoder.js";
import { openEncoder } from "../open-encoder.js";

const SCIFACT = new URL("../../../../../shared/datasets/scifact/", import.meta.url).pathname;

async function scifactSlice(count: number): Promise<TrainingDocument[]> {
  const docs: TrainingDocument[] = [];
  for await (const doc of readBeirCorpus(SCIFACT)) {
    docs.push(doc);
    if (docs.length === count) break;
  }
  return docs;
}

/** Small and quick: 300 documents, 32 dimensions. */
const SMALL: EncoderTrainingOverrides = { training: { dimensions: 32, epochs: 4, batchSize: 64, patience: 0, validationDocuments: 15, learningRate: 0.1 } };

test("training on a few hundred SciFact documents lowers the loss, and titles find their own documents", async () => {
  const docs = await scifactSlice(300);
  const data = await loadTrainingData({ type: "documents", name: "scifact-300", documents: docs });
  const result = await trainEncoder(data, trainingConfig(SMALL));
  const epochs = result.report.epochs;
  assert.equal(epochs.length, 4);
  assert.ok(epochs[3].loss < epochs[0].loss * 0.8, `loss ${epochs.map((e) => e.loss.toFixed(3)).join(" -> ")}`);
  const v = result.report.validation!;
  assert.ok(v.value > v.initial, `held-out titles: trained ${v.value} vs untrained ${v.initial}`);

  // every document's title against every document's body: its own body ranks far above chance
  const titles = result.model.encode(docs.map((d) => d.title ?? ""));
  const bodies = result.model.encode(docs.map((d) => d.text));
  let reciprocal = 0;
  for (let i = 0; i < docs.length; i++) {
    const score = (j: number) => titles[i].reduce((s, x, k) => s + x * bodies[j][k], 0);
    const own = score(i);
    let rank = 1;
    for (let j = 0; j < docs.length; j++) if (j !== i && score(j) > own) rank++;
    reciprocal += 1 / rank;
  }
  const mrr = reciprocal / docs.length;
  let chance = 0;
  for (let r = 1; r <= docs.length; r++) chance += 1 / r / docs.length;
  assert.ok(mrr > 10 * chance, `MRR ${mrr.toFixed(3)} vs chance ${chance.toFixed(3)}`);
});

test("a model folder loads back to identical vectors, and a seed gives identical weights", async () => {
  const docs = await scifactSlice(120);
  const data = await loadTrainingData({ type: "documents", name: "scifact-120", documents: docs });
  const config = trainingConfig({ training: { ...SMALL.training, epochs: 2, validationDocuments: 0 } });
  const a = await trainEncoder(data, config);
  const b = await trainEncoder(data, config);
  assert.deepEqual(a.model.bag.tableView(), b.model.bag.tableView(), "same seed, same weights");
  const c = await trainEncoder(data, trainingConfig({ training: { ...config.training, seed: 2 } }));
  assert.notDeepEqual(a.model.bag.tableView(), c.model.bag.tableView(), "another seed, other weights");

  const dir = mkdtempSync(join(tmpdir(), "trove-encoder-"));
  try {
    writeModelFolder(join(dir, "model"), a);
    const encoder = await openTroveEncoder({ type: "trove", path: join(dir, "model") });
    assert.equal(encoder.dimensions, 32);
    assert.equal(encoder.normalized, true);
    const texts = [docs[0].title ?? "", docs[5].text, "dendritic cells and tumour immunity", ""];
    const loaded = await encoder.encode(texts, { kind: "query" });
    const memory = a.model.encode(texts);
    assert.deepEqual(loaded, memory);
    assert.ok(Math.abs(Math.hypot(...loaded[1]) - 1) < 1e-5, "unit length");
    assert.ok(loaded[3].every((x) => x === 0), "an empty text is the zero vector");
    await encoder.close();
    await assert.rejects(encoder.encode(["x"]), /closed/);
    const viaSpec = await openEncoder({ type: "trove", path: join(dir, "model") });
    assert.deepEqual(await viaSpec.encode(texts), memory, "openEncoder opens the same model");
    assert.equal(viaSpec.id, encoder.id);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function writeTinyBeir(dir: string, docs: TrainingDocument[]): void {
  mkdirSync(join(dir, "qrels"), { recursive: true });
  writeFileSync(join(dir, "corpus.jsonl"), docs.map((d) => JSON.stringify({ _id: d.id, title: d.title, text: d.text })).join("\n"));
  const queries = docs.slice(0, 40).map((d, i) => ({ _id: `q${i}`, text: d.text.split(". ")[0] }));
  writeFileSync(join(dir, "queries.jsonl"), queries.map((q) => JSON.stringify(q)).join("\n"));
  writeFileSync(join(dir, "qrels", "train.tsv"), ["query-id\tcorpus-id\tscore", ...queries.map((q, i) => `${q._id}\t${docs[i].id}\t1`)].join("\n"));
  writeFileSync(join(dir, "qrels", "test.tsv"), ["query-id\tcorpus-id\tscore", `q0\t${docs[0].id}\t1`].join("\n"));
}

test("ensureTrainedEncoder trains once, reuses after, and an interrupted training leaves no model folder", async () => {
  const root = mkdtempSync(join(tmpdir(), "trove-encoder-cache-"));
  try {
    const beir = join(root, "tiny-beir");
    writeTinyBeir(beir, await scifactSlice(150));
    const cacheDir = join(root, "cache");
    const source = { type: "beir", dir: beir } as const;
    let batches = 0;
    const stop = { aborted: false };
    await assert.rejects(
      ensureTrainedEncoder(source, {
        cacheDir,
        config: SMALL,
        signal: stop,
        onProgress: () => {
          if (++batches === 2) stop.aborted = true;
        },
      }),
      InterruptedError,
    );
    const encoders = join(cacheDir, "encoders");
    assert.deepEqual(existsSync(encoders) ? readdirSync(encoders) : [], [], "nothing left behind");

    const first = await ensureTrainedEncoder(source, { cacheDir, config: SMALL });
    assert.equal(first.trained, true);
    assert.deepEqual(readdirSync(encoders), [first.path.split("/").pop()]);
    const again = await ensureTrainedEncoder(source, { cacheDir, config: SMALL });
    assert.deepEqual(again, { path: first.path, trained: false });
    const other = await ensureTrainedEncoder(source, { cacheDir, config: { training: { ...SMALL.training, seed: 9 } } });
    assert.equal(other.trained, true);
    assert.notEqual(other.path, first.path, "another configuration, another folder");
    const encoder = await openTroveEncoder({ type: "trove", path: first.path });
    const [v] = await encoder.encode(["a claim about cells"]);
    assert.equal(v.length, 32);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("bad training inputs give clear errors", async () => {
  const root = mkdtempSync(join(tmpdir(), "trove-encoder-bad-"));
  try {
    mkdirSync(join(root, "no-corpus"));
    await assert.rejects(loadTrainingData({ type: "beir", dir: join(root, "no-corpus") }), (e: Error) => e instanceof NotFoundError && /corpus file not found/.test(e.message));
    await assert.rejects(loadTrainingData({ type: "beir", dir: join(root, "missing") }), NotFoundError);
    await assert.rejects(loadTrainingData({ type: "beir", dir: SCIFACT, split: "test" }), /refusing to train on the "test" judgments/);
    await assert.rejects(
      loadTrainingData({ type: "documents", name: "blank", documents: [{ id: "a", title: "", text: "  " }, { id: "b", text: "" }] }),
      (e: Error) => e instanceof InvalidArgumentError && /every document's title and text are empty/.test(e.message),
    );
    await assert.rejects(loadTrainingData({ type: "documents", name: "none", documents: [] }), /no documents to train on/);
    await assert.rejects(
      loadTrainingData({ type: "documents", name: "bad", documents: [{ id: "a", text: 3 as unknown as string }] }),
      /document "a" has no text/,
    );
    await assert.rejects(openTroveEncoder({ type: "trove", path: join(root, "nowhere") }), NotFoundError);
    await assert.rejects(openTroveEncoder({ type: "trove", path: root }), /config.json is missing/);
    const data = await loadTrainingData({ type: "documents", name: "x", documents: [{ id: "a", text: "alpha beta" }] });
    await assert.rejects(trainEncoder(data, trainingConfig({ training: { dimensions: 30 } })), /multiple of 8/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
