/**
 * Pairwise ranking prompting (PRP; Qin et al. 2024, "Large Language Models
 * are Effective Text Rankers with Pairwise Ranking Prompting"): the model is
 * asked which of two passages is more relevant, in both orders (A/B, then
 * B/A) to cancel its position bias. A pair is decided when the two answers
 * agree; otherwise (or when an answer cannot be read) it is a tie.
 *
 *   sliding   PRP-Sliding-K: K passes of one bubble-sort sweep from the
 *             bottom of the list to the top, swapping when the lower passage
 *             wins; each pass settles the next best passage at the top, so
 *             the top K are ordered in about 2 K n calls.
 *   allpairs  PRP-Allpairs: every pair, both orders; score = wins + half the
 *             ties; ties in score keep the incoming order (n (n - 1) calls).
 *
 * Comparisons are remembered within a query, so a pair is never asked twice.
 * When a call is refused by the budget or fails, no further comparison is
 * asked and the order reached so far stands.
 */
import type { ChatMessage } from "./chat-client.js";
import type { AskModel } from "./llm-session.js";

export interface PairwiseOptions {
  method?: "sliding" | "allpairs";
  /** Sliding passes: the number of top positions sorted (default 10). */
  passes?: number;
  /** Ask both orders (default true); with false, one order only and its answer decides. */
  bothOrders?: boolean;
  /** Each passage is cut to this many words (default 300). */
  passageWords?: number;
}

export interface PairwiseReport {
  comparisons: number;
  /** Pairs whose two answers disagreed (position bias), counted as ties. */
  inconsistent: number;
  /** Answers that named neither passage (or both). */
  unreadable: number;
  /** Why comparisons stopped being asked (budget, failures), or null. */
  skipped: string | null;
  /** Passages (indices) that were moved by a decided comparison. */
  moved: Set<number>;
}

/** The PRP paper's prompt for one ordered pair. */
export function pairwiseMessages(query: string, a: string, b: string, passageWords = 300): ChatMessage[] {
  const cut = (text: string) => text.split(/\s+/).filter(Boolean).slice(0, passageWords).join(" ");
  return [
    {
      role: "user",
      content: `Given a query "${query}", which of the following two passages is more relevant to the query?\n\nPassage A: "${cut(a)}"\n\nPassage B: "${cut(b)}"\n\nOutput Passage A or Passage B:`,
    },
  ];
}

/** "A", "B" or null from an answer such as "Passage A", "B", "**Passage B** is more relevant". */
export function parsePreference(answer: string): "A" | "B" | null {
  const named = new Set([...answer.matchAll(/passage\s*([AB])\b/gi)].map((m) => m[1].toUpperCase()));
  if (named.size === 1) return [...named][0] as "A" | "B";
  if (named.size > 1) return null;
  const bare = answer.trim().match(/^\(?([AB])\)?[.:!]?$/i);
  return bare ? (bare[1].toUpperCase() as "A" | "B") : null;
}

/** Ranks `passages` (in incoming order); returns the new order (indices into passages) and what happened. */
export async function rankPairwise(query: string, passages: readonly string[], options: PairwiseOptions, ask: AskModel): Promise<{ order: number[]; report: PairwiseReport }> {
  const report: PairwiseReport = { comparisons: 0, inconsistent: 0, unreadable: 0, skipped: null, moved: new Set() };
  const decided = new Map<string, number>();
  /** +1 when i beats j, -1 when j beats i, 0 for a tie; null when the model could not be asked. */
  const compare = async (i: number, j: number): Promise<number | null> => {
    const key = i < j ? `${i},${j}` : `${j},${i}`;
    const known = decided.get(key);
    if (known !== undefined) return i < j ? known : -known;
    const orders: Array<[number, number]> = options.bothOrders === false ? [[i, j]] : [[i, j], [j, i]];
    const answers: Array<number | null> = [];
    for (const [a, b] of orders) {
      if (report.skipped !== null) return null;
      const reply = await ask(pairwiseMessages(query, passages[a], passages[b], options.passageWords));
      if ("skipped" in reply) {
        // refused by the budget, or the endpoint failed after its retries: ask nothing more
        report.skipped = reply.skipped;
        return null;
      }
      const preferred = parsePreference(reply.content);
      if (preferred === null) report.unreadable++;
      const winner = preferred === null ? null : preferred === "A" ? a : b;
      answers.push(winner === null ? null : winner === i ? 1 : -1);
    }
    report.comparisons++;
    const [first, second] = answers;
    let outcome: number;
    if (answers.length === 1) outcome = first ?? 0;
    else {
      if (first !== null && second !== null && first !== second) report.inconsistent++;
      outcome = first !== null && first === second ? first : 0;
    }
    decided.set(key, i < j ? outcome : -outcome);
    return outcome;
  };
  const order = passages.map((_, i) => i);
  if (options.method === "allpairs") {
    const wins = new Float64Array(passages.length);
    outer: for (let i = 0; i < passages.length; i++) {
      for (let j = i + 1; j < passages.length; j++) {
        const outcome = await compare(i, j);
        if (outcome === null) break outer;
        wins[i] += outcome > 0 ? 1 : outcome === 0 ? 0.5 : 0;
        wins[j] += outcome < 0 ? 1 : outcome === 0 ? 0.5 : 0;
      }
    }
    if (report.skipped !== null) return { order, report };
    order.sort((a, b) => wins[b] - wins[a] || a - b);
    order.forEach((p, rank) => rank !== p && report.moved.add(p));
    return { order, report };
  }
  const passes = Math.min(options.passes ?? 10, passages.length - 1);
  for (let pass = 0; pass < passes && report.skipped === null; pass++) {
    for (let pos = passages.length - 1; pos > pass; pos--) {
      const upper = order[pos - 1];
      const lower = order[pos];
      const outcome = await compare(lower, upper);
      if (outcome === null) break;
      if (outcome > 0) {
        order[pos - 1] = lower;
        order[pos] = upper;
        report.moved.add(lower).add(upper);
      }
    }
  }
  return { order, report };
}
