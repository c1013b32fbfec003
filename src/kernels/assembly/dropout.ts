// Dropout masks (AssemblyScript, compiled to WebAssembly): for each of n floats
// draws u = next()/2^32 from a xoshiro128** stream and keeps the value, scaled by
// `keep` = 1/(1-p), when u >= p; zeroes it otherwise. The mask is written too
// (for the backward pass). The generator's four 32-bit words live in memory at
// `state` and are updated, so JavaScript's Rng (sequence/rng.ts) and this kernel
// continue one stream: the same draws, in the same order, as the JavaScript loop,
// and the products are rounded the same way (in f64, then to f32).

export function dropoutMask(x: usize, mask: usize, n: i32, p: f64, keep: f64, state: usize): void {
  let a = load<u32>(state);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  for (let i = 0; i < n; i++) {
    const result = rotl<u32>(b * 5, 7) * 9;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl<u32>(d, 11);
    const m: f64 = <f64>result / 4294967296.0 >= p ? keep : 0;
    const o = <usize>i << 2;
    store<f32>(mask + o, <f32>m);
    store<f32>(x + o, <f32>(<f64>load<f32>(x + o) * m));
  }
  store<u32>(state, a);
  store<u32>(state, b, 4);
  store<u32>(state, c, 8);
  store<u32>(state, d, 12);
}
