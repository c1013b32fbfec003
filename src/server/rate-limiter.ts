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

/** The two fixed windows a sliding-window estimate is made of (what a store-backed limiter persists per key). */
export interface WindowCounter {
  windowStart: number;
  current: number;
  previous: number;
}

/** `counter` moved to the window that holds `now` (a fresh one when undefined). */
export function rollWindow(counter: WindowCounter | undefined, windowMs: number, now: number): WindowCounter {
  const start = Math.floor(now / windowMs) * windowMs;
  if (!counter) return { windowStart: start, current: 0, previous: 0 };
  if (counter.windowStart === start) return counter;
  return { windowStart: start, current: 0, previous: counter.windowStart === start - windowMs ? counter.current : 0 };
}

/** Whether `extra` more events fit the rule, given the counter (already rolled to `now`). */
export function windowDecision(counter: WindowCounter | undefined, rule: RateLimit, now: number, extra: number): RateDecision {
  if (!counter) return { allowed: extra <= rule.limit, retryAfterSeconds: extra <= rule.limit ? 0 : Math.ceil(rule.windowMs / 1000) };
  const window = rule.windowMs;
  const elapsed = now - counter.windowStart;
  const estimate = counter.previous * (1 - elapsed / window) + counter.current + extra;
  if (estimate <= rule.limit) return { allowed: true, retryAfterSeconds: 0 };
  // the previous window's share fades linearly; when that cannot bring the estimate under the limit, wait for the next window
  let waitMs = window - elapsed;
  if (counter.previous > 0 && counter.current + extra <= rule.limit) waitMs = Math.min(waitMs, ((estimate - rule.limit) / counter.previous) * window);
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

export class RateLimiter {
  private readonly counters = new Map<string, WindowCounter>();

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
    const now = this.now();
    const counter = this.counters.get(key);
    return windowDecision(counter && rollWindow(counter, this.rule.windowMs, now), this.rule, now, 1);
  }

  /** Counts one event for `key`; says whether it was within the limit. */
  hit(key: string, cost = 1): RateDecision {
    const now = this.now();
    const counter = rollWindow(this.counters.get(key), this.rule.windowMs, now);
    counter.current += cost;
    if (!this.counters.has(key)) {
      this.counters.set(key, counter);
      const max = this.options.maxKeys ?? 100_000;
      if (this.counters.size > max) this.counters.delete(this.counters.keys().next().value!);
    } else this.counters.set(key, counter);
    return windowDecision(counter, this.rule, now, 0);
  }

  /** Forgets `key` (a successful sign-in clears its failures). */
  reset(key: string): void {
    this.counters.delete(key);
  }

  get size(): number {
    return this.counters.size;
  }
}
