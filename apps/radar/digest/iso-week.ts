/**
 * ISO 8601 weeks ("2026-W27"): weeks start on Monday, and week 1 is the week
 * holding the year's first Thursday, so a week belongs to the year of its
 * Thursday (2026-12-31 is in 2026-W53, 2027-01-01 too).
 */
import { InvalidArgumentError } from "../../../src/core/errors.js";

export interface IsoWeek {
  /** "2026-W27". */
  week: string;
  /** Monday, YYYY-MM-DD. */
  from: string;
  /** Sunday, YYYY-MM-DD. */
  to: string;
}

const WEEK = /^(\d{4})-W(\d{2})$/;
const DAY_MS = 86_400_000;

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Monday of ISO week 1 of `year`, epoch ms. */
function week1Monday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0
  return jan4 - weekday * DAY_MS;
}

/** Number of ISO weeks in `year` (52 or 53). */
export function weeksInYear(year: number): number {
  return Math.round((week1Monday(year + 1) - week1Monday(year)) / (7 * DAY_MS));
}

/** The ISO week holding `date` (a YYYY-MM-DD day, or epoch ms). */
export function isoWeekOf(date: string | number): IsoWeek {
  const ms = typeof date === "number" ? date : Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const midnight = Math.floor(ms / DAY_MS) * DAY_MS;
  const monday = midnight - ((new Date(midnight).getUTCDay() + 6) % 7) * DAY_MS;
  const thursday = monday + 3 * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const n = Math.round((monday - week1Monday(year)) / (7 * DAY_MS)) + 1;
  return { week: `${year}-W${String(n).padStart(2, "0")}`, from: day(monday), to: day(monday + 6 * DAY_MS) };
}

/** Parses "2026-W27"; InvalidArgumentError naming the expected form, or a week the year does not have. */
export function parseIsoWeek(text: string): IsoWeek {
  const m = WEEK.exec(text);
  if (!m) throw new InvalidArgumentError(`expected an ISO week such as 2026-W27, got ${JSON.stringify(text.slice(0, 40))}`);
  const year = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || n > weeksInYear(year)) throw new InvalidArgumentError(`${year} has weeks 01 to ${weeksInYear(year)}, got ${text}`);
  const monday = week1Monday(year) + (n - 1) * 7 * DAY_MS;
  return { week: text, from: day(monday), to: day(monday + 6 * DAY_MS) };
}
