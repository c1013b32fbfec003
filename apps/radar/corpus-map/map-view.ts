/**
 * What the map page reads: the corpus map with the reader's saved and liked
 * papers marked, and the papers of a cluster or of a rectangle of the map
 * (a click on a region), nearest the cluster's centre or the rectangle's
 * centre first.
 */
import { InvalidArgumentError } from "../../../src/core/errors.js";
import type { StoredRecord } from "../../../src/core/schema.js";
import type { Collection } from "../../../src/engine/collection.js";
import type { PageRequest } from "../../../src/server/pagination.js";
import type { Feedback } from "../feedback/feedback.js";
import type { CorpusMap } from "./corpus-map.js";
import type { CorpusMaps } from "./corpus-maps.js";

/** Saves and likes read to mark them on the map. */
const MAX_MARKED = 10_000;

export type MapSelection = { cluster: number } | { box: { x0: number; y0: number; x1: number; y1: number } };

export class MapView {
  constructor(
    private readonly maps: CorpusMaps,
    private readonly feedback: Feedback,
    private readonly papers: Collection,
  ) {}

  /** The map, the positions (indices into `map.ids`) of the reader's saved and liked papers, and whether the map is up to date. */
  async forReader(reader: string): Promise<{ map: CorpusMap; saved: number[]; current: boolean }> {
    const map = await this.maps.current();
    const mine = new Set<string>();
    for (const kind of ["save", "like"] as const) {
      const { items } = await this.feedback.list(reader, { kind }, { offset: 0, limit: MAX_MARKED });
      for (const record of items) mine.add(record.item);
    }
    const saved: number[] = [];
    map.ids.forEach((id, i) => {
      if (mine.has(id)) saved.push(i);
    });
    return { map, saved, current: await this.maps.isCurrent() };
  }

  /** A page of the papers in a cluster or a rectangle. */
  async papersIn(selection: MapSelection, page: PageRequest): Promise<{ items: StoredRecord[]; total: number }> {
    const map = await this.maps.current();
    const ids = selectPoints(map, selection);
    const records = await this.papers.store.getRecords(this.papers.name, ids.slice(page.offset, page.offset + page.limit));
    return { items: records.filter((r): r is StoredRecord => r !== undefined), total: ids.length };
  }
}

/** The ids of the selected points, nearest the selection's centre first. */
export function selectPoints(map: CorpusMap, selection: MapSelection): string[] {
  let inside: (i: number) => boolean;
  let cx: number;
  let cy: number;
  if ("cluster" in selection) {
    const cluster = map.clusters.find((c) => c.id === selection.cluster);
    if (!cluster) throw new InvalidArgumentError(`cluster: the map has no cluster ${selection.cluster} (its clusters: ${map.clusters.map((c) => c.id).join(", ")})`);
    inside = (i) => map.cluster[i] === selection.cluster;
    ({ x: cx, y: cy } = cluster);
  } else {
    const { x0, y0, x1, y1 } = selection.box;
    if (!(x0 <= x1 && y0 <= y1)) throw new InvalidArgumentError(`the rectangle must have x0 <= x1 and y0 <= y1, got x ${x0}..${x1}, y ${y0}..${y1}`);
    inside = (i) => map.x[i] >= x0 && map.x[i] <= x1 && map.y[i] >= y0 && map.y[i] <= y1;
    cx = (x0 + x1) / 2;
    cy = (y0 + y1) / 2;
  }
  const rows: Array<{ i: number; d: number }> = [];
  for (let i = 0; i < map.ids.length; i++) if (inside(i)) rows.push({ i, d: (map.x[i] - cx) ** 2 + (map.y[i] - cy) ** 2 });
  rows.sort((a, b) => a.d - b.d || a.i - b.i);
  return rows.map(({ i }) => map.ids[i]);
}
