/**
 * A reader's notes on papers: one note per (reader, paper), plain text,
 * private to the reader. Stored in `paper_notes` with id
 * `<reader id>:<paper id>`, so a page of papers fetches its notes by id.
 */
import type { CollectionSchema, StoredRecord } from "../../../src/core/schema.js";
import type { Store } from "../../../src/store/store.js";
import { ensureCollection } from "../../../src/store/ensure-collection.js";

export const PAPER_NOTES = "paper_notes";
export const MAX_NOTE_CHARS = 20_000;

export const PAPER_NOTES_SCHEMA: CollectionSchema = {
  fields: {
    readerId: { type: "keyword", required: true },
    paperId: { type: "keyword", required: true },
    text: { type: "text", required: true },
    updatedAt: { type: "date", required: true },
  },
};

export interface PaperNote {
  paperId: string;
  text: string;
  updatedAt: string;
}

const noteId = (readerId: string, paperId: string) => `${readerId}:${paperId}`;

export class PaperNotes {
  private constructor(private readonly store: Store) {}

  static async open(store: Store): Promise<PaperNotes> {
    await ensureCollection(store, PAPER_NOTES, PAPER_NOTES_SCHEMA);
    return new PaperNotes(store);
  }

  /** Writes the note; empty (or only spaces) deletes it and answers undefined. */
  async set(readerId: string, paperId: string, text: string): Promise<PaperNote | undefined> {
    if (!text.trim()) {
      await this.store.deleteRecords(PAPER_NOTES, [noteId(readerId, paperId)]);
      return undefined;
    }
    const note: PaperNote = { paperId, text, updatedAt: new Date().toISOString() };
    await this.store.putRecords(PAPER_NOTES, [{ id: noteId(readerId, paperId), readerId, ...note }]);
    return note;
  }

  async get(readerId: string, paperId: string): Promise<PaperNote | undefined> {
    return (await this.of(readerId, [paperId])).get(paperId);
  }

  /** The reader's notes on these papers, by paper id. */
  async of(readerId: string, paperIds: readonly string[]): Promise<Map<string, PaperNote>> {
    const records = await this.store.getRecords(PAPER_NOTES, paperIds.map((p) => noteId(readerId, p)));
    const notes = new Map<string, PaperNote>();
    records.forEach((r: StoredRecord | undefined) => {
      if (r) notes.set(String(r.paperId), { paperId: String(r.paperId), text: String(r.text), updatedAt: String(r.updatedAt) });
    });
    return notes;
  }
}
