import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CorruptIndexError, InvalidArgumentError, InvalidFileError } from "../../core/errors.js";
import {
  buildExamples, evaluateNextItem, leaveOneOut, Rng, SasRec, trainSasRec,
  type ExampleStrategy, type LossKind, type NextItemScorer,
} from "./index.js";

/** Users walk a cycle of items: item i is always followed by item (i + 1) mod n. */
function cycleData(nItems: number, users: number, seed: number): Int32Array[] {
  const rng = new Rng(seed);
  const out: Int32Array[] = [];
  for (let u = 0; u < users; u++) {
    const len = 4 + rng.int(6);
    const start = rng.int(nItems);
    out.push(Int32Array.from({ length: len }, (_, i) => (start + i) % nItems));
  }
  return out;
}

const tiny = { maxLen: 8, hidden: 16, blocks: 1, heads: 2, dropout: 0.1, attnDropout: 0.1 };

test("training learns that item i is followed by item i+1, and the loss decreases", async () => {
  const n = 20;
  const data = cycleData(n, 300, 1);
  const split = leaveOneOut(data);
  const result = await trainSasRec(split.train, n, {
    config: tiny, epochs: 12, batchSize: 32, lr: 5e-3, seed: 7, handleSigint: false, progress: false,
    validation: { histories: split.validHistories, targets: split.validTargets }, patience: 100,
  });
  const losses = result.history.map((h) => h.loss);
  assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss went ${losses[0]} -> ${losses[losses.length - 1]}`);
  let correct = 0;
  for (let start = 0; start < n; start++) {
    const hist = Int32Array.from([start, (start + 1) % n, (start + 2) % n]);
    const rec = result.model.recommend(hist, 1);
    if (rec.items[0] === (start + 3) % n) correct++;
  }
  assert.ok(correct >= 18, `next item right for ${correct}/20 histories`);
  const test = evaluateNextItem(result.model, split.testHistories, split.testTargets);
  assert.ok(test.ndcg > 0.8, `test NDCG@10 ${test.ndcg}`);
  assert.ok(result.bestValid !== undefined && result.bestValid.ndcg > 0.8);
});

test("training is deterministic for a seed and differs across seeds", async () => {
  const data = cycleData(15, 60, 2);
  const run = async (seed: number) =>
    (await trainSasRec(data, 15, { config: tiny, epochs: 2, batchSize: 16, seed, handleSigint: false, progress: false })).model.getParameters();
  const a = await run(3);
  const b = await run(3);
  const c = await run(4);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test("every loss and every example strategy trains to a finite, decreasing loss", async () => {
  const data = cycleData(12, 80, 3);
  for (const loss of ["ce", "sampled-ce", "bce"] as LossKind[]) {
    for (const examples of ["last", "multi", "sliding"] as ExampleStrategy[]) {
      const r = await trainSasRec(data, 12, {
        config: { ...tiny, maxLen: 4 }, loss, examples, negatives: 5, epochs: 4, batchSize: 16, lr: 5e-3, seed: 1,
        handleSigint: false, progress: false,
      });
      const first = r.history[0].loss;
      const last = r.history[r.history.length - 1].loss;
      assert.ok(Number.isFinite(first) && Number.isFinite(last), `${loss}/${examples}: loss ${first} -> ${last}`);
      assert.ok(last < first, `${loss}/${examples}: loss did not decrease (${first} -> ${last})`);
    }
  }
});

test("example construction: last-target, multi-target and sliding windows", () => {
  const seqs = [Int32Array.from([0, 1, 2, 3, 4, 5, 6]), Int32Array.from([7]), Int32Array.from([8, 9])];
  const last = buildExamples(seqs, "last", 3);
  assert.equal(last.count, 6 + 1); // 6 prefixes of the first sequence, 1 of the third
  assert.equal(last.targets, 7);
  assert.deepEqual([last.start[5], last.len[5], last.lossFrom[5]], [3, 3, 2]); // input 3,4,5 -> target 6
  const multi = buildExamples(seqs, "multi", 3);
  assert.equal(multi.count, 2);
  assert.deepEqual([multi.start[0], multi.len[0], multi.lossFrom[0]], [3, 3, 0]); // 3,4,5 -> 4,5,6
  assert.equal(multi.targets, 4);
  const sliding = buildExamples(seqs, "sliding", 3);
  // windows ending at 6, 3: inputs [3,4,5], [0,1,2]; every target once
  assert.deepEqual(Array.from(sliding.start.subarray(0, 2)), [3, 0]);
  assert.equal(sliding.targets, 6 + 1);
  const overlapping = buildExamples(seqs, "sliding", 3, 1);
  assert.equal(overlapping.count, 4 + 1); // ends 6, 5, 4, 3 (the last reaches the start)
  assert.throws(() => buildExamples(seqs, "bogus" as ExampleStrategy, 3), InvalidArgumentError);
});

test("save and load round trip: identical scores without retraining; damage is detected", async () => {
  const data = cycleData(10, 40, 4);
  const { model } = await trainSasRec(data, 10, { config: tiny, epochs: 1, batchSize: 16, seed: 5, handleSigint: false, progress: false });
  const dir = mkdtempSync(join(tmpdir(), "trove-sasrec-"));
  try {
    const path = join(dir, "m.sasrec");
    model.save(path, { note: "test" });
    const loaded = SasRec.load(path);
    const hist = Int32Array.from([3, 4, 5]);
    assert.deepEqual(loaded.scoreAll(hist), model.scoreAll(hist));
    assert.deepEqual(loaded.config, model.config);
    assert.deepEqual(loaded.recommend(hist, 3), model.recommend(hist, 3));
    // the JavaScript kernel gives the same ranking within float32 rounding
    const js = SasRec.load(path, { kernel: "js" });
    const a = js.scoreAll(hist);
    const b = model.scoreAll(hist);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-4);
    // flip one parameter byte: checksum mismatch
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] ^= 0x40;
    writeFileSync(path, bytes);
    assert.throws(() => SasRec.load(path), CorruptIndexError);
    writeFileSync(path, "not a model");
    assert.throws(() => SasRec.load(path), InvalidFileError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("recommend excludes history by default and validates its input", () => {
  const model = SasRec.create(30, tiny, { seed: 1 });
  const hist = Int32Array.from([1, 2, 3]);
  const rec = model.recommend(hist, 5);
  assert.equal(rec.items.length, 5);
  for (const i of rec.items) assert.ok(![1, 2, 3].includes(i));
  for (let i = 1; i < rec.scores.length; i++) assert.ok(rec.scores[i - 1] >= rec.scores[i]);
  const all = model.scoreAll(hist);
  assert.equal(all.length, 30);
  assert.equal(rec.scores[0], Math.max(...Array.from(all).filter((_, i) => ![1, 2, 3].includes(i))));
  const withRepeats = model.recommend(hist, 30, []);
  assert.equal(withRepeats.items.length, 30);
  // longer than maxLen: only the newest maxLen items are read
  const long = Int32Array.from({ length: 20 }, (_, i) => i);
  assert.deepEqual(model.scoreAll(long), model.scoreAll(long.subarray(12)));
  assert.throws(() => model.scoreAll(new Int32Array(0)), InvalidArgumentError);
  assert.throws(() => model.scoreAll(Int32Array.from([30])), InvalidArgumentError);
  assert.throws(() => SasRec.create(30, { hidden: 10, heads: 3 }), InvalidArgumentError);
});

test("leave-one-out split and full-ranking metrics with history masking", () => {
  const seqs = [Int32Array.from([0, 1, 2, 3]), Int32Array.from([4, 5]), Int32Array.from([1, 2, 1])];
  const s = leaveOneOut(seqs);
  assert.deepEqual(s.train.map((x) => Array.from(x)), [[0, 1], [4, 5], [1]]);
  assert.deepEqual(Array.from(s.validTargets), [2, 2]);
  assert.deepEqual(Array.from(s.testTargets), [3, 1]);
  assert.deepEqual(Array.from(s.testHistories[0]), [0, 1, 2]);
  // a scorer that prefers higher item ids
  const scorer: NextItemScorer = {
    nItems: 6,
    scoreBatch: (h) => {
      const out = new Float32Array(h.length * 6);
      for (let r = 0; r < h.length; r++) for (let j = 0; j < 6; j++) out[r * 6 + j] = j;
      return out;
    },
  };
  // user 0: history {0,1,2}, target 3; unmasked items above 3: 4, 5 -> rank 2
  // user 2: target 1 is in its history {1, 2} -> masked, a miss
  const m = evaluateNextItem(scorer, s.testHistories, s.testTargets, { k: 10, cutoffs: [1, 10] });
  assert.equal(m.users, 2);
  assert.ok(Math.abs(m.ndcg - (1 / Math.log2(4)) / 2) < 1e-12);
  assert.equal(m.recall, 0.5);
  assert.equal(m.at[1].recall, 0);
});

test("Ctrl-C stops training at a safe point and keeps the best weights", async () => {
  const data = cycleData(12, 80, 6);
  const split = leaveOneOut(data);
  const silence = process.stderr.write;
  let params: Float32Array | null = null;
  let result;
  try {
    // the interrupt handler announces itself on stderr; keep test output clean
    process.stderr.write = (() => true) as typeof process.stderr.write;
    result = await trainSasRec(split.train, 12, {
      config: tiny, epochs: 50, batchSize: 16, seed: 2, progress: false,
      validation: { histories: split.validHistories, targets: split.validTargets },
      onEpoch: (r) => {
        if (r.epoch === 2) process.emit("SIGINT");
      },
    });
    params = result.model.getParameters();
  } finally {
    process.stderr.write = silence;
  }
  assert.equal(result.stoppedBy, "interrupt");
  assert.equal(result.history.length, 2);
  assert.ok(params && params.every(Number.isFinite));
  assert.ok(result.bestEpoch === 1 || result.bestEpoch === 2);
  assert.equal(process.listenerCount("SIGINT"), 0, "the SIGINT handler is removed after training");
});
