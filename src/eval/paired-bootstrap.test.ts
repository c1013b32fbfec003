import assert from "node:assert/strict";
import { test } from "node:test";
import { pairedBootstrap } from "./paired-bootstrap.js";

test("a consistent gain gets an interval above zero; a gain made of noise straddles zero", () => {
  const n = 300;
  const base = Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000);
  const better = base.map((x) => x + 0.05);
  const clear = pairedBootstrap(better, base, { seed: 3 });
  assert.ok(Math.abs(clear.difference - 0.05) < 1e-12);
  assert.ok(clear.low > 0.049 && clear.high < 0.051, JSON.stringify(clear));
  // differences of +0.5 and -0.5 alternating: mean 0, wide interval around it
  const noisy = base.map((x, i) => x + (i % 2 === 0 ? 0.5 : -0.5));
  const noise = pairedBootstrap(noisy, base, { seed: 3 });
  assert.ok(noise.low < 0 && noise.high > 0, JSON.stringify(noise));
  assert.ok(noise.high - noise.low > 0.05);
  assert.deepEqual(pairedBootstrap(noisy, base, { seed: 3 }), noise, "seeded: the same interval again");
  assert.throws(() => pairedBootstrap([1], [1, 2]), /same length/);
  assert.equal(pairedBootstrap([], []).pairs, 0);
});
