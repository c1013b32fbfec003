/**
 * The corpus map kept in step with the papers collection, computed once per
 * corpus version and never per request:
 *
 * - the version is the papers collection's creation number and change-feed
 *   position (`<createdSeq>:<latestSeq>`): any put or delete makes a new one;
 * - the map is kept in memory and in `<dataDir>/models/corpus-map/map.json`
 *   (written atomically), so a restart reuses it;
 * - `current()` answers the map it has; when the papers changed since, it
 *   starts one rebuild in the background (concurrent callers share it) and
 *   keeps answering the previous map until the new one is ready. Only when
 *   there is no map at all does a caller wait for the first build.
 * - the computation runs on a worker thread (map-worker.ts); `close()` stops it.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../../src/core/atomic-file.js";
import type { Store } from "../../../src/store/store.js";
import type { CorpusMap, CorpusMapOptions, MapPaper } from "./corpus-map.js";
import { computeCorpusMapOnWorker } from "./map-worker.js";

const FORMAT = 1;

export interface CorpusMapsOptions extends Partial<CorpusMapOptions> {
  /** Told about each finished or failed build (logging, tests). */
  onBuild?: (event: { version: string; papers: number; error?: unknown }) => void;
}

export function corpusMapFile(dataDir: string): string {
  return join(dataDir, "models", "corpus-map", "map.json");
}

export class CorpusMaps {
  private map: CorpusMap | undefined;
  private building: { version: string; done: Promise<CorpusMap> } | undefined;
  /** Builds started so far, and which of them made the map held now (0: the saved one). */
  private builds = 0;
  private mapStarted = 0;
  private readonly stopped = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly collection: string,
    private readonly dataDir: string,
    private readonly options: CorpusMapsOptions = {},
  ) {
    this.map = readSaved(corpusMapFile(dataDir));
  }

  /** The papers collection's version now. */
  async version(): Promise<string> {
    const info = await this.store.getCollection(this.collection);
    return `${info.createdSeq}:${await this.store.latestSeq(this.collection)}`;
  }

  /** The map: the current one, or the previous one while a rebuild runs; waits only for the first build. */
  async current(): Promise<CorpusMap> {
    const version = await this.version();
    if (this.map?.version === version) return this.map;
    const build = this.rebuild(version);
    return this.map ?? build;
  }

  /** Whether the map answered now is that of the papers as they are. */
  async isCurrent(): Promise<boolean> {
    return this.map?.version === (await this.version());
  }

  /** Builds the map of `version` unless that build already runs; resolves when it is stored. */
  rebuild(version: string): Promise<CorpusMap> {
    if (this.building?.version === version) return this.building.done;
    const started = ++this.builds;
    const done = (async () => {
      const papers = await this.readPapers();
      const map = await computeCorpusMapOnWorker(papers, version, this.options, this.stopped.signal);
      const file = corpusMapFile(this.dataDir);
      if (started > this.mapStarted) {
        // a build that began later may have finished first: the newer papers win
        mkdirSync(dirname(file), { recursive: true });
        writeFileAtomic(file, JSON.stringify({ format: FORMAT, map }));
        this.map = map;
        this.mapStarted = started;
      }
      this.options.onBuild?.({ version, papers: papers.length });
      return map;
    })();
    const entry = { version, done };
    this.building = entry;
    done.then(
      () => {
        if (this.building === entry) this.building = undefined;
      },
      (error: unknown) => {
        if (this.building === entry) this.building = undefined;
        this.options.onBuild?.({ version, papers: 0, error });
      },
    );
    return done;
  }

  /** Waits for a running build (tests). */
  async settled(): Promise<void> {
    await this.building?.done.catch(() => undefined);
  }

  /** Stops a running build at once (shutdown); the saved map stays as it was. */
  async close(): Promise<void> {
    this.stopped.abort();
    await this.settled();
  }

  private async readPapers(): Promise<MapPaper[]> {
    const papers: MapPaper[] = [];
    for await (const { record } of this.store.scanRecords(this.collection)) {
      papers.push({
        id: String(record.id),
        title: typeof record.title === "string" ? record.title : "",
        abstract: typeof record.abstract === "string" ? record.abstract : "",
        categories: Array.isArray(record.categories) ? record.categories.map(String) : [],
        date: typeof record.date === "string" ? record.date : "",
      });
    }
    return papers;
  }
}

/** The saved map, or undefined when there is none or it cannot be read (it is then rebuilt). */
function readSaved(file: string): CorpusMap | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(file, "utf8")) as { format?: number; map?: CorpusMap };
    if (saved.format !== FORMAT || !saved.map || !Array.isArray(saved.map.ids) || saved.map.ids.length !== saved.map.x?.length) return undefined;
    return saved.map;
  } catch {
    return undefined;
  }
}
