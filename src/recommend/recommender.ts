/**
 * The one small interface every recommender implements (after
 * benfred/implicit): fit on interaction data, score all items for a user,
 * recommend the top k, list similar items, save and load.
 *
 * A user is named either by index (a user of the training data: the model
 * uses what it learned about them) or by a history (item indices, oldest
 * first): item-based models score from the history directly, factor models
 * fold the history in. With both, the history wins; factor models reuse the
 * trained user vector when the history is exactly the training history.
 *
 * `BaseRecommender` holds what all algorithms share: the id dictionaries,
 * each training user's time-ordered history and seen items (so that a saved
 * model can exclude seen items without the training data), option handling,
 * masking, top-k and the save/load plumbing.
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { CsrMatrix } from "./csr.js";
import type { ItemContentTable } from "./content/item-content.js";
import type { ItemEmbedder } from "./content/item-embedder.js";
import type { InteractionData } from "./interactions.js";
import { writeModel, type ModelArray, type ModelContents } from "./model-io.js";
import { TopKSelector, type ScoredItems } from "./top-k.js";

export type { ScoredItems } from "./top-k.js";

/** A user index, a history of item indices (oldest first), or both. */
export type UserQuery = number | ArrayLike<number> | { user?: number; history?: ArrayLike<number> };

export interface RecommendOptions {
  /** Leave out items the user has already interacted with (default true). */
  excludeSeen?: boolean;
  /** Keep only items passing the filter: a predicate or an allow-mask over item indices. */
  filter?: ((item: number) => boolean) | Uint8Array;
}

export interface FitProgress {
  phase: string;
  done: number;
  total: number;
}

/** Options every `fit` accepts besides the algorithm's own hyperparameters. */
export interface CommonFitOptions {
  onProgress?: (progress: FitProgress) => void;
  /**
   * Held-out targets sharing the training data's dictionaries (a split's
   * `validation` part), for models that stop early on validation (SASRec);
   * other models ignore it.
   */
  validation?: InteractionData;
  /** Polled by iterative models between steps: when set, they stop early and keep what they have. */
  interrupt?: { readonly interrupted: boolean };
  /**
   * What is known about the items besides interactions (titles, brands,
   * categories...), keyed by item id: content models (semantic IDs, the
   * generative recommender, content kNN) need it; others ignore it.
   */
  itemContent?: ItemContentTable;
  /** Embeds item content for content models (default: their own tf-idf + SVD embedding). */
  itemEmbedder?: ItemEmbedder;
  /** Progress lines on stderr from models with a training loop (default: when stderr is a terminal). */
  progress?: boolean;
}

/** What `fitModel` gets besides the data: the common fit options. */
export type FitContext = Pick<CommonFitOptions, "validation" | "interrupt" | "itemContent" | "itemEmbedder" | "progress">;

export interface Recommender {
  /** Registry name, e.g. "ease". */
  readonly algorithm: string;
  /** Hyperparameters in effect (JSON-serializable). */
  readonly options: object;
  readonly numUsers: number;
  readonly numItems: number;
  /** Seconds the last `fit` took (0 for a loaded model that never fitted here). */
  readonly trainingSeconds: number;
  /** How the last `fit` went, for models with a training loop (epochs, early stopping); else undefined. */
  readonly fitReport?: Record<string, unknown>;
  /**
   * True for models that score items from their content, so they can rank an
   * item nobody interacted with in training (a cold item); ID-based models
   * cannot, and the cold-start protocol leaves such items out of their rankings.
   */
  readonly usesItemContent: boolean;
  /** External id of item index i / user index u, and back (-1 when unknown). */
  itemId(item: number): string;
  userId(user: number): string;
  itemIndex(id: string): number;
  userIndex(id: string): number;

  fit(data: InteractionData, options?: Record<string, unknown> & CommonFitOptions): Promise<void>;
  /** Scores of every item for the user (higher is better), into `out` when given. */
  scoreAll(user: UserQuery, out?: Float32Array): Float32Array;
  recommend(user: UserQuery, k: number, options?: RecommendOptions): ScoredItems;
  similarItems(item: number, k: number): ScoredItems;
  save(dir: string): void;
}

/** A resolved query: user index (-1 when none) and time-ordered history. */
export interface ResolvedQuery {
  user: number;
  history: ArrayLike<number>;
  /** True when `history` is the user's training history (not a new one). */
  trainingHistory: boolean;
}

export abstract class BaseRecommender<O extends object> implements Recommender {
  abstract readonly algorithm: string;
  /** Bump when the saved state layout changes. */
  protected readonly stateVersion: number = 1;
  options: O;
  trainingSeconds = 0;
  fitReport: Record<string, unknown> | undefined = undefined;
  readonly usesItemContent: boolean = false;
  protected userIds: readonly string[] = [];
  protected itemIds: readonly string[] = [];
  private userLookup: Map<string, number> | undefined;
  private itemLookup: Map<string, number> | undefined;
  /** Per training user: positive events in time order. */
  protected historyPtr: Int32Array = new Int32Array(1);
  protected historyItems: Int32Array = new Int32Array(0);
  /** Per training user: every item with any event (sorted), for excludeSeen. */
  protected seenPtr: Int32Array = new Int32Array(1);
  protected seenItems: Int32Array = new Int32Array(0);
  private readonly selector = new TopKSelector();
  private scratch: Float32Array | undefined;
  private mask: Uint8Array | undefined;

  constructor(defaults: O, options: Partial<O> = {}) {
    this.options = { ...defaults, ...stripUndefined(options) };
  }

  get numUsers(): number {
    return this.userIds.length;
  }

  get numItems(): number {
    return this.itemIds.length;
  }

  itemId(item: number): string {
    const id = this.itemIds[item];
    if (id === undefined) throw new InvalidArgumentError(`item index ${item} is out of range 0..${this.numItems - 1}`);
    return id;
  }

  userId(user: number): string {
    const id = this.userIds[user];
    if (id === undefined) throw new InvalidArgumentError(`user index ${user} is out of range 0..${this.numUsers - 1}`);
    return id;
  }

  itemIndex(id: string): number {
    this.itemLookup ??= new Map(this.itemIds.map((x, i) => [x, i]));
    return this.itemLookup.get(id) ?? -1;
  }

  userIndex(id: string): number {
    this.userLookup ??= new Map(this.userIds.map((x, i) => [x, i]));
    return this.userLookup.get(id) ?? -1;
  }

  async fit(data: InteractionData, options: Partial<O> & CommonFitOptions = {}): Promise<void> {
    const { onProgress, validation, interrupt, itemContent, itemEmbedder, progress, ...hyper } = options;
    this.options = { ...this.options, ...stripUndefined(hyper as Partial<O>) };
    this.validateOptions();
    this.userIds = data.userDictionary.toArray().slice();
    this.itemIds = data.itemDictionary.toArray().slice();
    this.userLookup = undefined;
    this.itemLookup = undefined;
    const sequences = data.userSequences();
    this.historyPtr = sequences.indptr;
    this.historyItems = sequences.items;
    const seen: CsrMatrix = data.seenItems();
    this.seenPtr = seen.indptr;
    this.seenItems = seen.indices;
    const start = performance.now();
    this.fitReport = undefined;
    await this.fitModel(data, onProgress ?? (() => {}), { validation, interrupt, itemContent, itemEmbedder, progress });
    this.trainingSeconds = (performance.now() - start) / 1000;
  }

  /** Throws InvalidArgumentError for out-of-range hyperparameters. */
  protected validateOptions(): void {}

  protected abstract fitModel(data: InteractionData, progress: (p: FitProgress) => void, context: FitContext): Promise<void> | void;

  /** Scores for a resolved query into `out` (length numItems). */
  protected abstract score(query: ResolvedQuery, out: Float32Array): void;

  abstract similarItems(item: number, k: number): ScoredItems;

  /** Algorithm state to save: typed arrays plus small JSON values. */
  protected abstract exportState(): { arrays: Record<string, ModelArray>; state?: Record<string, unknown> };

  /** Restores what `exportState` produced. */
  protected abstract importState(arrays: Record<string, ModelArray>, state: Record<string, unknown>): void;

  /** Registers new items (content models: items that arrive after training); returns the first new index. */
  protected appendItemIds(ids: readonly string[]): number {
    const first = this.itemIds.length;
    for (const id of ids) if (this.itemIndex(id) >= 0) throw new InvalidArgumentError(`item "${id}" is already in the model`);
    if (new Set(ids).size !== ids.length) throw new InvalidArgumentError("new item ids must be distinct");
    this.itemIds = [...this.itemIds, ...ids];
    this.itemLookup = undefined;
    this.scratch = undefined;
    this.mask = undefined;
    return first;
  }

  /** Training history (time order) of user u. */
  protected userHistory(u: number): Int32Array {
    return this.historyItems.subarray(this.historyPtr[u], this.historyPtr[u + 1]);
  }

  resolve(query: UserQuery): ResolvedQuery {
    let user = -1;
    let history: ArrayLike<number> | undefined;
    if (typeof query === "number") user = query;
    else if (isArrayLike(query)) history = query;
    else {
      user = query.user ?? -1;
      history = query.history;
    }
    if (user !== -1 && !(Number.isInteger(user) && user >= 0 && user < this.numUsers)) {
      throw new InvalidArgumentError(`user index ${user} is out of range 0..${this.numUsers - 1}`);
    }
    if (history === undefined) {
      if (user < 0) throw new InvalidArgumentError("a query needs a user index or a history of item indices");
      return { user, history: this.userHistory(user), trainingHistory: true };
    }
    for (let p = 0; p < history.length; p++) {
      const i = history[p];
      if (!(Number.isInteger(i) && i >= 0 && i < this.numItems)) {
        throw new InvalidArgumentError(`history item index ${i} is out of range 0..${this.numItems - 1}`);
      }
    }
    let trainingHistory = false;
    if (user >= 0) {
      const own = this.userHistory(user);
      trainingHistory = own.length === history.length;
      for (let p = 0; trainingHistory && p < own.length; p++) if (own[p] !== history[p]) trainingHistory = false;
    }
    return { user, history, trainingHistory };
  }

  scoreAll(user: UserQuery, out?: Float32Array): Float32Array {
    const query = this.resolve(user);
    const scores = out ?? new Float32Array(this.numItems);
    if (scores.length !== this.numItems) throw new InvalidArgumentError(`score buffer has length ${scores.length}, expected ${this.numItems}`);
    this.score(query, scores);
    return scores;
  }

  recommend(user: UserQuery, k: number, options: RecommendOptions = {}): ScoredItems {
    if (!(Number.isInteger(k) && k >= 0)) throw new InvalidArgumentError(`k must be a non-negative integer, got ${k}`);
    const query = this.resolve(user);
    this.scratch ??= new Float32Array(this.numItems);
    if (this.scratch.length !== this.numItems) this.scratch = new Float32Array(this.numItems);
    const scores = this.scratch;
    this.score(query, scores);
    if (options.excludeSeen ?? true) {
      for (let p = 0; p < query.history.length; p++) scores[query.history[p]] = -Infinity;
      if (query.user >= 0) {
        for (let p = this.seenPtr[query.user]; p < this.seenPtr[query.user + 1]; p++) scores[this.seenItems[p]] = -Infinity;
      }
    }
    let allowed: Uint8Array | null = null;
    const filter = options.filter;
    if (filter instanceof Uint8Array) {
      if (filter.length !== this.numItems) throw new InvalidArgumentError(`filter mask has length ${filter.length}, expected ${this.numItems}`);
      allowed = filter;
    } else if (typeof filter === "function") {
      this.mask ??= new Uint8Array(this.numItems);
      for (let i = 0; i < this.numItems; i++) this.mask[i] = scores[i] > -Infinity && filter(i) ? 1 : 0;
      allowed = this.mask;
    }
    return this.selector.select(scores, k, allowed);
  }

  /** Seen items (sorted) of training user u. */
  seenBy(user: number): Int32Array {
    return this.seenItems.subarray(this.seenPtr[user], this.seenPtr[user + 1]);
  }

  /** Top k of a dense row, leaving out `exclude` (the query item). */
  protected topOfRow(row: Float32Array, k: number, exclude: number): ScoredItems {
    this.scratch ??= new Float32Array(this.numItems);
    const scores = this.scratch;
    scores.set(row);
    if (exclude >= 0) scores[exclude] = -Infinity;
    return this.selector.select(scores, k);
  }

  protected checkItem(item: number): void {
    if (!(Number.isInteger(item) && item >= 0 && item < this.numItems)) {
      throw new InvalidArgumentError(`item index ${item} is out of range 0..${this.numItems - 1}`);
    }
  }

  protected requireFitted(): void {
    if (this.numItems === 0) throw new InvalidArgumentError(`${this.algorithm}: the model has not been fitted or loaded`);
  }

  save(dir: string): void {
    this.requireFitted();
    const { arrays, state } = this.exportState();
    const contents: ModelContents = {
      algorithm: this.algorithm,
      algorithmVersion: this.stateVersion,
      options: this.options as Record<string, unknown>,
      state: { ...(state ?? {}), trainingSeconds: this.trainingSeconds },
      userIds: this.userIds,
      itemIds: this.itemIds,
      arrays: {
        ...arrays,
        historyPtr: this.historyPtr,
        historyItems: this.historyItems,
        seenPtr: this.seenPtr,
        seenItems: this.seenItems,
      },
    };
    writeModel(dir, contents);
  }

  /** Restores from a directory written by `save` (used by `loadRecommender`). */
  restore(contents: ModelContents): void {
    if (contents.algorithm !== this.algorithm) {
      throw new InvalidArgumentError(`saved model is "${contents.algorithm}", not "${this.algorithm}"`);
    }
    if (contents.algorithmVersion !== this.stateVersion) {
      throw new InvalidArgumentError(`saved ${this.algorithm} state version ${contents.algorithmVersion} is not supported (expected ${this.stateVersion})`);
    }
    this.options = { ...this.options, ...(contents.options as Partial<O>) };
    this.userIds = contents.userIds;
    this.itemIds = contents.itemIds;
    this.userLookup = undefined;
    this.itemLookup = undefined;
    const { historyPtr, historyItems, seenPtr, seenItems, ...rest } = contents.arrays;
    this.historyPtr = historyPtr as Int32Array;
    this.historyItems = historyItems as Int32Array;
    this.seenPtr = seenPtr as Int32Array;
    this.seenItems = seenItems as Int32Array;
    this.trainingSeconds = Number(contents.state.trainingSeconds ?? 0);
    this.importState(rest, contents.state);
  }
}

function isArrayLike(q: unknown): q is ArrayLike<number> {
  return Array.isArray(q) || ArrayBuffer.isView(q);
}

function stripUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** Dot product of rows a[ao..ao+n) and b[bo..bo+n). */
export function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s = 0;
  for (let f = 0; f < n; f++) s += a[ao + f] * b[bo + f];
  return s;
}

/** Every item's score = item factors (numItems x d, row-major) · v. */
export function scoreByFactors(itemFactors: Float32Array, d: number, v: Float32Array | Float64Array, out: Float32Array): void {
  const n = out.length;
  for (let i = 0, o = 0; i < n; i++, o += d) {
    let s = 0;
    for (let f = 0; f < d; f++) s += itemFactors[o + f] * v[f];
    out[i] = s;
  }
}

/** Items most similar to `item` by cosine of factor rows; norms precomputed. */
export function cosineRow(factors: Float32Array, norms: Float32Array, d: number, item: number, out: Float32Array): void {
  const n = out.length;
  const qo = item * d;
  const qn = norms[item];
  for (let i = 0, o = 0; i < n; i++, o += d) {
    let s = 0;
    for (let f = 0; f < d; f++) s += factors[o + f] * factors[qo + f];
    const denom = qn * norms[i];
    out[i] = denom > 0 ? s / denom : 0;
  }
}

/** Euclidean norm of each row. */
export function rowNorms(factors: Float32Array, rows: number, d: number): Float32Array {
  const out = new Float32Array(rows);
  for (let i = 0, o = 0; i < rows; i++, o += d) {
    let s = 0;
    for (let f = 0; f < d; f++) s += factors[o + f] * factors[o + f];
    out[i] = Math.sqrt(s);
  }
  return out;
}
