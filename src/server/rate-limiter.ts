/**
 * A rate limit per key (an address, an account): at most `limit` events in
 * any sliding window of `windowMs`, counted with two fixed windows weighted
 * by overlap (the approximation Cloudflare and nginx use), so each key costs
 * two numbers. Keys are kept in insertion order and the oldest are dropped
 * beyond `maxKeys`, so a flood of distinct addresses cannot grow memory
 * without bound (a dropped key starts again from zero, which errs on the side
 * of letting a real user in).
 *
 * `check` tells whether an event would be allowed without counting it;
 * `hit` counts it and answers the same question. Sign-in uses both: check
 * before the (expensive) password hash, count only failures.
 */
import { InvalidArgumentError } from "../core/errors.js";

export interface RateLimit {
  /** Events allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** When refused: seconds until an event would be allowed again (at least 1). */
  retryAfterSeconds: number;
}

interface Counter {
  windowStart: number;
  current: number;
  previous: number;
}

export class RateLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    readonly rule: RateLimit,
    private readonly options: { maxKeys?: number; now?: () => number } = {},
  ) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new InvalidArgumentError(`rate limit must be a positive integer, got ${rule.limit}`);
    if (!Number.isFinite(rule.windowMs) || rule.windowMs < 1) throw new InvalidArgumentError(`rate limit window must be positive, got ${rule.windowMs}`);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Would one more event for `key` be allowed? (Counts nothing.) */
  check(key: string): RateDecision {
    return this.decide(this.counter(key, false), 1);
  }

  /** Counts one event for `key`; says whether it was within the limit. */
  hit(key: string, cost = 1): RateDecision {
    const counter = this.counter(key, true)!;
    counter.current += cost;
    return this.decide(counter, 0);
  }

  /** Forgets `key` (a successful sign-in clears its failures). */
  reset(key: string): void {
    this.counters.delete(key);
  }

  get size(): number {
    return this.counters.size;
  }

  private counter(key: string, create: boolean): Counter | undefined {
    const now = this.now();
    const window = this.rule.windowMs;
    const start = Math.floor(now / window) * window;
    let counter = this.counters.get(key);
    if (counter && counter.windowStart !== start) {
      counter.previous = counter.windowStart === start - window ? counter.current : 0;
      counter.current = 0;
      counter.windowStart = start;
    }
    if (!counter && create) {
      counter = { windowStart: start, current: 0, previous: 0 };
      this.counters.set(key, counter);
      const max = this.options.maxKeys ?? 100_000;
      if (this.counters.size > max) this.counters.delete(this.counters.keys().next().value!);
    }
    return counter;
  }

  private decide(counter: Counter | undefined, extra: number): RateDecision {
    if (!counter) return { allowed: true, retryAfterSeconds: 0 };
    const window = this.rule.windowMs;
    const elapsed = this.now() - counter.windowStart;
    const weight = 1 - elapsed / window;
    const estimate = counter.previous * weight + counter.current + extra;
    if (estimate <= this.rule.limit) return { allowed: true, retryAfterSeconds: 0 };
    // the previous window's share fades linearly; when it cannot bring the estimate under the limit, wait for the next window
    let waitMs = window - elapsed;
    if (counter.previous > 0 && counter.current <= this.rule.limit) {
      const fadeMs = ((estimate - this.rule.limit) / counter.previous) * window;
      waitMs = Math.min(waitMs, fadeMs);
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
