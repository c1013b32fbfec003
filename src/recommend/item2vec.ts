/**
 * item2vec (Barkan & Koenigstein 2016): word2vec's skip-gram with negative
 * sampling (Mikolov et al. 2013) over each user's time-ordered items. For
 * every position t and every context position c within a window around t
 * (a window drawn uniformly from 1..window per position, as word2vec does;
 * window 0 means the whole sequence, as in the item2vec paper), the input
 * vector of the context item is pushed towards the output vector of the
 * centre item and away from `negatives` items drawn from the unigram^0.75
 * distribution. The learning rate falls linearly to 1e-4 of its start.
 *
 * Both tables are kept: `similarItems` is cosine over input vectors (items
 * used in the same contexts, i.e. substitutes); `complementaryItems` is
 * input·output (items that appear next to each other, i.e. complements).
 * A user is scored from a recency-weighted sum of history input vectors,
 * against output vectors ("complementary", the default) or normalized input
 * vectors ("similar").
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { InteractionData } from "./interactions.js";
import type { ModelArray } from "./model-io.js";
import { SeededRandom } from "../core/random.js";
import { BaseRecommender, rowNorms, type FitProgress, type ResolvedQuery } from "./recommender.js";
import type { ScoredItems } from "./top-k.js";

export interface Item2VecOptions {
  factors: number;
  /** Maximum context distance (default 5); 0 = the whole sequence. */
  window: number;
  negatives: number;
  epochs: number;
  learningRate: number;
  /** word2vec's frequent-item downsampling threshold (default 0 = off). */
  subsample: number;
  /** How users are scored: history·output ("complementary") or history·input cosine ("similar"). */
  userScoring: "complementary" | "similar";
  /** Weight of a history item k positions before the latest: decay^k (default 1 = no decay). */
  recencyDecay: number;
  /** Use only the latest n history items (default 0 = all). */
  historyLength: number;
  seed: number;
}

export const ITEM2VEC_DEFAULTS: Item2VecOptions = {
  factors: 64,
  window: 5,
  negatives: 5,
  epochs: 10,
  learningRate: 0.025,
  subsample: 0,
  userScoring: "complementary",
  recencyDecay: 1,
  historyLength: 0,
  seed: 42,
};

const NEGATIVE_TABLE_SIZE = 1 << 20;

export class Item2Vec extends BaseRecommender<Item2VecOptions> {
  readonly algorithm = "item2vec";
  inputVectors: Float32Array = new Float32Array(0);
  outputVectors: Float32Array = new Float32Array(0);
  private inputNorms: Float32Array | undefined;
  private userVector: Float64Array | undefined;

  constructor(options: Partial<Item2VecOptions> = {}) {
    super(ITEM2VEC_DEFAULTS, options);
  }

  protected override validateOptions(): void {
    const o = this.options;
    if (!(Number.isInteger(o.factors) && o.factors > 0)) throw new InvalidArgumentError(`factors must be a positive integer, got ${o.factors}`);
    if (!(Number.isInteger(o.window) && o.window >= 0)) throw new InvalidArgumentError(`window must be a non-negative integer, got ${o.window}`);
    if (!(Number.isInteger(o.negatives) && o.negatives >= 0)) throw new InvalidArgumentError(`negatives must be a non-negative integer, got ${o.negatives}`);
    if (!(o.learningRate > 0)) throw new InvalidArgumentError(`learningRate must be > 0, got ${o.learningRate}`);
    if (o.userScoring !== "complementary" && o.userScoring !== "similar") {
      throw new InvalidArgumentError(`userScoring must be "complementary" or "similar", got ${JSON.stringify(o.userScoring)}`);
    }
    if (!(o.recencyDecay > 0 && o.recencyDecay <= 1)) throw new InvalidArgumentError(`recencyDecay must be in (0, 1], got ${o.recencyDecay}`);
  }

  protected async fitModel(data: InteractionData, progress: (p: FitProgress) => void): Promise<void> {
    const { factors: d, window, negatives, epochs, learningRate, subsample, seed } = this.options;
    const seq = data.userSequences();
    const n = data.numItems;
    const rng = new SeededRandom(seed);
    const input = new Float32Array(n * d);
    const output = new Float32Array(n * d);
    for (let p = 0; p < input.length; p++) input[p] = (rng.next() - 0.5) / d;
    // Unigram^0.75 table for negatives.
    const freq = new Float64Array(n);
    for (let p = 0; p < seq.items.length; p++) freq[seq.items[p]]++;
    const table = negativeTable(freq);
    const keep = keepProbabilities(freq, seq.items.length, subsample);
    const users = new Int32Array(data.numUsers);
    for (let u = 0; u < users.length; u++) users[u] = u;
    const total = Math.max(1, epochs * seq.items.length);
    const minRate = learningRate * 1e-4;
    const grad = new Float32Array(d);
    const buffer = new Int32Array(Math.max(1, maxRowLength(seq.indptr)));
    let processed = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      rng.shuffle(users);
      for (let q = 0; q < users.length; q++) {
        const u = users[q];
        // The user's items after downsampling.
        let len = 0;
        for (let p = seq.indptr[u]; p < seq.indptr[u + 1]; p++) {
          const item = seq.items[p];
          if (keep[item] < 1 && rng.next() >= keep[item]) continue;
          buffer[len++] = item;
        }
        const rate = Math.max(minRate, learningRate * (1 - processed / total));
        processed += seq.indptr[u + 1] - seq.indptr[u];
        for (let t = 0; t < len; t++) {
          const centre = buffer[t];
          const reach = window === 0 ? len : 1 + rng.int(window);
          const from = Math.max(0, t - reach);
          const to = Math.min(len - 1, t + reach);
          for (let c = from; c <= to; c++) {
            if (c === t) continue;
            const io = buffer[c] * d;
            grad.fill(0);
            // Positive: the centre item; then negatives.
            for (let s = 0; s <= negatives; s++) {
              let target: number;
              let label: number;
              if (s === 0) {
                target = centre;
                label = 1;
              } else {
                target = table[rng.int(table.length)];
                if (target === centre) continue;
                label = 0;
              }
              const oo = target * d;
              let dot = 0;
              for (let f = 0; f < d; f++) dot += input[io + f] * output[oo + f];
              const g = (label - sigmoid(dot)) * rate;
              for (let f = 0; f < d; f++) {
                grad[f] += g * output[oo + f];
                output[oo + f] += g * input[io + f];
              }
            }
            for (let f = 0; f < d; f++) input[io + f] += grad[f];
          }
        }
      }
      progress({ phase: "epochs", done: epoch + 1, total: epochs });
      await Promise.resolve();
    }
    this.inputVectors = input;
    this.outputVectors = output;
    this.inputNorms = undefined;
  }

  protected score(query: ResolvedQuery, out: Float32Array): void {
    const { factors: d, userScoring, recencyDecay, historyLength } = this.options;
    if (!this.userVector || this.userVector.length !== d) this.userVector = new Float64Array(d);
    const v = this.userVector;
    v.fill(0);
    const history = query.history;
    const first = historyLength > 0 ? Math.max(0, history.length - historyLength) : 0;
    const norms = userScoring === "similar" ? this.norms() : undefined;
    let w = 1;
    for (let p = history.length - 1; p >= first; p--) {
      const io = history[p] * d;
      const scale = norms ? (norms[history[p]] > 0 ? w / norms[history[p]] : 0) : w;
      for (let f = 0; f < d; f++) v[f] += scale * this.inputVectors[io + f];
      w *= recencyDecay;
    }
    const target = userScoring === "similar" ? this.inputVectors : this.outputVectors;
    for (let i = 0, o = 0; i < out.length; i++, o += d) {
      let s = 0;
      for (let f = 0; f < d; f++) s += target[o + f] * v[f];
      out[i] = norms ? (norms[i] > 0 ? s / norms[i] : 0) : s;
    }
  }

  private norms(): Float32Array {
    this.inputNorms ??= rowNorms(this.inputVectors, this.numItems, this.options.factors);
    return this.inputNorms;
  }

  /** Substitutes: cosine similarity of input vectors. */
  similarItems(item: number, k: number): ScoredItems {
    this.checkItem(item);
    const d = this.options.factors;
    const norms = this.norms();
    const scores = new Float32Array(this.numItems);
    const qo = item * d;
    for (let i = 0, o = 0; i < this.numItems; i++, o += d) {
      let s = 0;
      for (let f = 0; f < d; f++) s += this.inputVectors[o + f] * this.inputVectors[qo + f];
      const denom = norms[i] * norms[item];
      scores[i] = denom > 0 ? s / denom : 0;
    }
    return this.topOfRow(scores, k, item);
  }

  /** Complements: input(item)·output(j), the skip-gram's co-occurrence score. */
  complementaryItems(item: number, k: number): ScoredItems {
    this.checkItem(item);
    const d = this.options.factors;
    const scores = new Float32Array(this.numItems);
    const qo = item * d;
    for (let i = 0, o = 0; i < this.numItems; i++, o += d) {
      let s = 0;
      for (let f = 0; f < d; f++) s += this.outputVectors[o + f] * this.inputVectors[qo + f];
      scores[i] = s;
    }
    return this.topOfRow(scores, k, item);
  }

  protected exportState(): { arrays: Record<string, ModelArray> } {
    return { arrays: { inputVectors: this.inputVectors, outputVectors: this.outputVectors } };
  }

  protected importState(arrays: Record<string, ModelArray>): void {
    this.inputVectors = arrays.inputVectors as Float32Array;
    this.outputVectors = arrays.outputVectors as Float32Array;
    this.inputNorms = undefined;
  }
}

function sigmoid(x: number): number {
  if (x > 20) return 1;
  if (x < -20) return 0;
  return 1 / (1 + Math.exp(-x));
}

function negativeTable(freq: Float64Array): Int32Array {
  const n = freq.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.pow(freq[i], 0.75);
  const table = new Int32Array(NEGATIVE_TABLE_SIZE);
  if (total === 0) return table;
  let i = 0;
  let cumulative = Math.pow(freq[0], 0.75) / total;
  for (let t = 0; t < NEGATIVE_TABLE_SIZE; t++) {
    const x = (t + 0.5) / NEGATIVE_TABLE_SIZE;
    while (x > cumulative && i < n - 1) {
      i++;
      cumulative += Math.pow(freq[i], 0.75) / total;
    }
    table[t] = i;
  }
  return table;
}

/** word2vec's keep probability (sqrt(f/(s·N)) + 1)·(s·N)/f, capped at 1; all 1 when s = 0. */
function keepProbabilities(freq: Float64Array, total: number, s: number): Float32Array {
  const keep = new Float32Array(freq.length).fill(1);
  if (s <= 0) return keep;
  const threshold = s * total;
  for (let i = 0; i < freq.length; i++) {
    if (freq[i] === 0) continue;
    keep[i] = Math.min(1, (Math.sqrt(freq[i] / threshold) + 1) * (threshold / freq[i]));
  }
  return keep;
}

function maxRowLength(indptr: Int32Array): number {
  let max = 0;
  for (let r = 0; r + 1 < indptr.length; r++) max = Math.max(max, indptr[r + 1] - indptr[r]);
  return max;
}
