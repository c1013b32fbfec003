/**
 * Failed sign-ins per account, kept in the store so that every node counts
 * the same failures: a password guesser who spreads attempts over the nodes
 * behind a load balancer (or over many addresses) still meets one limit per
 * account. The count is a sliding window (src/server/rate-limiter.ts's
 * arithmetic) in the `sign_in_failures` collection, keyed by a hash of the
 * normalized email (so the collection names no one). Two nodes counting the
 * same failure at the same instant may lose one of the two increments; the
 * limit is a brake, not a ledger.
 *
 * A correct password after the limit is reached is refused too, until the
 * window slides: the alternative lets a guesser who found the password in.
 * A successful sign-in clears the account's failures.
 */
import { createHash } from "node:crypto";
import { rollWindow, windowDecision, type RateDecision, type RateLimit, type WindowCounter } from "../../../src/server/rate-limiter.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";
import type { Store } from "../../../src/store/store.js";

export const SIGN_IN_FAILURES_COLLECTION = "sign_in_failures";

/** Default: 10 failed sign-ins per account in any 15 minutes. */
export const DEFAULT_ACCOUNT_FAILURE_LIMIT: RateLimit = { limit: 10, windowMs: 15 * 60_000 };

function keyOf(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 40);
}

export class SignInThrottle {
  private constructor(
    private readonly store: Store,
    readonly rule: RateLimit,
    private readonly now: () => number,
  ) {}

  static async open(store: Store, rule: RateLimit = DEFAULT_ACCOUNT_FAILURE_LIMIT, now: () => number = Date.now): Promise<SignInThrottle> {
    await ensureCollection(store, SIGN_IN_FAILURES_COLLECTION, {
      fields: { windowStart: { type: "number", required: true }, current: { type: "number", required: true }, previous: { type: "number", required: true } },
    });
    return new SignInThrottle(store, rule, now);
  }

  private async counter(email: string): Promise<WindowCounter | undefined> {
    const record = await this.store.getRecord(SIGN_IN_FAILURES_COLLECTION, keyOf(email));
    if (!record) return undefined;
    return rollWindow({ windowStart: Number(record.windowStart), current: Number(record.current), previous: Number(record.previous) }, this.rule.windowMs, this.now());
  }

  /** Whether the account may try to sign in now. */
  async check(email: string): Promise<RateDecision> {
    return windowDecision(await this.counter(email), this.rule, this.now(), 1);
  }

  /** Counts a failed sign-in. */
  async recordFailure(email: string): Promise<void> {
    const counter = rollWindow(await this.counter(email), this.rule.windowMs, this.now());
    await this.store.putRecords(SIGN_IN_FAILURES_COLLECTION, [{ id: keyOf(email), windowStart: counter.windowStart, current: counter.current + 1, previous: counter.previous }]);
  }

  /** Forgets the account's failures (after a successful sign-in). */
  async clear(email: string): Promise<void> {
    await this.store.deleteRecords(SIGN_IN_FAILURES_COLLECTION, [keyOf(email)]);
  }
}
