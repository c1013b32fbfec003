// Distance kernels for dense vectors (AssemblyScript, compiled to WebAssembly SIMD).
// Pointers are byte offsets into the imported memory; `dim` counts elements.
// float32 vectors must be 16-byte aligned with dim a multiple of 4 for the SIMD
// body; any remainder is handled by a scalar tail.

/** Dot product of two float32 vectors. */
export function dotF32(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= dim; i += 16) {
    const o = <usize>i << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(a + o, 32), v128.load(b + o, 32)));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(a + o, 48), v128.load(b + o, 48)));
  }
  for (; i + 8 <= dim; i += 8) {
    const o = <usize>i << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  s0 = f32x4.add(f32x4.add(s0, s2), f32x4.add(s1, s3));
  let s = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
  for (; i < dim; i++) s += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return s;
}

/** Squared Euclidean distance of two float32 vectors. */
export function l2sqF32(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= dim; i += 8) {
    const o = <usize>i << 2;
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    const d1 = f32x4.sub(v128.load(a + o, 16), v128.load(b + o, 16));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
  }
  s0 = f32x4.add(s0, s1);
  let s = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
  for (; i < dim; i++) {
    const d = load<f32>(a + (<usize>i << 2)) - load<f32>(b + (<usize>i << 2));
    s += d * d;
  }
  return s;
}

/** Dot product of two int8 vectors, exact in i32 (dim up to 2^16). */
export function dotI8(a: usize, b: usize, dim: i32): i32 {
  let acc = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= dim; i += 8) {
    const x = v128.load8x8_s(a + <usize>i);
    const y = v128.load8x8_s(b + <usize>i);
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(x, y));
  }
  let s = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < dim; i++) s += <i32>load<i8>(a + <usize>i) * <i32>load<i8>(b + <usize>i);
  return s;
}

/** Hamming distance of two bit vectors of `words` 64-bit words. */
export function hamming(a: usize, b: usize, words: i32): i32 {
  let s: i64 = 0;
  for (let i = 0; i < words; i++) {
    const o = <usize>i << 3;
    s += popcnt<i64>(load<i64>(a + o) ^ load<i64>(b + o));
  }
  return <i32>s;
}
