/**
 * Interactions in memory, column-wise: one event per index e, with
 * `users[e]`, `items[e]` (dense indices into the id dictionaries), `kinds[e]`
 * (an index into `kindNames`: view, save, like, hide, purchase, rating, ...),
 * `values[e]` (a rating, a dwell time, or 1) and `timestamps[e]`.
 *
 * Derived views are built on first use and cached:
 * - `userItems()`: user -> items CSR of positive pairs, each pair's value the
 *   sum of its events' kind weights (by default 1 per event, 0 for "hide",
 *   "dislike" and "skip", so a hidden item is not a positive);
 * - `seenItems()`: user -> items CSR of every pair with any event, the set a
 *   recommender must not show again;
 * - `itemUsers()`: the transpose of `userItems()`;
 * - `userSequences()`: each user's positive events in time order.
 *
 * Splits produce subsets that share the same dictionaries, so a user or an
 * item has the same index in train, validation and test.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { csrFilter, csrFromCoordinates, csrTranspose, type CsrMatrix } from "./csr.js";

/** Kinds that are not positive feedback unless weights say otherwise. */
export const DEFAULT_KIND_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({ hide: 0, dislike: 0, skip: 0 });

/** The kind name used when a source has no kind column. */
export const DEFAULT_KIND = "interaction";

/** Strings <-> dense indices 0..size-1, in first-seen order. */
export class IdDictionary {
  private readonly ids: string[] = [];
  private readonly map = new Map<string, number>();
  private frozen = false;

  static from(ids: Iterable<string>): IdDictionary {
    const dict = new IdDictionary();
    for (const id of ids) {
      if (dict.map.has(id)) throw new InvalidArgumentError(`duplicate id "${id}" in dictionary`);
      dict.intern(id);
    }
    return dict;
  }

  get size(): number {
    return this.ids.length;
  }

  /** The index of `id`, adding it if new. */
  intern(id: string): number {
    let index = this.map.get(id);
    if (index === undefined) {
      if (this.frozen) throw new InvalidArgumentError(`unknown id "${id}" (dictionary is frozen)`);
      index = this.ids.length;
      this.ids.push(id);
      this.map.set(id, index);
    }
    return index;
  }

  /** The index of `id`, or -1. */
  indexOf(id: string): number {
    return this.map.get(id) ?? -1;
  }

  /** The id at `index`. */
  idAt(index: number): string {
    const id = this.ids[index];
    if (id === undefined) throw new InvalidArgumentError(`index ${index} is out of range 0..${this.ids.length - 1}`);
    return id;
  }

  /** All ids by index (do not modify). */
  toArray(): readonly string[] {
    return this.ids;
  }

  /** Stops further additions (shared dictionaries must not grow). */
  freeze(): this {
    this.frozen = true;
    return this;
  }
}

/** One interaction as plain values, for builders and tests. */
export interface InteractionRecord {
  user: string;
  item: string;
  kind?: string;
  value?: number;
  timestamp?: number;
}

export interface InteractionColumns {
  users: Int32Array;
  items: Int32Array;
  kinds: Uint8Array;
  values: Float32Array;
  timestamps: Float64Array;
}

export interface InteractionDataOptions {
  /** Weight of one event of each kind in `userItems()`; kinds not listed weigh 1. */
  kindWeights?: Record<string, number>;
}

/** Time-ordered positive events per user. */
export interface UserSequences {
  /** Events of user u are `items[indptr[u] .. indptr[u + 1])`. */
  indptr: Int32Array;
  items: Int32Array;
  timestamps: Float64Array;
}

export class InteractionData {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly kinds: Uint8Array;
  readonly values: Float32Array;
  readonly timestamps: Float64Array;
  readonly userDictionary: IdDictionary;
  readonly itemDictionary: IdDictionary;
  readonly kindNames: readonly string[];
  readonly kindWeights: Readonly<Record<string, number>>;

  private cachedUserItems: CsrMatrix | undefined;
  private cachedSeen: CsrMatrix | undefined;
  private cachedItemUsers: CsrMatrix | undefined;
  private cachedSequences: UserSequences | undefined;
  private cachedTimeOrder: { indptr: Int32Array; events: Int32Array } | undefined;

  constructor(
    columns: InteractionColumns,
    dictionaries: { users: IdDictionary; items: IdDictionary; kinds: readonly string[] },
    options: InteractionDataOptions = {},
  ) {
    const n = columns.users.length;
    if (columns.items.length !== n || columns.kinds.length !== n || columns.values.length !== n || columns.timestamps.length !== n) {
      throw new InvalidArgumentError("interaction columns must all have the same length");
    }
    this.users = columns.users;
    this.items = columns.items;
    this.kinds = columns.kinds;
    this.values = columns.values;
    this.timestamps = columns.timestamps;
    this.userDictionary = dictionaries.users.freeze();
    this.itemDictionary = dictionaries.items.freeze();
    this.kindNames = dictionaries.kinds;
    this.kindWeights = { ...DEFAULT_KIND_WEIGHTS, ...(options.kindWeights ?? {}) };
  }

  /** Builds data from plain records (tests, small inputs). */
  static fromRecords(records: Iterable<InteractionRecord>, options: InteractionDataOptions = {}): InteractionData {
    const builder = new InteractionBuilder(options);
    for (const r of records) builder.add(r.user, r.item, r.kind, r.value, r.timestamp);
    return builder.build();
  }

  /** Number of events. */
  get length(): number {
    return this.users.length;
  }

  get numUsers(): number {
    return this.userDictionary.size;
  }

  get numItems(): number {
    return this.itemDictionary.size;
  }

  userId(index: number): string {
    return this.userDictionary.idAt(index);
  }

  itemId(index: number): string {
    return this.itemDictionary.idAt(index);
  }

  /** Dense index of a user id, or -1. */
  userIndex(id: string): number {
    return this.userDictionary.indexOf(id);
  }

  /** Dense index of an item id, or -1. */
  itemIndex(id: string): number {
    return this.itemDictionary.indexOf(id);
  }

  /** Weight of one event of kind code `kind`. */
  kindWeight(kind: number): number {
    const name = this.kindNames[kind];
    return name !== undefined && name in this.kindWeights ? this.kindWeights[name] : 1;
  }

  /** Per-event weights (kind weight of each event). */
  eventWeights(): Float32Array {
    const perKind = this.kindNames.map((_, k) => this.kindWeight(k));
    const out = new Float32Array(this.length);
    for (let e = 0; e < this.length; e++) out[e] = perKind[this.kinds[e]];
    return out;
  }

  /** User -> items, positive pairs only; value = summed event weights. */
  userItems(): CsrMatrix {
    if (!this.cachedUserItems) {
      const all = csrFromCoordinates(this.numUsers, this.numItems, this.users, this.items, this.eventWeights());
      let anyNonPositive = false;
      for (let p = 0; p < all.data.length; p++) if (!(all.data[p] > 0)) anyNonPositive = true;
      this.cachedUserItems = anyNonPositive ? csrFilter(all, (v) => v > 0) : all;
    }
    return this.cachedUserItems;
  }

  /** User -> items for every pair with any event (value = number of events). */
  seenItems(): CsrMatrix {
    if (!this.cachedSeen) {
      const positives = this.userItems();
      const seen = csrFromCoordinates(this.numUsers, this.numItems, this.users, this.items, null);
      this.cachedSeen = seen.indices.length === positives.indices.length ? positives : seen;
    }
    return this.cachedSeen;
  }

  /** Item -> users (transpose of `userItems()`). */
  itemUsers(): CsrMatrix {
    if (!this.cachedItemUsers) this.cachedItemUsers = csrTranspose(this.userItems());
    return this.cachedItemUsers;
  }

  /** Number of distinct users with a positive interaction, per item. */
  itemPopularity(): Int32Array {
    const m = this.itemUsers();
    const out = new Int32Array(this.numItems);
    for (let i = 0; i < this.numItems; i++) out[i] = m.indptr[i + 1] - m.indptr[i];
    return out;
  }

  /**
   * All event indices grouped by user, each group sorted by (timestamp, event
   * index): the order splits use. Ties in time keep input order.
   */
  eventsByUserInTimeOrder(): { indptr: Int32Array; events: Int32Array } {
    if (!this.cachedTimeOrder) {
      const n = this.length;
      const indptr = new Int32Array(this.numUsers + 1);
      for (let e = 0; e < n; e++) indptr[this.users[e] + 1]++;
      for (let u = 0; u < this.numUsers; u++) indptr[u + 1] += indptr[u];
      const fill = indptr.slice(0, this.numUsers);
      const events = new Int32Array(n);
      for (let e = 0; e < n; e++) events[fill[this.users[e]]++] = e;
      const ts = this.timestamps;
      for (let u = 0; u < this.numUsers; u++) {
        const group = events.subarray(indptr[u], indptr[u + 1]);
        let sorted = true;
        for (let p = 1; p < group.length; p++) {
          if (ts[group[p]] < ts[group[p - 1]]) {
            sorted = false;
            break;
          }
        }
        if (!sorted) group.sort((a, b) => ts[a] - ts[b] || a - b);
      }
      this.cachedTimeOrder = { indptr, events };
    }
    return this.cachedTimeOrder;
  }

  /** Each user's positive-kind events in time order (repeats kept). */
  userSequences(): UserSequences {
    if (!this.cachedSequences) {
      const { indptr: groupPtr, events } = this.eventsByUserInTimeOrder();
      const perKind = this.kindNames.map((_, k) => this.kindWeight(k) > 0);
      const indptr = new Int32Array(this.numUsers + 1);
      const items = new Int32Array(this.length);
      const timestamps = new Float64Array(this.length);
      let n = 0;
      for (let u = 0; u < this.numUsers; u++) {
        for (let p = groupPtr[u]; p < groupPtr[u + 1]; p++) {
          const e = events[p];
          if (!perKind[this.kinds[e]]) continue;
          items[n] = this.items[e];
          timestamps[n] = this.timestamps[e];
          n++;
        }
        indptr[u + 1] = n;
      }
      this.cachedSequences = { indptr, items: items.slice(0, n), timestamps: timestamps.slice(0, n) };
    }
    return this.cachedSequences;
  }

  /** Largest timestamp (or -Infinity when empty). */
  maxTimestamp(): number {
    let max = -Infinity;
    for (let e = 0; e < this.length; e++) if (this.timestamps[e] > max) max = this.timestamps[e];
    return max;
  }

  /** The events at `eventIndices` (in that order), sharing dictionaries. */
  subset(eventIndices: Int32Array): InteractionData {
    const n = eventIndices.length;
    const columns: InteractionColumns = {
      users: new Int32Array(n),
      items: new Int32Array(n),
      kinds: new Uint8Array(n),
      values: new Float32Array(n),
      timestamps: new Float64Array(n),
    };
    for (let p = 0; p < n; p++) {
      const e = eventIndices[p];
      columns.users[p] = this.users[e];
      columns.items[p] = this.items[e];
      columns.kinds[p] = this.kinds[e];
      columns.values[p] = this.values[e];
      columns.timestamps[p] = this.timestamps[e];
    }
    return new InteractionData(
      columns,
      { users: this.userDictionary, items: this.itemDictionary, kinds: this.kindNames },
      { kindWeights: { ...this.kindWeights } },
    );
  }

  /** A short description: counts and density. */
  summary(): { users: number; items: number; events: number; pairs: number; density: number } {
    const pairs = this.userItems().indices.length;
    return {
      users: this.numUsers,
      items: this.numItems,
      events: this.length,
      pairs,
      density: this.numUsers && this.numItems ? pairs / (this.numUsers * this.numItems) : 0,
    };
  }
}

/** Accumulates events with string ids into growing typed columns. */
export class InteractionBuilder {
  readonly users = new IdDictionary();
  readonly items = new IdDictionary();
  private readonly kindIndex = new Map<string, number>();
  private readonly kindNames: string[] = [];
  private capacity = 1024;
  private n = 0;
  private userCol: Int32Array = new Int32Array(this.capacity);
  private itemCol: Int32Array = new Int32Array(this.capacity);
  private kindCol: Uint8Array = new Uint8Array(this.capacity);
  private valueCol: Float32Array = new Float32Array(this.capacity);
  private timeCol: Float64Array = new Float64Array(this.capacity);

  constructor(private readonly options: InteractionDataOptions = {}) {}

  get length(): number {
    return this.n;
  }

  /**
   * Adds one event. A missing timestamp becomes the event's position, so
   * input order stands in for time.
   */
  add(user: string, item: string, kind: string = DEFAULT_KIND, value = 1, timestamp?: number): void {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(`value must be a finite number, got ${value}`);
    if (timestamp !== undefined && !Number.isFinite(timestamp)) {
      throw new InvalidArgumentError(`timestamp must be a finite number, got ${timestamp}`);
    }
    let k = this.kindIndex.get(kind);
    if (k === undefined) {
      if (this.kindNames.length === 256) throw new InvalidArgumentError("more than 256 interaction kinds");
      k = this.kindNames.length;
      this.kindNames.push(kind);
      this.kindIndex.set(kind, k);
    }
    if (this.n === this.capacity) this.grow();
    const e = this.n++;
    this.userCol[e] = this.users.intern(user);
    this.itemCol[e] = this.items.intern(item);
    this.kindCol[e] = k;
    this.valueCol[e] = value;
    this.timeCol[e] = timestamp ?? e;
  }

  build(): InteractionData {
    const n = this.n;
    return new InteractionData(
      {
        users: this.userCol.slice(0, n),
        items: this.itemCol.slice(0, n),
        kinds: this.kindCol.slice(0, n),
        values: this.valueCol.slice(0, n),
        timestamps: this.timeCol.slice(0, n),
      },
      { users: this.users, items: this.items, kinds: this.kindNames.slice() },
      this.options,
    );
  }

  private grow(): void {
    this.capacity *= 2;
    const grow = <T extends Int32Array | Uint8Array | Float32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.capacity);
      b.set(a);
      return b;
    };
    this.userCol = grow(this.userCol, (n) => new Int32Array(n));
    this.itemCol = grow(this.itemCol, (n) => new Int32Array(n));
    this.kindCol = grow(this.kindCol, (n) => new Uint8Array(n));
    this.valueCol = grow(this.valueCol, (n) => new Float32Array(n));
    this.timeCol = grow(this.timeCol, (n) => new Float64Array(n));
  }
}
