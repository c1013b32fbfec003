/**
 * The feed's time window: which days' papers are candidates.
 *
 * - `until`: the request's `until`, else today (UTC);
 * - `since`: the request's `since`, else the earlier of "a week before
 *   `until`" (7 days, `until` included) and the reader's previous visit
 *   (at most `maxLookbackDays` back), so a reader who stayed away for two
 *   weeks sees both weeks;
 * - anchoring: when neither was given and the window holds no papers (the
 *   bundled corpus ends before today), the window moves to end at the newest
 *   paper's day, with the same length, and `anchoredTo` says so.
 */
import { dayNumber, dayString } from "./tfidf.js";

export interface FeedWindow {
  since: string;
  until: string;
  /** Present when the window was moved to the corpus's newest paper day. */
  anchoredTo?: string;
}

export interface WindowRequest {
  since?: string;
  until?: string;
  /** YYYY-MM-DD of the reader's previous visit, if any. */
  lastVisit?: string;
  /** Today, YYYY-MM-DD. */
  today: string;
  windowDays?: number;
  maxLookbackDays?: number;
}

/** The window in day numbers (inclusive) and as dates. */
export function resolveWindow(request: WindowRequest): { sinceDay: number; untilDay: number; window: FeedWindow } {
  const days = request.windowDays ?? 7;
  const untilDay = dayNumber(request.until ?? request.today);
  let sinceDay: number;
  if (request.since !== undefined) sinceDay = dayNumber(request.since);
  else {
    sinceDay = untilDay - (days - 1);
    if (request.lastVisit !== undefined) {
      const visit = Math.max(dayNumber(request.lastVisit), untilDay - (request.maxLookbackDays ?? 30));
      sinceDay = Math.min(sinceDay, visit);
    }
  }
  return { sinceDay, untilDay, window: { since: dayString(sinceDay), until: dayString(untilDay) } };
}

/** The window moved to end at `newestDay`, keeping its length. */
export function anchorWindow(sinceDay: number, untilDay: number, newestDay: number): { sinceDay: number; untilDay: number; window: FeedWindow } {
  const length = untilDay - sinceDay;
  return {
    sinceDay: newestDay - length,
    untilDay: newestDay,
    window: { since: dayString(newestDay - length), until: dayString(newestDay), anchoredTo: dayString(newestDay) },
  };
}
