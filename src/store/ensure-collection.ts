/**
 * Opens-or-creates: makes sure a collection exists, creating it with
 * `schema` when missing. Safe when two processes race to create it (the
 * loser's ConflictError is the winner's collection).
 */
import { NotFoundError } from "../core/errors.js";
import type { CollectionSchema } from "../core/schema.js";
import { ConflictError } from "./errors.js";
import type { Store } from "./store.js";

export async function ensureCollection(store: Store, name: string, schema: CollectionSchema): Promise<void> {
  try {
    await store.getCollection(name);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    try {
      await store.createCollection(name, schema);
    } catch (createError) {
      if (!(createError instanceof ConflictError)) throw createError;
    }
  }
}
