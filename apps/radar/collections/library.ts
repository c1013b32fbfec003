/**
 * What a reader keeps, as one service over collections, notes, saves and the
 * papers: a collection's papers with the reader's notes, "more like this
 * collection", export of a collection or the saved list (BibTeX, CSV), and
 * import of a library (BibTeX or a list of ids) that saves the papers it
 * names, seeding the feed's profile, and optionally files them in a
 * collection.
 */
import type { StoredRecord } from "../../../src/core/schema.js";
import type { Feedback } from "../feedback/feedback.js";
import { storedPaper } from "../papers.js";
import type { PaperSearch } from "../search/paper-search.js";
import { parseLibrary, toBibtex, toCsv, type ExportPaper, type LibraryFormat } from "./library-formats.js";
import type { PaperNotes } from "./paper-notes.js";
import type { PaperCollection, ReaderCollections } from "./reader-collections.js";

/** Members whose words make the "more like this collection" query (the newest added). */
const QUERY_MEMBERS = 25;
/** Saved papers an export or an import looks at. */
const MAX_SAVED = 10_000;

export interface ImportOutcome {
  format: "bibtex" | "list";
  /** Papers named and held by Paper Radar. */
  found: number;
  /** Of those, newly saved. */
  saved: number;
  /** Added to the collection, when one was named. */
  addedToCollection: number;
  /** Named but not in Paper Radar (by what named them). */
  missing: Array<{ source: string; reference: string }>;
  /** Entries or lines naming no paper. */
  skipped: Array<{ source: string; reason: string }>;
}

export class Library {
  constructor(
    readonly collections: ReaderCollections,
    readonly notes: PaperNotes,
    private readonly feedback: Feedback,
    private readonly search: PaperSearch,
  ) {}

  private async papers(ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    const records = await this.search.papers.store.getRecords(this.search.papers.name, ids);
    const out = new Map<string, StoredRecord>();
    records.forEach((r, i) => {
      if (r) out.set(ids[i], r);
    });
    return out;
  }

  /** The collection's papers in its order (newest added first), each with when it was added and the owner's note. */
  async collectionPapers(collection: PaperCollection, withNotes: boolean): Promise<Array<{ paper: StoredRecord; addedAt: string; note?: string }>> {
    const ids = collection.papers.map((p) => p.paperId);
    const [papers, notes] = await Promise.all([this.papers(ids), withNotes ? this.notes.of(collection.ownerId, ids) : Promise.resolve(new Map())]);
    return collection.papers.flatMap((p) => {
      const paper = papers.get(p.paperId);
      if (!paper) return [];
      const note = notes.get(p.paperId)?.text;
      return [{ paper, addedAt: p.addedAt, ...(note ? { note } : {}) }];
    });
  }

  /**
   * Papers like the collection's, best first, none of its own: one query of
   * the related-papers words (title words and frequent abstract terms) of
   * its newest members, so papers sharing words with several members rank
   * first, fused with the papers nearest the centroid of their vectors when
   * the papers have vectors (PaperSearch.moreLikePapers).
   */
  async moreLikeCollection(collection: PaperCollection, limit: number): Promise<StoredRecord[]> {
    const members = new Set(collection.papers.map((p) => p.paperId));
    const newest = await this.papers(collection.papers.slice(0, QUERY_MEMBERS).map((p) => p.paperId));
    return this.search.moreLikePapers([...newest.values()], members, limit);
  }

  /** The collection as a file. */
  async exportCollection(collection: PaperCollection, format: LibraryFormat): Promise<string> {
    const entries = await this.collectionPapers(collection, true);
    return render(entries.map((e) => ({ paper: storedPaper(e.paper), addedAt: e.addedAt, note: e.note })), format);
  }

  /** The reader's saved papers as a file, newest saved first. */
  async exportSaved(readerId: string, format: LibraryFormat): Promise<string> {
    const { items } = await this.feedback.list(readerId, { kind: "save" }, { offset: 0, limit: MAX_SAVED });
    const ids = items.map((f) => f.item);
    const [papers, notes] = await Promise.all([this.papers(ids), this.notes.of(readerId, ids)]);
    const entries: ExportPaper[] = items.flatMap((f) => {
      const paper = papers.get(f.item);
      return paper ? [{ paper: storedPaper(paper), addedAt: f.at, note: notes.get(f.item)?.text }] : [];
    });
    return render(entries, format);
  }

  /** Saves the papers `text` names (BibTeX or ids); with `collection`, files them there too. */
  async importLibrary(readerId: string, text: string, collection?: PaperCollection): Promise<ImportOutcome> {
    const parsed = parseLibrary(text);
    const found: string[] = [];
    const missing: ImportOutcome["missing"] = [];
    for (const { reference, source } of parsed.references) {
      const id = reference.kind === "arxiv" ? reference.id : await this.search.dois.lookup(reference.doi);
      const held = id === undefined ? undefined : await this.search.papers.store.getRecord(this.search.papers.name, id);
      if (held) found.push(String(held.id));
      else missing.push({ source, reference: reference.kind === "arxiv" ? `arXiv ${reference.id}` : `DOI ${reference.doi}` });
    }
    const unique = [...new Set(found)];
    let saved = 0;
    for (const paperId of unique) if ((await this.feedback.add(readerId, paperId, "save")).created) saved++;
    let addedToCollection = 0;
    if (collection && unique.length > 0) {
      const before = collection.papers.length;
      addedToCollection = (await this.collections.addPapers(readerId, collection.id, unique)).papers.length - before;
    }
    return { format: parsed.format, found: unique.length, saved, addedToCollection, missing, skipped: parsed.skipped };
  }
}

function render(entries: readonly ExportPaper[], format: LibraryFormat): string {
  return format === "bibtex" ? toBibtex(entries) : toCsv(entries);
}
