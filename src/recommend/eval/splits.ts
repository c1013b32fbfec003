/**
 * Train / validation / test splits of interaction data. Every split is a
 * pure function of the data and, where randomness is involved, a seed, so
 * the same call gives the same split. The three parts share the source's
 * dictionaries (same user and item indices) and keep the event indices they
 * came from.
 *
 * Time order within a user is (timestamp, input position): ties in time keep
 * the order of the input file. Only positive events (kind weight > 0) are
 * held out as targets; other events (e.g. "hide") stay in whichever part
 * their time position falls in.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { csrFind } from "../csr.js";
import type { InteractionData } from "../interactions.js";
import { SeededRandom } from "../../core/random.js";

export type SplitStrategy = "leave-one-out" | "global-temporal" | "user-temporal" | "random-holdout" | "cold-items";

export interface Split {
  strategy: SplitStrategy;
  /** Exact description of the rule, for reports. */
  description: string;
  /** Every option the split used (with defaults filled in). */
  options: Record<string, unknown>;
  source: InteractionData;
  train: InteractionData;
  validation: InteractionData;
  test: InteractionData;
  trainEvents: Int32Array;
  validationEvents: Int32Array;
  testEvents: Int32Array;
  /** Train + validation events, in source order: the history for test. */
  trainAndValidation(): InteractionData;
  /**
   * Cold-start splits: items (1 = cold) that appear in no training event and in
   * no history, only as validation or test targets.
   */
  coldItems?: Uint8Array;
}

export interface LeaveOneOutOptions {
  /** Hold out a validation event (the second-last) too (default true). */
  validation?: boolean;
}

export interface TemporalFractionOptions {
  /** Fraction of events (global) or of each user's positive events held out for test (default 0.2). */
  testFraction?: number;
  /** Fraction held out for validation, taken just before the test part (default 0.1; 0 for none). */
  validationFraction?: number;
}

export interface GlobalTemporalOptions extends TemporalFractionOptions {
  /** Explicit cut: events at or after this time are test (overrides testFraction). */
  testFrom?: number;
  /** Explicit cut: events at or after this time and before testFrom are validation. */
  validationFrom?: number;
}

export interface RandomHoldoutOptions extends TemporalFractionOptions {
  seed?: number;
}

export interface ColdItemOptions {
  /** Share of the items made cold (default 0.1). */
  coldFraction?: number;
  /** Seed of the choice of cold items (default 42). */
  seed?: number;
}

const TRAIN = 0;
const VALIDATION = 1;
const TEST = 2;

/** Events of no part: dropped from the split (a cold item's training events). */
const DROPPED = 3;

/**
 * `part` gives each event's part (TRAIN, VALIDATION, TEST or DROPPED);
 * `notHistory` marks validation events left out of the test histories.
 */
function makeSplit(
  data: InteractionData,
  strategy: SplitStrategy,
  description: string,
  options: Record<string, unknown>,
  part: Uint8Array,
  notHistory?: Uint8Array,
): Split {
  const counts = [0, 0, 0, 0];
  for (let e = 0; e < part.length; e++) counts[part[e]]++;
  const lists = counts.map((c) => new Int32Array(c));
  const fill = [0, 0, 0, 0];
  for (let e = 0; e < part.length; e++) lists[part[e]][fill[part[e]]++] = e;
  let trainAndValidation: InteractionData | undefined;
  const split: Split = {
    strategy,
    description,
    options,
    source: data,
    trainEvents: lists[TRAIN],
    validationEvents: lists[VALIDATION],
    testEvents: lists[TEST],
    train: data.subset(lists[TRAIN]),
    validation: data.subset(lists[VALIDATION]),
    test: data.subset(lists[TEST]),
    trainAndValidation() {
      if (!trainAndValidation) {
        const events: number[] = [];
        for (let e = 0; e < part.length; e++) if ((part[e] === TRAIN || part[e] === VALIDATION) && !notHistory?.[e]) events.push(e);
        trainAndValidation = data.subset(Int32Array.from(events));
      }
      return trainAndValidation;
    },
  };
  return split;
}

function positiveKinds(data: InteractionData): boolean[] {
  return data.kindNames.map((_, k) => data.kindWeight(k) > 0);
}

/**
 * Per-user cut by position: the user's time-ordered events from the
 * `testCount`-th last positive onwards go to test, from the
 * `validationCount` positives before that to validation, the rest to train.
 */
function cutPerUser(data: InteractionData, counts: (positives: number) => { test: number; validation: number }): Uint8Array {
  const { indptr, events } = data.eventsByUserInTimeOrder();
  const positive = positiveKinds(data);
  const part = new Uint8Array(data.length);
  for (let u = 0; u < data.numUsers; u++) {
    const start = indptr[u];
    const end = indptr[u + 1];
    let positives = 0;
    for (let p = start; p < end; p++) if (positive[data.kinds[events[p]]]) positives++;
    const { test, validation } = counts(positives);
    if (test + validation === 0) continue;
    // Walk backwards counting positives to find the cut positions.
    let seen = 0;
    let testCut = end;
    let validationCut = end;
    for (let p = end - 1; p >= start; p--) {
      if (!positive[data.kinds[events[p]]]) continue;
      seen++;
      if (seen === test) testCut = p;
      if (seen === test + validation) validationCut = p;
    }
    if (test === 0) testCut = end;
    if (validation === 0) validationCut = testCut;
    for (let p = validationCut; p < end; p++) part[events[p]] = p >= testCut ? TEST : VALIDATION;
  }
  return part;
}

/**
 * Leave-one-out by time: each user's last positive event is test, the
 * second-last validation, the rest train. Users with two positive events give
 * train + test; users with one keep it in train.
 */
export function leaveOneOutSplit(data: InteractionData, options: LeaveOneOutOptions = {}): Split {
  const validation = options.validation ?? true;
  const part = cutPerUser(data, (n) => {
    if (n >= 3) return { test: 1, validation: validation ? 1 : 0 };
    if (n === 2) return { test: 1, validation: 0 };
    return { test: 0, validation: 0 };
  });
  return makeSplit(
    data,
    "leave-one-out",
    `leave-one-out by timestamp: per user, the last positive event is test${validation ? ", the second-last validation" : ""}, the rest train ` +
      `(users with 2 positive events: train+test; with 1: train only; time ties keep input order)`,
    { validation },
    part,
  );
}

function checkFractions(test: number, validation: number): void {
  if (!(test >= 0 && test < 1)) throw new InvalidArgumentError(`testFraction must be in [0, 1), got ${test}`);
  if (!(validation >= 0 && validation < 1) || test + validation >= 1) {
    throw new InvalidArgumentError(`validationFraction must be >= 0 with testFraction + validationFraction < 1, got ${validation}`);
  }
}

/**
 * Per-user temporal fraction: each user's last ceil(testFraction * n)
 * positive events are test and the ceil(validationFraction * n) before them
 * validation, always leaving at least one positive in train.
 */
export function userTemporalSplit(data: InteractionData, options: TemporalFractionOptions = {}): Split {
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0.1;
  checkFractions(testFraction, validationFraction);
  const part = cutPerUser(data, (n) => {
    if (n < 2) return { test: 0, validation: 0 };
    let test = Math.ceil(testFraction * n);
    let validation = Math.ceil(validationFraction * n);
    while (test + validation > n - 1) {
      if (validation > 0) validation--;
      else test--;
    }
    return { test, validation };
  });
  return makeSplit(
    data,
    "user-temporal",
    `per-user temporal: each user's last ceil(${testFraction}·n) positive events are test, the ceil(${validationFraction}·n) before them validation, ` +
      `at least one kept in train (users with < 2 positives: train only)`,
    { testFraction, validationFraction },
    part,
  );
}

/**
 * Global temporal: one time cut for everybody. Events at or after `testFrom`
 * (default: the time of the event at the (1 - testFraction) quantile) are
 * test; events from `validationFrom` up to `testFrom` are validation.
 */
export function globalTemporalSplit(data: InteractionData, options: GlobalTemporalOptions = {}): Split {
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0.1;
  checkFractions(testFraction, validationFraction);
  const sorted = Float64Array.from(data.timestamps).sort();
  const quantile = (q: number): number => (sorted.length === 0 ? Infinity : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  const testFrom = options.testFrom ?? (testFraction > 0 ? quantile(1 - testFraction) : Infinity);
  const validationFrom = options.validationFrom ?? (validationFraction > 0 ? quantile(1 - testFraction - validationFraction) : testFrom);
  if (validationFrom > testFrom) throw new InvalidArgumentError(`validationFrom (${validationFrom}) must not be after testFrom (${testFrom})`);
  const part = new Uint8Array(data.length);
  for (let e = 0; e < data.length; e++) {
    const t = data.timestamps[e];
    part[e] = t >= testFrom ? TEST : t >= validationFrom ? VALIDATION : TRAIN;
  }
  return makeSplit(
    data,
    "global-temporal",
    `global temporal: events with timestamp >= ${testFrom} are test, >= ${validationFrom} validation, earlier train`,
    { testFraction, validationFraction, testFrom, validationFrom },
    part,
  );
}

/**
 * Random holdout of user-item pairs (all events of a pair go to the same
 * part, so a test pair is never also a training pair): a seeded shuffle of
 * the pairs; the first testFraction are test, the next validationFraction
 * validation.
 */
export function randomHoldoutSplit(data: InteractionData, options: RandomHoldoutOptions = {}): Split {
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0.1;
  const seed = options.seed ?? 42;
  checkFractions(testFraction, validationFraction);
  const seen = data.seenItems();
  const pairs = seen.indices.length;
  const order = new Int32Array(pairs);
  for (let p = 0; p < pairs; p++) order[p] = p;
  new SeededRandom(seed).shuffle(order);
  const pairPart = new Uint8Array(pairs);
  const nTest = Math.round(testFraction * pairs);
  const nValidation = Math.round(validationFraction * pairs);
  for (let r = 0; r < nTest + nValidation && r < pairs; r++) pairPart[order[r]] = r < nTest ? TEST : VALIDATION;
  const part = new Uint8Array(data.length);
  for (let e = 0; e < data.length; e++) part[e] = pairPart[csrFind(seen, data.users[e], data.items[e])];
  return makeSplit(
    data,
    "random-holdout",
    `random holdout of user-item pairs (seed ${seed}): ${testFraction} of pairs test, ${validationFraction} validation, rest train`,
    { testFraction, validationFraction, seed },
    part,
  );
}

/**
 * Cold start: a seeded `coldFraction` of the items is removed from training
 * entirely. The split is leave-one-out by time (as `leaveOneOutSplit`); then
 * every training event of a cold item is dropped, and a cold validation event
 * stays a validation target but is left out of the test history. So cold
 * items occur only as targets: validation targets ranked from training
 * histories, test targets ranked from training + (warm) validation histories,
 * against all items.
 */
export function coldItemSplit(data: InteractionData, options: ColdItemOptions = {}): Split {
  const coldFraction = options.coldFraction ?? 0.1;
  const seed = options.seed ?? 42;
  if (!(coldFraction > 0 && coldFraction < 1)) throw new InvalidArgumentError(`coldFraction must be in (0, 1), got ${coldFraction}`);
  const order = new Int32Array(data.numItems);
  for (let i = 0; i < order.length; i++) order[i] = i;
  new SeededRandom(seed).shuffle(order);
  const nCold = Math.round(coldFraction * data.numItems);
  const cold = new Uint8Array(data.numItems);
  for (let r = 0; r < nCold; r++) cold[order[r]] = 1;
  const base = leaveOneOutSplit(data);
  const part = new Uint8Array(data.length);
  for (const e of base.validationEvents) part[e] = VALIDATION;
  for (const e of base.testEvents) part[e] = TEST;
  const notHistory = new Uint8Array(data.length);
  for (let e = 0; e < data.length; e++) {
    if (!cold[data.items[e]]) continue;
    if (part[e] === TRAIN) part[e] = DROPPED;
    else if (part[e] === VALIDATION) notHistory[e] = 1;
  }
  const split = makeSplit(
    data,
    "cold-items",
    `cold items: ${nCold} of ${data.numItems} items (${coldFraction}, seed ${seed}) removed from training and from every history; ` +
      `then ${base.description}; cold items remain only as validation and test targets`,
    { coldFraction, seed, coldItems: nCold },
    part,
    notHistory,
  );
  split.coldItems = cold;
  return split;
}

export type SplitOptions =
  | ({ strategy: "leave-one-out" } & LeaveOneOutOptions)
  | ({ strategy: "global-temporal" } & GlobalTemporalOptions)
  | ({ strategy: "user-temporal" } & TemporalFractionOptions)
  | ({ strategy: "random-holdout" } & RandomHoldoutOptions)
  | ({ strategy: "cold-items" } & ColdItemOptions);

/** Dispatches on `strategy`. */
export function splitInteractions(data: InteractionData, options: SplitOptions): Split {
  switch (options.strategy) {
    case "leave-one-out":
      return leaveOneOutSplit(data, options);
    case "global-temporal":
      return globalTemporalSplit(data, options);
    case "user-temporal":
      return userTemporalSplit(data, options);
    case "random-holdout":
      return randomHoldoutSplit(data, options);
    case "cold-items":
      return coldItemSplit(data, options);
    default:
      throw new InvalidArgumentError(`unknown split strategy "${(options as { strategy: string }).strategy}"`);
  }
}
