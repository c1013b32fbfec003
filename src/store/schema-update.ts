/**
 * Which schema changes a store accepts for a collection that already holds
 * records (`Store.updateSchema`): fields may be added, never changed or
 * removed, so every stored record stays valid under the new schema and no
 * record has to be rewritten. A new field must be optional (the stored
 * records lack it). Derived indexes notice the new field and rebuild
 * themselves from the store (Collection.open).
 */
import { InvalidSchemaError } from "../core/errors.js";
import { normalizeSchema, type CollectionSchema } from "../core/schema.js";
import type { NormalizedSchema } from "./store.js";

/** The normalized new schema; InvalidSchemaError naming the field when the change is not an addition of optional fields. */
export function checkSchemaUpdate(collection: string, current: NormalizedSchema, next: CollectionSchema): NormalizedSchema {
  const normalized = normalizeSchema(next) as NormalizedSchema;
  if (normalized.idField !== current.idField) {
    throw new InvalidSchemaError(`collection "${collection}": the id field cannot change (it is "${current.idField}", the new schema says "${normalized.idField}")`);
  }
  for (const [name, spec] of Object.entries(current.fields)) {
    const now = normalized.fields[name];
    if (now === undefined) throw new InvalidSchemaError(`collection "${collection}": field "${name}" cannot be removed (a schema update may only add fields)`);
    if (canonical(now) !== canonical(spec)) {
      throw new InvalidSchemaError(`collection "${collection}": field "${name}" cannot change (it is ${JSON.stringify(spec)}; a schema update may only add fields)`);
    }
  }
  for (const [name, spec] of Object.entries(normalized.fields)) {
    if (current.fields[name] === undefined && spec.required) {
      throw new InvalidSchemaError(`collection "${collection}": new field "${name}" cannot be required (the stored records do not have it)`);
    }
  }
  return normalized;
}

/** JSON with object keys sorted, so that two specs written in another key order compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
