/**
 * Related papers with co-saves: the content-related page of
 * `GET /api/papers/{id}/related` plus, once readers have saved papers
 * together, the papers most co-saved with it (item-kNN over readers' saves
 * and likes, FeedService.relatedByCoSaves). Co-saved papers lead the first
 * page, marked `relatedBy: "co-saves"`, without repeating a paper; later
 * pages are the content list shifted by as many.
 */
import type { StoredRecord } from "../../../src/core/schema.js";
import type { PageRequest } from "../../../src/server/pagination.js";
import type { FeedService } from "./feed-service.js";

/** Co-saved papers put before the content-related ones (at most). */
export const CO_SAVED_RELATED = 5;

/** Largest page the content-related search is asked for at once. */
const MAX_PAGE = 100;

export async function relatedWithCoSaves(
  feed: FeedService,
  paperId: string,
  page: PageRequest,
  contentRelated: (page: PageRequest) => Promise<{ items: StoredRecord[]; total: number }>,
): Promise<{ items: StoredRecord[]; total: number }> {
  const co = (await feed.relatedByCoSaves(paperId, CO_SAVED_RELATED)).filter((x) => x.paper.id !== paperId);
  if (co.length === 0) return contentRelated(page);
  const coIds = new Set(co.map((x) => x.paper.id));
  const prefix = page.offset + page.limit + co.length;
  const first = await contentRelated({ offset: 0, limit: Math.min(MAX_PAGE, prefix) });
  const content = first.items.filter((p) => !coIds.has(String(p.id)));
  const merged: StoredRecord[] = [...co.map((x) => ({ ...(x.paper as unknown as StoredRecord), relatedBy: "co-saves" })), ...content];
  const total = first.total - (first.items.length - content.length) + co.length;
  if (prefix <= MAX_PAGE) return { items: merged.slice(page.offset, page.offset + page.limit), total };
  // deeper pages: the content list, shifted by the co-saved papers put in front
  const rest = await contentRelated({ offset: Math.max(0, page.offset - co.length), limit: page.limit });
  return { items: rest.items.filter((p) => !coIds.has(String(p.id))), total };
}
