/**
 * Builds a reader's weekly digest (digest-types.ts): the week's top ten
 * papers for the reader, editor's picks (admin pins) first, each with a
 * summary, its topics and who it is best for, and the week's takeaway.
 *
 * - The week: the one asked for, else the current ISO week, unless it holds
 *   no papers (a corpus that ends before today), then the week of the newest
 *   paper; a note says so.
 * - Papers: pins in force today (newest pin first), then the source's
 *   papers for the week (the feed once wired in, `fallbackDigestSource`
 *   until then), without repeats, ten in all.
 * - Summaries: extractive (summarizer.ts, with the digest's abstracts as the
 *   idf background); with an LLM configured, the model's (llm-writer.ts),
 *   falling back to the extractive text at the first failure.
 */
import { documentFrequency, searchableCount } from "../search/index-statistics.js";
import type { PaperSearch } from "../search/paper-search.js";
import type { Pins } from "../pins/pins.js";
import type { Topics } from "../topics/topics.js";
import { storedPaper, type Paper } from "../papers.js";
import { bestFor } from "./best-for.js";
import type { Digest, DigestItem, DigestSource, DigestWindow } from "./digest-types.js";
import { isoWeekOf, parseIsoWeek, type IsoWeek } from "./iso-week.js";
import { LlmError, writeWithLlm, type LlmConfig } from "./llm-writer.js";
import { summarize } from "./summarizer.js";
import { takeawayOf } from "./takeaway.js";
import { DocumentFrequencies, TermReader } from "./text-terms.js";
import { TopicMatcher } from "./topic-match.js";

export const DIGEST_SIZE = 10;

export interface DigestBuilderDeps {
  search: PaperSearch;
  pins: Pins;
  topics: Topics;
  /** The papers of a reader's week (called at each build, so it may be replaced after start-up). */
  source: () => DigestSource;
  llm?: LlmConfig;
  /** Epoch ms "now" (tests). */
  now?: () => number;
}

const reader = new TermReader();

export class DigestBuilder {
  private readonly now: () => number;

  constructor(private readonly deps: DigestBuilderDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The week to show: `week` when given (InvalidArgumentError when malformed), else as the header says. */
  async resolveWeek(week?: string): Promise<{ week: IsoWeek; note?: string }> {
    if (week !== undefined) return { week: parseIsoWeek(week) };
    const current = isoWeekOf(this.now());
    const { total } = await this.deps.search.list({ from: current.from, to: current.to }, { limit: 1, offset: 0 });
    if (total > 0) return { week: current };
    const newest = (await this.deps.search.list({}, { limit: 1, offset: 0 })).items[0];
    const date = newest && typeof newest.date === "string" ? newest.date : undefined;
    if (!date) return { week: current };
    const week0 = isoWeekOf(date);
    return { week: week0, note: `No papers in the current week (${current.week}) yet: this is the week of the newest paper, ${week0.week}.` };
  }

  async build(readerId: string, weekText?: string): Promise<Digest> {
    const { week, note } = await this.resolveWeek(weekText);
    return this.compose(readerId, { week: week.week, from: week.from, to: week.to }, { since: week.from, until: week.to }, note ? [note] : [], new Set());
  }

  /**
   * The digest of the papers that arrived after `after` up to `until` (ISO
   * times), none of `exclude` (papers earlier digests showed), editor's picks
   * first as in the weekly digest.
   */
  async buildSince(readerId: string, period: { cadence: "daily" | "weekly"; after: string; until: string }, exclude: ReadonlySet<string>): Promise<Digest> {
    const week = isoWeekOf(period.until.slice(0, 10));
    const header = { week: week.week, from: period.after.slice(0, 10), to: period.until.slice(0, 10) };
    const digest = await this.compose(readerId, header, { since: header.from, until: header.to, arrivedAfter: period.after, arrivedUntil: period.until }, [], exclude);
    if (digest.items.length === 0) digest.notes = [`No new papers for you arrived since ${period.after.slice(0, 16).replace("T", " ")} UTC.`];
    return { ...digest, period: { cadence: period.cadence, arrivedAfter: period.after, arrivedUntil: period.until } };
  }

  private async compose(readerId: string, header: { week: string; from: string; to: string }, window: DigestWindow, notes: string[], exclude: ReadonlySet<string>): Promise<Digest> {
    const week = header;
    const today = new Date(this.now()).toISOString().slice(0, 10);
    const pins = (await this.deps.pins.activePins(today)).slice(0, DIGEST_SIZE);
    const pinned = await this.deps.search.papers.store.getRecords(
      this.deps.search.papers.name,
      pins.map((p) => p.paperId),
    );
    const chosen: Array<{ paper: Paper; reasons: string[]; pinned: boolean }> = [];
    const seen = new Set<string>(exclude);
    pins.forEach((pin, i) => {
      const paper = pinned[i] && storedPaper(pinned[i]!);
      if (!paper || seen.has(paper.id)) return;
      seen.add(paper.id);
      chosen.push({ paper, pinned: true, reasons: [pin.note ? `Editor's pick: ${pin.note}` : "Editor's pick"] });
    });
    if (chosen.length < DIGEST_SIZE) {
      const { items } = await this.deps.source()(readerId, window, DIGEST_SIZE + chosen.length + Math.min(exclude.size, 200));
      for (const item of items) {
        if (chosen.length >= DIGEST_SIZE) break;
        if (seen.has(item.paper.id)) continue;
        seen.add(item.paper.id);
        chosen.push({ paper: item.paper, pinned: false, reasons: item.reasons.map((r) => r.text) });
      }
    }
    if (chosen.length === 0) notes.push(`No papers for ${week.week}.`);

    const background = new DocumentFrequencies();
    for (const c of chosen) background.add(reader.termsOf(c.paper.abstract ?? "").counts.keys());
    let summaries = chosen.map((c) => summarize(c.paper.title, c.paper.abstract ?? "", { background }).text);
    const papers = this.deps.search.papers;
    const corpus = { docCount: searchableCount(papers), docFreq: (term: string) => documentFrequency(papers, "abstract", term) };
    const takeaway = takeawayOf(
      chosen.map((c, i) => ({ title: c.paper.title, abstract: c.paper.abstract ?? "", summary: summaries[i] })),
      3,
      corpus,
    );
    let generatedBy: Digest["generatedBy"] = "extractive";
    let takeawayText = takeaway.text;
    if (this.deps.llm && chosen.length > 0) {
      try {
        const written = await writeWithLlm(
          this.deps.llm,
          chosen.map((c) => ({ title: c.paper.title, abstract: c.paper.abstract ?? "" })),
        );
        summaries = written.summaries;
        takeawayText = written.takeaway;
        generatedBy = "llm";
      } catch (error) {
        if (!(error instanceof LlmError)) throw error;
        notes.push(`The language model could not write this digest (${error.message}); the summaries are extractive.`);
      }
    }

    const matcher = new TopicMatcher((await this.deps.topics.get(readerId)).topics);
    const items: DigestItem[] = chosen.map((c, i) => ({
      paper: c.paper,
      summary: summaries[i],
      topics: matcher.labels(c.paper),
      bestFor: bestFor(c.paper),
      reasons: c.reasons,
      pinned: c.pinned,
    }));
    return { week: week.week, from: week.from, to: week.to, items, takeaway: takeawayText, themes: takeaway.themes, generatedBy, notes };
  }
}
