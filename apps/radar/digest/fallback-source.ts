/**
 * The digest's own source of papers while no feed is wired in: the
 * week's papers (the newest
 * `pool` of them) that match the reader's liked topics, most matches first
 * (a liked category counts 2, a liked keyword 1), then the newest of the
 * rest; papers matching a disliked topic and papers the reader hid are left
 * out.
 */
import type { Feedback } from "../feedback/feedback.js";
import type { PaperSearch } from "../search/paper-search.js";
import type { Topics } from "../topics/topics.js";
import { storedPaper } from "../papers.js";
import type { DigestSource, DigestSourceItem } from "./digest-types.js";
import { TopicMatcher } from "./topic-match.js";

export interface FallbackSourceDeps {
  search: PaperSearch;
  topics: Topics;
  feedback?: Feedback;
}

/** Hidden papers read per reader (their newest). */
const MAX_HIDDEN = 1000;

export function fallbackDigestSource(deps: FallbackSourceDeps, options: { pool?: number } = {}): DigestSource {
  const pool = options.pool ?? 500;
  return async (readerId, window, limit) => {
    const { items: records } = await deps.search.list({ from: window.since, to: window.until }, { limit: pool, offset: 0 });
    const { topics } = await deps.topics.get(readerId);
    const hidden = new Set<string>();
    if (deps.feedback) {
      const { items } = await deps.feedback.list(readerId, { kind: "hide" }, { limit: MAX_HIDDEN, offset: 0 });
      for (const f of items) hidden.add(f.item);
    }
    const matcher = new TopicMatcher(topics);
    const scored: Array<{ item: DigestSourceItem; score: number; order: number }> = [];
    records.forEach((record, order) => {
      const paper = storedPaper(record);
      if (hidden.has(paper.id)) return;
      const matched = matcher.matches(paper);
      if (matched.some((t) => t.level === "dislike")) return;
      const liked = matched.filter((t) => t.level === "like");
      const score = liked.reduce((s, t) => s + (t.kind === "category" ? 2 : 1), 0);
      const reasons = liked.length ? liked.map((t) => ({ text: `matches your topic ${t.value}` })) : [{ text: "new this week" }];
      scored.push({ item: { paper, reasons }, score, order });
    });
    // newest first within equal scores (the listing's order)
    scored.sort((a, b) => b.score - a.score || a.order - b.order);
    return { items: scored.slice(0, limit).map((s) => s.item) };
  };
}
