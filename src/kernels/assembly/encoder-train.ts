// Kernels of Trove's trained text encoder (src/encoders/trained): the embedding
// bag (a weighted sum of table rows, one per feature of a text), its row-wise
// Adagrad update, and the small dense products of the in-batch contrastive loss.
// Pointers are byte offsets into the imported memory; float32 arrays are 16-byte
// aligned and `dim` is a multiple of 4 (the model's dimensions are a multiple of 8).

/** out[0..dim) += Σ_{k in [from,to)} weights[k] · table[ids[k]]. */
export function bagAdd(table: usize, dim: i32, ids: usize, weights: usize, from: i32, to: i32, out: usize): void {
  const rowBytes = <usize>dim << 2;
  for (let k = from; k < to; k++) {
    const id = load<i32>(ids + (<usize>k << 2));
    const w = f32x4.splat(load<f32>(weights + (<usize>k << 2)));
    const row = table + <usize>id * rowBytes;
    let j: usize = 0;
    for (; j + 32 <= rowBytes; j += 32) {
      v128.store(out + j, f32x4.add(v128.load(out + j), f32x4.mul(w, v128.load(row + j))));
      v128.store(out + j, f32x4.add(v128.load(out + j, 16), f32x4.mul(w, v128.load(row + j, 16))), 16);
    }
    for (; j < rowBytes; j += 16) v128.store(out + j, f32x4.add(v128.load(out + j), f32x4.mul(w, v128.load(row + j))));
  }
}

/**
 * Row-wise Adagrad (one accumulator per row, as DLRM's embedding tables) for
 * the rows a text's features touched: the gradient of row ids[k] is
 * weights[k] · scale · grad, `gradMeanSq` is mean(grad²), so the row's
 * accumulator grows by (weights[k]·scale)² · gradMeanSq and the row moves by
 * −lr · weights[k]·scale / sqrt(acc + eps) · grad.
 */
export function bagAdagrad(
  table: usize, accum: usize, dim: i32, ids: usize, weights: usize, from: i32, to: i32,
  grad: usize, scale: f32, gradMeanSq: f32, lr: f32, eps: f32,
): void {
  const rowBytes = <usize>dim << 2;
  for (let k = from; k < to; k++) {
    const id = load<i32>(ids + (<usize>k << 2));
    const ws = load<f32>(weights + (<usize>k << 2)) * scale;
    const accAt = accum + (<usize>id << 2);
    const acc = load<f32>(accAt) + ws * ws * gradMeanSq;
    store<f32>(accAt, acc);
    const step = f32x4.splat(-lr * ws / (sqrt<f32>(acc) + eps));
    const row = table + <usize>id * rowBytes;
    for (let j: usize = 0; j < rowBytes; j += 16) {
      v128.store(row + j, f32x4.add(v128.load(row + j), f32x4.mul(step, v128.load(grad + j))));
    }
  }
}

function dot(a: usize, b: usize, bytes: usize): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let j: usize = 0;
  for (; j + 32 <= bytes; j += 32) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + j), v128.load(b + j)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + j, 16), v128.load(b + j, 16)));
  }
  for (; j < bytes; j += 16) s0 = f32x4.add(s0, f32x4.mul(v128.load(a + j), v128.load(b + j)));
  s0 = f32x4.add(s0, s1);
  return f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
}

/** C (m×n) = A (m×k) · Bᵀ, B given as n rows of k: every pair's dot product. */
export function gemmNT(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  const rowBytes = <usize>k << 2;
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * rowBytes;
    const ci = c + ((<usize>i * <usize>n) << 2);
    for (let j = 0; j < n; j++) store<f32>(ci + (<usize>j << 2), dot(ai, b + <usize>j * rowBytes, rowBytes));
  }
}

function axpy(alpha: f32, x: usize, y: usize, bytes: usize): void {
  const a = f32x4.splat(alpha);
  for (let j: usize = 0; j < bytes; j += 16) v128.store(y + j, f32x4.add(v128.load(y + j), f32x4.mul(a, v128.load(x + j))));
}

/** C (m×k) = G (m×n) · B (n×k). C is overwritten. */
export function gemmNN(g: usize, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  const rowBytes = <usize>k << 2;
  memory.fill(c, 0, <usize>m * rowBytes);
  for (let i = 0; i < m; i++) {
    const gi = g + ((<usize>i * <usize>n) << 2);
    const ci = c + <usize>i * rowBytes;
    for (let j = 0; j < n; j++) {
      const v = load<f32>(gi + (<usize>j << 2));
      if (v != 0) axpy(v, b + <usize>j * rowBytes, ci, rowBytes);
    }
  }
}

/** C (n×k) = Gᵀ · A, with G (m×n) and A (m×k). C is overwritten. */
export function gemmTN(g: usize, a: usize, c: usize, m: i32, n: i32, k: i32): void {
  const rowBytes = <usize>k << 2;
  memory.fill(c, 0, <usize>n * rowBytes);
  for (let i = 0; i < m; i++) {
    const gi = g + ((<usize>i * <usize>n) << 2);
    const ai = a + <usize>i * rowBytes;
    for (let j = 0; j < n; j++) {
      const v = load<f32>(gi + (<usize>j << 2));
      if (v != 0) axpy(v, ai, c + <usize>j * rowBytes, rowBytes);
    }
  }
}
