// HNSW graph search and construction (AssemblyScript, compiled to WebAssembly SIMD).
//
// JavaScript owns the memory and lays out every array in it (src/vector/ann-kernel.ts);
// this module keeps only pointers and a few counters in globals, set through
// setSpace / setGraph / setScratch. One instance serves one index (one reader or one
// builder), so the globals are that index's state.
//
// The space: `count` nodes, node i's vector at vectors + i * stride, compared with a
// query of the same representation. Distances are lower-is-better:
//   F32_DOT  -dot(q, x)                  (cosine on normalised vectors, dot)
//   F32_L2   |q - x|^2
//   I8_DOT   -(scale * dot(qc, xc) + corr(q) + corr(x))   (int8 codes, exact dot of
//            the dequantised vectors; scale = alpha^2, corr = per-vector term)
//   I8_L2    scale * (corr(q) + corr(x) - 2 dot(qc, xc))   (corr = |code|^2)
//   BITS_DOT  -(f(x) <q', s(x)> + g(x))       (sign bits s(x) of x - c after centring on
//   BITS_L2   g(x) - 2 f(x) <q', s(x)>          the centroid c; q' = the centred query in
//            4-bit planes, so <q', s> is four AND+popcount passes; f(x) = |x-c|^2 / sum|x-c|
//            rescales the estimate of <x - c, q - c> (as RaBitQ); g(x) = <x, c> - |c|^2 for
//            dot products, |x - c|^2 for l2; two floats per vector in `corrections`)
//
// The graph: level 0 has a fixed stride of m0 + 1 int32 per node (count, then up to
// m0 neighbours); a node on level L > 0 has L lists of m + 1 int32 in `upper`,
// starting at upperOffsets[node] (in int32 units). Upper levels are greedy-descended;
// level 0 is beam-searched with a visited set (u16 generation stamps), a candidate
// min-heap and a result max-heap of at most ef entries. A non-null `accept` (one byte
// per node, 1 = eligible) keeps ineligible nodes out of the results while they are
// still traversed; the search gives up (returns -1) past `visitLimit` distance
// evaluations so that the caller can switch to an exact scan.
import { dotF32, l2sqF32, dotI8 } from "./vector-distance";

const F32_DOT: i32 = 0;
const F32_L2: i32 = 1;
const I8_DOT: i32 = 2;
const I8_L2: i32 = 3;
const BITS_DOT: i32 = 4;
// 5 = BITS_L2

// ---- space
let kind: i32 = 0;
let dim: i32 = 0;
let words: i32 = 0;
let vectors: usize = 0;
let stride: usize = 0;
let corrections: usize = 0;
let scale: f32 = 1;
// the binary query: lower end and step of its 4-bit grid, and the sum of its 4-bit values
let qLow: f32 = 0;
let qStep: f32 = 0;
let qSum: f32 = 0;

// ---- graph
let count: i32 = 0;
let level0: usize = 0;
let m0: i32 = 0;
let stride0: usize = 0;
let upperOffsets: usize = 0;
let upper: usize = 0;
let m: i32 = 0;
let entry: i32 = -1;
let topLevel: i32 = -1;

// ---- scratch
let visited: usize = 0;
let visitGen: i32 = 0;
let cand: usize = 0;
let candSize: i32 = 0;
let res: usize = 0;
let resSize: i32 = 0;
let work: usize = 0; // ids then dists, `workCap` of each (layer results during construction)
let workCap: i32 = 0;
let prune: usize = 0; // ids then dists, m0 + 2 of each (pruning a full neighbour list)
let visits: i32 = 0;
let sink: u32 = 0; // keeps the prefetching loads of searchLayer alive

export function setSpace(k: i32, d: i32, vecs: usize, bytesPerVector: usize, corr: usize, s: f32): void {
  kind = k;
  dim = d;
  words = (d + 63) >> 6;
  vectors = vecs;
  stride = bytesPerVector;
  corrections = corr;
  scale = s;
}

export function setGraph(n: i32, l0: usize, maxLinks0: i32, offsets: usize, up: usize, maxLinks: i32, ep: i32, top: i32): void {
  count = n;
  level0 = l0;
  m0 = maxLinks0;
  stride0 = <usize>(maxLinks0 + 1) << 2;
  upperOffsets = offsets;
  upper = up;
  m = maxLinks;
  entry = ep;
  topLevel = top;
}

export function setScratch(vis: usize, candidates: usize, results: usize, w: usize, wCap: i32, p: usize): void {
  visited = vis;
  visitGen = 0;
  cand = candidates;
  res = results;
  work = w;
  workCap = wCap;
  prune = p;
}

export function entryPoint(): i32 {
  return entry;
}

export function topLevelOfGraph(): i32 {
  return topLevel;
}

/** Reads the sum of the prefetching loads, so that the optimiser cannot drop them. */
export function prefetchSink(): u32 {
  return sink;
}

/** Distance evaluations of the last search (descent included). */
export function visitedNodes(): i32 {
  return visits;
}

// ---- distances

function nodeVector(node: i32): usize {
  return vectors + <usize>node * stride;
}

function correction(node: i32): f32 {
  return load<f32>(corrections + (<usize>node << 2));
}

/** Distance from a query (pointer + correction term) to a node. */
function distTo(q: usize, qc: f32, node: i32): f32 {
  const p = nodeVector(node);
  if (kind == F32_DOT) return -dotF32(q, p, dim);
  if (kind == F32_L2) return l2sqF32(q, p, dim);
  if (kind == I8_DOT) return -(scale * <f32>dotI8(q, p, dim) + qc + correction(node));
  if (kind == I8_L2) return scale * (qc + correction(node) - 2 * <f32>dotI8(q, p, dim));
  return bitsDistance(q, p, node);
}

/** The binary kinds' distance: query bit planes at q (4 x words u64), node bits at p. */
function bitsDistance(q: usize, p: usize, node: i32): f32 {
  let weighted: i64 = 0;
  let ones: i64 = 0;
  const planeBytes = <usize>words << 3;
  for (let w = 0; w < words; w++) {
    const o = <usize>w << 3;
    const b = load<u64>(p + o);
    ones += popcnt<u64>(b);
    weighted += popcnt<u64>(load<u64>(q + o) & b);
    weighted += popcnt<u64>(load<u64>(q + planeBytes + o) & b) << 1;
    weighted += popcnt<u64>(load<u64>(q + 2 * planeBytes + o) & b) << 2;
    weighted += popcnt<u64>(load<u64>(q + 3 * planeBytes + o) & b) << 3;
  }
  // <q', s> with s = 2b - 1 and q' = low + step * u:  2 low |b| + 2 step (u . b) - (d low + step sum u)
  const qs: f32 = <f32>2 * qLow * <f32>ones + <f32>2 * qStep * <f32>weighted - (<f32>dim * qLow + qStep * qSum);
  const c = corrections + (<usize>node << 3);
  const est = load<f32>(c) * qs;
  if (kind == BITS_DOT) return -(est + load<f32>(c, 4));
  return load<f32>(c, 4) - <f32>2 * est;
}

function queryCorrection(node: i32): f32 {
  // (binary kinds compare a query in bit planes with stored bits; the graph is built in float space)
  return kind == I8_DOT || kind == I8_L2 ? correction(node) : 0;
}

function distNodes(a: i32, b: i32): f32 {
  return distTo(nodeVector(a), queryCorrection(a), b);
}

/** Distance of query `q` to node `node` (for tests and rescoring helpers). */
export function distance(q: usize, qc: f32, node: i32): f32 {
  return distTo(q, qc, node);
}

// ---- neighbour lists

function links(node: i32, level: i32): usize {
  if (level == 0) return level0 + <usize>node * stride0;
  const off = <usize>load<i32>(upperOffsets + (<usize>node << 2)) + <usize>(level - 1) * <usize>(m + 1);
  return upper + (off << 2);
}

// ---- visited set

function newVisit(): void {
  visitGen++;
  if (visitGen > 0xffff) {
    memory.fill(visited, 0, <usize>count << 1);
    visitGen = 1;
  }
}

function isVisited(node: i32): bool {
  return <i32>load<u16>(visited + (<usize>node << 1)) == visitGen;
}

function markVisited(node: i32): void {
  store<u16>(visited + (<usize>node << 1), <u16>visitGen);
}

// ---- candidate min-heap and result max-heap of (dist f32, id i32) pairs

function candPush(d: f32, id: i32): void {
  let i = candSize++;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pd = load<f32>(cand + (<usize>p << 3));
    if (pd <= d) break;
    store<u64>(cand + (<usize>i << 3), load<u64>(cand + (<usize>p << 3)));
    i = p;
  }
  store<f32>(cand + (<usize>i << 3), d);
  store<i32>(cand + (<usize>i << 3), id, 4);
}

function candPop(): void {
  const n = --candSize;
  if (n == 0) return;
  const d = load<f32>(cand + (<usize>n << 3));
  const last = load<u64>(cand + (<usize>n << 3));
  let i = 0;
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) break;
    let cd = load<f32>(cand + (<usize>c << 3));
    if (c + 1 < n) {
      const rd = load<f32>(cand + (<usize>(c + 1) << 3));
      if (rd < cd) {
        c++;
        cd = rd;
      }
    }
    if (cd >= d) break;
    store<u64>(cand + (<usize>i << 3), load<u64>(cand + (<usize>c << 3)));
    i = c;
  }
  store<u64>(cand + (<usize>i << 3), last);
}

/** Ties: the larger id counts as worse, so results are deterministic. */
function resWorse(d1: f32, id1: i32, d2: f32, id2: i32): bool {
  return d1 > d2 || (d1 == d2 && id1 > id2);
}

function resPush(d: f32, id: i32): void {
  let i = resSize++;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pa = res + (<usize>p << 3);
    if (!resWorse(d, id, load<f32>(pa), load<i32>(pa, 4))) break;
    store<u64>(res + (<usize>i << 3), load<u64>(pa));
    i = p;
  }
  store<f32>(res + (<usize>i << 3), d);
  store<i32>(res + (<usize>i << 3), id, 4);
}

function resPop(): void {
  const n = --resSize;
  if (n == 0) return;
  const la = res + (<usize>n << 3);
  const d = load<f32>(la);
  const id = load<i32>(la, 4);
  const last = load<u64>(la);
  let i = 0;
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) break;
    let ca = res + (<usize>c << 3);
    if (c + 1 < n) {
      const ra = ca + 8;
      if (resWorse(load<f32>(ra), load<i32>(ra, 4), load<f32>(ca), load<i32>(ca, 4))) {
        c++;
        ca = ra;
      }
    }
    if (!resWorse(load<f32>(ca), load<i32>(ca, 4), d, id)) break;
    store<u64>(res + (<usize>i << 3), load<u64>(ca));
    i = c;
  }
  store<u64>(res + (<usize>i << 3), last);
}

/** Pops every result into ids/dists, best first; returns how many. */
function drainResults(ids: usize, dists: usize): i32 {
  const n = resSize;
  for (let i = n - 1; i >= 0; i--) {
    store<i32>(ids + (<usize>i << 2), load<i32>(res, 4));
    store<f32>(dists + (<usize>i << 2), load<f32>(res));
    resPop();
  }
  return n;
}

// ---- search

let greedyDist: f32 = 0;

/** Greedy walk on one upper level: moves to a closer neighbour while there is one. */
function greedy(q: usize, qc: f32, ep: i32, epDist: f32, level: i32): i32 {
  let cur = ep;
  let curDist = epDist;
  let changed = true;
  while (changed) {
    changed = false;
    const list = links(cur, level);
    const n = load<i32>(list);
    for (let j = 0; j < n; j++) {
      const e = load<i32>(list + 4 + (<usize>j << 2));
      const d = distTo(q, qc, e);
      visits++;
      if (d < curDist) {
        curDist = d;
        cur = e;
        changed = true;
      }
    }
  }
  greedyDist = curDist;
  return cur;
}

/**
 * Beam search of one level from `ep`; leaves up to `ef` eligible results in the
 * result heap. Returns false when more than `visitLimit` nodes were evaluated.
 */
function searchLayer(q: usize, qc: f32, ep: i32, epDist: f32, ef: i32, level: i32, accept: usize, visitLimit: i32): bool {
  newVisit();
  markVisited(ep);
  candSize = 0;
  resSize = 0;
  candPush(epDist, ep);
  let bound: f32 = Infinity;
  if (accept == 0 || load<u8>(accept + <usize>ep) != 0) {
    resPush(epDist, ep);
    bound = epDist;
  }
  while (candSize > 0) {
    const cd = load<f32>(cand);
    if (cd > bound && resSize >= ef) break;
    const c = load<i32>(cand, 4);
    candPop();
    const list = links(c, level);
    const n = load<i32>(list);
    // Touch every unvisited neighbour's vector first: the loads are independent,
    // so the memory system fetches them in parallel before the distance loop.
    let touch: u32 = 0;
    for (let j = 0; j < n; j++) {
      const e = load<i32>(list + 4 + (<usize>j << 2));
      if (!isVisited(e)) touch += load<u8>(nodeVector(e));
    }
    for (let j = 0; j < n; j++) {
      const e = load<i32>(list + 4 + (<usize>j << 2));
      if (isVisited(e)) continue;
      markVisited(e);
      visits++;
      const d = distTo(q, qc, e);
      if (resSize < ef || d < bound) {
        candPush(d, e);
        if (accept == 0 || load<u8>(accept + <usize>e) != 0) {
          resPush(d, e);
          if (resSize > ef) resPop();
          bound = load<f32>(res);
        }
      }
    }
    sink += touch;
    if (visits > visitLimit) return false;
  }
  return true;
}

/**
 * k-NN search: greedy descent through the upper levels, then a beam of width `ef`
 * on level 0. Writes up to `ef` results (ids, distances) best first and returns
 * their number, or -1 when the visit limit was exceeded.
 */
export function search(q: usize, qc: f32, ef: i32, accept: usize, visitLimit: i32, outIds: usize, outDists: usize): i32 {
  visits = 0;
  if (entry < 0) return 0;
  let ep = entry;
  let d = distTo(q, qc, ep);
  visits = 1;
  for (let level = topLevel; level > 0; level--) {
    ep = greedy(q, qc, ep, d, level);
    d = greedyDist;
  }
  if (!searchLayer(q, qc, ep, d, ef, 0, accept, visitLimit)) return -1;
  return drainResults(outIds, outDists);
}

/**
 * Exact scan of nodes [first, end) (those with accept[i] != 0 when accept is not 0):
 * writes the best k (ids, distances) best first and returns their number.
 */
export function scan(q: usize, qc: f32, k: i32, accept: usize, first: i32, end: i32, outIds: usize, outDists: usize): i32 {
  resSize = 0;
  visits = 0;
  if (k <= 0) return 0;
  let bound: f32 = Infinity;
  for (let i = first; i < end; i++) {
    if (accept != 0 && load<u8>(accept + <usize>i) == 0) continue;
    const d = distTo(q, qc, i);
    visits++;
    if (resSize < k) {
      resPush(d, i);
      if (resSize == k) bound = load<f32>(res);
    } else if (d < bound) {
      resPush(d, i);
      resPop();
      bound = load<f32>(res);
    }
  }
  return drainResults(outIds, outDists);
}

/** Number of non-zero bytes in accept[0, n). */
export function countAccepted(accept: usize, n: i32): i32 {
  let s = i32x4.splat(0);
  let i = 0;
  const zero = i8x16.splat(0);
  for (; i + 16 <= n; i += 16) {
    // 0xff (-1) for every non-zero byte; widen and subtract
    const ne = i8x16.ne(v128.load(accept + <usize>i), zero);
    s = i32x4.sub(s, i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(ne)));
  }
  let total = i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
  for (; i < n; i++) if (load<u8>(accept + <usize>i) != 0) total++;
  return total;
}

/**
 * Float distances of query `q` to `n` float vectors stored one after another at
 * `vecs` (rescoring a candidate pool read from disk). `metricKind` is F32_DOT or F32_L2.
 */
export function floatDistances(metricKind: i32, q: usize, vecs: usize, n: i32, d: i32, outDists: usize): void {
  const bytes = <usize>d << 2;
  for (let i = 0; i < n; i++) {
    const p = vecs + <usize>i * bytes;
    const v = metricKind == F32_L2 ? l2sqF32(q, p, d) : -dotF32(q, p, d);
    store<f32>(outDists + (<usize>i << 2), v);
  }
}

// ---- construction

/** Sorts `n` (id, dist) pairs held as ids at `ids`, dists at `dists`, by distance ascending. */
function sortPairs(ids: usize, dists: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const d = load<f32>(dists + (<usize>i << 2));
    const id = load<i32>(ids + (<usize>i << 2));
    let j = i - 1;
    while (j >= 0) {
      const dj = load<f32>(dists + (<usize>j << 2));
      if (dj < d || (dj == d && load<i32>(ids + (<usize>j << 2)) < id)) break;
      store<f32>(dists + (<usize>(j + 1) << 2), dj);
      store<i32>(ids + (<usize>(j + 1) << 2), load<i32>(ids + (<usize>j << 2)));
      j--;
    }
    store<f32>(dists + (<usize>(j + 1) << 2), d);
    store<i32>(ids + (<usize>(j + 1) << 2), id);
  }
}

/**
 * HNSW's neighbour-selection heuristic: walks candidates by ascending distance
 * and keeps one only if it is closer to the base than to every neighbour kept so
 * far (diverse directions). Writes the kept ids to `out` and returns their number.
 */
function selectNeighbours(ids: usize, dists: usize, n: i32, maxLinks: i32, out: usize): i32 {
  let nk = 0;
  for (let i = 0; i < n && nk < maxLinks; i++) {
    const e = load<i32>(ids + (<usize>i << 2));
    const de = load<f32>(dists + (<usize>i << 2));
    let good = true;
    for (let j = 0; j < nk; j++) {
      if (distNodes(e, load<i32>(out + (<usize>j << 2))) < de) {
        good = false;
        break;
      }
    }
    if (good) {
      store<i32>(out + (<usize>nk << 2), e);
      nk++;
    }
  }
  return nk;
}

function maxLinksAt(level: i32): i32 {
  return level == 0 ? m0 : m;
}

/** Adds `node` to `target`'s list on `level`, pruning the list with the heuristic when full. */
function linkBack(target: i32, node: i32, level: i32): void {
  const list = links(target, level);
  const n = load<i32>(list);
  const cap = maxLinksAt(level);
  for (let j = 0; j < n; j++) if (load<i32>(list + 4 + (<usize>j << 2)) == node) return;
  if (n < cap) {
    store<i32>(list + 4 + (<usize>n << 2), node);
    store<i32>(list, n + 1);
    return;
  }
  const pIds = prune;
  const pDists = prune + (<usize>(m0 + 2) << 2);
  const tv = nodeVector(target);
  const tc = queryCorrection(target);
  for (let j = 0; j < n; j++) {
    const e = load<i32>(list + 4 + (<usize>j << 2));
    store<i32>(pIds + (<usize>j << 2), e);
    store<f32>(pDists + (<usize>j << 2), distTo(tv, tc, e));
  }
  store<i32>(pIds + (<usize>n << 2), node);
  store<f32>(pDists + (<usize>n << 2), distTo(tv, tc, node));
  sortPairs(pIds, pDists, n + 1);
  const nk = selectNeighbours(pIds, pDists, n + 1, cap, list + 4);
  store<i32>(list, nk);
}

/**
 * Inserts `node` (its vector already in place, its lists empty) on levels
 * 0..`level` with a beam of width `efc`. The first node becomes the entry point.
 */
export function insert(node: i32, level: i32, efc: i32): void {
  if (entry < 0) {
    entry = node;
    topLevel = level;
    return;
  }
  const q = nodeVector(node);
  const qc = queryCorrection(node);
  let ep = entry;
  let d = distTo(q, qc, ep);
  for (let l = topLevel; l > level; l--) {
    ep = greedy(q, qc, ep, d, l);
    d = greedyDist;
  }
  const wIds = work;
  const wDists = work + (<usize>workCap << 2);
  for (let l = min(level, topLevel); l >= 0; l--) {
    searchLayer(q, qc, ep, d, efc, l, 0, i32.MAX_VALUE);
    const n = drainResults(wIds, wDists);
    const list = links(node, l);
    const nk = selectNeighbours(wIds, wDists, n, m, list + 4);
    store<i32>(list, nk);
    for (let j = 0; j < nk; j++) linkBack(load<i32>(list + 4 + (<usize>j << 2)), node, l);
    ep = load<i32>(wIds);
    d = load<f32>(wDists);
  }
  if (level > topLevel) {
    entry = node;
    topLevel = level;
  }
}

/** Sets the entry point (graphs seeded from an earlier index). */
export function setEntry(ep: i32, top: i32): void {
  entry = ep;
  topLevel = top;
}

/**
 * Rebuilds `node`'s list on `level` from `n` candidate ids at `ids` (deduplicated,
 * `node` itself excluded): distances, sort, heuristic selection. Used to repair
 * nodes that lost neighbours when a seeded graph dropped deleted nodes.
 */
export function relink(node: i32, level: i32, ids: usize, n: i32): void {
  const wIds = work;
  const wDists = work + (<usize>workCap << 2);
  const q = nodeVector(node);
  const qc = queryCorrection(node);
  const take = min(n, workCap);
  for (let j = 0; j < take; j++) {
    const e = load<i32>(ids + (<usize>j << 2));
    store<i32>(wIds + (<usize>j << 2), e);
    store<f32>(wDists + (<usize>j << 2), distTo(q, qc, e));
  }
  sortPairs(wIds, wDists, take);
  const list = links(node, level);
  store<i32>(list, selectNeighbours(wIds, wDists, take, maxLinksAt(level), list + 4));
}

// ---- vector preparation (build and query share these, so codes always agree)

/** Scales each of `n` float vectors of `d` dimensions at `vecs` to unit length (zero vectors stay zero). */
export function normalize(vecs: usize, n: i32, d: i32): void {
  const bytes = <usize>d << 2;
  for (let i = 0; i < n; i++) {
    const p = vecs + <usize>i * bytes;
    const norm = Mathf.sqrt(dotF32(p, p, d));
    if (norm == 0) continue;
    const inv: f32 = <f32>1 / norm;
    const vinv = f32x4.splat(inv);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const a = p + (<usize>j << 2);
      v128.store(a, f32x4.mul(v128.load(a), vinv));
    }
    for (; j < d; j++) {
      const a = p + (<usize>j << 2);
      store<f32>(a, load<f32>(a) * inv);
    }
  }
}

/**
 * int8 scalar quantization of `n` float vectors: code = clamp(round((x - lower) / alpha), 0, 255) - 128,
 * so x ~ mid + alpha * code with mid = lower + 128 * alpha. Writes codes (d bytes
 * per vector) and one correction per vector: for dot products
 * alpha * mid * sum(code) + d * mid^2 / 2, for l2 sum(code^2).
 */
export function quantizeI8(src: usize, n: i32, d: i32, lower: f32, alpha: f32, l2: bool, codes: usize, corr: usize): void {
  const inv: f32 = <f32>1 / alpha;
  const mid = lower + 128 * alpha;
  for (let i = 0; i < n; i++) {
    const p = src + (<usize>i * <usize>d << 2);
    const c = codes + <usize>i * <usize>d;
    let sum: i32 = 0;
    let sq: i32 = 0;
    for (let j = 0; j < d; j++) {
      let v = nearest<f32>((load<f32>(p + (<usize>j << 2)) - lower) * inv);
      if (v < 0) v = 0;
      if (v > 255) v = 255;
      const code = <i32>v - 128;
      store<i8>(c + <usize>j, <i8>code);
      sum += code;
      sq += code * code;
    }
    const t: f32 = l2 ? <f32>sq : alpha * mid * <f32>sum + <f32>d * mid * mid * 0.5;
    store<f32>(corr + (<usize>i << 2), t);
  }
}

/**
 * Sign bits of `n` float vectors after subtracting `centroid` (bit j of word j >> 6 is
 * set when x[j] > centroid[j]) and two corrections per vector: f = |x-c|^2 / sum|x-c|
 * and g = <x, c> - |c|^2 (dot products) or |x-c|^2 (l2).
 */
export function binarize(src: usize, n: i32, d: i32, centroid: usize, l2: bool, codes: usize, corr: usize): void {
  const w = (d + 63) >> 6;
  let cc: f32 = 0;
  for (let j = 0; j < d; j++) {
    const c = load<f32>(centroid + (<usize>j << 2));
    cc += c * c;
  }
  for (let i = 0; i < n; i++) {
    const p = src + (<usize>i * <usize>d << 2);
    const out = codes + (<usize>i * <usize>w << 3);
    let sq: f32 = 0;
    let abs: f32 = 0;
    let xc: f32 = 0;
    for (let k = 0; k < w; k++) {
      let bits: u64 = 0;
      const end = min(d, (k + 1) << 6);
      for (let j = k << 6; j < end; j++) {
        const x = load<f32>(p + (<usize>j << 2));
        const c = load<f32>(centroid + (<usize>j << 2));
        const v = x - c;
        if (v > 0) bits |= (<u64>1) << <u64>(j & 63);
        sq += v * v;
        abs += Mathf.abs(v);
        xc += x * c;
      }
      store<u64>(out + (<usize>k << 3), bits);
    }
    const at = corr + (<usize>i << 3);
    store<f32>(at, abs > 0 ? sq / abs : 0);
    store<f32>(at, l2 ? sq : xc - cc, 4);
  }
}

/**
 * Prepares a query for the binary kinds: q' = q - centroid on a 4-bit grid
 * [low, low + 15 step], written as four bit planes of `words` u64 at `planes`
 * (plane j holds bit j of every 4-bit value). Returns <q, centroid>.
 */
export function binarizeQuery(q: usize, d: i32, centroid: usize, planes: usize): f32 {
  const w = (d + 63) >> 6;
  let lo: f32 = Infinity;
  let hi: f32 = -Infinity;
  let qc: f32 = 0;
  for (let j = 0; j < d; j++) {
    const x = load<f32>(q + (<usize>j << 2));
    const c = load<f32>(centroid + (<usize>j << 2));
    const v = x - c;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    qc += x * c;
  }
  const step: f32 = hi > lo ? (hi - lo) / 15 : 1;
  const inv: f32 = <f32>1 / step;
  memory.fill(planes, 0, <usize>(4 * w) << 3);
  let sum: i32 = 0;
  for (let j = 0; j < d; j++) {
    const v = load<f32>(q + (<usize>j << 2)) - load<f32>(centroid + (<usize>j << 2));
    let u = <i32>nearest<f32>((v - lo) * inv);
    if (u < 0) u = 0;
    if (u > 15) u = 15;
    sum += u;
    const word = <usize>(j >> 6) << 3;
    const bit = (<u64>1) << <u64>(j & 63);
    for (let b = 0; b < 4; b++) {
      if ((u >> b) & 1) {
        const a = planes + (<usize>(b * w) << 3) + word;
        store<u64>(a, load<u64>(a) | bit);
      }
    }
  }
  qLow = lo;
  qStep = step;
  qSum = <f32>sum;
  return qc;
}
