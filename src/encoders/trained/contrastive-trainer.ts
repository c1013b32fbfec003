/**
 * Trains the embedding bag as a dual encoder (one shared tower) with the
 * in-batch contrastive loss (InfoNCE, symmetric): each pair's two texts
 * should be closer (cosine / temperature) than either is to the other
 * pairs' texts in the batch. Pairs come from the corpus itself:
 *
 *  - title ↔ body of a document;
 *  - inverse cloze task (Lee et al. 2019): a random sentence ↔ the rest of its
 *    document (the sentence is left in with probability `ictKeepSentence`, so
 *    the model keeps some lexical matching);
 *  - query ↔ judged document, when training judgments exist.
 *
 * Two texts from the same document are never each other's negatives (masked).
 * The forward sums, the gradient products and the row-wise Adagrad updates run
 * in WebAssembly (`EmbeddingBag`); the softmax over the batch (B² values) is
 * plain JavaScript. One thread, a seeded generator: a seed gives the same
 * model bit for bit.
 *
 * Validation, after every epoch, picks the epoch whose weights are kept:
 * with judgments, nDCG@10 of the encoder alone on held-out training queries
 * (searching the whole corpus); without, how well a held-out document's title
 * finds its own body (MRR@10). Held-out queries and documents never appear in
 * a training pair.
 */
import { InterruptedError, InvalidArgumentError } from "../../core/errors.js";
import { SeededRandom, fillNormal } from "../../core/random.js";
import { evaluateRun } from "../../eval/metrics.js";
import type { Qrels } from "../../eval/qrels.js";
import type { Run } from "../../eval/run.js";
import { TopKSelector } from "../../recommend/top-k.js";
import { EmbeddingBag } from "./embedding-bag.js";
import type { TrainingCorpus } from "./training-corpus.js";

export interface TrainingSettings {
  dimensions: number;
  epochs: number;
  batchSize: number;
  /** Row-wise Adagrad step size. */
  learningRate: number;
  /** Softmax temperature of the cosine similarities. */
  temperature: number;
  /** Initial rows are N(0, initScale²). */
  initScale: number;
  titleBodyPairs: boolean;
  ictPairs: boolean;
  /** Probability that an ICT sentence stays in its context. */
  ictKeepSentence: number;
  /** Each (query, judged document) pair appears this many times per epoch (0: judgments unused). */
  judgmentRepeats: number;
  /** Share of judged queries held out for validation (when there are judgments). */
  validationFraction: number;
  /** Documents held out for validation when there are no judgments (at most 5% of the corpus). */
  validationDocuments: number;
  /** Stop when validation has not improved by `minImprovement` for this many epochs (0: never stop early). */
  patience: number;
  /** The smallest gain in the validation figure that resets the patience count. */
  minImprovement: number;
  seed: number;
}

export const DEFAULT_TRAINING_SETTINGS: TrainingSettings = {
  dimensions: 256,
  epochs: 10,
  batchSize: 512,
  learningRate: 0.05,
  temperature: 0.05,
  initScale: 0.1,
  titleBodyPairs: true,
  ictPairs: true,
  ictKeepSentence: 0.1,
  judgmentRepeats: 2,
  validationFraction: 0.2,
  validationDocuments: 500,
  patience: 2,
  minImprovement: 0.002,
  seed: 1,
};

export interface EpochReport {
  epoch: number;
  pairs: number;
  loss: number;
  seconds: number;
  validation?: number;
}

export interface ValidationReport {
  /** "ndcg@10 (held-out train queries)" or "mrr@10 (held-out titles -> own body)". */
  metric: string;
  /** The figure of the kept epoch. */
  value: number;
  /** Held-out queries or documents. */
  count: number;
  /** The figure of the untrained (random) encoder, for scale. */
  initial: number;
}

export interface TrainingReport {
  pairsPerEpoch: { titleBody: number; ict: number; judgments: number };
  epochs: EpochReport[];
  bestEpoch: number;
  validation: ValidationReport | null;
  seconds: number;
  validationQueryIds: string[];
}

export interface TrainingProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
}

export interface TrainOptions {
  /** Checked between batches; when set, training stops with InterruptedError. */
  signal?: { readonly aborted: boolean };
  onProgress?: (progress: TrainingProgress) => void;
  onEpoch?: (report: EpochReport) => void;
}

const PAIR_INTS = 7; // left from, to; right from, to, from2, to2; source document
const ADAGRAD_EPS = 1e-8;
const YIELD_MS = 50;

export class ContrastiveTrainer {
  readonly bag: EmbeddingBag;
  private readonly accum: number;
  private readonly ids: number;
  private readonly weights: number;
  private readonly qn: number;
  private readonly dn: number;
  private readonly dq: number;
  private readonly dd: number;
  private readonly sim: number;
  private readonly grad: number;
  private readonly qNorm: Float64Array;
  private readonly sources: Int32Array;
  private readonly dNorm: Float64Array;
  private readonly random: SeededRandom;
  private readonly validationQueries: Set<number> = new Set();
  private readonly validationDocs: Int32Array;
  private readonly trainQueries: Int32Array;
  private readonly heldOutDoc: Uint8Array;

  constructor(
    readonly corpus: TrainingCorpus,
    readonly settings: TrainingSettings,
  ) {
    checkSettings(settings);
    const dim = settings.dimensions;
    const B = settings.batchSize;
    const rows = corpus.vocabulary.size;
    const features = corpus.features.length;
    this.bag = new EmbeddingBag(rows, dim, rows * 4 + features * 8 + 4 * B * dim * 4 + 2 * B * B * 4 + (1 << 16));
    const heap = this.bag.heap;
    this.accum = heap.alloc(rows * 4);
    const loaded = this.bag.loadFeatures(corpus.features);
    this.ids = loaded.ids;
    this.weights = loaded.weights;
    this.qn = heap.alloc(B * dim * 4);
    this.dn = heap.alloc(B * dim * 4);
    this.dq = heap.alloc(B * dim * 4);
    this.dd = heap.alloc(B * dim * 4);
    this.sim = heap.alloc(B * B * 4);
    this.grad = heap.alloc(B * B * 4);
    this.qNorm = new Float64Array(B);
    this.sources = new Int32Array(B);
    this.dNorm = new Float64Array(B);

    this.random = new SeededRandom(settings.seed);
    fillNormal(this.bag.tableView(), this.random.fork(1), settings.initScale);

    // Held-out data: whole queries (all their judgments) or, without judgments, documents.
    const split = this.random.fork(2);
    const n = corpus.documentCount;
    this.heldOutDoc = new Uint8Array(n);
    const queryIds = [...new Set(corpus.queryIds)].sort();
    if (queryIds.length > 0) {
      split.shuffle(queryIds);
      const held = new Set(queryIds.slice(0, Math.round(queryIds.length * settings.validationFraction)));
      corpus.queryIds.forEach((id, q) => {
        if (held.has(id)) this.validationQueries.add(q);
      });
      this.validationDocs = new Int32Array(0);
    } else {
      const candidates: number[] = [];
      for (let d = 0; d < n; d++) if (corpus.bodyStart[d] > corpus.titleStart[d] && corpus.docEnd[d] > corpus.bodyStart[d]) candidates.push(d);
      split.shuffle(candidates);
      const count = Math.min(settings.validationDocuments, Math.floor(n * 0.05), candidates.length);
      this.validationDocs = Int32Array.from(candidates.slice(0, count)).sort();
      for (const d of this.validationDocs) this.heldOutDoc[d] = 1;
    }
    const train: number[] = [];
    for (let q = 0; q < corpus.queryIds.length; q++) {
      if (!this.validationQueries.has(q) && corpus.queryEnd[q] > corpus.queryStart[q] && corpus.docEnd[corpus.queryDoc[q]] > corpus.titleStart[corpus.queryDoc[q]]) train.push(q);
    }
    this.trainQueries = Int32Array.from(train);
  }

  /** Query ids held out for validation (never trained on). */
  get validationQueryIds(): string[] {
    return [...new Set([...this.validationQueries].map((q) => this.corpus.queryIds[q]))].sort();
  }

  async train(options: TrainOptions = {}): Promise<TrainingReport> {
    const started = performance.now();
    const s = this.settings;
    const epochs: EpochReport[] = [];
    const initial = this.validate();
    let best = -Infinity;
    let bestEpoch = 0;
    let progressEpoch = 0; // the last epoch that improved by at least minImprovement
    let snapshot: Float32Array | null = null;
    let counts = { titleBody: 0, ict: 0, judgments: 0 };
    let lastYield = performance.now();
    for (let epoch = 1; epoch <= s.epochs; epoch++) {
      const epochStarted = performance.now();
      const { pairs, count, counts: c } = this.buildPairs(this.random.fork(100 + epoch));
      counts = c;
      const batches = Math.ceil(count / s.batchSize);
      let lossSum = 0;
      let lossBatches = 0;
      for (let b = 0; b < batches; b++) {
        // let signal handlers (Ctrl-C) and timers run between batches
        if (performance.now() - lastYield > YIELD_MS) {
          await new Promise((done) => setImmediate(done));
          lastYield = performance.now();
        }
        if (options.signal?.aborted) throw new InterruptedError("encoder training interrupted; nothing was written");
        const from = b * s.batchSize;
        const size = Math.min(s.batchSize, count - from);
        if (size < 2) continue;
        lossSum += this.step(pairs, from, size);
        lossBatches++;
        options.onProgress?.({ epoch, epochs: s.epochs, batch: b + 1, batches, loss: lossSum / lossBatches });
      }
      const report: EpochReport = { epoch, pairs: count, loss: lossBatches ? lossSum / lossBatches : 0, seconds: (performance.now() - epochStarted) / 1000 };
      const value = this.validate();
      if (value !== null) report.validation = value;
      epochs.push(report);
      options.onEpoch?.(report);
      if (value === null) {
        bestEpoch = epoch;
        continue;
      }
      if (value >= best + s.minImprovement) progressEpoch = epoch;
      if (value > best) {
        best = value;
        bestEpoch = epoch;
        // kept to be restored if a later epoch is worse
        snapshot = epoch < s.epochs ? this.bag.tableView().slice() : null;
      }
      if (s.patience > 0 && epoch - progressEpoch >= s.patience) break;
    }
    if (bestEpoch !== epochs.length && snapshot) this.bag.tableView().set(snapshot);
    return {
      pairsPerEpoch: counts,
      epochs,
      bestEpoch,
      validation:
        initial === null || bestEpoch === 0
          ? null
          : {
              metric: this.validationQueries.size > 0 ? "ndcg@10 (held-out train queries, whole corpus)" : "mrr@10 (held-out titles find their own body)",
              value: best,
              count: this.validationQueries.size > 0 ? new Set([...this.validationQueries].map((q) => this.corpus.queryIds[q])).size : this.validationDocs.length,
              initial,
            },
      seconds: (performance.now() - started) / 1000,
      validationQueryIds: this.validationQueryIds,
    };
  }

  /** One epoch's pairs, shuffled. */
  private buildPairs(random: SeededRandom): { pairs: Int32Array; count: number; counts: { titleBody: number; ict: number; judgments: number } } {
    const c = this.corpus;
    const s = this.settings;
    const n = c.documentCount;
    const capacity = n * 2 + this.trainQueries.length * s.judgmentRepeats;
    const pairs = new Int32Array(capacity * PAIR_INTS);
    let count = 0;
    const counts = { titleBody: 0, ict: 0, judgments: 0 };
    const add = (lf: number, lt: number, rf: number, rt: number, rf2: number, rt2: number, source: number) => {
      const o = count++ * PAIR_INTS;
      pairs[o] = lf;
      pairs[o + 1] = lt;
      pairs[o + 2] = rf;
      pairs[o + 3] = rt;
      pairs[o + 4] = rf2;
      pairs[o + 5] = rt2;
      pairs[o + 6] = source;
    };
    for (let d = 0; d < n; d++) {
      if (this.heldOutDoc[d]) continue;
      const title = c.titleStart[d];
      const body = c.bodyStart[d];
      const end = c.docEnd[d];
      if (s.titleBodyPairs && body > title && end > body) {
        add(title, body, body, end, 0, 0, d);
        counts.titleBody++;
      }
      const sentences = c.sentenceCount(d);
      if (s.ictPairs && sentences > 0 && (sentences > 1 || body > title)) {
        const k = c.sentenceOffsets[d] + random.int(sentences);
        const from = c.sentenceBounds[k];
        const to = c.sentenceBounds[k + 1];
        if (random.next() < s.ictKeepSentence) add(from, to, title, end, 0, 0, d);
        else add(from, to, title, from, to, end, d);
        counts.ict++;
      }
    }
    for (let r = 0; r < s.judgmentRepeats; r++) {
      for (const q of this.trainQueries) {
        const d = c.queryDoc[q];
        add(c.queryStart[q], c.queryEnd[q], c.titleStart[d], c.docEnd[d], 0, 0, d);
        counts.judgments++;
      }
    }
    // Fisher-Yates over pair records
    for (let i = count - 1; i > 0; i--) {
      const j = random.int(i + 1);
      for (let k = 0; k < PAIR_INTS; k++) {
        const t = pairs[i * PAIR_INTS + k];
        pairs[i * PAIR_INTS + k] = pairs[j * PAIR_INTS + k];
        pairs[j * PAIR_INTS + k] = t;
      }
    }
    return { pairs, count, counts };
  }

  /** Forward, loss and update for pairs [from, from + size); returns the batch's mean loss. */
  private step(pairs: Int32Array, from: number, size: number): number {
    const dim = this.settings.dimensions;
    const bag = this.bag;
    const k = bag.kernels;
    const tau = this.settings.temperature;
    for (let i = 0; i < size; i++) {
      const o = (from + i) * PAIR_INTS;
      this.qNorm[i] = bag.encodeInto(this.ids, this.weights, pairs[o], pairs[o + 1], this.qn + i * dim * 4);
      this.dNorm[i] = bag.encodeInto(this.ids, this.weights, pairs[o + 2], pairs[o + 3], this.dn + i * dim * 4, pairs[o + 4], pairs[o + 5]);
    }
    k.gemmNT(this.qn, this.dn, this.sim, size, size, dim);
    const f = bag.heap.f32;
    const S = this.sim / 4;
    const G = this.grad / 4;
    const source = this.sources;
    for (let i = 0; i < size; i++) source[i] = pairs[(from + i) * PAIR_INTS + 6];
    const masked = (i: number, j: number) => i !== j && source[i] === source[j];
    let loss = 0;
    const scale = 1 / (2 * size * tau);
    // rows: each left text against every right text
    for (let i = 0; i < size; i++) {
      let max = -Infinity;
      for (let j = 0; j < size; j++) if (!masked(i, j)) max = Math.max(max, f[S + i * size + j] / tau);
      let sum = 0;
      for (let j = 0; j < size; j++) {
        const e = masked(i, j) ? 0 : Math.exp(f[S + i * size + j] / tau - max);
        f[G + i * size + j] = e;
        sum += e;
      }
      for (let j = 0; j < size; j++) f[G + i * size + j] = (f[G + i * size + j] / sum - (i === j ? 1 : 0)) * scale;
      loss -= f[S + i * size + i] / tau - max - Math.log(sum);
    }
    // columns: each right text against every left text
    for (let j = 0; j < size; j++) {
      let max = -Infinity;
      for (let i = 0; i < size; i++) if (!masked(i, j)) max = Math.max(max, f[S + i * size + j] / tau);
      let sum = 0;
      for (let i = 0; i < size; i++) if (!masked(i, j)) sum += Math.exp(f[S + i * size + j] / tau - max);
      for (let i = 0; i < size; i++) {
        const p = masked(i, j) ? 0 : Math.exp(f[S + i * size + j] / tau - max) / sum;
        f[G + i * size + j] += (p - (i === j ? 1 : 0)) * scale;
      }
      loss -= f[S + j * size + j] / tau - max - Math.log(sum);
    }
    k.gemmNN(this.grad, this.dn, this.dq, size, size, dim);
    k.gemmTN(this.grad, this.qn, this.dd, size, size, dim);
    const lr = this.settings.learningRate;
    for (let i = 0; i < size; i++) {
      const o = (from + i) * PAIR_INTS;
      this.update(this.qn + i * dim * 4, this.dq + i * dim * 4, this.qNorm[i], pairs[o], pairs[o + 1], 0, 0, lr);
      this.update(this.dn + i * dim * 4, this.dd + i * dim * 4, this.dNorm[i], pairs[o + 2], pairs[o + 3], pairs[o + 4], pairs[o + 5], lr);
    }
    return loss / (2 * size);
  }

  /** Back through the L2 normalization, then the Adagrad update of the text's rows. */
  private update(unit: number, grad: number, norm: number, from: number, to: number, from2: number, to2: number, lr: number): void {
    if (!(norm > 0)) return;
    const dim = this.settings.dimensions;
    const f = this.bag.heap.f32;
    const u = unit / 4;
    const g = grad / 4;
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += f[u + j] * f[g + j];
    let sq = 0;
    for (let j = 0; j < dim; j++) {
      const v = (f[g + j] - f[u + j] * dot) / norm;
      f[g + j] = v;
      sq += v * v;
    }
    const meanSq = sq / dim;
    if (!(meanSq > 0)) return;
    const k = this.bag.kernels;
    if (to > from) k.bagAdagrad(this.bag.table, this.accum, dim, this.ids, this.weights, from, to, grad, 1, meanSq, lr, ADAGRAD_EPS);
    if (to2 > from2) k.bagAdagrad(this.bag.table, this.accum, dim, this.ids, this.weights, from2, to2, grad, 1, meanSq, lr, ADAGRAD_EPS);
  }

  /** The validation figure of the current weights, or null when nothing was held out. */
  validate(): number | null {
    if (this.validationQueries.size > 0) return this.validateQueries();
    if (this.validationDocs.length > 0) return this.validateTitles();
    return null;
  }

  /** Encodes ranges into the matrix region at byte offset `at` (rows of `dim` floats). */
  private encodeRanges(count: number, range: (i: number) => [number, number], at: number): void {
    const dim = this.settings.dimensions;
    for (let i = 0; i < count; i++) {
      const [from, to] = range(i);
      this.bag.encodeInto(this.ids, this.weights, from, to, at + i * dim * 4);
    }
  }

  /**
   * Scores every query row against every document row, `chunk` queries at a
   * time, and hands each query's scores to `visit`.
   */
  private scoreAll(queries: number, query: (i: number) => [number, number], docs: number, doc: (d: number) => [number, number], visit: (i: number, scores: Float32Array) => void): void {
    const dim = this.settings.dimensions;
    const heap = this.bag.heap;
    const chunk = 64;
    // allocated once (the heap is a bump allocator), reused by every validation
    this.validationRegions ??= {
      docs: heap.alloc(docs * dim * 4),
      queries: heap.alloc(chunk * dim * 4),
      scores: heap.alloc(chunk * docs * 4),
    };
    const { docs: docMatrix, queries: queryMatrix, scores } = this.validationRegions;
    this.encodeRanges(docs, doc, docMatrix);
    for (let start = 0; start < queries; start += chunk) {
      const n = Math.min(chunk, queries - start);
      this.encodeRanges(n, (i) => query(start + i), queryMatrix);
      this.bag.kernels.gemmNT(queryMatrix, docMatrix, scores, n, docs, dim);
      for (let i = 0; i < n; i++) visit(start + i, heap.f32.subarray(scores / 4 + i * docs, scores / 4 + (i + 1) * docs));
    }
  }

  private validationRegions: { docs: number; queries: number; scores: number } | undefined;

  private validateQueries(): number {
    const c = this.corpus;
    const held = [...this.validationQueries];
    const byId = new Map<string, number>();
    const qrels: Qrels = new Map();
    for (const q of held) {
      const id = c.queryIds[q];
      if (!byId.has(id)) byId.set(id, q);
      if (!qrels.has(id)) qrels.set(id, new Map());
      qrels.get(id)!.set(c.docIds[c.queryDoc[q]], 1);
    }
    const ids = [...byId.keys()];
    const run: Run = new Map();
    const selector = new TopKSelector(100);
    this.scoreAll(
      ids.length,
      (i) => [c.queryStart[byId.get(ids[i])!], c.queryEnd[byId.get(ids[i])!]],
      c.documentCount,
      (d) => [c.titleStart[d], c.docEnd[d]],
      (i, scores) => {
        const top = selector.select(scores, 100);
        run.set(ids[i], Array.from(top.items, (d, r) => ({ docId: c.docIds[d], score: top.scores[r] })));
      },
    );
    return evaluateRun(run, qrels, { measures: ["ndcg_cut.10"], complete: true }).mean.ndcg_cut_10;
  }

  private validateTitles(): number {
    const c = this.corpus;
    const docs = this.validationDocs;
    let sum = 0;
    this.scoreAll(
      docs.length,
      (i) => [c.titleStart[docs[i]], c.bodyStart[docs[i]]],
      c.documentCount,
      (d) => [c.bodyStart[d], c.docEnd[d]],
      (i, scores) => {
        const own = scores[docs[i]];
        let rank = 0;
        for (let d = 0; d < scores.length && rank < 10; d++) if (scores[d] > own || (scores[d] === own && d < docs[i])) rank++;
        if (rank < 10) sum += 1 / (rank + 1);
      },
    );
    return sum / docs.length;
  }
}

function checkSettings(s: TrainingSettings): void {
  const positiveInt = (name: keyof TrainingSettings, min = 1) => {
    const v = s[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new InvalidArgumentError(`encoder training: ${name} must be an integer of at least ${min}, got ${v}`);
  };
  positiveInt("epochs");
  positiveInt("batchSize", 2);
  positiveInt("judgmentRepeats", 0);
  positiveInt("validationDocuments", 0);
  positiveInt("patience", 0);
  if (!(s.minImprovement >= 0)) throw new InvalidArgumentError(`encoder training: minImprovement must be a number of at least 0, got ${s.minImprovement}`);
  for (const name of ["learningRate", "temperature", "initScale"] as const) {
    if (!(s[name] > 0) || !Number.isFinite(s[name])) throw new InvalidArgumentError(`encoder training: ${name} must be a positive number, got ${s[name]}`);
  }
  for (const name of ["ictKeepSentence", "validationFraction"] as const) {
    if (!(s[name] >= 0 && s[name] < 1)) throw new InvalidArgumentError(`encoder training: ${name} must be in [0, 1), got ${s[name]}`);
  }
  if (!s.titleBodyPairs && !s.ictPairs && s.judgmentRepeats === 0) throw new InvalidArgumentError("encoder training: every kind of training pair is turned off");
}
