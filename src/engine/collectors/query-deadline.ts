/**
 * A time budget for one request's searches, as Lucene's TimeLimitingCollector
 * and Elasticsearch's search timeout: collectors tick once per document they
 * visit and look at the clock every 1,024 ticks (a clock read per document
 * would cost more than the scoring), and each search checks it before every
 * segment. One deadline can span several searches (Paper Radar's
 * newest-first paging runs one per window of dates). Over budget, the search
 * stops with a QueryTimeBudgetError that names the limit (400 over HTTP).
 */
import { InvalidArgumentError, InvalidQueryError } from "../../core/errors.js";

/** A request that ran past its time budget (400, code INVALID_QUERY: the query is too costly to answer). */
export class QueryTimeBudgetError extends InvalidQueryError {
  constructor(readonly budgetMs: number) {
    super(`the query ran longer than its time budget of ${budgetMs} ms (timeBudgetMs): make it more specific (fewer prefixes, a narrower filter)`);
    this.name = "QueryTimeBudgetError";
  }
}

const TICKS_PER_CHECK = 1024;

export class QueryDeadline {
  private readonly end: number;
  private ticks = 0;

  /** `now` is the clock (milliseconds; tests pass their own). */
  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(budgetMs > 0) || !Number.isFinite(budgetMs)) throw new InvalidArgumentError(`a time budget must be a positive number of milliseconds, got ${budgetMs}`);
    this.end = now() + budgetMs;
  }

  /** Throws when the budget is spent. */
  check(): void {
    if (this.now() > this.end) throw new QueryTimeBudgetError(this.budgetMs);
  }

  /** Counts one unit of work; checks the clock every 1,024. */
  tick(): void {
    if (++this.ticks % TICKS_PER_CHECK === 0) this.check();
  }
}
