/** What the digest's renderers (HTML, Markdown, RSS) share: titles, safe links, topic labels. */
import { httpUrl, type Paper } from "../papers.js";
import type { Digest, DigestItem } from "./digest-types.js";

const NEW_ARXIV_ID = /^\d{4}\.\d{4,5}$/;
const OLD_ARXIV_ID = /^[a-z][a-z-]*(\.[A-Z]{2})?\/\d{7}$/;

/** The digest's title: "Paper Radar — top papers of 2026-W27". */
export function digestTitle(digest: Pick<Digest, "week">): string {
  return `Paper Radar — top papers of ${digest.week}`;
}

/** "6 to 12 July 2026"-free, locale-free dates: "2026-06-29 to 2026-07-05". */
export function digestSpan(digest: Pick<Digest, "from" | "to">): string {
  return `${digest.from} to ${digest.to}`;
}

/**
 * The paper's page: its `links.abs` when that is an http(s) URL (anything
 * else, such as `javascript:`, is dropped), else the arXiv page for an arXiv
 * id, else undefined.
 */
export function paperUrl(paper: Pick<Paper, "id" | "links">): string | undefined {
  const abs = httpUrl(paper.links?.abs);
  if (abs !== undefined && !/\s/.test(abs)) return abs;
  if (NEW_ARXIV_ID.test(paper.id) || OLD_ARXIV_ID.test(paper.id)) return `https://arxiv.org/abs/${paper.id}`;
  return undefined;
}

/** "cs.IR, cs.CL, dense retrieval": the categories, then matched keyword topics. */
export function topicLine(item: DigestItem): string {
  return item.topics.map((t) => t.value).join(", ");
}

/** Up to `max` authors, then "et al.". */
export function authorLine(paper: Pick<Paper, "authors">, max = 4): string {
  const authors = paper.authors ?? [];
  return authors.length > max ? `${authors.slice(0, max).join(", ")} et al.` : authors.join(", ");
}
