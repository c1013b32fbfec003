/**
 * Pagination, the same on every list: the request takes `limit` (1-100,
 * default 20) and `offset` (0-10,000); the response is
 *
 *   { "items": [...], "total": 57, "limit": 20, "offset": 20, "next": 40 }
 *
 * where `total` counts every match and `next` is the offset of the next page
 * (null on the last page), so a client pages with `?offset=<next>` until
 * `next` is null. Offsets stop at 10,000: deeper pages of ranked results cost
 * more than they are worth; narrow the query instead.
 */
import { z } from "@hono/zod-openapi";
import { queryInt } from "./validation.js";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
export const MAX_OFFSET = 10_000;

/** Query parameters of a paginated list; spread into a route's query schema. */
export const paginationQuery = {
  limit: queryInt({ min: 1, max: MAX_LIMIT, fallback: DEFAULT_LIMIT, description: `page size (1-${MAX_LIMIT}, default ${DEFAULT_LIMIT})` }),
  offset: queryInt({ min: 0, max: MAX_OFFSET, fallback: 0, description: `items to skip (0-${MAX_OFFSET}); use the previous page's \`next\`` }),
};

export interface PageRequest {
  limit: number;
  offset: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
  next: number | null;
}

/** The page envelope for `items` (already cut to the page) out of `total`. */
export function pageOf<T>(items: T[], total: number, request: PageRequest): Page<T> {
  const end = request.offset + items.length;
  const next = items.length > 0 && end < total && end <= MAX_OFFSET ? end : null;
  return { items, total, limit: request.limit, offset: request.offset, next };
}

/** Cuts one page out of a complete list. */
export function paginate<T>(all: readonly T[], request: PageRequest): Page<T> {
  return pageOf(all.slice(request.offset, request.offset + request.limit), all.length, request);
}

/** The response schema of a page of `item`, registered in the OpenAPI document as `name`. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      total: z.number().int().min(0).openapi({ description: "number of items in the whole list" }),
      limit: z.number().int(),
      offset: z.number().int(),
      next: z.number().int().nullable().openapi({ description: "offset of the next page, or null on the last page" }),
    })
    .openapi(name);
}
