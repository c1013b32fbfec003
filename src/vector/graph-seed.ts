/**
 * Merge seeding: a merged index starts from the graph of its largest input
 * (as Lucene's merges do) instead of inserting every node again. The seed's
 * nodes keep their levels and links, renumbered through `ordMap` (old ordinal
 * -> new ordinal, -1 = dropped: deleted documents). A list that lost links to
 * dropped nodes is rebuilt from its surviving links plus the dropped nodes'
 * own links (two hops through each dropped node), with the usual diversity
 * heuristic; if the entry point was dropped, the highest surviving node takes
 * its place. The builder then inserts the nodes the seed did not hold.
 */
import type { AnnIndexReader, GraphArrays } from "./ann-index-reader.js";
import type { AnnKernel, GraphRegions } from "./ann-kernel.js";
import type { ResolvedAnnParams } from "./types.js";

export interface SeedOutcome {
  /** placed[newOrd] = 1 for nodes taken from the seed (null when none). */
  placed: Uint8Array | null;
  nodes: number;
  repairedLists: number;
}

/** A seed graph can be reused when it is a graph of the same metric, dimensions and m. */
export function seedUsable(reader: AnnIndexReader, params: ResolvedAnnParams): boolean {
  const p = reader.meta.params;
  return reader.meta.graph === "hnsw" && p.metric === params.metric && p.dimensions === params.dimensions && p.m === params.m;
}

/**
 * Copies the seed graph `old` into the new graph `g` (whose levels already
 * hold the seed nodes' levels), repairs lists that lost links and sets the
 * entry point in the kernel.
 */
export function seedGraph(kernel: AnnKernel, g: GraphRegions, old: GraphArrays, ordMap: Int32Array): SeedOutcome {
  const count = g.count;
  const { m, m0 } = g;
  const heap = kernel.heap;
  const placed = new Uint8Array(count);
  const levels = new Uint8Array(heap.memory.buffer, g.levels, count).slice();
  const newOffsets = heap.i32.slice(g.upperOffsets / 4, g.upperOffsets / 4 + count);
  const oldStride0 = old.m0 + 1;
  const newListAt = (node: number, level: number): number =>
    level === 0 ? g.level0 / 4 + node * (m0 + 1) : g.upper / 4 + newOffsets[node] + (level - 1) * (m + 1);
  const oldListAt = (node: number, level: number): { arr: Int32Array; at: number } =>
    level === 0 ? { arr: old.level0, at: node * oldStride0 } : { arr: old.upper, at: old.upperOffsets[node] + (level - 1) * (old.m + 1) };

  // lists that lost links: (new node, level, old node)
  const damaged: number[] = [];
  let nodes = 0;
  for (let o = 0; o < ordMap.length; o++) {
    const n = ordMap[o];
    if (n < 0) continue;
    placed[n] = 1;
    nodes++;
    const top = old.levels[o];
    for (let level = 0; level <= top; level++) {
      const { arr, at } = oldListAt(o, level);
      const len = arr[at];
      const dst = newListAt(n, level);
      let kept = 0;
      for (let j = 0; j < len; j++) {
        const e = ordMap[arr[at + 1 + j]];
        if (e >= 0) heap.i32[dst + 1 + kept++] = e;
      }
      heap.i32[dst] = kept;
      if (kept < len) damaged.push(n, level, o);
    }
  }

  // repair: candidates = surviving links + links of the dropped neighbours
  const workCap = Math.max(m0 * (m0 + 1), 1);
  const idsAt = heap.alloc(workCap * 4);
  const stamp = new Int32Array(count).fill(-1);
  let repairedLists = 0;
  for (let i = 0; i < damaged.length; i += 3) {
    const n = damaged[i];
    const level = damaged[i + 1];
    const o = damaged[i + 2];
    const mark = i;
    stamp[n] = mark;
    const candidates: number[] = [];
    const add = (e: number) => {
      if (e >= 0 && stamp[e] !== mark && candidates.length < workCap) {
        stamp[e] = mark;
        candidates.push(e);
      }
    };
    const { arr, at } = oldListAt(o, level);
    for (let j = 0; j < arr[at]; j++) {
      const oe = arr[at + 1 + j];
      const e = ordMap[oe];
      if (e >= 0) {
        add(e);
        continue;
      }
      const hop = oldListAt(oe, level);
      for (let h = 0; h < hop.arr[hop.at]; h++) add(ordMap[hop.arr[hop.at + 1 + h]]);
    }
    heap.i32.set(candidates, idsAt / 4);
    kernel.k.relink(n, level, idsAt, candidates.length);
    repairedLists++;
  }

  // entry point: the seed's, or the highest surviving node
  let entry = old.entryPoint >= 0 ? ordMap[old.entryPoint] : -1;
  let top = entry >= 0 ? old.topLevel : -1;
  if (entry < 0) {
    for (let n = 0; n < count; n++) {
      if (placed[n] && levels[n] > top) {
        top = levels[n];
        entry = n;
      }
    }
  }
  kernel.k.setEntry(entry, top);
  return { placed, nodes, repairedLists };
}
