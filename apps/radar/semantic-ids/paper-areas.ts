/**
 * The stored papers' research areas, shared by the paper page's trail and the
 * feed: fitted once from every stored paper's text (in the background: the
 * first callers get `undefined` from `current` and go on without areas), then
 * kept current without refitting: a paper that arrives later gets its codes
 * from the fitted code books the first time someone asks (`place`), which is
 * how a new paper is placed by its codes the moment it arrives. When the
 * papers placed that way outnumber a quarter of those fitted on, the areas
 * are fitted again in the background and swapped in when ready.
 */
import type { StoredRecord } from "../../../src/core/schema.js";
import type { Store } from "../../../src/store/store.js";
import { ResearchAreas, type AreaPaper } from "./research-areas.js";

/** Placed papers, as a share of the fitted ones, past which the areas are fitted again. */
const REFIT_SHARE = 0.25;

export function areaPaperOf(record: StoredRecord): AreaPaper {
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    id: String(record.id),
    title: text(record.title),
    abstract: text(record.abstract),
    categories: Array.isArray(record.categories) ? record.categories.map(String) : [],
    date: text(record.date),
  };
}

export class PaperAreas {
  private fitted: ResearchAreas | undefined;
  private fitting: Promise<ResearchAreas> | undefined;
  /** Bumped whenever papers are placed or the areas refitted (callers cache by it). */
  private generation = 0;
  /** When the last fit failed (too few papers, say): no new attempt for a minute. */
  private failedAt = -Infinity;

  constructor(
    private readonly store: Store,
    private readonly collection: string,
  ) {}

  /** The areas if fitted (starting the fit otherwise, in the background). */
  current(): ResearchAreas | undefined {
    if (!this.fitted && Date.now() - this.failedAt > 60_000) void this.fit().catch(() => undefined);
    return this.fitted;
  }

  /** The areas, fitting them first if needed. */
  async ready(): Promise<ResearchAreas> {
    return this.fitted ?? (await this.fit());
  }

  /** Changes when the areas change: papers placed, or a refit swapped in. */
  get version(): number {
    return this.generation;
  }

  /**
   * Gives the papers among `ids` that have no codes yet their codes from the
   * fitted code books (papers not stored are skipped). No-op before the fit.
   */
  async place(ids: readonly string[]): Promise<void> {
    const areas = this.fitted;
    if (!areas) return;
    const missing = ids.filter((id) => !areas.has(id));
    if (missing.length === 0) return;
    const records = await this.store.getRecords(this.collection, missing);
    await areas.add(records.filter((r): r is StoredRecord => r !== undefined).map(areaPaperOf));
    this.generation++;
    if (areas.addedSinceFit > REFIT_SHARE * (areas.size - areas.addedSinceFit)) void this.fit().catch(() => undefined);
  }

  private fit(): Promise<ResearchAreas> {
    this.fitting ??= (async () => {
      try {
        const papers: AreaPaper[] = [];
        for await (const { record } of this.store.scanRecords(this.collection)) papers.push(areaPaperOf(record));
        const areas = await ResearchAreas.fit(papers);
        // papers placed on the old areas while this fit ran are placed again on first use
        this.fitted = areas;
        this.generation++;
        return areas;
      } catch (error) {
        this.failedAt = Date.now();
        throw error;
      } finally {
        this.fitting = undefined;
      }
    })();
    return this.fitting;
  }
}
