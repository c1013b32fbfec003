/**
 * Splits whose judgments must never be learned from: they are what
 * evaluations measure. Every trainer that reads judgments (Trove's encoder,
 * learned rankers) checks its split here.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { SeededRandom } from "../core/random.js";

export const HELD_OUT_SPLITS: ReadonlySet<string> = new Set(["test", "dev", "validation"]);

/** Throws when `split` is held out; `what` names the data in the message. */
export function checkTrainingSplit(split: string, what: string): void {
  if (HELD_OUT_SPLITS.has(split)) {
    throw new InvalidArgumentError(`refusing to train on the "${split}" judgments of ${what}: they are what evaluations measure; use --split train`);
  }
}

/**
 * The queries of a training split reserved for choosing between pipelines
 * and settings: a seeded `fraction` of them (default 0.2, seed 1). Trove's
 * own encoder holds out exactly these (its validation queries, with its
 * default settings) and learned rankers never fit on them, so a pipeline
 * measured on them has learned nothing from their judgments.
 */
export function reservedQueries(queryIds: Iterable<string>, options: { fraction?: number; seed?: number } = {}): Set<string> {
  const ids = [...new Set(queryIds)].sort();
  const random = new SeededRandom(options.seed ?? 1);
  random.fork(1); // the encoder's trainer draws its initial weights from the first fork
  random.fork(2).shuffle(ids);
  return new Set(ids.slice(0, Math.round(ids.length * (options.fraction ?? 0.2))));
}
