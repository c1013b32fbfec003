/**
 * Splits whose judgments must never be learned from: they are what
 * evaluations measure. Every trainer that reads judgments (Trove's encoder,
 * learned rankers) checks its split here.
 */
import { InvalidArgumentError } from "../core/errors.js";

export const HELD_OUT_SPLITS: ReadonlySet<string> = new Set(["test", "dev", "validation"]);

/** Throws when `split` is held out; `what` names the data in the message. */
export function checkTrainingSplit(split: string, what: string): void {
  if (HELD_OUT_SPLITS.has(split)) {
    throw new InvalidArgumentError(`refusing to train on the "${split}" judgments of ${what}: they are what evaluations measure; use --split train`);
  }
}
