/**
 * Adam (Kingma & Ba) over one contiguous parameter block, with PyTorch's
 * semantics: bias-corrected moments and optional L2 weight decay added to
 * the gradient. Dense: every parameter is updated at every step.
 */
import type { Heap } from "./heap.js";

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export class Adam {
  private readonly m: number;
  private readonly v: number;
  step = 0;

  constructor(
    private readonly heap: Heap,
    private readonly params: number,
    private readonly grads: number,
    private readonly size: number,
    readonly options: AdamOptions,
  ) {
    this.m = heap.alloc(size);
    this.v = heap.alloc(size);
  }

  update(): void {
    const { lr, beta1, beta2, eps, weightDecay } = this.options;
    this.step++;
    const f = this.heap.f32;
    const bc1 = 1 - Math.pow(beta1, this.step);
    const bc2 = 1 - Math.pow(beta2, this.step);
    const stepSize = lr / bc1;
    const invSqrtBc2 = 1 / Math.sqrt(bc2);
    const p = this.params;
    const g = this.grads;
    const m = this.m;
    const v = this.v;
    const b1c = 1 - beta1;
    const b2c = 1 - beta2;
    for (let i = 0; i < this.size; i++) {
      let gi = f[g + i];
      if (weightDecay !== 0) gi += weightDecay * f[p + i];
      const mi = beta1 * f[m + i] + b1c * gi;
      const vi = beta2 * f[v + i] + b2c * gi * gi;
      f[m + i] = mi;
      f[v + i] = vi;
      f[p + i] -= (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
    }
  }
}
