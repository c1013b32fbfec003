/**
 * Why a paper is in a reader's feed, in words that are true and specific:
 * each reason names the evidence the ranker used, the saved paper(s) and the
 * words or topics that matched, and is given only when that evidence is
 * real (above a threshold), not merely when a scorer ranked the paper
 * higher than the others in the window.
 *
 * | kind             | when                                        | says |
 * |------------------|---------------------------------------------|------|
 * | pinned           | an admin pinned it                          | pinned by the editors |
 * | similar-to-saved | cosine ≥ 0.1 with a saved paper             | similar to “T” you saved: both about w1, w2 and w3 |
 * | svm              | SVM z ≥ 1, no similar-to-saved reason, and its strongest words also occur in saved papers | your saved papers “A” and “B” also use w1, w2 and w3 |
 * | co-saved         | co-save z ≥ 0.5                             | saved by readers who saved “T” |
 * | topic            | it matches a liked topic                    | in cs.IR, a category you follow / in cs.IR, like 6 of your 8 saved papers / mentions “k”, a topic you follow |
 * | recent           | dated in the window's last 7 days; or when nothing else applies | new this week / new since <since> |
 */
import type { LinearSvm } from "./linear-svm.js";
import type { RankedCandidate } from "./ranker.js";
import type { TopicPreference } from "./scorers.js";
import type { TfidfModel } from "./tfidf.js";
import { phrasesOf, phrasesOfTerms } from "./term-words.js";

export interface FeedReason {
  kind: "similar-to-saved" | "topic" | "co-saved" | "recent" | "pinned" | "svm";
  text: string;
  /** The saved paper the reason names (similar-to-saved, co-saved; the first one for svm). */
  paperId?: string;
  /** Every saved paper the reason names. */
  paperIds?: string[];
  /** The topic the reason names. */
  topic?: string;
  /** The words that matched, as they appear in the paper. */
  words?: string[];
}

/** Thresholds above which a scorer's contribution is named as a reason. */
export const SIMILAR_MIN_COSINE = 0.1;
export const CO_SAVED_MIN_Z = 0.5;
export const SVM_MIN_Z = 1;

export interface ReasonContext {
  model: TfidfModel;
  topics: readonly TopicPreference[];
  /** Titles of the rows reasons may name (saved papers, co-save sources). */
  titles: ReadonlyMap<number, string>;
  /** Title and abstract of the candidate (to show matched terms as its words). */
  text: string;
  /** The reader's saved rows. */
  saved: readonly number[];
  svm?: LinearSvm;
  pinned: boolean;
  /** The saved paper behind the co-save score (-1: none). */
  coSource: number;
  untilDay: number;
  since: string;
}

function quote(title: string): string {
  const short = title.length > 90 ? `${title.slice(0, 87)}...` : title;
  return `“${short}”`;
}

/** "a", "a and b", "a, b and c". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** The terms two rows share, weighted by the product of their tf-idf weights, best first. */
export function sharedTerms(model: TfidfModel, a: number, b: number, k = 8): Array<{ term: string; weight: number }> {
  const out: Array<{ term: string; weight: number }> = [];
  let p = model.indptr[a];
  let q = model.indptr[b];
  const pe = model.indptr[a + 1];
  const qe = model.indptr[b + 1];
  while (p < pe && q < qe) {
    const ip = model.indices[p];
    const iq = model.indices[q];
    if (ip === iq) out.push({ term: model.terms[ip], weight: model.values[p++] * model.values[q++] });
    else if (ip < iq) p++;
    else q++;
  }
  return out.sort((x, y) => y.weight - x.weight).slice(0, k);
}

/** The terms that raise the SVM's score of `row` most (w_j · x_j > 0), best first. */
export function svmTerms(model: TfidfModel, svm: LinearSvm, row: number, k = 8): Array<{ index: number; term: string; weight: number }> {
  const out: Array<{ index: number; term: string; weight: number }> = [];
  for (let p = model.indptr[row]; p < model.indptr[row + 1]; p++) {
    const j = model.indices[p];
    const contribution = svm.w[j] * model.values[p];
    if (contribution > 0) out.push({ index: j, term: model.terms[j], weight: contribution });
  }
  return out.sort((x, y) => y.weight - x.weight).slice(0, k);
}

/** Saved rows holding the most weight on `indices`, best first (only those holding any). */
function exemplars(model: TfidfModel, saved: readonly number[], indices: ReadonlySet<number>, k: number): number[] {
  const scored: Array<{ row: number; weight: number }> = [];
  for (const row of saved) {
    let weight = 0;
    for (let p = model.indptr[row]; p < model.indptr[row + 1]; p++) if (indices.has(model.indices[p])) weight += model.values[p];
    if (weight > 0) scored.push({ row, weight });
  }
  return scored.sort((a, b) => b.weight - a.weight || a.row - b.row).slice(0, k).map((s) => s.row);
}

/** The reasons of one ranked candidate, strongest evidence first. */
export function reasonsFor(item: RankedCandidate, ctx: ReasonContext): FeedReason[] {
  const { model } = ctx;
  const reasons: FeedReason[] = [];
  const title = (row: number) => ctx.titles.get(row) ?? model.ids[row];
  if (ctx.pinned) reasons.push({ kind: "pinned", text: "pinned by the editors" });
  if (item.bestSaved >= 0 && item.bestSimilarity >= SIMILAR_MIN_COSINE) {
    const paperId = model.ids[item.bestSaved];
    const words = phrasesOf(ctx.text, sharedTerms(model, item.row, item.bestSaved));
    const about = words.length ? `: both about ${listOf(words)}` : "";
    reasons.push({ kind: "similar-to-saved", text: `similar to ${quote(title(item.bestSaved))} you saved${about}`, paperId, paperIds: [paperId], words });
  } else if (ctx.svm && item.svmZ >= SVM_MIN_Z) {
    const terms = svmTerms(model, ctx.svm, item.row);
    const chosen = phrasesOfTerms(ctx.text, terms);
    const words = chosen.map((c) => c.phrase);
    const shown = new Set(chosen.map((c) => model.termOf(c.term)));
    const rows = words.length ? exemplars(model, ctx.saved, shown, 2) : [];
    if (rows.length > 0) {
      const ids = rows.map((r) => model.ids[r]);
      const papers = listOf(rows.map((r) => quote(title(r))));
      reasons.push({ kind: "svm", text: `your saved ${rows.length === 1 ? "paper" : "papers"} ${papers} also ${rows.length === 1 ? "uses" : "use"} ${listOf(words)}`, paperId: ids[0], paperIds: ids, words });
    }
  }
  if (ctx.coSource >= 0) {
    const paperId = model.ids[ctx.coSource];
    reasons.push({ kind: "co-saved", text: `saved by readers who saved ${quote(title(ctx.coSource))}`, paperId, paperIds: [paperId] });
  }
  for (const t of item.likedTopics) {
    const topic = ctx.topics[t];
    const text =
      topic.kind === "keyword"
        ? `mentions “${topic.value}”, a topic you follow`
        : topic.support
          ? `in ${topic.value}, like ${topic.support.count} of your ${topic.support.of} saved papers`
          : `in ${topic.value}, a category you follow`;
    reasons.push({ kind: "topic", text, topic: topic.value });
  }
  const day = model.days[item.row];
  if (day > ctx.untilDay - 7) reasons.push({ kind: "recent", text: "new this week" });
  else if (reasons.length === 0) reasons.push({ kind: "recent", text: `new since ${ctx.since}` });
  return reasons;
}
