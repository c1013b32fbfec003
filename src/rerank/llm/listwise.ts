/**
 * Listwise reranking with a chat model, as RankGPT (Sun et al. 2023, "Is
 * ChatGPT Good at Search?") does it: the model sees a window of passages
 * labelled [1]..[n] and answers with their order, "[2] > [1] > ...". A
 * sliding window walks from the back of the list to the front (window 20,
 * step 10 by default), so the best passages bubble up: after one pass the
 * first `window - step` positions hold the best of the whole list, in the
 * model's order.
 *
 * Answers are parsed leniently, as RankGPT does: every number in the answer
 * is an id; ids outside the window (unknown) and repeated ids are ignored;
 * ids the answer leaves out (missing) keep their incoming order after the
 * ranked ones. What was wrong is reported per window. A window whose call is
 * refused by the budget or fails keeps its incoming order, and says so.
 */
import type { ChatMessage } from "./chat-client.js";
import type { AskModel } from "./llm-session.js";

export interface ListwiseOptions {
  /** Passages per prompt (default 20). */
  window?: number;
  /** How far the window moves towards the front each time (default 10). */
  step?: number;
  /** Each passage is cut to this many words (default 300, RankGPT's). */
  passageWords?: number;
}

/** What one window's answer said, in window positions (0-based). */
export interface ParsedRanking {
  /** A permutation of 0..n-1: the model's order, then the missing ones in incoming order. */
  order: number[];
  /** Ids (1-based, as the model wrote them) outside 1..n. */
  unknown: number[];
  /** Ids (1-based) the answer gave more than once. */
  repeated: number[];
  /** Ids (1-based) the answer left out. */
  missing: number[];
}

export interface WindowReport {
  /** Positions [start, end) of the list the window covered (0-based). */
  start: number;
  end: number;
  /** The passages (indices into the list) the window showed, as labelled [1]..[n]. */
  items: number[];
  /** null when the model answered; else why the window kept its incoming order. */
  skipped: string | null;
  parsed: ParsedRanking | null;
}

const SYSTEM = "You are RankGPT, an intelligent assistant that can rank passages based on their relevancy to the query.";

/** RankGPT's conversation for one window. */
export function listwiseMessages(query: string, passages: readonly string[], passageWords = 300): ChatMessage[] {
  const n = passages.length;
  const messages: ChatMessage[] = [
    { role: "system", content: SYSTEM },
    { role: "user", content: `I will provide you with ${n} passages, each indicated by number identifier []. \nRank the passages based on their relevance to query: ${query}.` },
    { role: "assistant", content: "Okay, please provide the passages." },
  ];
  passages.forEach((passage, i) => {
    const words = passage.split(/\s+/).filter(Boolean).slice(0, passageWords).join(" ");
    messages.push({ role: "user", content: `[${i + 1}] ${words}` });
    messages.push({ role: "assistant", content: `Received passage [${i + 1}].` });
  });
  messages.push({
    role: "user",
    content:
      `Search Query: ${query}. \nRank the ${n} passages above based on their relevance to the search query. ` +
      "The passages should be listed in descending order using identifiers. The most relevant passages should be listed first. " +
      "The output format should be [] > [], e.g., [1] > [2]. Only response the ranking results, do not say any word or explain.",
  });
  return messages;
}

/** Reads an answer such as "[3] > [1] > [2]" (any numbers in any wrapping) for a window of n passages. */
export function parseRanking(answer: string, n: number): ParsedRanking {
  const seen = new Set<number>();
  const order: number[] = [];
  const unknown: number[] = [];
  const repeated: number[] = [];
  for (const match of answer.matchAll(/\d+/g)) {
    const id = Number(match[0]);
    if (!Number.isSafeInteger(id) || id < 1 || id > n) {
      unknown.push(id);
      continue;
    }
    if (seen.has(id)) {
      if (!repeated.includes(id)) repeated.push(id);
      continue;
    }
    seen.add(id);
    order.push(id - 1);
  }
  const missing: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!seen.has(i + 1)) {
      missing.push(i + 1);
      order.push(i);
    }
  }
  return { order, unknown, repeated, missing };
}

/** The windows of one pass over n items, back to front: [start, end) pairs in the order they are ranked. */
export function slidingWindows(n: number, window: number, step: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (n <= 1) return out;
  let end = n;
  for (;;) {
    const start = Math.max(0, end - window);
    out.push([start, end]);
    if (start === 0) break;
    end -= step;
  }
  return out;
}

/**
 * One sliding-window pass over `passages` (in incoming order), asking the model with `ask`. Returns the new
 * order (indices into passages) and a report per window.
 */
export async function rankListwise(query: string, passages: readonly string[], options: ListwiseOptions, ask: AskModel): Promise<{ order: number[]; windows: WindowReport[] }> {
  const window = options.window ?? 20;
  const step = options.step ?? 10;
  const order = passages.map((_, i) => i);
  const windows: WindowReport[] = [];
  for (const [start, end] of slidingWindows(passages.length, window, step)) {
    const slice = order.slice(start, end);
    const messages = listwiseMessages(query, slice.map((i) => passages[i]), options.passageWords);
    const reply = await ask(messages);
    if ("skipped" in reply) {
      windows.push({ start, end, items: slice, skipped: reply.skipped, parsed: null });
      continue;
    }
    const parsed = parseRanking(reply.content, slice.length);
    parsed.order.forEach((w, i) => (order[start + i] = slice[w]));
    windows.push({ start, end, items: slice, skipped: null, parsed });
  }
  return { order, windows };
}
