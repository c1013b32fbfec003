// Causal self-attention for one (example, head) of a packed batch (AssemblyScript,
// compiled to WebAssembly SIMD). The projections of token t sit in one row of
// `qkv` (rowStride floats per row): queries at qOff, keys at kOff, values at
// vOff (float offsets within the row), `dh` floats each. Attention probabilities
// are an l × l row-major block (`att`), zero above the diagonal; `mask` (0 = none)
// holds dropout factors of the same shape. Pointers are byte offsets into the
// imported memory; strides and offsets are in floats. Sums of products run in
// f32x4 lanes; the softmax exponentials in f64 (expNonPositive below: the
// library's Math.exp keeps a lookup table in static memory, and this module
// must not own any memory: JavaScript lays out the whole heap).

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LOG2E: f64 = 1.44269504088896338700e+00;

/** e^x for x <= 0 (relative error < 1e-13), 0 below -708; table-free. */
function expNonPositive(x: f64): f64 {
  if (x < -708) return 0;
  const n = Math.floor(x * LOG2E + 0.5);
  const r = x - n * LN2_HI - n * LN2_LO;
  // Taylor series of e^r for |r| <= 0.35, Horner form
  let p = 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  return p * reinterpret<f64>((<i64>n + 1023) << 52);
}

function dot(a: usize, b: usize, n: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  s0 = f32x4.add(s0, s1);
  let s = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
  for (; i < n; i++) s += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return s;
}

/** y[0..n) += a · x[0..n) */
function axpy(y: usize, a: f32, x: usize, n: i32): void {
  const va = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

/** Probabilities: att[i][j] = softmax_j≤i (q_i · k_j · scale), zero for j > i. */
export function causalProbabilities(qkv: usize, rowStride: i32, qOff: i32, kOff: i32, l: i32, dh: i32, scale: f32, att: usize): void {
  const row = <usize>rowStride << 2;
  for (let i = 0; i < l; i++) {
    const q = qkv + <usize>i * row + (<usize>qOff << 2);
    const a = att + ((<usize>i * <usize>l) << 2);
    let mx: f32 = -Infinity;
    for (let j = 0; j <= i; j++) {
      const s = dot(q, qkv + <usize>j * row + (<usize>kOff << 2), dh) * scale;
      store<f32>(a + (<usize>j << 2), s);
      if (s > mx) mx = s;
    }
    let sum: f64 = 0;
    for (let j = 0; j <= i; j++) {
      const e = expNonPositive(<f64>load<f32>(a + (<usize>j << 2)) - <f64>mx);
      store<f32>(a + (<usize>j << 2), <f32>e);
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j <= i; j++) store<f32>(a + (<usize>j << 2), <f32>(<f64>load<f32>(a + (<usize>j << 2)) * inv));
    for (let j = i + 1; j < l; j++) store<f32>(a + (<usize>j << 2), 0);
  }
}

/** ctx_i = Σ_{j≤i} att[i][j] · mask[i][j] · v_j (ctx rows of ctxStride floats, this head at ctxOff). */
export function causalContext(qkv: usize, rowStride: i32, vOff: i32, l: i32, dh: i32, att: usize, mask: usize, ctx: usize, ctxStride: i32, ctxOff: i32): void {
  const row = <usize>rowStride << 2;
  for (let i = 0; i < l; i++) {
    const c = ctx + ((<usize>i * <usize>ctxStride + <usize>ctxOff) << 2);
    memory.fill(c, 0, <usize>dh << 2);
    const a = att + ((<usize>i * <usize>l) << 2);
    const m = mask + ((<usize>i * <usize>l) << 2);
    for (let j = 0; j <= i; j++) {
      let p = load<f32>(a + (<usize>j << 2));
      if (mask != 0) p *= load<f32>(m + (<usize>j << 2));
      if (p == 0) continue;
      axpy(c, p, qkv + <usize>j * row + (<usize>vOff << 2), dh);
    }
  }
}

/**
 * Backward of causalProbabilities + causalContext for one head: from dctx,
 * adds dq, dk, dv into `dqkv` (same layout as qkv). `dp` is scratch of l floats.
 */
export function causalBackward(
  qkv: usize, dqkv: usize, rowStride: i32, qOff: i32, kOff: i32, vOff: i32, l: i32, dh: i32, scale: f32,
  att: usize, mask: usize, dctx: usize, ctxStride: i32, ctxOff: i32, dp: usize,
): void {
  const row = <usize>rowStride << 2;
  for (let i = 0; i < l; i++) {
    const a = att + ((<usize>i * <usize>l) << 2);
    const m = mask + ((<usize>i * <usize>l) << 2);
    const dc = dctx + ((<usize>i * <usize>ctxStride + <usize>ctxOff) << 2);
    let sum: f32 = 0;
    for (let j = 0; j <= i; j++) {
      const mj: f32 = mask != 0 ? load<f32>(m + (<usize>j << 2)) : 1;
      const pij = load<f32>(a + (<usize>j << 2));
      const vrow = <usize>j * row;
      const d = dot(dc, qkv + vrow + (<usize>vOff << 2), dh) * mj;
      axpy(dqkv + vrow + (<usize>vOff << 2), pij * mj, dc, dh);
      store<f32>(dp + (<usize>j << 2), d);
      sum += pij * d;
    }
    const qi = qkv + <usize>i * row + (<usize>qOff << 2);
    const dqi = dqkv + <usize>i * row + (<usize>qOff << 2);
    for (let j = 0; j <= i; j++) {
      const ds = load<f32>(a + (<usize>j << 2)) * (load<f32>(dp + (<usize>j << 2)) - sum) * scale;
      if (ds == 0) continue;
      const jrow = <usize>j * row;
      axpy(dqi, ds, qkv + jrow + (<usize>kOff << 2), dh);
      axpy(dqkv + jrow + (<usize>kOff << 2), ds, qi, dh);
    }
  }
}


/**
 * Inference over a cached prefix, for one head: each of the l new tokens of an
 * example attends to the Lp prefix tokens (keys pk, values pv: rows of pStride
 * floats, this head at pOff) and to the example's own tokens up to itself.
 * `scores` is scratch of Lp + l floats.
 */
export function prefixAttention(
  qkv: usize, rowStride: i32, qOff: i32, kOff: i32, vOff: i32, l: i32, dh: i32, scale: f32,
  pk: usize, pv: usize, pStride: i32, pOff: i32, lp: i32, ctx: usize, ctxStride: i32, ctxOff: i32, scores: usize,
): void {
  const row = <usize>rowStride << 2;
  const prow = <usize>pStride << 2;
  const po = <usize>pOff << 2;
  for (let i = 0; i < l; i++) {
    const q = qkv + <usize>i * row + (<usize>qOff << 2);
    let mx: f32 = -Infinity;
    for (let j = 0; j < lp; j++) {
      const s = dot(q, pk + <usize>j * prow + po, dh) * scale;
      store<f32>(scores + (<usize>j << 2), s);
      if (s > mx) mx = s;
    }
    for (let j = 0; j <= i; j++) {
      const s = dot(q, qkv + <usize>j * row + (<usize>kOff << 2), dh) * scale;
      store<f32>(scores + (<usize>(lp + j) << 2), s);
      if (s > mx) mx = s;
    }
    const n = lp + i + 1;
    let sum: f64 = 0;
    for (let j = 0; j < n; j++) {
      const e = expNonPositive(<f64>load<f32>(scores + (<usize>j << 2)) - <f64>mx);
      store<f32>(scores + (<usize>j << 2), <f32>e);
      sum += e;
    }
    const inv = <f32>(1 / sum);
    const c = ctx + ((<usize>i * <usize>ctxStride + <usize>ctxOff) << 2);
    memory.fill(c, 0, <usize>dh << 2);
    for (let j = 0; j < lp; j++) axpy(c, load<f32>(scores + (<usize>j << 2)) * inv, pv + <usize>j * prow + po, dh);
    for (let j = 0; j <= i; j++) axpy(c, load<f32>(scores + (<usize>(lp + j) << 2)) * inv, qkv + <usize>j * row + (<usize>vOff << 2), dh);
  }
}
