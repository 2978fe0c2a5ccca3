// Adam (Kingma & Ba) over one flat float32 parameter vector. Moments are kept
// in float64; beta^t is a running product rather than Math.pow, keeping every
// operation correctly rounded so training replays bit-for-bit anywhere.

export interface AdamSettings {
  beta1: number;
  beta2: number;
  eps: number;
}

export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private beta1Pow = 1;
  private beta2Pow = 1;

  constructor(size: number, private readonly s: AdamSettings) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** params -= lr * mhat / (sqrt(vhat) + eps), with grad = sum of the per-shard buffers (summed in order). */
  step(params: Float32Array, shardGrads: readonly Float32Array[], lr: number): void {
    const { beta1, beta2, eps } = this.s;
    this.beta1Pow *= beta1;
    this.beta2Pow *= beta2;
    const c1 = 1 - this.beta1Pow;
    const c2 = 1 - this.beta2Pow;
    const m = this.m, v = this.v;
    for (let i = 0; i < params.length; i++) {
      let g = 0;
      for (let s = 0; s < shardGrads.length; s++) g += shardGrads[s][i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
    }
  }
}
