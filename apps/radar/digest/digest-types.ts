/**
 * The weekly digest's shapes: where its papers come from (`DigestSource`)
 * and what it is (`Digest`), shared by the builder, the renderers, the mailer
 * and the routes.
 *
 * A FeedService (apps/radar/feed) becomes a `DigestSource` with the one-line
 * adapter `digestSourceFromFeed(feed)` (below), which asks the feed for the
 * week's window (both days inclusive, as the feed reads them). The feed is
 * not imported here: `FeedLike` is the part of its shape the digest uses.
 */
import type { Paper } from "../papers.js";

/** The week's bounds, YYYY-MM-DD, both inclusive (Monday to Sunday). */
export interface DigestWindow {
  since: string;
  until: string;
  /** Instead of the days: the papers that arrived after this time, up to `arrivedUntil` (ISO; a daily or weekly digest). */
  arrivedAfter?: string;
  arrivedUntil?: string;
}

export interface DigestSourceItem {
  paper: Paper;
  reasons: ReadonlyArray<{ text: string }>;
}

/** The reader's best papers of the window, best first, at most `limit`. */
export type DigestSource = (readerId: string, window: DigestWindow, limit: number) => Promise<{ items: readonly DigestSourceItem[] }>;

export interface DigestTopic {
  kind: "category" | "keyword";
  value: string;
  /** True when it is one of the reader's topics. */
  matched: boolean;
}

export interface DigestItem {
  paper: Paper;
  /** Extractive (the abstract's best sentences) or written by the LLM; see `Digest.generatedBy`. */
  summary: string;
  topics: DigestTopic[];
  /** Who should read it ("researchers in dense retrieval"). */
  bestFor: string[];
  /** Why it is in the digest ("Editor's pick", "matches topic cs.IR", the feed's reasons). */
  reasons: string[];
  /** An admin pinned it ("Editor's pick"); pinned papers come first. */
  pinned: boolean;
}

export interface Digest {
  /** ISO week, "2026-W27". */
  week: string;
  /** Monday, YYYY-MM-DD. */
  from: string;
  /** Sunday, YYYY-MM-DD. */
  to: string;
  items: DigestItem[];
  /** The week's key takeaway: the common thread across the papers. */
  takeaway: string;
  /** The terms most papers of the digest share, as words. */
  themes: string[];
  generatedBy: "extractive" | "llm";
  /** Anything the reader should know: the week was chosen for them, the LLM failed, ... */
  notes: string[];
  /** A digest of the papers that arrived since the reader's last one (digest-issuer.ts); absent for a week's digest. */
  period?: { cadence: "daily" | "weekly"; arrivedAfter: string; arrivedUntil: string };
}

/** What the digest needs of a feed: FeedService (apps/radar/feed) has this shape; it is not imported here. */
export interface FeedLike {
  feed(readerId: string, options: { since?: string; until?: string; arrivedAfter?: string; arrivedUntil?: string; limit?: number }): Promise<{ items: readonly DigestSourceItem[] }>;
}

/** The digest's source from a feed (the wiring, radar-server.ts, plugs the FeedService in with it). */
export function digestSourceFromFeed(feed: FeedLike): DigestSource {
  return (readerId, window, limit) =>
    window.arrivedAfter !== undefined
      ? feed.feed(readerId, { arrivedAfter: window.arrivedAfter, arrivedUntil: window.arrivedUntil, limit })
      : feed.feed(readerId, { since: window.since, until: window.until, limit });
}
