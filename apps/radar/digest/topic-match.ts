/**
 * Which of a reader's topics a paper matches: a category topic when the
 * paper is in that category; a keyword topic when every word of the keyword
 * (as the papers index analyzes it: stems, stop words dropped) occurs in the
 * paper's title or abstract ("dense retrievers" matches "Dense Retrieval
 * with ..."). Used for the digest's topic labels and its fallback source.
 */
import type { Paper } from "../papers.js";
import type { Topic } from "../topics/topics.js";
import type { DigestTopic } from "./digest-types.js";
import { TermReader } from "./text-terms.js";

const reader = new TermReader();

export class TopicMatcher {
  private readonly keywordTerms: Array<{ topic: Topic; terms: string[] }>;

  constructor(readonly topics: readonly Topic[]) {
    this.keywordTerms = topics
      .filter((t) => t.kind === "keyword")
      .map((topic) => ({ topic, terms: [...reader.termsOf(topic.value).counts.keys()] }))
      .filter((k) => k.terms.length > 0);
  }

  /** The reader's topics that `paper` matches (any level). */
  matches(paper: Pick<Paper, "title" | "abstract" | "categories">): Topic[] {
    const out: Topic[] = [];
    const categories = new Set(paper.categories ?? []);
    for (const t of this.topics) if (t.kind === "category" && categories.has(t.value)) out.push(t);
    if (this.keywordTerms.length > 0) {
      const terms = reader.termsOf(`${paper.title} ${paper.abstract ?? ""}`).counts;
      for (const k of this.keywordTerms) if (k.terms.every((t) => terms.has(t))) out.push(k.topic);
    }
    return out;
  }

  /** The paper's categories and the reader's matched topics, as the digest shows them. */
  labels(paper: Pick<Paper, "title" | "abstract" | "categories">): DigestTopic[] {
    const matched = this.matches(paper).filter((t) => t.level !== "dislike");
    const matchedCategories = new Set(matched.filter((t) => t.kind === "category").map((t) => t.value));
    const out: DigestTopic[] = (paper.categories ?? []).map((c) => ({ kind: "category", value: c, matched: matchedCategories.has(c) }));
    for (const t of matched) if (t.kind === "keyword") out.push({ kind: "keyword", value: t.value, matched: true });
    return out;
  }
}
