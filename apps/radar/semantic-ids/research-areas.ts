/**
 * Research areas from semantic IDs: every paper gets a semantic ID learned
 * from its text (title, abstract, categories; tf-idf + SVD embedding and
 * residual k-means, src/recommend/semantic-ids), and the papers that share the
 * first k codes of a paper's ID form its area at depth k: broad at depth 1,
 * narrow at the last. `trail` walks those depths for one paper, each with the
 * area's size, its most common category and a few of its papers (newest
 * first), which is the paper page's "research area" trail.
 *
 * The code book size follows the collection (about the L-th root of the paper
 * count, at least 2, at most 64), so a small radar still has areas that hold
 * several papers.
 */
import { NotFoundError } from "../../../src/core/errors.js";
import type { ItemContent } from "../../../src/recommend/content/item-content.js";
import { fitSemanticIds, type SemanticIdTokenizer } from "../../../src/recommend/semantic-ids/tokenizer.js";

/** What the areas read of a paper. */
export interface AreaPaper {
  id: string;
  title: string;
  abstract: string;
  categories: string[];
  date: string;
}

export interface AreaStep {
  /** 1 = the broadest area. */
  depth: number;
  /** The shared codes, e.g. "12-3". */
  prefix: string;
  /** Papers in the area, the paper itself included. */
  size: number;
  /** The category most of the area's papers carry (absent when none has one). */
  category?: string;
  /** Up to `perStep` other papers of the area, newest first. */
  papers: { id: string; title: string; date: string }[];
}

export interface ResearchAreaOptions {
  levels: number;
  seed: number;
}

export const RESEARCH_AREA_DEFAULTS: ResearchAreaOptions = { levels: 3, seed: 42 };

export class ResearchAreas {
  private readonly index: Map<string, number>;

  private readonly papers: AreaPaper[];
  /** Papers given codes by `add` since the fit (placed by the fitted code books, not refitted). */
  private added = 0;

  private constructor(
    papers: readonly AreaPaper[],
    private readonly tokenizer: SemanticIdTokenizer,
    readonly levels: number,
  ) {
    this.papers = [...papers];
    this.index = new Map(papers.map((p, i) => [p.id, i]));
  }

  private get ids() {
    return this.tokenizer.ids;
  }

  /** Learns the papers' semantic IDs from their text. */
  static async fit(papers: readonly AreaPaper[], options: Partial<ResearchAreaOptions> = {}): Promise<ResearchAreas> {
    const o = { ...RESEARCH_AREA_DEFAULTS, ...options };
    const items: ItemContent[] = papers.map((p) => ({ id: p.id, title: p.title, description: p.abstract, categories: p.categories }));
    const codebookSize = Math.min(64, Math.max(2, Math.round(Math.pow(Math.max(1, papers.length), 1 / o.levels))));
    const tokenizer = await fitSemanticIds(items, {
      levels: o.levels,
      codebookSize,
      embeddingDims: Math.max(2, Math.min(32, papers.length - 1)),
      embeddingFields: "title,description,categories",
      sidSeed: o.seed,
    });
    return new ResearchAreas(papers, tokenizer, o.levels);
  }

  get size(): number {
    return this.papers.length;
  }

  /** How many of the papers were placed by `add` rather than fitted on. */
  get addedSinceFit(): number {
    return this.added;
  }

  /**
   * Gives papers that arrived after the fit their codes from the fitted
   * code books (no refit: the areas of the other papers stay as they were).
   * Papers already known are skipped.
   */
  async add(papers: readonly AreaPaper[]): Promise<void> {
    const seen = new Set<string>();
    const fresh = papers.filter((p) => {
      if (this.index.has(p.id) || seen.has(p.id)) return false;
      seen.add(p.id);
      return true;
    });
    if (fresh.length === 0) return;
    await this.tokenizer.addItems(fresh.map((p) => ({ id: p.id, title: p.title, description: p.abstract, categories: p.categories })));
    for (const p of fresh) {
      this.index.set(p.id, this.papers.length);
      this.papers.push(p);
    }
    this.added += fresh.length;
  }

  /** Whether the paper has codes. */
  has(paperId: string): boolean {
    return this.index.has(paperId);
  }

  /** The paper's code at each level, broadest first (without the collision digit); undefined when it has none. */
  codesOf(paperId: string): number[] | undefined {
    const i = this.index.get(paperId);
    if (i === undefined) return undefined;
    return Array.from({ length: this.levels }, (_, t) => this.ids.token(i, t));
  }

  /** The paper's semantic ID, e.g. "12-3-40-0" (codes, then the collision digit). */
  idOf(paperId: string): string {
    return Array.from(this.ids.of(this.position(paperId))).join("-");
  }

  /** The paper's areas from the broadest to the narrowest. */
  trail(paperId: string, perStep = 5): AreaStep[] {
    const self = this.position(paperId);
    const steps: AreaStep[] = [];
    let members = this.papers.map((_, i) => i);
    for (let depth = 1; depth <= this.levels; depth++) {
      const code = this.ids.token(self, depth - 1);
      members = members.filter((i) => this.ids.token(i, depth - 1) === code);
      const prefix = Array.from({ length: depth }, (_, t) => this.ids.token(self, t)).join("-");
      const others = members
        .filter((i) => i !== self)
        .sort((a, b) => this.papers[b].date.localeCompare(this.papers[a].date) || this.papers[a].id.localeCompare(this.papers[b].id))
        .slice(0, perStep)
        .map((i) => ({ id: this.papers[i].id, title: this.papers[i].title, date: this.papers[i].date }));
      steps.push({ depth, prefix, size: members.length, category: this.commonCategory(members), papers: others });
    }
    return steps;
  }

  private commonCategory(members: readonly number[]): string | undefined {
    const counts = new Map<string, number>();
    for (const i of members) for (const c of this.papers[i].categories) counts.set(c, (counts.get(c) ?? 0) + 1);
    let best: string | undefined;
    for (const [c, n] of counts) if (best === undefined || n > counts.get(best)! || (n === counts.get(best)! && c < best)) best = c;
    return best;
  }

  private position(paperId: string): number {
    const i = this.index.get(paperId);
    if (i === undefined) throw new NotFoundError(`no paper with id "${paperId}" has a research area`);
    return i;
  }
}
