/**
 * Papers by DOI, for "paste a DOI into search": the index does not hold the
 * `doi` field (it is stored, not indexed), so this keeps a map from
 * lower-cased DOI to paper id in memory, caught up from the store's change
 * feed before each lookup. About 60 bytes per paper with a DOI.
 */
import type { Store } from "../../../src/store/store.js";
import { ChangeFollower } from "./change-follower.js";

export class DoiIndex {
  private readonly byDoi = new Map<string, string>();
  private readonly doiOf = new Map<string, string>();
  private readonly follower: ChangeFollower;

  constructor(store: Store, collection: string, doiField = "doi") {
    this.follower = new ChangeFollower(store, collection, (changes) => {
      for (const change of changes) {
        const old = this.doiOf.get(change.id);
        if (old !== undefined) {
          this.doiOf.delete(change.id);
          if (this.byDoi.get(old) === change.id) this.byDoi.delete(old);
        }
        const doi = change.op === "put" ? change.record?.[doiField] : undefined;
        if (typeof doi === "string" && doi.trim()) {
          const key = doi.trim().toLowerCase();
          this.doiOf.set(change.id, key);
          this.byDoi.set(key, change.id);
        }
      }
    });
  }

  /** The id of the paper with this DOI (any case), or undefined. */
  async lookup(doi: string): Promise<string | undefined> {
    await this.follower.sync();
    return this.byDoi.get(doi.trim().toLowerCase());
  }
}
