/**
 * The three training losses over the final hidden states of a batch. Each
 * writes dLoss/dh for the target rows and adds item-embedding gradients
 * directly into the network's gradient block.
 *
 * - "ce": full softmax cross-entropy over all items, in chunks of 256 rows.
 * - "sampled-ce": softmax over the target and `negatives` uniformly sampled
 *   items shared by the batch (a negative equal to a row's target is masked).
 * - "bce": binary cross-entropy with one uniform negative per target (SASRec).
 */
import type { Batch } from "./batch.js";
import { expRow, gemm, scaleRow, transpose } from "./kernels.js";
import type { LossKind, SasRecNet } from "./model.js";

const NEG_INF = -Infinity;

/**
 * Computes the loss over the batch's targets from the final hidden states
 * `h` and writes dLoss/dh into `dH` (nTokens x hidden, zero at non-target
 * rows), adding item-embedding gradients directly. Returns the mean loss.
 */
export function lossAndGrad(net: SasRecNet, batch: Batch, h: number, dH: number, loss: LossKind, negatives: number): number {
  const d = net.cfg.hidden;
  const nT = batch.nTargets;
  net.heap.f32.fill(0, dH, dH + batch.nTokens * d);
  if (nT === 0) return 0;
  if (loss === "ce") return fullCe(net, batch, h, dH);
  if (loss === "sampled-ce") return sampledCe(net, batch, h, dH, negatives);
  return bce(net, batch, h, dH);
}

/** Gathers target rows of h into a contiguous nT x d block; returns its offset. */
function gatherTargets(net: SasRecNet, batch: Batch, h: number, extra: number): number {
  const d = net.cfg.hidden;
  const nT = batch.nTargets;
  const base = net.lossBuf.need(nT * d * 2 + extra);
  const f = net.heap.f32;
  for (let r = 0; r < nT; r++) {
    const src = h + batch.targetRow[r] * d;
    f.copyWithin(base + r * d, src, src + d);
  }
  return base;
}

function fullCe(net: SasRecNet, batch: Batch, h: number, dH: number): number {
  const d = net.cfg.hidden;
  const nT = batch.nTargets;
  const N = net.nItems;
  const CH = 256;
  const et = net.itemEmbT(); // must come before gather (may grow the heap)
  const hT = gatherTargets(net, batch, h, CH * N + 4);
  const dhT = hT + ((nT * d + 3) & ~3);
  const logits = dhT + ((nT * d + 3) & ~3);
  const heap = net.heap;
  const f = heap.f32;
  const E = net.P + net.layout.itemEmb;
  const dE = net.G + net.layout.itemEmb;
  const invN = 1 / nT;
  let total = 0;
  for (let r0 = 0; r0 < nT; r0 += CH) {
    const rows = Math.min(CH, nT - r0);
    gemm(heap, rows, N, d, hT + r0 * d, d, 1, et, N, logits, N, false);
    for (let r = 0; r < rows; r++) {
      const lo = logits + r * N;
      const sum = expRow(heap, lo, N);
      const tgt = batch.targetItem[r0 + r];
      const pt = f[lo + tgt] / sum;
      total -= Math.log(pt > 1e-30 ? pt : 1e-30);
      scaleRow(heap, lo, N, invN / sum);
      f[lo + tgt] -= invN;
    }
    // dhT = G * E ; dE += G^T * hT
    gemm(heap, rows, d, N, logits, N, 1, E, d, dhT + r0 * d, d, false);
    gemm(heap, N, d, rows, logits, 1, N, hT + r0 * d, d, dE, d, true);
  }
  scatterTargets(net, batch, dhT, dH);
  return total / nT;
}

function sampledCe(net: SasRecNet, batch: Batch, h: number, dH: number, nNeg: number): number {
  const d = net.cfg.hidden;
  const nT = batch.nTargets;
  const W = nNeg + 1;
  const rng = net.rng;
  // layout: hT, dhT, En (nNeg x d), EnT (d x nNeg), dEn (nNeg x d), logits (nT x W), neg ids
  const sz = (n: number) => (n + 3) & ~3;
  const hT = gatherTargets(net, batch, h, 3 * sz(nNeg * d) + sz(nT * W) + sz(nNeg) + 16);
  const dhT = hT + sz(nT * d);
  const En = dhT + sz(nT * d);
  const EnT = En + sz(nNeg * d);
  const dEn = EnT + sz(nNeg * d);
  const logits = dEn + sz(nNeg * d);
  const negIds = logits + sz(nT * W);
  const heap = net.heap;
  const f = heap.f32;
  const ids = heap.i32;
  const E = net.P + net.layout.itemEmb;
  const dE = net.G + net.layout.itemEmb;
  for (let j = 0; j < nNeg; j++) {
    const item = rng.int(net.nItems);
    ids[negIds + j] = item;
    f.copyWithin(En + j * d, E + item * d, E + item * d + d);
  }
  transpose(f, En, nNeg, d, d, EnT, nNeg);
  gemm(heap, nT, nNeg, d, hT, d, 1, EnT, nNeg, logits + 1, W, false);
  const invN = 1 / nT;
  let total = 0;
  for (let r = 0; r < nT; r++) {
    const lo = logits + r * W;
    const tgt = batch.targetItem[r];
    let pos = 0;
    const hr = hT + r * d;
    const er = E + tgt * d;
    for (let k = 0; k < d; k++) pos += f[hr + k] * f[er + k];
    f[lo] = pos;
    let mx = pos;
    for (let j = 1; j < W; j++) {
      if (ids[negIds + j - 1] === tgt) f[lo + j] = NEG_INF;
      else if (f[lo + j] > mx) mx = f[lo + j];
    }
    let sum = 0;
    for (let j = 0; j < W; j++) {
      const e = Math.exp(f[lo + j] - mx);
      f[lo + j] = e;
      sum += e;
    }
    total -= Math.log(Math.max(f[lo] / sum, 1e-30));
    const sc = invN / sum;
    for (let j = 0; j < W; j++) f[lo + j] *= sc;
    f[lo] -= invN;
    // positive column: dh += g0 * E[tgt]; dE[tgt] += g0 * h
    const g0 = f[lo];
    const dhr = dhT + r * d;
    const der = dE + tgt * d;
    for (let k = 0; k < d; k++) {
      f[dhr + k] = g0 * f[er + k];
      f[der + k] += g0 * f[hr + k];
    }
  }
  gemm(heap, nT, d, nNeg, logits + 1, W, 1, En, d, dhT, d, true);
  gemm(heap, nNeg, d, nT, logits + 1, 1, W, hT, d, dEn, d, false);
  for (let j = 0; j < nNeg; j++) {
    const de = dE + ids[negIds + j] * d;
    const src = dEn + j * d;
    for (let k = 0; k < d; k++) f[de + k] += f[src + k];
  }
  scatterTargets(net, batch, dhT, dH);
  return total / nT;
}

function bce(net: SasRecNet, batch: Batch, h: number, dH: number): number {
  const d = net.cfg.hidden;
  const nT = batch.nTargets;
  const hT = gatherTargets(net, batch, h, 0);
  const dhT = hT + ((nT * d + 3) & ~3);
  const f = net.heap.f32;
  const E = net.P + net.layout.itemEmb;
  const dE = net.G + net.layout.itemEmb;
  const rng = net.rng;
  const invN = 1 / nT;
  let total = 0;
  for (let r = 0; r < nT; r++) {
    const tgt = batch.targetItem[r];
    // a negative that is neither the target nor in the example's input
    const e = batch.targetEx[r];
    const s0 = batch.exStart[e];
    const s1 = batch.exStart[e + 1];
    let neg = rng.int(net.nItems);
    for (let tries = 0; tries < 16; tries++) {
      let clash = neg === tgt;
      for (let t = s0; t < s1 && !clash; t++) clash = batch.tokens[t] === neg;
      if (!clash) break;
      neg = rng.int(net.nItems);
    }
    const hr = hT + r * d;
    const ep = E + tgt * d;
    const en = E + neg * d;
    let sp = 0;
    let sn = 0;
    for (let k = 0; k < d; k++) {
      sp += f[hr + k] * f[ep + k];
      sn += f[hr + k] * f[en + k];
    }
    total += softplus(-sp) + softplus(sn);
    const gp = (sigmoid(sp) - 1) * invN;
    const gn = sigmoid(sn) * invN;
    const dhr = dhT + r * d;
    const dp = dE + tgt * d;
    const dn = dE + neg * d;
    for (let k = 0; k < d; k++) {
      const hk = f[hr + k];
      f[dhr + k] = gp * f[ep + k] + gn * f[en + k];
      f[dp + k] += gp * hk;
      f[dn + k] += gn * hk;
    }
  }
  scatterTargets(net, batch, dhT, dH);
  return total / nT;
}

function scatterTargets(net: SasRecNet, batch: Batch, dhT: number, dH: number): void {
  const d = net.cfg.hidden;
  const f = net.heap.f32;
  for (let r = 0; r < batch.nTargets; r++) {
    const dst = dH + batch.targetRow[r] * d;
    const src = dhT + r * d;
    for (let k = 0; k < d; k++) f[dst + k] += f[src + k];
  }
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
