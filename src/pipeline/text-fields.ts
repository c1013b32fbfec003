/**
 * The text fields (with boosts) a component searches: the ones its `fields`
 * setting names (a list, boost 1 each, or field -> boost), else the index's
 * text fields with their schema boosts. Fields with boost 0 are left out.
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { IndexConfig } from "../segment/index-config.js";

export type FieldsSetting = string[] | Record<string, number> | undefined;

export function resolveTextFields(fields: FieldsSetting, index: IndexConfig, where: string): Array<{ field: string; boost: number }> {
  const text = Object.entries(index.fields).flatMap(([field, f]) => (f.type === "text" ? [{ field, boost: f.boost }] : []));
  const named = !fields ? text : Array.isArray(fields) ? fields.map((field) => ({ field, boost: 1 })) : Object.entries(fields).map(([field, boost]) => ({ field, boost }));
  for (const { field } of named) {
    if (index.fields[field]?.type !== "text") throw new InvalidArgumentError(`${where}: "${field}" is not a text field of the index (text fields: ${text.map((t) => t.field).join(", ") || "none"})`);
  }
  return named.filter((f) => f.boost > 0);
}

/** The field names a `fields` setting lists (for FieldNeeds). */
export function namedFields(fields: FieldsSetting): string[] {
  return fields ? (Array.isArray(fields) ? fields : Object.keys(fields)) : [];
}
